import type { Gap } from "./types";

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
 * The stream's recent entries in its SQLite storage. Entries are kept as their wire JSON, many per row
 * (one row per appended batch), so a batch costs one row written whatever its size. At most `capacity`
 * entries are visible; a row leaves storage once all of its entries have aged out.
 */
export class RingBuffer {
  #lastId: number;
  /** First and last id of the oldest stored row. */
  #oldestRow: { first: number; last: number };

  constructor(
    private readonly sql: SqlStorage,
    readonly capacity: number,
  ) {
    sql.exec(
      "CREATE TABLE IF NOT EXISTS batches (last_id INTEGER PRIMARY KEY, first_id INTEGER NOT NULL, entries TEXT NOT NULL)",
    );
    const newest = sql.exec<{ last_id: number }>("SELECT last_id FROM batches ORDER BY last_id DESC LIMIT 1").toArray();
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
   * Assigns the next ids to entries serialised without their id (`"time":…}`), stores them and returns
   * their wire JSON. Synchronous, so concurrent appends can never interleave.
   */
  append(tails: readonly string[]): { firstId: number; json: string[] } {
    const firstId = this.#lastId + 1;
    const json = new Array<string>(tails.length);
    let rowFirst = firstId;
    let rowChars = 0;
    for (let i = 0; i < tails.length; i++) {
      const entry = `{"id":${firstId + i},${tails[i]}`;
      json[i] = entry;
      if (rowChars > 0 && rowChars + entry.length > MAX_ROW_CHARS) {
        this.#insert(rowFirst, json.slice(rowFirst - firstId, i));
        rowFirst = firstId + i;
        rowChars = 0;
      }
      rowChars += entry.length + 1;
    }
    if (tails.length > 0) this.#insert(rowFirst, json.slice(rowFirst - firstId));
    this.#lastId = firstId + tails.length - 1;
    this.#trim();
    return { firstId, json };
  }

  /** Visible entries with an id greater than `after`, oldest first, as [id, wire JSON]. */
  *since(after: number): Generator<[number, string]> {
    const from = Math.max(after, this.oldestId - 1);
    if (from >= this.#lastId) return;
    const rows = this.sql.exec<{ first_id: number; entries: string }>(
      "SELECT first_id, entries FROM batches WHERE last_id > ? ORDER BY last_id",
      from,
    );
    for (const row of rows) {
      const entries = row.entries.split("\n");
      for (let i = Math.max(0, from + 1 - row.first_id); i < entries.length; i++) {
        yield [row.first_id + i, entries[i] as string];
      }
    }
  }

  #insert(firstId: number, json: string[]): void {
    this.sql.exec(
      "INSERT INTO batches (last_id, first_id, entries) VALUES (?, ?, ?)",
      firstId + json.length - 1,
      firstId,
      json.join("\n"),
    );
  }

  #trim(): void {
    const cutoff = this.#lastId - this.capacity;
    if (this.#oldestRow.last > cutoff) return;
    this.sql.exec("DELETE FROM batches WHERE last_id <= ?", cutoff);
    this.#oldestRow = this.#readOldestRow();
  }

  #readOldestRow(): { first: number; last: number } {
    const [row] = this.sql
      .exec<{ first_id: number; last_id: number }>("SELECT first_id, last_id FROM batches ORDER BY last_id LIMIT 1")
      .toArray();
    return row ? { first: row.first_id, last: row.last_id } : { first: this.#lastId + 1, last: this.#lastId + 1 };
  }
}
