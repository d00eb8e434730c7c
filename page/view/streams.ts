// The stream list: the landing page's links (paged by name, filtered by prefix), the header's switcher
// (type-ahead over the same list) and the commands that send a first line.
import { isStreamName, isStreamPrefix, STREAM_NAME_PATTERN, STREAM_PREFIX_PATTERN } from "../../lib/names.js";
import type { StreamSummary } from "../../lib/types";
import { accessToken, getJson } from "../api";
import { $ } from "../dom";
import { summaryText } from "../stream-summary";
import { streamTag } from "./rows";

/** The command that sends one line to `stream` on this host. */
export function curlCommand(stream: string): string {
  return `curl -H 'Content-Type: text/plain' --data-binary 'INFO hello from curl' ${location.origin}/api/streams/${stream}/logs`;
}

/** The page's URL for a stream, keeping a read token given in the URL. */
export function streamUrl(name: string): string {
  const url = new URL("/", location.origin);
  url.searchParams.set("stream", name);
  if (accessToken) url.searchParams.set("access_token", accessToken);
  return `${url.pathname}${url.search}`;
}

/** The command that downloads this deployment's CLI and pipes a program's output into `stream`. */
export function cliCommand(stream: string): string {
  return `curl -fsSLO ${location.origin}/cli.mjs && some-app 2>&1 | node cli.mjs pipe ${location.origin} ${stream}`;
}

/** A command shown as a block of code. */
export function commandBlock(command: string): HTMLElement {
  const pre = document.createElement("pre");
  pre.className = "command";
  pre.append(Object.assign(document.createElement("code"), { textContent: command }));
  return pre;
}

/** A page of the stream list: names in order, and the cursor of the next page (null at the end). */
interface StreamPage {
  streams: StreamSummary[];
  next: string | null;
}

/** One page of the streams whose names start with `prefix`, after `cursor`; null when the list cannot be read. */
export async function fetchStreams(prefix = "", cursor = "", limit = 100): Promise<StreamPage | null> {
  try {
    const query = new URLSearchParams({ prefix, limit: String(limit) });
    if (cursor !== "") query.set("cursor", cursor);
    const body = await getJson<Partial<StreamPage>>("/api/streams", query);
    return Array.isArray(body.streams) ? { streams: body.streams, next: body.next ?? null } : null;
  } catch {
    return null;
  }
}

/**
 * The streams `?stream=` names: one name, or several names and `team-a.*` prefixes, comma-separated (a merged
 * view); null when any part is neither.
 */
export function parseSelection(value: string): string[] | null {
  const parts = value
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part !== "");
  if (parts.length === 0 || !parts.every((part) => isStreamName(part) || isStreamPrefix(part))) return null;
  return [...new Set(parts)];
}

/** Whether a selection shows several streams (a prefix may stand for any number). */
export const isMerged = (selection: string[]) => selection.length > 1 || selection.some(isStreamPrefix);

/** Fills the datalist both the picker and the switcher type ahead over. */
function fillDatalist(streams: StreamSummary[]) {
  $("stream-list").replaceChildren(
    ...streams.map(({ name }) => Object.assign(document.createElement("option"), { value: name })),
  );
}

/** A form whose field names a stream, or several (`a,b`, `team-a.*`): it opens their page. */
function wireForm(form: HTMLFormElement, input: HTMLInputElement) {
  const part = `(${STREAM_NAME_PATTERN}|${STREAM_PREFIX_PATTERN})`;
  input.pattern = `\\s*${part}(\\s*,\\s*${part})*\\s*`;
  input.title = "A stream name (1–64 characters of A-Z a-z 0-9 . _ -), or several: a,b or team-a.*";
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const selection = parseSelection(input.value);
    if (selection) location.assign(streamUrl(selection.join(",")));
  });
}

/** The header's switcher, a checkbox list to show several streams together, and the streams shown. */
export function showSwitcher(selection: string[]) {
  const form = $("switch") as HTMLFormElement;
  const input = $("switch-name") as HTMLInputElement;
  form.hidden = false;
  input.value = selection.join(",");
  input.addEventListener("focus", () => input.select());
  wireForm(form, input);
  const several = $("several") as HTMLDetailsElement;
  several.hidden = false;
  const checked = new Set(selection);
  $("several-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const names = [...several.querySelectorAll<HTMLInputElement>("input:checked")].map((box) => box.value);
    if (names.length > 0) location.assign(streamUrl(names.join(",")));
  });
  several.addEventListener("toggle", () => {
    if (several.open) several.querySelector<HTMLInputElement>("input")?.focus();
  });
  several.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    several.open = false;
    several.querySelector("summary")?.focus();
  });
  if (isMerged(selection)) {
    // The list would be cut off in the box and its tags would widen the header: "3 streams" opens them, with the
    // box for a name to open at their top.
    $("several-panel").prepend(form);
    const label = form.querySelector("label");
    if (label) {
      label.className = "switch-label";
      label.textContent = "Open a stream, or several (a,b or team-a.*)";
    }
    several.classList.add("merged");
    const summary = several.querySelector("summary") as HTMLElement;
    summary.textContent = selection.length === 1 ? (selection[0] as string) : `${selection.length} streams`;
    summary.title = selection.join(", ");
    summary.setAttribute("aria-describedby", "selection");
    const shown = $("selection");
    shown.hidden = false;
    shown.replaceChildren("Shown together: ", ...selection.map((name) => streamTag(name, selection)));
  }
  const refresh = async () => {
    const page = await fetchStreams();
    if (!page) return;
    const { streams } = page;
    fillDatalist(streams);
    for (const box of several.querySelectorAll<HTMLInputElement>("input")) {
      if (box.checked) checked.add(box.value);
      else checked.delete(box.value);
    }
    $("several-list").replaceChildren(...streams.map(({ name }) => checkbox(name, checked.has(name))));
  };
  void refresh();
  setInterval(refresh, 15_000);
}

function checkbox(name: string, checked: boolean): HTMLElement {
  const item = document.createElement("li");
  const label = document.createElement("label");
  const box = Object.assign(document.createElement("input"), { type: "checkbox", value: name, checked });
  label.append(box, ` ${name}`);
  item.append(label);
  return item;
}

/** Most rows the landing's list refreshes at once: what the API gives in one page. */
const MAX_PAGE = 1000;

export function showLanding() {
  $("landing").hidden = false;
  $("home").classList.add("here");
  ($("landing-curl") as HTMLElement).textContent = curlCommand("my-app");
  ($("landing-curl").parentElement as HTMLElement).after(commandBlock(cliCommand("my-app")));
  const input = $("pick-name") as HTMLInputElement;
  wireForm($("pick") as HTMLFormElement, input);
  input.focus();
  // The list pages by name: a prefix box narrows it as you type, "More streams" appends the next page.
  const links = $("stream-links");
  const filter = Object.assign(document.createElement("input"), {
    type: "search",
    id: "stream-prefix",
    placeholder: "Filter by prefix, e.g. team-a.",
    autocomplete: "off",
    spellcheck: false,
  });
  filter.setAttribute("aria-label", "Show streams whose names start with");
  const more = Object.assign(document.createElement("button"), { type: "button", textContent: "More streams" });
  more.hidden = true;
  links.before(filter);
  links.after(more);
  let shown: StreamSummary[] = [];
  let next: string | null = null;
  /** Bumped by each new prefix, so an answer for an older prefix is dropped. */
  let generation = 0;
  const render = (prefix: string) => {
    fillDatalist(shown);
    links.replaceChildren(...shown.map(streamLink));
    more.hidden = next === null;
    const none = $("no-streams");
    none.hidden = shown.length > 0;
    none.textContent = prefix === "" ? "No stream has received a line yet." : `No stream starts with “${prefix}”.`;
  };
  /** Reloads what is shown: as many rows as are shown now (at least a page), from the first. */
  const refresh = async () => {
    const mine = generation;
    const prefix = filter.value.trim();
    const page = await fetchStreams(prefix, "", Math.min(MAX_PAGE, Math.max(100, shown.length)));
    if (page === null || mine !== generation) return;
    shown = page.streams;
    next = page.next;
    render(prefix);
  };
  let typing: ReturnType<typeof setTimeout> | undefined;
  filter.addEventListener("input", () => {
    // An answer still on its way is for what the box held before: it is dropped.
    generation++;
    clearTimeout(typing);
    typing = setTimeout(() => {
      shown = [];
      void refresh();
    }, 150);
  });
  more.addEventListener("click", async () => {
    if (next === null) return;
    const mine = generation;
    const prefix = filter.value.trim();
    const page = await fetchStreams(prefix, next);
    if (page === null || mine !== generation) return;
    shown = [...shown, ...page.streams];
    next = page.next;
    render(prefix);
  });
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
  detail.textContent = summaryText(stream, Date.now());
  item.append(link, detail);
  return item;
}
