import type { LogEntry } from "../../lib/types";
import type { CompiledFilter } from "./filter";
import type { RingBuffer } from "./ring-buffer";

/**
 * Entries one history request or one filtered backfill reads at most: a rare match in a full ring costs
 * several small requests, never one long one (see README, "Search through history").
 */
export const SCAN_LIMIT = 20_000;

/** One page of a history search: wire JSON of matching entries, newest first, and where to go on. */
export interface HistoryPage {
  entries: string[];
  /** The `before` of the following page; null once the oldest entry has been searched. */
  next: number | null;
}

/** Searches the ring backwards from `before` (exclusive) for up to `limit` entries that `filter` lets through. */
export function searchHistory(
  ring: RingBuffer,
  filter: CompiledFilter | null,
  before: number,
  limit: number,
  scanLimit = SCAN_LIMIT,
): HistoryPage {
  const entries: string[] = [];
  let scanned = 0;
  let lowest = Math.min(before, ring.lastId + 1);
  for (const [id, json] of ring.newestFirst(before)) {
    if (entries.length >= limit || scanned >= scanLimit) break;
    scanned++;
    lowest = id;
    if (filter === null || matches(filter, json)) entries.push(json);
  }
  return { entries, next: lowest > ring.oldestId ? lowest : null };
}

/** Whether an entry's wire JSON passes the filter; an entry that cannot be read passes nothing. */
export function matches(filter: CompiledFilter, json: string): boolean {
  try {
    return filter.match(JSON.parse(json) as LogEntry);
  } catch {
    return false;
  }
}
