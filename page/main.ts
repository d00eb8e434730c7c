// The page: reads the URL, wires the connection to the state and the state to the view. Incoming lines are
// batched per animation frame; only the view touches the DOM. What each part does lives in its own module:
// history.ts (older lines), log-input.ts (clicks and keys on the log), shortcuts.ts, signin.ts, download.ts,
// view/header.ts (badge, counts, empty state).
import { levelOf } from "../lib/levels.js";
import type { Query } from "../lib/query.js";
import { Connection } from "./connection";
import { $ } from "./dom";
import { download } from "./download";
import { StreamHistory } from "./history";
import { wireLogInput } from "./log-input";
import { Reading } from "./reading";
import { wireShortcuts } from "./shortcuts";
import { askForToken, wireSignIn } from "./signin";
import { DEFAULT_CAPACITY, type Incoming, LogState, type PauseReason } from "./state";
import { positive, setUrl } from "./url";
import { wireAlerts } from "./view/alerts";
import { checkClamps } from "./view/clamp";
import { wireColumnPicker } from "./view/column-picker";
import { parseColumns } from "./view/column-spec";
import { Columns } from "./view/columns";
import { Header } from "./view/header";
import { showIncident } from "./view/incident";
import { FIREHOSE_ROWS, LogList } from "./view/list";
import { wireMenu } from "./view/menu";
import { wirePatterns } from "./view/patterns";
import { buildRow, streamTag } from "./view/rows";
import { SearchBox } from "./view/search";
import { sketchLine } from "./view/sketch";
import { isMerged, parseSelection, showLanding, showSwitcher } from "./view/streams";
import { TabBadge } from "./view/tab";

const params = new URLSearchParams(location.search);
/** After a firehose's batch (FIREHOSE_ROWS lines or more), the next is shown no sooner than this: every other frame. */
const FIREHOSE_FRAME_MS = 30;
/** The stream, or streams (`a,b`, `team-a.*`: a merged view), that the URL names. */
const selection = parseSelection(params.get("stream") ?? "");
const incident = params.get("incident");

if (selection === null) {
  showLanding();
  const asked = params.get("stream");
  if (asked !== null && asked.trim() !== "") {
    $("bad-stream").hidden = false;
    $("bad-stream").textContent =
      `“${asked}” is not a stream name: a name is 1–64 characters of A–Z a–z 0–9 . _ - (no spaces), or several names and prefixes like team-a.* separated by commas.`;
  }
} else if (incident !== null && selection.length === 1 && !isMerged(selection)) {
  showSwitcher(selection);
  void showIncident(selection[0] as string, incident);
} else tail(selection);

function tail(selection: string[]) {
  const merged = isMerged(selection);
  /** The stream's name, or the selection as the URL gives it (`a,b,team-a.*`) in a merged view. */
  const stream = selection.join(",");
  const state = new LogState(positive(params.get("max"), DEFAULT_CAPACITY), { merged });
  const log = $("log");
  const wrapButton = $<HTMLButtonElement>("wrap");
  const levelSelect = $<HTMLSelectElement>("level");
  let highlights: ((text: string) => Array<[number, number]>) | null = null;
  let queryFields: ReadonlySet<string> = new Set();
  let utc = params.get("tz") === "utc";
  let incoming: Incoming[] = [];
  let frame = 0;
  /** When the last batch was shown, and whether it was a firehose's (FIREHOSE_ROWS or more). */
  let shownAt = 0;
  let firehose = false;
  /** Whether the connection was started: a filter applied before that is just the URL's. */
  let started = false;

  $("controls").hidden = false;
  log.hidden = false;
  $("title").hidden = false;
  $("title").textContent = merged ? `Streams ${selection.join(", ")}` : `Stream ${stream}`;
  const tab = new TabBadge(selection.join(", "));
  showSwitcher(selection);

  const list = new LogList(log, $("rows"), {
    build: (item, expanded, above): HTMLElement => {
      const options = { highlights, queryFields, expanded, columns: columns.paths, utc, streams: selection };
      const row = buildRow(item, { ...options, above: above?.entry.time });
      // A merged view's unloaded ids are one stream's: its tag says whose.
      if (item.kind === "skipped" && item.stream !== undefined) row.prepend(streamTag(item.stream, selection), " ");
      return reading.extras.decorate(row, item);
    },
    onMeasured: checkClamps,
    sketch: (item) => sketchLine(item, utc),
    // Back at the bottom resumes, unless the reader paused on purpose (Pause, p).
    onUserScroll: (atBottom) => (!atBottom ? pause("scroll") : state.paused !== "button" && resume()),
  });

  const columns = new Columns(
    $("colhead"),
    log,
    parseColumns(params.get("cols")),
    () => state.entries(),
    () => list.refresh(),
  );
  wireColumnPicker(columns, () => state.entries());

  const connection = new Connection({
    stream,
    merged,
    tail: Math.min(positive(params.get("tail"), 500), 10_000),
    resumeFrom: () => (merged ? state.positions : String(state.lastId)),
    onEntry: (entry, from) => {
      reading.entry(entry, from);
      enqueue(from === undefined ? { kind: "entry", entry } : { kind: "entry", entry, stream: from });
    },
    onGap: (gap, from) => enqueue(from === undefined ? { kind: "gap", gap } : { kind: "gap", gap, stream: from }),
    onOutage: (from, to) => enqueue({ kind: "outage", from, to }),
    onState: (name, reason) => header.setConnection(name, reason),
    onNeedToken: askForToken,
  });

  const search = new SearchBox($<HTMLInputElement>("q"), $("q-error"), (query, source) => {
    setUrl("q", source.trim());
    applyFilter(query);
  });
  if (!merged) wireAlerts(stream, () => search.input.value.trim());
  // A merged view's patterns are its streams' (ids are per stream: a row names its stream).
  const patterns = wirePatterns({
    stream,
    merged: merged ? selection : null,
    entries: () => state.entryItems(),
    addTerm: (term) => search.addTerm(term),
  });

  const streamHistory = new StreamHistory({
    stream,
    merged,
    state,
    list,
    positions: () => connection.positions(),
    onShown: () => header.showCounts(),
  });
  const header = new Header({
    stream,
    merged,
    state,
    list,
    query: () => search.input.value,
    searchHistory: (progress, signal) => streamHistory.searchAll(progress, signal),
    mayHaveOlder: () => streamHistory.mayHaveOlder,
  });

  // The volume strip, lines around a line, links to a line (reading.ts).
  const reading: Reading = new Reading({
    selection: stream,
    merged,
    state,
    list,
    log,
    filter: () => serverFilter(),
    pause: () => pause("button"),
    resume,
    onShown: () => header.showCounts(),
  });

  function enqueue(item: Incoming) {
    incoming.push(item);
    if (frame === 0) {
      frame = requestAnimationFrame(flush);
      list.awaitBatch();
    }
  }

  /**
   * Once per frame: the batch into the state, the state into the view. Under a firehose, once every other frame:
   * a screen of new rows each frame is more than anyone reads, and half the frames build half the rows.
   */
  function flush(now: number) {
    if (firehose && now - shownAt < FIREHOSE_FRAME_MS) {
      // The next frame, asked for from a task: a page's own frame callbacks then run first (as in list.ts).
      frame = window.setTimeout(() => {
        frame = requestAnimationFrame(flush);
      }, 0);
      return;
    }
    frame = 0;
    shownAt = now;
    const batch = incoming;
    incoming = [];
    firehose = batch.length >= FIREHOSE_ROWS;
    const change = state.add(batch);
    tab.count(batch);
    if (change.reset || change.appended > 0 || change.removedFromTop > 0)
      list.setItems(state.shown, change.removedFromTop);
    if (list.following) list.render();
    if (change.appended > 0) columns.size();
    header.showCounts();
    patterns.changed();
  }

  function pause(reason: PauseReason) {
    state.pause(reason);
    list.follow(false);
    header.showPause();
  }

  function resume() {
    const change = state.resume();
    list.setItems(state.shown, change.removedFromTop);
    list.follow(true);
    header.showPause();
  }

  const togglePause = () => (state.paused === null ? pause("button") : resume());

  function applyFilter(query: Query | null) {
    streamHistory.reset();
    highlights = query ? query.highlights : null;
    queryFields = fieldsNamed(query?.text ?? "");
    state.setFilter({ query, level: levelOf(levelSelect.value) });
    list.setItems(state.shown);
    columns.hideLevel();
    list.refresh();
    // Show the matching lines, newest at the bottom, still paused.
    if (state.paused !== null) list.showNewest();
    header.showCounts();
    const filter = serverFilter();
    const narrows = filter.q !== "" || filter.level !== "";
    // What a narrower filter left out is loaded before the connection resumes under this one.
    streamHistory.refiltered(narrows, started);
    if (started) {
      connection.refilter(filter);
      void reading.load();
    }
  }

  function serverFilter() {
    const parsed = search.input.getAttribute("aria-invalid") === "true" ? "" : (state.filter.query?.text ?? "");
    return { q: parsed, level: levelSelect.value };
  }

  // Controls.
  levelSelect.value = levelOf(params.get("level"))?.toString() ?? "";
  levelSelect.addEventListener("change", () => {
    setUrl("level", levelSelect.value);
    applyFilter(state.filter.query);
  });
  $("pause").addEventListener("click", togglePause);
  // The less used buttons wait behind ⋯ (on a phone more of them), so the header stays one row (two on a phone).
  wireMenu();
  $("jump").addEventListener("click", resume);
  $("search-older").addEventListener("click", async () => {
    await streamHistory.loadOlder();
    header.showCounts();
  });
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
    columns.hideLevel();
    header.showCounts();
  });
  $("download").addEventListener("click", () => download(state.entries(), stream, columns.paths));
  const tzButton = $<HTMLButtonElement>("tz");
  const showZone = () => {
    tzButton.setAttribute("aria-pressed", String(utc));
    setUrl("tz", utc ? "utc" : "");
    list.refresh();
  };
  tzButton.addEventListener("click", () => {
    utc = !utc;
    showZone();
  });
  tzButton.setAttribute("aria-pressed", String(utc));
  wireSignIn(() => connection.start(serverFilter()));

  // The log: clicks on its rows, the keyboard, scrolling up to older lines, selections.
  wireLogInput(log, list, {
    pause,
    addTerm: (term) => search.addTerm(term),
    addColumn: (path) => columns.add(path),
  });
  log.addEventListener(
    "scroll",
    () => {
      if (state.paused !== null && log.scrollTop < 200) void streamHistory.loadOlder();
    },
    { passive: true },
  );
  wireShortcuts({ search, queryApplied: () => state.filter.query !== null, togglePause, resume });
  document.addEventListener("selectionchange", () => {
    const selection = getSelection();
    if (selection && !selection.isCollapsed && log.contains(selection.anchorNode) && state.paused === null) {
      pause("selection");
    }
  });

  // Start: the filter from the URL, then the connection.
  search.input.value = params.get("q") ?? "";
  search.check();
  applyFilter(state.filter.query);
  started = true;
  void reading.load();
  // A link to a line opens it before the live lines come (a merged view keeps arrival order).
  void reading.ready.then(() => connection.start(serverFilter()));
  header.showCounts();
}

/** The fields a query's terms name (`http.status:>=500` names http.status), but not `level:` or `stream:`. */
function fieldsNamed(query: string): ReadonlySet<string> {
  const names = new Set<string>();
  for (const found of query.matchAll(/(?:^|[\s(])([A-Za-z_@][\w.@-]*):/g)) {
    const name = found[1] as string;
    if (name !== "level" && name !== "stream") names.add(name);
  }
  return names;
}
