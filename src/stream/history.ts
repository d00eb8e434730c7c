// Searching a stream's ring backwards: history pages and the newest matches of a filtered backfill.
import { type CompiledFilter, matches } from "./filter";
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
  const { found, lowest } = newestMatches(ring, filter, before, limit, scanLimit);
  return { entries: found.map(([, json]) => json), next: lowest > ring.oldestId ? lowest : null };
}

/**
 * The newest entries below `before` that `filter` lets through, newest first with their ids: up to `limit`,
 * looking at no more than `scanLimit` entries; `lowest` is the last id looked at.
 */
export function newestMatches(
  ring: RingBuffer,
  filter: CompiledFilter | null,
  before: number,
  limit: number,
  scanLimit = SCAN_LIMIT,
): { found: [number, string][]; lowest: number } {
  const found: [number, string][] = [];
  let scanned = 0;
  let lowest = Math.min(before, ring.lastId + 1);
  for (const [id, json] of ring.newestFirst(before)) {
    if (found.length >= limit || scanned >= scanLimit) break;
    scanned++;
    lowest = id;
    if (filter === null || matches(filter, json)) found.push([id, json]);
  }
  return { found, lowest };
}
