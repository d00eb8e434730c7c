// Counting a stream's lines over time for the histogram route. Without a query no JSON is parsed and no row
// read: the held lines' times and levels are counted in memory (held-marks.ts). With one, each line in the
// window is read and tested, newest first, at most SCAN_LIMIT of them.
import type { LogEntry } from "../../lib/types";
import type { CompiledFilter } from "./filter";
import { Counts, type Grid, type Histogram, planGrid } from "./histogram";
import { SCAN_LIMIT } from "./history";
import type { RingBuffer } from "./ring-buffer";
import { markedRows } from "./ring-marks";
import { splitTails, type Tail, withId } from "./stored";

/** The window asked for: explicit edges, or a grid already planned (a merged view's, shared by its streams). */
export interface VolumeWindow {
  from?: number;
  to?: number;
  buckets: number;
  grid?: Grid;
}

/** Without `from`/`to`: the stream's oldest to newest line time; the last minute before `now` when it has none. */
export function windowGrid(ring: RingBuffer, window: VolumeWindow, now: number): Grid {
  if (window.grid) return window.grid;
  const span = window.from === undefined || window.to === undefined ? timeSpan(ring) : null;
  const from = window.from ?? span?.min ?? Math.min(now, window.to ?? now) - 60_000;
  const to = window.to ?? Math.max(from + 1, span === null ? now : span.max + 1);
  return planGrid(from, to, window.buckets);
}

/** The earliest and latest entry time among held entries; null when none has a time. */
export function timeSpan(ring: RingBuffer): { min: number; max: number } | null {
  return ring.held().span(ring.oldestId, ring.lastId);
}

/** Lines per bucket and level of the grid, under `filter` (null: every line). */
export function countLines(
  ring: RingBuffer,
  filter: CompiledFilter | null,
  grid: Grid,
  scanLimit = SCAN_LIMIT,
): Histogram {
  const counts = new Counts(grid);
  const oldest = ring.oldestId;
  let scanned = 0;
  const end = grid.from + grid.count * grid.bucketMs;
  if (filter === null) {
    const { times, levels, capacity } = ring.held();
    for (let id = oldest; id <= ring.lastId; id++) {
      const bucket = counts.bucketOf(times[id % capacity] as number);
      if (bucket >= 0) counts.add(bucket, levels[id % capacity] as number, id);
    }
    return counts.toHistogram(true, 0, ring.lastId);
  }
  for (const row of markedRows(ring, grid.from, end)) {
    const { times, levels } = row.marks;
    const low = Math.max(0, oldest - row.first);
    const tails = splitTails(row.tails, row.count);
    for (let i = row.count - 1; i >= low; i--) {
      const bucket = counts.bucketOf(times[i] as number);
      if (bucket < 0) continue;
      if (scanned >= scanLimit) return counts.toHistogram(false, scanned, ring.lastId);
      scanned++;
      let entry: LogEntry;
      try {
        entry = JSON.parse(withId(row.first + i, tails[i] as Tail, row.patterns?.[i])) as LogEntry;
      } catch {
        continue;
      }
      if (filter.match(entry)) counts.add(bucket, levels[i] as number, row.first + i);
    }
  }
  return counts.toHistogram(true, scanned, ring.lastId);
}
