// Lines older than the ones the page holds, read from `/api/streams/{s}/entries` under the current filter:
// loaded above the first line when the reader scrolls up to it, or searched for when no held line matches; and
// after a filter loosens, the lines the narrower one left out (in a merged view per stream, merged by time).
import type { LogEntry } from "../lib/types";
import { getJson, streamPath } from "./api";
import { parsePositions } from "./positions";
import type { Incoming, LogState } from "./state";
import type { LogList } from "./view/list";

export interface HistoryOptions {
  stream: string;
  merged: boolean;
  state: LogState;
  list: LogList;
  /** A merged view's position in each of its streams (`a:12,b:40`), the server's word included. */
  positions: () => string;
  /** Lines were added to the view: the header's counts are shown again. */
  onShown: () => void;
}

/** What "search all" wants: each page's `next` as progress, and a way to cancel. */
interface SearchAll {
  progress: (next: number | null) => void;
  signal: AbortSignal;
}

/** A filter change loads at most this many lines it had left out; more are marked by their ids. */
const FILL_MAX = 5000;

export class StreamHistory {
  /** No line older than the oldest held one matches (the history said so); reset by a new filter. */
  private olderExhausted = false;
  private loadingOlder = false;
  /**
   * Each stream's last id when the server began filtering ("start": from before the first line held), null while
   * it sends everything: a looser filter later may want lines received since then that this one left out.
   */
  private narrowedSince: Map<string, number> | "start" | null = null;

  constructor(private readonly options: HistoryOptions) {}

  /** A new filter: older lines may match it. */
  reset() {
    this.olderExhausted = false;
  }

  /** The empty state's "search all": pages through the history until some lines match, shown in place. */
  async searchAll(progress: (next: number | null) => void, signal: AbortSignal): Promise<number> {
    const { state, list } = this.options;
    const { found } = await this.fetch(null, 1000, { progress, signal });
    const change = state.add(found);
    list.setItems(state.shown, change.removedFromTop);
    list.follow(state.paused === null);
    this.options.onShown();
    return found.length;
  }

  /** Whether older lines may still match: none was searched for in vain since the filter changed. */
  get mayHaveOlder(): boolean {
    return !this.options.merged && !this.olderExhausted;
  }

  /** Scrolled up to the first line held (or "search all" with matches held): the lines before it come from the history, and the view stays put. */
  async loadOlder() {
    const { state, list, merged } = this.options;
    const oldest = state.oldestId;
    // History is one stream's: a merged view shows what it received (the README says so).
    if (merged || this.loadingOlder || this.olderExhausted || oldest === null || oldest <= 1) return;
    // A full page would evict the older lines with the next new ones, and the reader would load them again.
    if (state.full) return;
    this.loadingOlder = true;
    try {
      const { found } = await this.fetch(oldest, 500);
      if (found.length === 0) {
        this.olderExhausted = true;
        return;
      }
      // The list keeps the row being read where it is, with the older lines above it.
      const change = state.add(found);
      list.setItems(state.shown, change.removedFromTop);
      list.render();
      this.options.onShown();
    } catch {
      this.olderExhausted = true;
    } finally {
      this.loadingOlder = false;
    }
  }

  /** The server's filter changed (call before the connection resumes with it); `narrows`: it filters now. */
  refiltered(narrows: boolean, started: boolean) {
    const { state, stream, merged } = this.options;
    const since = this.narrowedSince;
    const now = merged ? parsePositions(this.options.positions()) : new Map([[stream, state.lastId]]);
    if (started && since !== null && merged) void this.fillStreams(since, now);
    if (started && since !== null && !merged) {
      const after = since === "start" ? (state.oldestId ?? state.lastId + 1) - 1 : (since.get(stream) ?? 0);
      void this.fillHole(after, state.lastId);
    }
    this.narrowedSince = !narrows ? null : (since ?? (started ? now : "start"));
  }

  /**
   * A merged view's `fillHole`: per stream, what the current filter matches among the ids in (since, now] (from
   * the oldest line held, in time, when narrowed from the start), merged by time; anything unloaded is marked.
   */
  private async fillStreams(since: Map<string, number> | "start", now: ReadonlyMap<string, number>) {
    const { state, list } = this.options;
    const oldest = since === "start" ? state.entries()[0] : undefined;
    if (since === "start" && oldest === undefined) return;
    const notBefore = oldest?.time ?? Number.NEGATIVE_INFINITY;
    const fills = [...now].map(async ([stream, through]): Promise<Incoming[]> => {
      const after = since === "start" ? 0 : (since.get(stream) ?? 0);
      if (through <= after) return [];
      try {
        const { found, next } = await this.fetch(through + 1, FILL_MAX, undefined, after, stream, notBefore);
        const missed = next !== null && next - 1 > after && notBefore === Number.NEGATIVE_INFINITY;
        const marks: Incoming[] = missed ? [{ kind: "skipped", from: after + 1, to: next - 1, stream }] : [];
        return [...marks, ...found.map((item) => ({ ...item, stream }))];
      } catch {
        return [{ kind: "skipped", from: after + 1, to: through, stream }];
      }
    });
    const change = state.insertByTime((await Promise.all(fills)).flat());
    list.setItems(state.shown, change.removedFromTop);
    this.options.onShown();
  }

  /**
   * The ids in (`after`, `through`] the page received under a narrower filter: what the current filter matches
   * among them is loaded in place (up to FILL_MAX lines), and any part left unloaded is marked with its ids.
   */
  private async fillHole(after: number, through: number) {
    const { state, list } = this.options;
    if (through <= after) return;
    try {
      const { found, next } = await this.fetch(through + 1, FILL_MAX, undefined, after);
      const marks: Incoming[] =
        next !== null && next - 1 > after ? [{ kind: "skipped", from: after + 1, to: next - 1 }] : [];
      const change = state.add([...marks, ...found]);
      list.setItems(state.shown, change.removedFromTop);
      this.options.onShown();
    } catch {
      state.add([{ kind: "skipped", from: after + 1, to: through }]);
      list.setItems(state.shown);
      this.options.onShown();
    }
  }

  /**
   * Up to `wanted` entries matching the filter, below `start` (null: the newest), oldest first; it stops at the
   * stream's oldest entry, or after 50 requests (each reads a bounded part of the ring). With `search` (the
   * reader asked to search everything) it stops at the first page with matches instead, and only then.
   */
  private async fetch(
    start: number | null,
    wanted: number,
    search?: SearchAll,
    after = 0,
    stream = this.options.stream,
    notBefore = Number.NEGATIVE_INFINITY,
  ): Promise<{ found: Incoming[]; next: number | null }> {
    const { state } = this.options;
    const q = state.filter.query?.text ?? "";
    const level = state.filter.level;
    const found: Incoming[] = [];
    let before: number | null = start;
    let next: number | null = null;
    for (let requests = 0; (search || requests < 50) && found.length < wanted; requests++) {
      const query = new URLSearchParams({ limit: String(Math.min(1000, wanted - found.length)) });
      const full = [q, level ? `level:>=${level}` : ""].filter(Boolean).join(" ");
      if (full) query.set("q", full);
      if (before !== null) query.set("before", String(before));
      const page = await getJson<{ entries: LogEntry[]; next: number | null }>(
        streamPath(stream, "/entries"),
        query,
        search ? { signal: search.signal } : {},
      );
      for (const entry of page.entries)
        if (entry.id > after && entry.time >= notBefore) found.push({ kind: "entry", entry });
      search?.progress(page.next);
      next = page.next !== null && page.next > after + 1 ? page.next : null;
      // Pages go back in time: one reaching before `notBefore` is the last wanted.
      if ((page.entries.at(-1)?.time ?? Number.POSITIVE_INFINITY) < notBefore) next = null;
      if (next === null || (search && found.length > 0)) break;
      before = next;
    }
    return { found: found.reverse(), next };
  }
}
