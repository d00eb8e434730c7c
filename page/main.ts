// The page: reads the URL, wires the connection to the state and the state to the view. Incoming lines are
// batched per animation frame; only the view touches the DOM.
import { stripAnsi } from "../lib/ansi.js";
import { lineText } from "../lib/format.js";
import { levelOf } from "../lib/levels.js";
import { fieldTerm, type Query } from "../lib/query.js";
import type { LogEntry } from "../lib/types";
import { Connection, type ConnectionState } from "./connection";
import { DEFAULT_CAPACITY, type Incoming, type Item, isFiltering, LogState, type PauseReason } from "./state";
import { wireAlerts } from "./view/alerts";
import { copyText, flash } from "./view/clipboard";
import { showEmpty } from "./view/empty";
import { valueAt } from "./view/fields";
import { showIncident } from "./view/incident";
import { LogList } from "./view/list";
import { buildRow } from "./view/rows";
import { SearchBox } from "./view/search";
import { isMerged, parseSelection, showLanding, showSwitcher } from "./view/streams";

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

const params = new URLSearchParams(location.search);
/** The stream, or streams (`a,b`, `team-a.*`: a merged view), that the URL names. */
const selection = parseSelection(params.get("stream") ?? "");
const incident = params.get("incident");

function positive(value: string | null, fallback: number): number {
  const n = Number(value);
  return value !== null && Number.isSafeInteger(n) && n > 0 ? n : fallback;
}

if (selection === null) showLanding();
else if (incident !== null && selection.length === 1 && !isMerged(selection)) {
  showSwitcher(selection);
  void showIncident(selection[0] as string, incident);
} else tail(selection);

function tail(selection: string[]) {
  const merged = isMerged(selection);
  /** The stream's name, or the selection as the URL gives it (`a,b,team-a.*`) in a merged view. */
  const stream = selection.join(",");
  const state = new LogState(positive(params.get("max"), DEFAULT_CAPACITY), { merged });
  const log = $("log");
  const jump = $<HTMLButtonElement>("jump");
  const pauseButton = $<HTMLButtonElement>("pause");
  const wrapButton = $<HTMLButtonElement>("wrap");
  const levelSelect = $<HTMLSelectElement>("level");
  const badge = $("state");
  let connectionState: ConnectionState = "connecting";
  let connectionReason = "";
  let highlights: ((text: string) => Array<[number, number]>) | null = null;
  let incoming: Incoming[] = [];
  let frame = 0;
  /** Whether the connection was started: a filter applied before that is just the URL's. */
  let started = false;

  $("controls").hidden = false;
  log.hidden = false;
  $("title").hidden = false;
  $("title").textContent = merged ? `Streams ${selection.join(", ")}` : `Stream ${stream}`;
  document.title = `${selection.join(", ")} · edge-tail`;
  showSwitcher(selection);

  const list = new LogList(log, $("rows"), {
    build: (item, expanded) => buildRow(item, { highlights, expanded }),
    // Back at the bottom resumes, unless the reader paused on purpose (Pause, p).
    onUserScroll: (atBottom) => (!atBottom ? pause("scroll") : state.paused !== "button" && resume()),
  });

  const connection = new Connection({
    stream,
    merged,
    tail: Math.min(positive(params.get("tail"), 500), 10_000),
    accessToken: params.get("access_token"),
    resumeFrom: () => (merged ? state.positions : String(state.lastId)),
    onEntry: (entry, from) =>
      enqueue(from === undefined ? { kind: "entry", entry } : { kind: "entry", entry, stream: from }),
    onGap: (gap, from) => enqueue(from === undefined ? { kind: "gap", gap } : { kind: "gap", gap, stream: from }),
    onOutage: (from, to) => enqueue({ kind: "outage", from, to }),
    onState: (name, reason) => {
      connectionState = name;
      connectionReason = reason ?? "";
      showState();
    },
    onNeedToken: () => {
      $("signin").hidden = false;
      $<HTMLInputElement>("token").focus();
    },
  });

  const search = new SearchBox($<HTMLInputElement>("q"), $("q-error"), (query, source) => {
    setUrl("q", source.trim());
    applyFilter(query);
  });
  if (!merged) wireAlerts(stream, () => search.input.value.trim());

  function enqueue(item: Incoming) {
    incoming.push(item);
    if (frame === 0) frame = requestAnimationFrame(flush);
  }

  /** Once per frame: the batch into the state, the state into the view. */
  function flush() {
    frame = 0;
    const batch = incoming;
    incoming = [];
    const change = state.add(batch);
    if (change.reset || change.appended > 0 || change.removedFromTop > 0)
      list.setItems(state.shown, change.removedFromTop);
    if (list.following) list.render();
    showCounts();
  }

  function showState() {
    const name = connectionState === "live" && state.paused !== null ? "paused" : connectionState;
    badge.dataset.state = name;
    badge.textContent = connectionReason && name !== "paused" ? `${name}: ${connectionReason}` : name;
  }

  function showCounts() {
    const entries = state.shownEntries;
    const filtering = isFiltering(state.filter);
    $("matches").textContent = filtering
      ? `${entries.toLocaleString()} of ${state.size.toLocaleString()} match`
      : `${entries.toLocaleString()} line${entries === 1 ? "" : "s"}`;
    const waiting = state.newWhilePaused;
    jump.hidden = state.paused === null;
    jump.textContent =
      waiting > 0
        ? `${waiting.toLocaleString()} new line${waiting === 1 ? "" : "s"} — jump to latest`
        : "Jump to latest";
    const empty = list.count === 0;
    showEmpty(
      empty
        ? {
            stream,
            filtering,
            held: state.size,
            query: $<HTMLInputElement>("q").value,
            level: state.filter.level,
            merged,
            load: searchHistory,
          }
        : null,
    );
  }

  function pause(reason: PauseReason) {
    state.pause(reason);
    list.follow(false);
    pauseButton.setAttribute("aria-pressed", "true");
    pauseButton.textContent = "Resume";
    log.classList.add("paused");
    showState();
    showCounts();
  }

  function resume() {
    const change = state.resume();
    list.setItems(state.shown, change.removedFromTop);
    list.follow(true);
    pauseButton.setAttribute("aria-pressed", "false");
    pauseButton.textContent = "Pause";
    log.classList.remove("paused");
    showState();
    showCounts();
  }

  function applyFilter(query: Query | null) {
    olderExhausted = false;
    highlights = query ? query.highlights : null;
    state.setFilter({ query, level: levelOf(levelSelect.value) });
    list.setItems(state.shown);
    list.refresh();
    if (state.paused !== null) {
      // Show the matching lines, newest at the bottom, still paused.
      list.following = true;
      list.render();
      list.following = false;
    }
    showCounts();
    if (started) connection.refilter(serverFilter());
  }

  function serverFilter() {
    const parsed = search.input.getAttribute("aria-invalid") === "true" ? "" : (state.filter.query?.text ?? "");
    return { q: parsed, level: levelSelect.value };
  }

  function setUrl(name: string, value: string) {
    const url = new URL(location.href);
    if (value) url.searchParams.set(name, value);
    else url.searchParams.delete(name);
    history.replaceState(null, "", url);
  }

  /** The empty state's "search all": pages through the history until some lines match, shown in place. */
  async function searchHistory(progress: (next: number | null) => void, signal: AbortSignal): Promise<number> {
    const found = await fetchHistory(null, 1000, { progress, signal });
    const change = state.add(found);
    list.setItems(state.shown, change.removedFromTop);
    list.follow(state.paused === null);
    showCounts();
    return found.length;
  }

  /** No line older than the oldest held one matches (the history said so); reset by a new filter. */
  let olderExhausted = false;
  let loadingOlder = false;

  /** Scrolled up to the first line held: the lines before it come from the history, and the view stays put. */
  async function loadOlder() {
    const oldest = state.oldestId;
    // History is one stream's: a merged view shows what it received (the README says so).
    if (merged || loadingOlder || olderExhausted || oldest === null || oldest <= 1) return;
    loadingOlder = true;
    try {
      const found = await fetchHistory(oldest, 500);
      if (found.length === 0) {
        olderExhausted = true;
        return;
      }
      const anchor = list.anchor();
      const change = state.add(found);
      list.setItems(state.shown, change.removedFromTop);
      list.render();
      if (anchor) list.restore(anchor);
      showCounts();
    } catch {
      olderExhausted = true;
    } finally {
      loadingOlder = false;
    }
  }

  /**
   * Up to `wanted` entries matching the filter, below `start` (null: the newest), oldest first; it stops at the
   * stream's oldest entry, or after 50 requests (each reads a bounded part of the ring). With `progress` (the
   * reader asked to search everything) it stops at the first page with matches instead, and only then.
   */
  async function fetchHistory(
    start: number | null,
    wanted: number,
    search?: { progress: (next: number | null) => void; signal: AbortSignal },
  ): Promise<Incoming[]> {
    const q = state.filter.query?.text ?? "";
    const level = state.filter.level;
    const found: Incoming[] = [];
    let before: number | null = start;
    for (let requests = 0; (search || requests < 50) && found.length < wanted; requests++) {
      const query = new URLSearchParams({ limit: String(Math.min(1000, wanted - found.length)) });
      const full = [q, level ? `level:>=${level}` : ""].filter(Boolean).join(" ");
      if (full) query.set("q", full);
      if (before !== null) query.set("before", String(before));
      const token = params.get("access_token");
      if (token) query.set("access_token", token);
      const response = await fetch(
        `/api/streams/${encodeURIComponent(stream)}/entries?${query}`,
        search ? { signal: search.signal } : {},
      );
      if (!response.ok) throw new Error(`the server answered ${response.status}`);
      const page = (await response.json()) as { entries: LogEntry[]; next: number | null };
      for (const entry of page.entries) found.push({ kind: "entry", entry });
      search?.progress(page.next);
      if (page.next === null || (search && found.length > 0)) break;
      before = page.next;
    }
    return found.reverse();
  }

  // Controls.
  levelSelect.value = levelOf(params.get("level"))?.toString() ?? "";
  levelSelect.addEventListener("change", () => {
    setUrl("level", levelSelect.value);
    applyFilter(state.filter.query);
  });
  pauseButton.addEventListener("click", () => (state.paused === null ? pause("button") : resume()));
  jump.addEventListener("click", resume);
  wrapButton.addEventListener("click", () => {
    const wrap = wrapButton.getAttribute("aria-pressed") !== "true";
    wrapButton.setAttribute("aria-pressed", String(wrap));
    log.classList.toggle("nowrap", !wrap);
    setUrl("wrap", wrap ? "" : "0");
    list.refresh();
  });
  if (params.get("wrap") === "0") wrapButton.click();
  $("clear").addEventListener("click", () => {
    state.clear();
    list.setItems(state.shown);
    showCounts();
  });
  $("download").addEventListener("click", download);
  $("signin").addEventListener("submit", signIn);

  // The log: clicks on its rows, the keyboard, selections.
  log.addEventListener("click", (event) => {
    const target = event.target as HTMLElement;
    const row = target.closest<HTMLElement>(".row");
    if (!row) return;
    const item = itemOf(row);
    if (!item) return;
    if (target.closest(".copy")) {
      void copyItem(item, target.closest(".copy") as HTMLElement);
      return;
    }
    if (target.closest(".more")) {
      toggle(item);
      return;
    }
    if (item.kind === "entry") {
      const value = target.closest<HTMLElement>(".value");
      if (value?.dataset.path) {
        const path = JSON.parse(value.dataset.path) as string[];
        search.addTerm(fieldTerm(path, valueAt(item.entry.fields, path), event.altKey || event.shiftKey));
        return;
      }
      const tag = target.closest<HTMLElement>(".tag")?.dataset.stream;
      if (tag) {
        search.addTerm(`stream:${tag}`);
        return;
      }
      const level = target.closest<HTMLElement>(".level")?.dataset.level;
      if (level) {
        search.addTerm(`level:>=${level}`);
        return;
      }
    }
    if (!getSelection()?.isCollapsed) return;
    // A first click marks the row (on a phone: shows its Copy button), a second expands it.
    if (list.active === item.seq) toggle(item);
    else setActive(item.seq);
  });
  log.addEventListener("keydown", onLogKey);
  log.addEventListener(
    "scroll",
    () => {
      if (state.paused !== null && log.scrollTop < 200) void loadOlder();
    },
    { passive: true },
  );
  document.addEventListener("keydown", onKey);
  document.addEventListener("selectionchange", () => {
    const selection = getSelection();
    if (selection && !selection.isCollapsed && log.contains(selection.anchorNode) && state.paused === null) {
      pause("selection");
    }
  });

  function itemOf(row: HTMLElement): Item | undefined {
    const index = list.indexOf(Number(row.dataset.seq));
    return index >= 0 ? list.itemAt(index) : undefined;
  }

  function toggle(item: Item) {
    if (list.expanded.has(item.seq)) list.expanded.delete(item.seq);
    else list.expanded.add(item.seq);
    list.schedule();
  }

  function setActive(seq: number | null) {
    list.active = seq;
    list.render();
    if (seq !== null) list.rowOf(seq)?.focus({ preventScroll: true });
  }

  async function copyItem(item: Item, button?: HTMLElement) {
    if (item.kind !== "entry") return;
    const ok = await copyText(lineText({ ...item.entry, message: stripAnsi(String(item.entry.message)) }));
    const target = button ?? list.rowOf(item.seq)?.querySelector<HTMLElement>(".copy");
    if (target) flash(target, ok ? "Copied" : "Copy failed");
  }

  function onLogKey(event: KeyboardEvent) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const count = list.count;
    if (count === 0) return;
    let index = list.active === null ? -1 : list.indexOf(list.active);
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (index < 0) index = lastInView();
      else index = Math.max(0, Math.min(count - 1, index + (event.key === "ArrowDown" ? 1 : -1)));
      if (event.key === "ArrowUp" && index < count - 1) pause("scroll");
      const item = list.itemAt(index);
      if (item) {
        list.reveal(index);
        setActive(item.seq);
      }
    } else if (event.key === "Enter" && index >= 0) {
      const item = list.itemAt(index);
      if (item) toggle(item);
    } else if (event.key === "c" && index >= 0) {
      const item = list.itemAt(index);
      if (item) void copyItem(item);
    } else if (event.key === "Home") {
      pause("scroll");
      list.scroller.scrollTop = 0;
    } else return;
    event.preventDefault();
  }

  /** The newest row that is in view. */
  function lastInView(): number {
    const bottom = log.getBoundingClientRect().bottom;
    let best = list.count - 1;
    for (const row of log.querySelectorAll<HTMLElement>(".row")) {
      const rect = row.getBoundingClientRect();
      const index = Number(row.dataset.index);
      if (rect.bottom <= bottom + 1 && (best === list.count - 1 || index > best)) best = index;
    }
    return best;
  }

  function onKey(event: KeyboardEvent) {
    const target = event.target as HTMLElement;
    const typing = target instanceof HTMLInputElement || target instanceof HTMLSelectElement;
    if (event.key === "Escape" && (target === search.input || !typing)) {
      if (search.input.value !== "" || state.filter.query !== null) search.set("");
      if (typing) search.input.blur();
      return;
    }
    if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "p") state.paused === null ? pause("button") : resume();
    else if (event.key === "/") search.input.focus();
    else if (event.key === "End") resume();
    else return;
    event.preventDefault();
  }

  async function signIn(event: SubmitEvent) {
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
    connection.start(serverFilter());
  }

  function download() {
    const lines = state
      .entries()
      .map((entry) => JSON.stringify(entry))
      .join("\n");
    const link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([lines ? `${lines}\n` : ""], { type: "application/x-ndjson" }));
    // A merged view's name (`a,team-b.*`) made fit for a file name.
    const name = stream.replace(/[^A-Za-z0-9._-]+/g, "_");
    link.download = `${name}-${new Date().toISOString().replace(/[:.]/g, "-")}.ndjson`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  }

  // Start: the filter from the URL, then the connection.
  search.input.value = params.get("q") ?? "";
  search.check();
  applyFilter(state.filter.query);
  started = true;
  connection.start(serverFilter());
  showCounts();
}
