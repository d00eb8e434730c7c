// The ring's queries of its marks columns (each row's times and levels, histogram.ts): the histogram's rows and
// grouped counts, and the time span of the held lines, none of which reads a row's tails unless asked.
import { type Marks, readMarks } from "./histogram";
import type { RingBuffer } from "./ring-buffer";
import { storedIds, type Tails } from "./stored";

/** The rows wholly visible whose entries share a level and a bucket; its parameters from `groupedParams`. */
const GROUPED =
  "first_id >= ? AND lv IS NOT NULL AND t_min >= ? AND t_max < ? AND CAST((t_min - ?) / ? AS INTEGER) = CAST((t_max - ?) / ? AS INTEGER)";

function groupedParams(oldest: number, from: number, to: number, bucketMs: number): number[] {
  return [oldest, from, to, from, bucketMs, from, bucketMs];
}

/** A stored row as `markedRows` reads it. */
export interface MarkedRow {
  first: number;
  count: number;
  marks: Marks;
  tails: Tails | null;
  /** The entries' pattern ids, with the tails. */
  patterns: string[] | undefined;
}

/**
 * Visible rows whose entries' times reach into [from, to), newest first, with their marks, and their tails
 * when `withTails`.
 */
export function* markedRows(
  ring: RingBuffer,
  from: number,
  to: number,
  withTails: boolean,
  grid?: { from: number; bucketMs: number },
): Generator<MarkedRow> {
  // With a grid, the rows `groupedCounts` counts are left out.
  const rows = ring.sql.exec<{
    first_id: number;
    count: number;
    marks: ArrayBuffer;
    tails?: Tails;
    pats?: string | null;
  }>(
    `SELECT first_id, last_id - first_id + 1 AS count, marks${withTails ? ", tails, pats" : ""}
     FROM ring WHERE last_id >= ? AND t_max >= ? AND t_min < ? ${grid ? `AND NOT (${GROUPED})` : ""} ORDER BY last_id DESC`,
    ring.oldestId,
    from,
    to,
    ...(grid ? groupedParams(ring.oldestId, from, to, grid.bucketMs) : []),
  );
  for (const row of rows) {
    const { first_id: first, count, tails, pats } = row;
    yield { first, count, marks: readMarks(row.marks, count), tails: tails ?? null, patterns: storedIds(pats) };
  }
}

/**
 * Counts of the rows whose entries share one level and one bucket of the grid, by bucket and level, in one
 * GROUP BY: a stream of small batches has many rows, each of which would cost a row read and a loop.
 */
export function groupedCounts(
  ring: RingBuffer,
  from: number,
  to: number,
  bucketMs: number,
): { b: number; lv: number; n: number; first: number }[] {
  return ring.sql
    .exec<{ b: number; lv: number; n: number; first: number }>(
      `SELECT CAST((t_min - ?) / ? AS INTEGER) AS b, lv, SUM(last_id - first_id + 1) AS n, MIN(first_id) AS first
       FROM ring WHERE ${GROUPED} GROUP BY b, lv`,
      from,
      bucketMs,
      ...groupedParams(ring.oldestId, from, to, bucketMs),
    )
    .toArray();
}

/** The earliest and latest entry time among visible entries; null when none has a time. */
export function timeSpan(ring: RingBuffer): { min: number; max: number } | null {
  const oldest = ring.oldestId;
  const [whole] = ring.sql
    .exec<{ min: number | null; max: number | null }>(
      "SELECT MIN(t_min) AS min, MAX(t_max) AS max FROM ring WHERE first_id >= ?",
      oldest,
    )
    .toArray();
  let min = whole?.min ?? Number.POSITIVE_INFINITY;
  let max = whole?.max ?? Number.NEGATIVE_INFINITY;
  // The partly trimmed oldest row is read entry by entry.
  const rest = ring.sql.exec<{ first_id: number; count: number; marks: ArrayBuffer }>(
    "SELECT first_id, last_id - first_id + 1 AS count, marks FROM ring WHERE last_id >= ? AND first_id < ?",
    oldest,
    oldest,
  );
  for (const row of rest) {
    const { times } = readMarks(row.marks, row.count);
    for (let i = Math.max(0, oldest - row.first_id); i < row.count; i++) {
      const time = times[i] as number;
      if (time < min) min = time;
      if (time > max) max = time;
    }
  }
  return Number.isFinite(min) ? { min, max } : null;
}
