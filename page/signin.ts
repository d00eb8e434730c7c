// The sign-in form, shown when the stream wants a read token: the token buys a session cookie, then the page
// connects again.
const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

/** Shows the form, ready to type into. */
export function askForToken() {
  $("signin").hidden = false;
  $<HTMLInputElement>("token").focus();
}

/** Calls `onSignedIn` once the server took the token; says why not otherwise. */
export function wireSignIn(onSignedIn: () => void) {
  $("signin").addEventListener("submit", async (event) => {
    event.preventDefault();
    const input = $<HTMLInputElement>("token");
    const response = await fetch("/api/session", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ token: input.value }),
    });
    if (!response.ok) {
      const body = (await response.json().catch(() => ({}))) as { error?: string };
      $("signin-error").textContent = body.error ?? `The server answered ${response.status}`;
      return;
    }
    input.value = "";
    $("signin-error").textContent = "";
    $("signin").hidden = true;
    onSignedIn();
  });
}
