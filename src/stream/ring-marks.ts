// The ring's rows whose entries' times (the marks columns, histogram.ts) reach into a window: what a filtered
// histogram reads, skipping by SQL the rows wholly outside it.
import { type Marks, readMarks } from "./histogram";
import type { RingBuffer } from "./ring-buffer";
import { storedIds, type Tails } from "./stored";

/** A stored row as `markedRows` reads it. */
export interface MarkedRow {
  first: number;
  count: number;
  marks: Marks;
  tails: Tails;
  /** The entries' pattern ids, when stored beside the tails. */
  patterns: string[] | undefined;
}

/** Visible rows whose entries' times reach into [from, to), newest first, with their marks and tails. */
export function* markedRows(ring: RingBuffer, from: number, to: number): Generator<MarkedRow> {
  const rows = ring.sql.exec<{
    first_id: number;
    count: number;
    marks: ArrayBuffer;
    tails: Tails;
    pats: string | null;
  }>(
    `SELECT first_id, last_id - first_id + 1 AS count, marks, tails, pats
     FROM ring WHERE last_id >= ? AND t_max >= ? AND t_min < ? ORDER BY last_id DESC`,
    ring.oldestId,
    from,
    to,
  );
  for (const row of rows) {
    const { first_id: first, count, tails, pats } = row;
    yield { first, count, marks: readMarks(row.marks, count), tails, patterns: storedIds(pats) };
  }
}
