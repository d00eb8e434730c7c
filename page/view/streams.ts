// The stream list: the landing page's links, the header's switcher (type-ahead over the same list) and the
// curl command that sends a first line.
import { isStreamName, STREAM_NAME_PATTERN } from "../../lib/names.js";
import type { StreamSummary } from "../../lib/types";

const $ = (id: string) => document.getElementById(id) as HTMLElement;

/** The command that sends one line to `stream` on this host. */
export function curlCommand(stream: string): string {
  return `curl -H 'Content-Type: text/plain' --data-binary 'INFO hello from curl' ${location.origin}/api/streams/${stream}/logs`;
}

/** The page's URL for a stream, keeping a read token given in the URL. */
export function streamUrl(name: string): string {
  const url = new URL("/", location.origin);
  url.searchParams.set("stream", name);
  const token = new URLSearchParams(location.search).get("access_token");
  if (token) url.searchParams.set("access_token", token);
  return `${url.pathname}${url.search}`;
}

export async function fetchStreams(): Promise<StreamSummary[] | null> {
  try {
    const response = await fetch("/api/streams");
    if (!response.ok) return null;
    const body = (await response.json()) as { streams?: StreamSummary[] };
    return Array.isArray(body.streams) ? body.streams : null;
  } catch {
    return null;
  }
}

/** Fills the datalist both the picker and the switcher type ahead over. */
function fillDatalist(streams: StreamSummary[]) {
  $("stream-list").replaceChildren(
    ...streams.map(({ name }) => Object.assign(document.createElement("option"), { value: name })),
  );
}

/** A form whose field names a stream: it opens that stream's page. */
function wireForm(form: HTMLFormElement, input: HTMLInputElement) {
  input.pattern = STREAM_NAME_PATTERN;
  input.title = "1–64 characters of A-Z a-z 0-9 . _ -";
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const name = input.value.trim();
    if (isStreamName(name)) location.assign(streamUrl(name));
  });
}

export function showSwitcher(current: string) {
  const form = $("switch") as HTMLFormElement;
  const input = $("switch-name") as HTMLInputElement;
  form.hidden = false;
  input.value = current;
  input.addEventListener("focus", () => input.select());
  wireForm(form, input);
  const refresh = async () => {
    const streams = await fetchStreams();
    if (streams) fillDatalist(streams);
  };
  void refresh();
  setInterval(refresh, 15_000);
}

export function showLanding() {
  $("landing").hidden = false;
  ($("landing-curl") as HTMLElement).textContent = curlCommand("my-app");
  const input = $("pick-name") as HTMLInputElement;
  wireForm($("pick") as HTMLFormElement, input);
  input.focus();
  const refresh = async () => {
    const streams = await fetchStreams();
    if (streams === null) return;
    fillDatalist(streams);
    $("stream-links").replaceChildren(...streams.map(streamLink));
    $("no-streams").hidden = streams.length > 0;
  };
  void refresh();
  setInterval(refresh, 5000);
}

/** One stream as a link, with its size, rate and last activity. */
function streamLink(stream: StreamSummary): HTMLElement {
  const item = document.createElement("li");
  const link = document.createElement("a");
  link.href = streamUrl(stream.name);
  link.textContent = stream.name;
  const detail = document.createElement("span");
  const ago = Math.max(0, Math.round((Date.now() - stream.lastActivity) / 1000));
  const when = ago < 60 ? `${ago} s` : ago < 3600 ? `${Math.round(ago / 60)} min` : `${Math.round(ago / 3600)} h`;
  detail.textContent = `${stream.entries.toLocaleString()} lines · ${stream.rate}/s · ${when} ago`;
  item.append(link, detail);
  return item;
}
