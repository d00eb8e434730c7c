// Lines around a line: the `before` entries below an id and the `after` entries above it, with the line itself,
// oldest first; under a filter only matching lines count, each side reading at most SCAN_LIMIT entries.
import { type CompiledFilter, matches } from "./filter";
import { SCAN_LIMIT } from "./history";
import type { RingBuffer } from "./ring-buffer";

/** The wire JSON of the entries around `id`, oldest first, or null when `id` is not in the ring. */
export function entriesAround(
  ring: RingBuffer,
  filter: CompiledFilter | null,
  id: number,
  before: number,
  after: number,
  scanLimit = SCAN_LIMIT,
): string[] | null {
  if (id < ring.oldestId || id > ring.lastId) return null;
  const older: string[] = [];
  let scanned = 0;
  for (const [, json] of ring.newestFirst(id)) {
    if (older.length >= before || scanned++ >= scanLimit) break;
    if (filter === null || matches(filter, json)) older.push(json);
  }
  const entries = older.reverse();
  scanned = 0;
  let later = 0;
  for (const [at, json] of ring.since(id - 1)) {
    if (at === id) {
      entries.push(json);
      continue;
    }
    if (later >= after || scanned++ >= scanLimit) break;
    if (filter === null || matches(filter, json)) {
      entries.push(json);
      later++;
    }
  }
  return entries;
}
