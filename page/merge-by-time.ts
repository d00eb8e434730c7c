// A merged view's lines from history (a jump to a moment, a filter's back-fill) among the lines it holds: each
// stream's lines stay in id order, and within that a new line goes before the first held line later than it
// (the held ones keep their arrival order, which the server merges by time). Pure: no state, no DOM.
import type { Item } from "./items";

/** An item to place, with the time it sorts by (an entry's own; a mark's, that of the entry it precedes). */
export interface Placed {
  item: Item;
  time: number;
}

interface Target extends Placed {
  stream: string;
  /** The entry's id; a mark's last id and a half, so it goes just before the entry after it. */
  id: number;
  /** The time, never below that of the stream's lines before it: its lines are placed in id order. */
  after: number;
  /** The index in `held` it goes before. */
  at: number;
}

/** `held` with `added` merged in; `added` in any order. */
export function mergeByTime(held: readonly Item[], added: readonly Placed[]): Item[] {
  // The latest time up to each held item: non-decreasing, so searchable, even where held times are not.
  const latest: number[] = [];
  const ids = new Map<string, { id: number; at: number }[]>();
  let max = Number.NEGATIVE_INFINITY;
  held.forEach((item, at) => {
    if (item.kind === "entry") {
      max = Math.max(max, item.entry.time);
      const stream = item.stream ?? "";
      const own = ids.get(stream) ?? [];
      if (own.length === 0) ids.set(stream, own);
      own.push({ id: item.entry.id, at });
    }
    latest.push(max);
  });
  const targets: Target[] = added.map(({ item, time }) => ({
    item,
    time,
    stream: (item.kind === "entry" || item.kind === "skipped" ? item.stream : undefined) ?? "",
    id: item.kind === "entry" ? item.entry.id : item.kind === "skipped" ? item.to + 0.5 : 0,
    after: time,
    at: held.length,
  }));
  targets.sort((a, b) => (a.stream < b.stream ? -1 : a.stream > b.stream ? 1 : a.id - b.id));
  let previous: Target | undefined;
  for (const target of targets) {
    if (previous?.stream === target.stream) target.after = Math.max(target.after, previous.after);
    previous = target;
    const later = firstIndex(latest.length, (i) => (latest[i] as number) > target.after);
    const own = ids.get(target.stream) ?? [];
    const k = firstIndex(own.length, (i) => (own[i] as { id: number }).id > target.id);
    // Between the stream's held lines just below and above it in id; among those, by time.
    const floor = k > 0 ? (own[k - 1] as { at: number }).at + 1 : 0;
    target.at = Math.max(floor, Math.min(later, own[k]?.at ?? held.length));
  }
  targets.sort((a, b) => a.at - b.at || a.after - b.after);
  const out: Item[] = [];
  let t = 0;
  held.forEach((item, at) => {
    for (; t < targets.length && (targets[t] as Target).at === at; t++) out.push((targets[t] as Target).item);
    out.push(item);
  });
  for (; t < targets.length; t++) out.push((targets[t] as Target).item);
  return out;
}

/** The first index in [0, n) where `past` holds (it holds from some index on), or n. */
function firstIndex(n: number, past: (i: number) => boolean): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (past(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Where a mark of `stream`'s ids up to `to` goes: before the earliest of its entries after them (else last). */
export function timeBefore(added: readonly Placed[], stream: string | undefined, to: number): number {
  let time = Number.POSITIVE_INFINITY;
  for (const { item } of added) {
    if (item.kind === "entry" && item.stream === stream && item.entry.id > to) time = Math.min(time, item.entry.time);
  }
  return time;
}
