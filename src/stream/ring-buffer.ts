import type { Gap } from "../../lib/types";
import { joinTails, splitTails, type Tail, type Tails, withId } from "./stored";

/** Longest text (in UTF-16 units) stored in one row, so a row stays under SQLite's 2 MB limit in UTF-8. */
const MAX_ROW_CHARS = 500_000;

/** Where a subscriber's replay starts, and which ids it can no longer get. */
export interface ReplayPlan {
  /** Replay every entry with an id greater than this. */
  after: number;
  gap?: Gap;
}

/**
 * Plans the replay for a new subscriber. `oldestId` is the first id still in the ring and `lastId` the
 * newest assigned (oldestId = lastId + 1 when empty). A resume point wins over `tail`.
 */
export function planReplay(
  oldestId: number,
  lastId: number,
  request: { lastEventId?: number; tail: number },
): ReplayPlan {
  const { lastEventId, tail } = request;
  if (lastEventId === undefined) return { after: Math.max(lastId - tail, oldestId - 1) };
  if (lastEventId + 1 < oldestId && lastEventId < lastId) {
    return { after: oldestId - 1, gap: { from: lastEventId + 1, to: oldestId - 1 } };
  }
  return { after: Math.min(lastEventId, lastId) };
}

/**
 * The stream's recent entries in its SQLite storage, one row per appended batch. A row holds the batch's
 * entries serialised without their ids (`"time":…}`), one per line: an entry's id is its row's first id
 * plus its line number, so appending stores the batch exactly as it arrived. At most `capacity` entries are
 * visible; a row leaves storage once all of its entries have aged out.
 */
export class RingBuffer {
  #lastId: number;
  /** First and last id of the oldest stored row. */
  #oldestRow: { first: number; last: number };
  /** SQLite rows written since the object started: what Cloudflare bills for storage writes. */
  rowsWritten = 0;

  constructor(
    private readonly sql: SqlStorage,
    readonly capacity: number,
  ) {
    sql.exec(
      "CREATE TABLE IF NOT EXISTS ring (last_id INTEGER PRIMARY KEY, first_id INTEGER NOT NULL, tails TEXT NOT NULL)",
    );
    const newest = sql.exec<{ last_id: number }>("SELECT last_id FROM ring ORDER BY last_id DESC LIMIT 1").toArray();
    this.#lastId = newest[0]?.last_id ?? 0;
    this.#oldestRow = this.#readOldestRow();
  }

  /** The newest id assigned; 0 before the first entry. */
  get lastId(): number {
    return this.#lastId;
  }

  /** The first id still visible; lastId + 1 when empty. */
  get oldestId(): number {
    return Math.max(this.#oldestRow.first, this.#lastId - this.capacity + 1);
  }

  /** How many entries are visible. */
  get size(): number {
    return this.#lastId - this.oldestId + 1;
  }

  /**
   * Stores `count` entries given as tails joined by "\n" and assigns them the next ids; returns the first.
   * Synchronous, so concurrent appends can never interleave.
   */
  append(tails: Tails, count: number): number {
    const firstId = this.#lastId + 1;
    if (count === 0) return firstId;
    if (tails.length <= MAX_ROW_CHARS) this.#insert(firstId, count, tails);
    else this.#insertChunked(firstId, splitTails(tails, count));
    this.#lastId = firstId + count - 1;
    this.#trim();
    return firstId;
  }

  /** Visible entries with an id greater than `after`, oldest first, as [id, wire JSON]. */
  *since(after: number): Generator<[number, string]> {
    const from = Math.max(after, this.oldestId - 1);
    if (from >= this.#lastId) return;
    const rows = this.sql.exec<{ first_id: number; tails: Tails; count: number }>(
      "SELECT first_id, tails, last_id - first_id + 1 AS count FROM ring WHERE last_id > ? ORDER BY last_id",
      from,
    );
    for (const row of rows) {
      const tails = splitTails(row.tails, row.count);
      for (let i = Math.max(0, from + 1 - row.first_id); i < tails.length; i++) {
        const id = row.first_id + i;
        yield [id, withId(id, tails[i] as Tail)];
      }
    }
  }

  /** Splits a batch too large for one row into rows below SQLite's limit. */
  #insertChunked(firstId: number, tails: Tail[]): void {
    let start = 0;
    let chars = 0;
    for (let i = 0; i < tails.length; i++) {
      const length = (tails[i] as Tail).length + 1;
      if (chars > 0 && chars + length > MAX_ROW_CHARS) {
        this.#insert(firstId + start, i - start, joinTails(tails.slice(start, i)));
        start = i;
        chars = 0;
      }
      chars += length;
    }
    this.#insert(firstId + start, tails.length - start, joinTails(tails.slice(start)));
  }

  #insert(firstId: number, count: number, tails: Tails): void {
    this.rowsWritten += this.sql.exec(
      "INSERT INTO ring (last_id, first_id, tails) VALUES (?, ?, ?)",
      firstId + count - 1,
      firstId,
      tails,
    ).rowsWritten;
  }

  #trim(): void {
    const cutoff = this.#lastId - this.capacity;
    if (this.#oldestRow.last > cutoff) return;
    this.rowsWritten += this.sql.exec("DELETE FROM ring WHERE last_id <= ?", cutoff).rowsWritten;
    this.#oldestRow = this.#readOldestRow();
  }

  #readOldestRow(): { first: number; last: number } {
    const [row] = this.sql
      .exec<{ first_id: number; last_id: number }>("SELECT first_id, last_id FROM ring ORDER BY last_id LIMIT 1")
      .toArray();
    return row ? { first: row.first_id, last: row.last_id } : { first: this.#lastId + 1, last: this.#lastId + 1 };
  }
}
