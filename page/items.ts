// What the page holds, by kind: entries, and the marks that say what is not there (a gap the server announced,
// an outage, ids a filter change did not load). Pure types, shared by the state and the view.
import type { Gap, LogEntry } from "../lib/types";

export interface Held {
  /** Unique per item, never reused: the virtual list's key. */
  seq: number;
  /** Set when the item left the ring. */
  evicted?: true;
  /** Bumped when the item's content changes after it was shown (an outage learning of its gap). */
  version: number;
}

/** `stream` is set when the page shows several streams: the entry's id is its own stream's. */
export type EntryItem = Held & { kind: "entry"; entry: LogEntry; stream?: string };
/** Ids the server said this view will never receive (of `stream`, in a merged view); shown after the entry `after`. */
export type GapItem = Held & { kind: "gap"; after: number; gap: Gap; stream?: string };
/**
 * The connection was lost from `from` to `to` (epoch ms); `gap` is what it cost, null for nothing. In a merged
 * view (`merged`) each stream announces its own gap, as a gap item.
 */
export type OutageItem = Held & {
  kind: "outage";
  after: number;
  from: number;
  to: number;
  gap: Gap | null;
  merged?: true;
};
/**
 * Ids `from`–`to` (of `stream`, in a merged view) the page did not load after a filter changed (too many at once);
 * shown before entry `from`.
 */
export type SkippedItem = Held & { kind: "skipped"; after: number; from: number; to: number; stream?: string };
export type Item = EntryItem | GapItem | OutageItem | SkippedItem;

export type Incoming =
  | { kind: "entry"; entry: LogEntry; stream?: string }
  | { kind: "gap"; gap: Gap; stream?: string }
  | { kind: "outage"; from: number; to: number }
  | { kind: "skipped"; from: number; to: number; stream?: string };
