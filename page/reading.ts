// Reading around a moment: the volume strip (lines over time under the current query, live), a click on it to
// jump to a moment, a drag to freeze a window (`from=`/`to=` in the URL, ISO 8601), links to a line
// (`?stream=S&line=ID`, merged `?stream=a,b&line=a:12`) that open paused at it, and "Go live" back to following.
import type { LogEntry } from "../lib/types";
import { failure, getJson, streamPath } from "./api";
import type { Incoming, LogState } from "./state";
import { setUrl } from "./url";
import { fetchAround, RowExtras } from "./view/context";
import type { LogList } from "./view/list";
import { VolumeStrip } from "./view/volume";
import { type HistogramAnswer, parseUrlTime, Volume, type VolumeBucket } from "./volume";

export interface ReadingOptions {
  /** The stream, or the merged selection as the URL gives it (`a,b,team-a.*`). */
  selection: string;
  merged: boolean;
  state: LogState;
  list: LogList;
  log: HTMLElement;
  /** The filter the server applies: the page's query and minimum level. */
  filter: () => { q: string; level: string };
  pause: () => void;
  resume: () => void;
  /** Lines were added to the view. */
  onShown: () => void;
}

/** Lines loaded either side of a line a link or a jump opens. */
const JUMP_LINES = 100;
/** Live lines kept while a histogram is on its way, to be counted once it is known what it already counts. */
const PENDING_MAX = 50_000;

interface Arrival {
  time: number;
  level: LogEntry["level"];
  id: number;
  stream: string | undefined;
}

export class Reading {
  readonly extras: RowExtras;
  readonly strip: VolumeStrip;
  /** Resolves once a line named by the URL is loaded (or failed): the connection starts after it. */
  readonly ready: Promise<void>;
  private volume: Volume | null = null;
  private pending: Arrival[] | null = [];
  /** What the histogram already counts: ids up to these. */
  private counted: { lastId?: number; lastIds?: Record<string, number> } = {};
  private request: AbortController | null = null;

  constructor(private readonly options: ReadingOptions) {
    const { selection, merged, list, log } = options;
    this.extras = new RowExtras({ selection, merged, list });
    this.strip = new VolumeStrip({
      jump: (bucket) => this.jump(bucket),
      freeze: (from, to) => this.freeze(from, to),
      goLive: () => this.goLive(),
    });
    log.before(this.strip.root);
    this.listen();
    const params = new URLSearchParams(location.search);
    const line = params.get("line");
    this.ready = line === null ? Promise.resolve() : this.openLine(line);
    if (line !== null || params.has("from") || params.has("to")) this.strip.live.hidden = false;
  }

  /** A live line from the connection: counted once the histogram is known, unless it counts it already. */
  entry(entry: LogEntry, stream?: string) {
    const arrival = { time: entry.time, level: entry.level, id: entry.id, stream };
    if (this.pending !== null) {
      if (this.pending.length < PENDING_MAX) this.pending.push(arrival);
      return;
    }
    if (this.count(arrival)) this.strip.changed();
  }

  /** (Re)loads the histogram under the current filter and the URL's window. */
  async load() {
    this.request?.abort();
    const request = new AbortController();
    this.request = request;
    this.pending = [];
    const { selection, merged, log } = this.options;
    const params = new URLSearchParams(location.search);
    const from = parseUrlTime(params.get("from"));
    const to = parseUrlTime(params.get("to"));
    const buckets = Math.max(30, Math.min(300, Math.floor(log.clientWidth / 6)));
    const query = new URLSearchParams({ buckets: String(buckets) });
    const { q, level } = this.options.filter();
    if (q) query.set("q", q);
    if (level) query.set("level", level);
    if (from !== null) query.set("from", String(from));
    if (to !== null && (from === null || to > from)) query.set("to", String(to));
    if (merged) query.set("streams", selection);
    const path = merged ? "/api/histogram" : streamPath(selection, "/histogram");
    try {
      const answer = await getJson<HistogramAnswer & { lastId?: number; lastIds?: Record<string, number> }>(
        path,
        query,
        { signal: request.signal },
      );
      if (this.request !== request) return;
      this.volume = new Volume(answer, buckets, from !== null || to !== null);
      this.counted = {
        ...(answer.lastId === undefined ? {} : { lastId: answer.lastId }),
        ...(answer.lastIds ? { lastIds: answer.lastIds } : {}),
      };
      for (const arrival of this.pending ?? []) this.count(arrival);
      this.pending = null;
      const note = answer.complete
        ? ""
        : `the query was tried on the newest ${answer.scanned.toLocaleString("en-US")} lines of this window`;
      this.strip.show(this.volume, note);
    } catch (error) {
      if (this.request !== request) return;
      this.pending = null;
      this.strip.note(`Lines over time could not be loaded: ${failure(error)}`);
    }
  }

  private count(arrival: Arrival): boolean {
    const { lastId, lastIds } = this.counted;
    const known = arrival.stream === undefined ? (lastId ?? 0) : (lastIds?.[arrival.stream] ?? 0);
    if (arrival.id <= known || this.volume === null) return false;
    return this.volume.add(arrival.time, arrival.level, arrival.id, arrival.stream);
  }

  /** A click on a bucket: its first line and the lines around it, paused there. */
  private jump(bucket: VolumeBucket) {
    if (bucket.count === 0) return;
    if (!this.options.merged && bucket.firstId !== undefined) {
      setUrl("line", String(bucket.firstId));
      void this.goTo(this.options.selection, bucket.firstId, true);
      return;
    }
    void this.goToMoment(bucket);
  }

  /**
   * A merged view's jump: each stream's lines around the moment (from its first line there, or the nearest bucket
   * that has one), merged by time among the lines held, the bucket's earliest line marked and named in the URL.
   */
  private async goToMoment(bucket: VolumeBucket) {
    const { state, filter } = this.options;
    const buckets = this.volume?.buckets ?? [bucket];
    const at = Math.max(0, buckets.indexOf(bucket));
    const streams = new Set(buckets.flatMap((each) => Object.keys(each.firstIds ?? {})));
    const anchors: [string, number][] = [];
    for (const stream of streams) {
      const near = (list: VolumeBucket[]) => list.find((each) => each.firstIds?.[stream] !== undefined);
      const found = near(buckets.slice(at)) ?? near(buckets.slice(0, at).reverse());
      if (found?.firstIds?.[stream] !== undefined) anchors.push([stream, found.firstIds[stream]]);
    }
    this.options.pause();
    try {
      const loaded = await Promise.all(
        anchors.map(async ([stream, id]) => ({ stream, entries: await fetchAround(stream, id, JUMP_LINES, filter()) })),
      );
      let mark: { stream: string; id: number; time: number } | null = null;
      for (const { stream, entries } of loaded) {
        const first = entries.find((entry) => entry.id === bucket.firstIds?.[stream]);
        if (first && (mark === null || first.time < mark.time)) mark = { stream, id: first.id, time: first.time };
      }
      state.insertByTime(
        loaded.flatMap(({ stream, entries }) => entries.map((entry) => ({ kind: "entry" as const, entry, stream }))),
      );
      if (mark === null) return;
      setUrl("line", `${mark.stream}:${mark.id}`);
      this.reveal(mark.stream, mark.id);
    } catch (error) {
      this.strip.note(`The lines of that time could not be loaded: ${failure(error)}`);
    }
  }

  /** A drag across the strip: that window, frozen, and its first line. */
  private freeze(from: number, to: number) {
    setUrl("from", new Date(from).toISOString());
    setUrl("to", new Date(to).toISOString());
    this.strip.live.hidden = false;
    void this.load().then(() => {
      const first = this.volume?.buckets.find((bucket) => bucket.count > 0);
      if (first) this.jump(first);
    });
  }

  /** Back to following the newest lines, over the whole stream. */
  goLive() {
    for (const name of ["line", "from", "to"]) setUrl(name, "");
    this.extras.current = null;
    this.strip.live.hidden = true;
    this.options.list.refresh();
    this.options.resume();
    void this.load();
  }

  /** The URL's `line` (`12`, or `a:12` in a merged view): loaded with its context, paused there, marked. */
  private async openLine(line: string) {
    const colon = line.lastIndexOf(":");
    const stream = this.options.merged ? line.slice(0, colon) : this.options.selection;
    const id = Number(line.slice(colon + 1));
    if (!Number.isSafeInteger(id) || id < 1 || stream === "") {
      this.strip.note(`The link's line "${line}" is not a line id`);
      return;
    }
    await this.goTo(stream, id, false);
  }

  private async goTo(stream: string, id: number, filtered: boolean) {
    const { state, merged } = this.options;
    this.options.pause();
    try {
      const entries = await fetchAround(stream, id, JUMP_LINES, filtered ? this.options.filter() : {});
      const incoming: Incoming[] = entries.map((entry) =>
        merged ? { kind: "entry", entry, stream } : { kind: "entry", entry },
      );
      state.add(incoming);
      this.reveal(stream, id);
    } catch (error) {
      this.strip.note(`Line ${id} could not be opened: ${(error as Error).message}`);
    }
  }

  /** Shows what was loaded, paused, with the line marked and in view. */
  private reveal(stream: string, id: number) {
    const { state, list, merged } = this.options;
    // Shown now, not held back like lines that arrive while paused; then paused there.
    state.resume();
    this.options.pause();
    list.setItems(state.shown);
    const index = state.shown.findIndex(
      (item) => item.kind === "entry" && item.entry.id === id && (!merged || item.stream === stream),
    );
    const item = state.shown[index];
    if (item === undefined) return;
    this.extras.current = item.seq;
    list.active = item.seq;
    list.refresh();
    list.render();
    list.reveal(index);
    this.options.onShown();
    this.strip.live.hidden = false;
  }

  /** An open context's close button, and x on the marked row, before the log's own handlers. */
  private listen() {
    const { log, list } = this.options;
    const itemOf = (row: HTMLElement) => list.itemAt(list.indexOf(Number(row.dataset.seq)));
    log.addEventListener(
      "click",
      (event) => {
        const target = event.target as HTMLElement;
        const row = target.closest<HTMLElement>(".row");
        const item = row ? itemOf(row) : undefined;
        if (item === undefined) return;
        if (this.extras.click(target, item) || target.closest(".context")) event.stopPropagation();
      },
      true,
    );
    log.addEventListener(
      "keydown",
      (event) => {
        if (event.key !== "x" || event.ctrlKey || event.metaKey || event.altKey || list.active === null) return;
        const item = list.itemAt(list.indexOf(list.active));
        if (item === undefined) return;
        this.extras.toggle(item);
        event.preventDefault();
        event.stopPropagation();
      },
      true,
    );
  }
}
