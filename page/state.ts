// The page's state, pure: what it holds (a bounded ring of items ordered by entry id), what it shows (the
// items that pass the filter), and whether it follows. No DOM, no network: unit-tested with plain values.
import type { LogEntry } from "../lib/types";
import { type Filter, passes } from "./filter";
import type { EntryItem, Incoming, Item } from "./items";
import { mergeByTime, type Placed, timeBefore } from "./merge-by-time";

/** Why the view stopped following; null while it follows the newest line. */
export type PauseReason = "button" | "scroll" | "selection";

export { type Filter, isFiltering, passes } from "./filter";
export type { EntryItem, GapItem, Incoming, Item, OutageItem, SkippedItem } from "./items";

/** What a batch did to the shown items, so the view can keep its place. */
export interface Change {
  /** Shown items removed from the top (evicted from the ring). */
  removedFromTop: number;
  /** Items appended at the bottom. */
  appended: number;
  /** The shown list was rebuilt: positions are not comparable with before. */
  reset: boolean;
}

/** Default number of items the page holds; `?max=` overrides. */
export const DEFAULT_CAPACITY = 100_000;

const orderKey = (item: Item) => (item.kind === "entry" ? item.entry.id : item.after + 0.5);

export class LogState {
  readonly capacity: number;
  /** Everything held, ordered by entry id (marks after the entry they follow), oldest first. */
  private held: Item[] = [];
  /** The items the view shows: those passing the filter, up to the point where it was paused. */
  shown: Item[] = [];
  /** Items passing the filter that arrived while paused, in arrival order. */
  private waiting: Item[] = [];
  /** Whether every waiting item was appended after everything held when it came. */
  private waitingAppendOnly = true;
  private nextSeq = 1;
  /** Highest entry id received: where a connection resumes. */
  lastId = 0;
  /** Entries at or below this id were cleared by the reader and stay away. */
  private floor = 0;
  paused: PauseReason | null = null;
  filter: Filter = { query: null, level: null };
  /** Several streams in one view: entries are keyed by (stream, id), each stream resumes from its own last id. */
  readonly merged: boolean;
  /** Merged view: each stream's highest entry id received, and the ids cleared by the reader. */
  private lastIds = new Map<string, number>();
  private floors = new Map<string, number>();
  /** Merged view: entries from history above their stream's last id (`a:12`), dropped when they then come live. */
  private ahead = new Set<string>();

  constructor(capacity = DEFAULT_CAPACITY, options: { merged?: boolean } = {}) {
    this.capacity = Math.max(1, Math.floor(capacity));
    this.merged = options.merged === true;
  }

  /** A merged view's resume point, every stream's last id (`a:12,b:40`); "" before any entry. */
  get positions(): string {
    return [...this.lastIds].map(([name, id]) => `${name}:${id}`).join(",");
  }

  /** Items held (at most `capacity`). */
  get size(): number {
    return this.held.length;
  }

  /** Marks (gaps, outages) among the shown items: the rest are entries. */
  private shownMarks = 0;

  /** Entries among the shown items. */
  get shownEntries(): number {
    return this.shown.length - this.shownMarks;
  }

  /** Entries that arrived while paused and pass the filter. */
  get newWhilePaused(): number {
    let n = 0;
    for (const item of this.waiting) if (item.kind === "entry" && !item.evicted) n++;
    return n;
  }

  /** Whether the page holds all it may: anything older added now would be the first to go. */
  get full(): boolean {
    return this.held.length >= this.capacity;
  }

  /** The oldest held entry's id, or null when none is held. */
  get oldestId(): number | null {
    for (const item of this.held) if (item.kind === "entry") return item.entry.id;
    return null;
  }

  /** Every held entry, oldest first (for Download). */
  entries(): LogEntry[] {
    return this.entryItems().map((item) => item.entry);
  }

  /** Every held entry with its stream (in a merged view). */
  entryItems(): EntryItem[] {
    return this.held.filter((item): item is EntryItem => item.kind === "entry");
  }

  /** Adds a batch in arrival order: duplicates dropped, entries placed by id, the oldest evicted past capacity. */
  add(batch: readonly Incoming[]): Change {
    let appended = 0;
    let reset = false;
    for (const incoming of batch) {
      const item = this.place(incoming);
      if (item === null) continue;
      if (item === "merged") {
        reset = true;
        continue;
      }
      if (!passes(this.filter, item)) continue;
      if (this.paused !== null) this.waiting.push(item);
      else {
        this.show(item);
        appended++;
      }
    }
    if (reset) {
      this.refilter();
      return { removedFromTop: 0, appended: 0, reset: true };
    }
    return { removedFromTop: this.evict(), appended, reset: false };
  }

  /** Stores one incoming item; null when it is a duplicate, "merged" when it went anywhere but the end. */
  private place(incoming: Incoming): Item | "merged" | null {
    const last = this.held[this.held.length - 1];
    if (this.merged) return this.placeMerged(incoming);
    if (incoming.kind === "gap" && last?.kind === "outage" && last.gap === null && last.after === this.lastId) {
      // A gap announced right after a reconnect is what that outage cost.
      last.gap = incoming.gap;
      last.version++;
      this.lastId = Math.max(this.lastId, incoming.gap.to);
      return null;
    }
    let item: Item;
    if (incoming.kind === "entry" && incoming.entry.id <= this.floor) return null;
    if (incoming.kind === "entry") {
      item = { kind: "entry", seq: this.nextSeq++, version: 0, entry: incoming.entry };
      if (incoming.stream !== undefined) item.stream = incoming.stream;
    } else if (incoming.kind === "gap") {
      item = { kind: "gap", seq: this.nextSeq++, version: 0, after: this.lastId, gap: incoming.gap };
    } else if (incoming.kind === "skipped") {
      const { from, to } = incoming;
      item = { kind: "skipped", seq: this.nextSeq++, version: 0, after: from - 1, from, to };
    } else {
      const { from, to } = incoming;
      item = { kind: "outage", seq: this.nextSeq++, version: 0, after: this.lastId, from, to, gap: null };
    }
    const key = orderKey(item);
    if (last === undefined || key > orderKey(last) || (item.kind !== "entry" && key >= orderKey(last))) {
      this.held.push(item);
      this.track(item);
      return item;
    }
    // An entry from a backfill under another filter: find its place, unless it is already held.
    const at = this.lowerBound(key);
    const there = this.held[at];
    if (there !== undefined && there.kind === "entry" && orderKey(there) === key) return null;
    this.held.splice(at, 0, item);
    this.track(item);
    if (this.paused !== null) this.waitingAppendOnly = false;
    return "merged";
  }

  /** Merged view: ids are per stream, so items keep their arrival order (the server merges backfills by time); an entry at or below its stream's last id is a duplicate. */
  private placeMerged(incoming: Incoming): Item | null {
    const seq = this.nextSeq++;
    let item: Item;
    if (incoming.kind === "entry") {
      const stream = incoming.stream ?? "";
      const id = incoming.entry.id;
      if (id <= (this.lastIds.get(stream) ?? 0) || id <= (this.floors.get(stream) ?? 0)) return null;
      this.lastIds.set(stream, id);
      if (this.ahead.size > 0 && this.ahead.delete(`${stream}:${id}`)) return null;
      item = { kind: "entry", seq, version: 0, entry: incoming.entry, stream };
    } else if (incoming.kind === "gap") {
      const stream = incoming.stream ?? "";
      this.lastIds.set(stream, Math.max(this.lastIds.get(stream) ?? 0, incoming.gap.to));
      item = { kind: "gap", seq, version: 0, after: 0, gap: incoming.gap, stream };
    } else if (incoming.kind === "outage") {
      const { from, to } = incoming;
      item = { kind: "outage", seq, version: 0, after: 0, from, to, gap: null, merged: true };
    } else return null;
    this.held.push(item);
    return item;
  }

  /**
   * Merged view: entries from a stream's history (a jump, a filter's back-fill) placed among the held ones by
   * time, `skipped` marks before their stream's next entry; held or cleared entries dropped (each once a batch).
   */
  insertByTime(batch: readonly Incoming[]): Change {
    const keys = new Set<string>();
    for (const item of this.held) if (item.kind === "entry") keys.add(`${item.stream}:${item.entry.id}`);
    const added: Placed[] = [];
    for (const incoming of batch) {
      if (incoming.kind !== "entry") continue;
      const stream = incoming.stream ?? "";
      const key = `${stream}:${incoming.entry.id}`;
      if (keys.has(key) || incoming.entry.id <= (this.floors.get(stream) ?? 0)) continue;
      // Past what the connection gave of this stream: it may come live too, and is dropped then.
      if (incoming.entry.id > (this.lastIds.get(stream) ?? 0)) this.ahead.add(key);
      const item: Item = { kind: "entry", seq: this.nextSeq++, version: 0, entry: incoming.entry, stream };
      added.push({ item, time: incoming.entry.time });
    }
    for (const mark of batch) {
      if (mark.kind !== "skipped") continue;
      const item: Item = { ...mark, seq: this.nextSeq++, version: 0, after: mark.from - 1 };
      added.push({ item, time: timeBefore(added, mark.stream, mark.to) });
    }
    if (added.length === 0) return { removedFromTop: 0, appended: 0, reset: false };
    this.held = mergeByTime(this.held, added);
    this.evict();
    this.refilter();
    return { removedFromTop: 0, appended: 0, reset: true };
  }

  private track(item: Item) {
    if (item.kind === "entry") this.lastId = Math.max(this.lastId, item.entry.id);
    else if (item.kind === "gap") this.lastId = Math.max(this.lastId, item.gap.to);
  }

  /** Index of the first held item whose key is at least `key`. */
  private lowerBound(key: number): number {
    let lo = 0;
    let hi = this.held.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (orderKey(this.held[mid] as Item) < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Drops the oldest items past capacity; returns how many shown items left the top. */
  private evict(): number {
    const excess = this.held.length - this.capacity;
    if (excess <= 0) return 0;
    for (let i = 0; i < excess; i++) (this.held[i] as Item).evicted = true;
    this.held.splice(0, excess);
    let top = 0;
    while (top < this.shown.length && (this.shown[top] as Item).evicted) {
      if ((this.shown[top] as Item).kind !== "entry") this.shownMarks--;
      top++;
    }
    if (top > 0) this.shown.splice(0, top);
    if (this.waiting[0]?.evicted) this.waiting = this.waiting.filter((item) => !item.evicted);
    return top;
  }

  /** Applies a new filter to everything held, including what arrived while paused. */
  setFilter(filter: Filter): Change {
    this.filter = filter;
    this.refilter();
    return { removedFromTop: 0, appended: 0, reset: true };
  }

  private show(item: Item) {
    this.shown.push(item);
    if (item.kind !== "entry") this.shownMarks++;
  }

  private refilter() {
    this.shown = this.held.filter((item) => passes(this.filter, item));
    this.shownMarks = 0;
    for (const item of this.shown) if (item.kind !== "entry") this.shownMarks++;
    this.waiting = [];
    this.waitingAppendOnly = true;
  }

  pause(reason: PauseReason) {
    if (this.paused === null || reason === "button") this.paused = reason;
  }

  /** Follows again: what arrived meanwhile is shown. */
  resume(): Change {
    this.paused = null;
    if (!this.waitingAppendOnly) {
      this.refilter();
      return { removedFromTop: 0, appended: 0, reset: true };
    }
    const appended = this.waiting.length;
    for (const item of this.waiting) this.show(item);
    this.waiting = [];
    return { removedFromTop: 0, appended, reset: false };
  }

  /** Empties the view; the resume point stays, so nothing cleared comes back. */
  clear(): Change {
    for (const item of this.held) item.evicted = true;
    this.floor = this.lastId;
    this.floors = new Map(this.lastIds);
    this.held = [];
    this.shown = [];
    this.shownMarks = 0;
    this.waiting = [];
    this.waitingAppendOnly = true;
    return { removedFromTop: 0, appended: 0, reset: true };
  }
}
