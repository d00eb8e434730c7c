// The viewer: one EventSource per view, rows rendered in batches once per animation frame.
import { compileSearch, entryMatches } from "./format.js";
import { createGapRow, createRow, lineText, toggleFields } from "./render.js";

/** @typedef {import("../lib/types").LogEntry} LogEntry */
/** @typedef {import("../lib/types").Gap} Gap */
/** @typedef {{ entry: LogEntry } | { gap: Gap }} Item */

const STREAM_NAME = /^[A-Za-z0-9._-]{1,64}$/;
const RECONNECT_MS = 2000;
/** Script time per animation frame for building rows, so a burst is spread over frames instead of freezing the tab. */
const FRAME_BUDGET_MS = 25;

/** @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
const log = $("log");
const state = $("state");
const jump = /** @type {HTMLButtonElement} */ ($("jump"));
const pauseButton = /** @type {HTMLButtonElement} */ ($("pause"));
const levelSelect = /** @type {HTMLSelectElement} */ ($("level"));
const searchInput = /** @type {HTMLInputElement} */ ($("q"));
const count = $("count");

const params = new URLSearchParams(location.search);
const stream = params.get("stream") ?? "";
/** Most rows kept on the page; older ones leave the DOM. `?max=` overrides. */
const maxRows = positive(params.get("max"), 10_000);
/** Entries the server backfills on connect. `?tail=` overrides. */
const tail = Math.min(positive(params.get("tail"), 500), 10_000);
/** A read token given in the page's own URL is passed on; otherwise the sign-in cookie does the work. */
const accessToken = params.get("access_token");

/** @type {EventSource | null} */
let source = null;
let lastId = 0;
/** @type {Item[]} */
let pending = [];
/** Entries on screen by id, oldest first. @type {Map<number, LogEntry>} */
const shown = new Map();
let frame = 0;
/** Why following stopped: null while following the newest line. @type {"button" | "scroll" | null} */
let paused = null;
let search = compileSearch(params.get("q") ?? "");
/** @type {ReturnType<typeof setTimeout> | undefined} */
let retryTimer;

/** @param {string | null} value @param {number} fallback */
function positive(value, fallback) {
  const n = Number(value);
  return Number.isSafeInteger(n) && n > 0 ? n : fallback;
}

/** @param {"connecting" | "live" | "reconnecting"} name @param {string} [reason] */
function setState(name, reason) {
  state.dataset.state = name;
  state.textContent = reason ? `${name}: ${reason}` : name;
}

function connect() {
  clearTimeout(retryTimer);
  source?.close();
  const query = new URLSearchParams({ tail: String(tail) });
  if (levelSelect.value) query.set("level", levelSelect.value);
  if (search.server) query.set("q", search.server);
  if (lastId > 0) query.set("lastEventId", String(lastId));
  if (accessToken) query.set("access_token", accessToken);
  setState(lastId > 0 ? "reconnecting" : "connecting");
  const es = new EventSource(`/api/streams/${encodeURIComponent(stream)}/events?${query}`);
  source = es;
  es.onopen = () => setState("live");
  es.addEventListener("log", (event) => {
    const entry = /** @type {LogEntry} */ (JSON.parse(event.data));
    // Ids only grow: anything at or below the last one is a replay this view already has.
    if (entry.id <= lastId) return;
    lastId = entry.id;
    if (entryMatches(entry, search.regex)) enqueue({ entry });
  });
  es.addEventListener("gap", (event) => {
    const gap = /** @type {Gap} */ (JSON.parse(event.data));
    lastId = Math.max(lastId, gap.to);
    enqueue({ gap });
  });
  es.onerror = () => {
    if (es.readyState === EventSource.CONNECTING) {
      setState("reconnecting", "connection lost, retrying");
      return;
    }
    // The browser gave up (an HTTP error or a wrong response): find out why, then try again from the last id.
    es.close();
    start();
  };
}

/** Connects, unless the server wants a token first; then asks for it once. */
async function start() {
  const query = accessToken ? `?access_token=${encodeURIComponent(accessToken)}` : "";
  /** @type {Response | null} */
  let response = null;
  try {
    response = await fetch(`/api/streams/${encodeURIComponent(stream)}${query}`);
  } catch {
    // Unreachable: handled below like any other failure.
  }
  if (response?.status === 401) {
    setState("reconnecting", "a read token is needed");
    $("signin").hidden = false;
    /** @type {HTMLInputElement} */ ($("token")).focus();
    return;
  }
  if (response?.ok) {
    connect();
    return;
  }
  const reason = response ? `server answered ${response.status}` : "server unreachable";
  setState("reconnecting", `${reason}, retrying in ${RECONNECT_MS / 1000} s`);
  retryTimer = setTimeout(start, RECONNECT_MS);
}

/** @param {SubmitEvent} event */
async function signIn(event) {
  event.preventDefault();
  const input = /** @type {HTMLInputElement} */ ($("token"));
  const response = await fetch("/api/session", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ token: input.value }),
  });
  if (!response.ok) {
    $("signin-error").textContent = /** @type {{ error: string }} */ (await response.json()).error;
    return;
  }
  input.value = "";
  $("signin-error").textContent = "";
  $("signin").hidden = true;
  start();
}

/** @param {Item} item */
function enqueue(item) {
  pending.push(item);
  // While paused the view holds still; keep only what the page could show on resume.
  if (pending.length > maxRows * 2) pending = pending.slice(-maxRows);
  if (frame === 0) frame = requestAnimationFrame(flush);
}

function flush() {
  frame = 0;
  if (paused !== null) {
    const waiting = pending.filter((item) => "entry" in item).length;
    jump.hidden = false;
    jump.textContent = `${waiting} new line${waiting === 1 ? "" : "s"} — jump to latest`;
    return;
  }
  // Rows that the cap would remove at once are never built.
  if (pending.length > maxRows) pending = pending.slice(-maxRows);
  const deadline = performance.now() + FRAME_BUDGET_MS;
  const fragment = document.createDocumentFragment();
  let built = 0;
  while (built < pending.length && (built % 100 !== 0 || performance.now() < deadline)) {
    const item = /** @type {Item} */ (pending[built++]);
    if ("gap" in item) fragment.append(createGapRow(item.gap));
    else {
      shown.set(item.entry.id, item.entry);
      fragment.append(createRow(item.entry, search.regex));
    }
  }
  pending = pending.slice(built);
  if (pending.length > 0) frame = requestAnimationFrame(flush);
  log.append(fragment);
  trim();
  log.scrollTop = log.scrollHeight;
  updateCount();
}

/** Removes the oldest rows past the cap in one DOM operation. */
function trim() {
  const excess = log.childElementCount - maxRows;
  if (excess <= 0) return;
  const range = document.createRange();
  range.setStartBefore(/** @type {Element} */ (log.firstElementChild));
  range.setEndAfter(/** @type {Element} */ (log.children[excess - 1]));
  range.deleteContents();
  for (const id of shown.keys()) {
    if (shown.size <= maxRows) break;
    shown.delete(id);
  }
}

function updateCount() {
  count.textContent = `${shown.size.toLocaleString()} line${shown.size === 1 ? "" : "s"}`;
}

/** @param {"button" | "scroll" | null} reason */
function setPaused(reason) {
  paused = reason;
  pauseButton.setAttribute("aria-pressed", String(reason !== null));
  pauseButton.textContent = reason === null ? "Pause" : "Resume";
  if (reason === null) {
    jump.hidden = true;
    flush();
  } else if (frame === 0) frame = requestAnimationFrame(flush);
}

/** Clears the view and reconnects with the current filter, which the server applies too. */
function refilter() {
  const url = new URL(location.href);
  for (const [name, value] of [
    ["level", levelSelect.value],
    ["q", searchInput.value],
  ]) {
    if (value) url.searchParams.set(/** @type {string} */ (name), /** @type {string} */ (value));
    else url.searchParams.delete(/** @type {string} */ (name));
  }
  history.replaceState(null, "", url);
  search = compileSearch(searchInput.value);
  searchInput.setCustomValidity(search.error ?? "");
  searchInput.title = search.error ?? "";
  if (search.error) return;
  clearView();
  lastId = 0;
  connect();
}

function clearView() {
  log.replaceChildren();
  shown.clear();
  pending = [];
  updateCount();
  if (paused === null) jump.hidden = true;
}

function download() {
  const lines = [...shown.values()].map((entry) => JSON.stringify(entry)).join("\n");
  const link = document.createElement("a");
  link.href = URL.createObjectURL(new Blob([lines ? `${lines}\n` : ""], { type: "application/x-ndjson" }));
  link.download = `${stream}-${new Date().toISOString().replace(/[:.]/g, "-")}.ndjson`;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}

/** @param {MouseEvent} event */
function onLogClick(event) {
  const target = /** @type {HTMLElement} */ (event.target);
  const button = target.closest("button");
  const row = target.closest(".row");
  if (!button || !(row instanceof HTMLElement)) return;
  const entry = shown.get(Number(row.dataset.id));
  if (!entry) return;
  if (button.classList.contains("fields")) toggleFields(button, entry);
  else if (button.classList.contains("copy")) {
    navigator.clipboard.writeText(lineText(entry)).then(
      () => flash(button, "✓"),
      () => flash(button, "✗"),
    );
  }
}

/** @param {HTMLButtonElement} button @param {string} text */
function flash(button, text) {
  const before = button.textContent;
  button.textContent = text;
  setTimeout(() => {
    button.textContent = before;
  }, 1000);
}

function onScroll() {
  const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 4;
  if (!atBottom && paused === null) setPaused("scroll");
  else if (atBottom && paused === "scroll") setPaused(null);
}

/** @param {KeyboardEvent} event */
function onKey(event) {
  const typing = event.target instanceof HTMLInputElement || event.target instanceof HTMLSelectElement;
  if (event.key === "Escape" && typing) /** @type {HTMLElement} */ (event.target).blur();
  if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.key === "p") setPaused(paused === null ? "button" : null);
  else if (event.key === "/") {
    event.preventDefault();
    searchInput.focus();
  } else if (event.key === "End") setPaused(null);
  else return;
  event.preventDefault();
}

/** One stream of the index as a link, with its size, rate and last activity. */
function streamLink(/** @type {import("../lib/types").StreamSummary} */ stream) {
  const item = document.createElement("li");
  const link = document.createElement("a");
  link.href = `/?stream=${encodeURIComponent(stream.name)}`;
  link.textContent = stream.name;
  const detail = document.createElement("span");
  const ago = Math.max(0, Math.round((Date.now() - stream.lastActivity) / 1000));
  detail.textContent = `${stream.entries.toLocaleString()} lines · ${stream.rate}/s · ${ago < 60 ? `${ago}s` : `${Math.round(ago / 60)}m`} ago`;
  item.append(link, detail);
  return item;
}

function showPicker() {
  $("pick").hidden = false;
  /** @type {HTMLInputElement} */ ($("pick-name")).focus();
  loadStreams();
  setInterval(loadStreams, 5000);
}

/** Fills the picker from the stream index, when there is one to read. */
async function loadStreams() {
  try {
    const response = await fetch("/api/streams");
    if (!response.ok) return;
    const { streams } = /** @type {{ streams: import("../lib/types").StreamSummary[] }} */ (await response.json());
    $("stream-list").replaceChildren(
      ...streams.map(({ name }) => Object.assign(document.createElement("option"), { value: name })),
    );
    $("stream-links").replaceChildren(...streams.map(streamLink));
    $("streams").hidden = streams.length === 0;
  } catch {
    // No index to offer: typing a name still works.
  }
}

if (!STREAM_NAME.test(stream)) {
  showPicker();
} else {
  $("controls").hidden = false;
  $("title").textContent = stream;
  document.title = `${stream} · edge-tail`;
  levelSelect.value = params.get("level") ?? "";
  searchInput.value = params.get("q") ?? "";
  levelSelect.addEventListener("change", refilter);
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let typing;
  searchInput.addEventListener("input", () => {
    clearTimeout(typing);
    typing = setTimeout(refilter, 300);
  });
  pauseButton.addEventListener("click", () => setPaused(paused === null ? "button" : null));
  jump.addEventListener("click", () => setPaused(null));
  $("clear").addEventListener("click", clearView);
  $("download").addEventListener("click", download);
  log.addEventListener("click", onLogClick);
  log.addEventListener("scroll", onScroll, { passive: true });
  document.addEventListener("keydown", onKey);
  $("signin").addEventListener("submit", signIn);
  start();
}
