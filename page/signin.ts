// The sign-in form, shown when the stream wants a read token: the token buys a session cookie, then the page
// connects again.
import { failure, request } from "./api";
import { $ } from "./dom";

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
    try {
      await request("/api/session", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ token: input.value }),
      });
    } catch (caught) {
      $("signin-error").textContent = failure(caught);
      return;
    }
    input.value = "";
    $("signin-error").textContent = "";
    $("signin").hidden = true;
    onSignedIn();
  });
}
