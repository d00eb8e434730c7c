// A stream's ring buffer of entries in SQLite: append, trim, replay and search newest first.
import type { Gap } from "../../lib/types";
import { HeldMarks } from "./held-marks";
import { type Marks, marksOf, readMarks, rowMarks } from "./histogram";
import { joinTails, type PatternIds, splitTails, storedIds, type Tail, type Tails, withId } from "./stored";

/** Longest text (in UTF-16 units) stored in one row, so a row stays under SQLite's 2 MB limit in UTF-8. */
const MAX_ROW_CHARS = 500_000;

/**
 * The ring table: one row per commit, the entries' marks before their tails (see the constructor), and their
 * pattern ids joined by "," (null when patterns are off, or in rows whose tails carry them, from before).
 */
const RING_COLUMNS =
  "last_id INTEGER PRIMARY KEY, first_id INTEGER NOT NULL, at INTEGER, t_min REAL, t_max REAL, lv INTEGER, marks BLOB, tails TEXT NOT NULL, pats TEXT";

/** A stored row as the read paths select it. */
type StoredRow = {
  first_id: number;
  tails: Tails;
  pats: string | null;
  count: number;
};

/** Where a subscriber's replay starts, and which ids it can no longer get. */
export interface ReplayPlan {
  /** Replay every entry with an id greater than this. */
  after: number;
  gap?: Gap;
}

/**
 * Plans the replay for a new subscriber. `oldestId` is the first id still in the ring and `lastId` the
 * newest assigned (oldestId = lastId + 1 when empty). A resume point wins over `tail`. A resume that reads at
 * most `scanLimit` entries (a filtered one: each is evaluated) starts that far back, and its gap names the rest.
 */
export function planReplay(
  oldestId: number,
  lastId: number,
  request: { lastEventId?: number; tail: number },
  scanLimit = Number.POSITIVE_INFINITY,
): ReplayPlan {
  const { lastEventId, tail } = request;
  if (lastEventId === undefined) return { after: Math.max(lastId - tail, oldestId - 1) };
  const plan: ReplayPlan =
    lastEventId + 1 < oldestId && lastEventId < lastId
      ? { after: oldestId - 1, gap: { from: lastEventId + 1, to: oldestId - 1 } }
      : { after: Math.min(lastEventId, lastId) };
  if (lastId - plan.after <= scanLimit) return plan;
  return { after: lastId - scanLimit, gap: { from: plan.gap?.from ?? plan.after + 1, to: lastId - scanLimit } };
}

/**
 * The stream's recent entries in its SQLite storage, one row per appended batch. A row holds the batch's
 * entries serialised without their ids (`"time":…}`), one per line: an entry's id is its row's first id
 * plus its line number, so appending stores the batch exactly as it arrived. At most `capacity` entries are
 * visible, none committed more than `maxAgeMs` ago (0: no age limit); a row leaves storage once all of its
 * entries are out.
 */
export class RingBuffer {
  #lastId: number;
  /** Commit time of the newest batch; 0 before the first. */
  #newestAt: number;
  /** First and last id, and commit time, of the oldest stored row. */
  #oldestRow: { first: number; last: number; at: number };
  /** The held lines' marks, once something asked for them (see `held`). */
  #held: HeldMarks | undefined;
  /** SQLite rows written since the object started: what Cloudflare bills for storage writes. */
  rowsWritten = 0;

  constructor(
    /** Read by ring-marks.ts's queries of the marks columns. */
    readonly sql: SqlStorage,
    readonly capacity: number,
    readonly maxAgeMs = 0,
  ) {
    // The marks (each entry's time and level, histogram.ts) come before the tails: SQLite reads a row's columns
    // in order, through the overflow pages of any before them, so counting lines never touches the tails.
    sql.exec(`CREATE TABLE IF NOT EXISTS ring (${RING_COLUMNS})`);
    const columns = sql
      .exec<{ name: string }>("PRAGMA table_info(ring)")
      .toArray()
      .map((column) => column.name);
    if (!columns.includes("lv") || columns.indexOf("marks") > columns.indexOf("tails")) {
      // A ring from before marks: rebuilt once in this order, each row's marks read from its tails.
      sql.exec(`CREATE TABLE ring_next (${RING_COLUMNS})`);
      const at = columns.includes("at") ? "at" : "NULL AS at";
      const old = sql.exec<{ last_id: number; first_id: number; at: number | null; tails: Tails }>(
        `SELECT last_id, first_id, ${at}, tails FROM ring`,
      );
      for (const row of old) {
        const count = row.last_id - row.first_id + 1;
        this.#insertRow(row.first_id, count, row.tails, row.at, null, rowMarks(marksOf(row.tails, count)), "ring_next");
      }
      sql.exec("DROP TABLE ring");
      sql.exec("ALTER TABLE ring_next RENAME TO ring");
    } else if (!columns.includes("pats")) {
      sql.exec("ALTER TABLE ring ADD COLUMN pats TEXT");
    }
    // The newest id outlives its rows (they may all age out): ids are never reused.
    sql.exec("CREATE TABLE IF NOT EXISTS ring_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)");
    const newest = sql
      .exec<{ last_id: number; at: number | null }>("SELECT last_id, at FROM ring ORDER BY last_id DESC LIMIT 1")
      .toArray();
    const kept = sql.exec<{ value: number }>("SELECT value FROM ring_meta WHERE key = 'last_id'").toArray();
    this.#lastId = Math.max(newest[0]?.last_id ?? 0, kept[0]?.value ?? 0);
    this.#newestAt = newest[0]?.at ?? 0;
    this.#oldestRow = this.#readOldestRow();
  }

  /** The newest id assigned; 0 before the first entry. */
  get lastId(): number {
    return this.#lastId;
  }

  /** Epoch ms of the newest batch's commit; 0 when the ring holds none (new, or its lines were deleted). */
  get newestAt(): number {
    return this.#newestAt;
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
   * Stores `count` entries given as tails joined by "\n", with their pattern ids and marks (read from the
   * tails when not given), and assigns them the next ids; returns the first. Synchronous, so concurrent appends
   * can never interleave.
   */
  append(
    tails: Tails,
    count: number,
    now = Date.now(),
    patterns: PatternIds = null,
    marks: Marks = marksOf(tails, count),
  ): number {
    const firstId = this.#lastId + 1;
    if (count === 0) return firstId;
    if (tails.length <= MAX_ROW_CHARS) {
      this.#insertRow(firstId, count, tails, now, patterns?.join(",") ?? null, rowMarks(marks));
    } else this.#insertChunked(firstId, splitTails(tails, count), now, patterns, marks);
    this.#held?.record(firstId, marks);
    this.#lastId = firstId + count - 1;
    this.#newestAt = now;
    // The first row of an empty ring is its oldest.
    if (this.#oldestRow.first === firstId) this.#oldestRow = this.#readOldestRow();
    this.#trim();
    this.expire(now);
    return firstId;
  }

  /** Every held line's time and level: read from the rows' marks on first need, then kept by each append. */
  held(): HeldMarks {
    if (this.#held !== undefined) return this.#held;
    const held = new HeldMarks(this.capacity);
    const oldest = this.oldestId;
    const rows = this.sql.exec<{ first_id: number; count: number; marks: ArrayBuffer | null }>(
      "SELECT first_id, last_id - first_id + 1 AS count, marks FROM ring WHERE last_id >= ? ORDER BY last_id",
      oldest,
    );
    for (const row of rows) {
      if (row.marks !== null)
        held.record(row.first_id, readMarks(row.marks, row.count), Math.max(0, oldest - row.first_id));
    }
    this.#held = held;
    return held;
  }

  /** Drops rows committed more than `maxAgeMs` before `now`; cheap when none are due. */
  expire(now: number): void {
    if (this.maxAgeMs === 0 || this.#oldestRow.at === 0 || this.#oldestRow.at >= now - this.maxAgeMs) return;
    this.rowsWritten += this.sql.exec(
      "INSERT OR REPLACE INTO ring_meta (key, value) VALUES ('last_id', ?)",
      this.#lastId,
    ).rowsWritten;
    this.rowsWritten += this.sql.exec("DELETE FROM ring WHERE at < ?", now - this.maxAgeMs).rowsWritten;
    this.#oldestRow = this.#readOldestRow();
  }

  /** Drops every entry (the stream was deleted), keeping the newest id: ids are never reused. */
  clear(): void {
    this.rowsWritten += this.sql.exec(
      "INSERT OR REPLACE INTO ring_meta (key, value) VALUES ('last_id', ?)",
      this.#lastId,
    ).rowsWritten;
    this.rowsWritten += this.sql.exec("DELETE FROM ring").rowsWritten;
    this.#newestAt = 0;
    this.#oldestRow = this.#readOldestRow();
  }

  /** Visible entries with an id below `before`, newest first, as [id, wire JSON]. */
  *newestFirst(before: number): Generator<[number, string]> {
    const oldest = this.oldestId;
    const until = Math.min(before, this.#lastId + 1);
    if (until <= oldest) return;
    const rows = this.sql.exec<StoredRow>(
      "SELECT first_id, tails, pats, last_id - first_id + 1 AS count FROM ring WHERE first_id < ? AND last_id >= ? ORDER BY last_id DESC",
      until,
      oldest,
    );
    for (const row of rows) {
      const tails = splitTails(row.tails, row.count);
      const ids = storedIds(row.pats);
      const low = Math.max(row.first_id, oldest);
      for (let id = Math.min(until - 1, row.first_id + row.count - 1); id >= low; id--) {
        yield [id, withId(id, tails[id - row.first_id] as Tail, ids?.[id - row.first_id])];
      }
    }
  }

  /** Visible entries with an id greater than `after`, oldest first, as [id, wire JSON]. */
  *since(after: number): Generator<[number, string]> {
    const from = Math.max(after, this.oldestId - 1);
    if (from >= this.#lastId) return;
    const rows = this.sql.exec<StoredRow>(
      "SELECT first_id, tails, pats, last_id - first_id + 1 AS count FROM ring WHERE last_id > ? ORDER BY last_id",
      from,
    );
    for (const row of rows) {
      const tails = splitTails(row.tails, row.count);
      const ids = storedIds(row.pats);
      for (let i = Math.max(0, from + 1 - row.first_id); i < tails.length; i++) {
        const id = row.first_id + i;
        yield [id, withId(id, tails[i] as Tail, ids?.[i])];
      }
    }
  }

  /** One visible entry's wire JSON, or undefined: found in its row without splitting the row. */
  entry(id: number): string | undefined {
    if (id < this.oldestId || id > this.#lastId) return undefined;
    const [row] = this.sql
      .exec<Omit<StoredRow, "count">>(
        "SELECT first_id, tails, pats FROM ring WHERE last_id >= ? ORDER BY last_id LIMIT 1",
        id,
      )
      .toArray();
    if (row === undefined || row.first_id > id) return undefined;
    let start = 0;
    for (let skip = id - row.first_id; skip > 0; skip--) start = row.tails.indexOf("\n", start) + 1;
    const end = row.tails.indexOf("\n", start);
    return withId(
      id,
      row.tails.slice(start, end < 0 ? undefined : end) as Tail,
      storedIds(row.pats)?.[id - row.first_id],
    );
  }

  /** Splits a batch too large for one row into rows below SQLite's limit. */
  #insertChunked(firstId: number, tails: Tail[], now: number, patterns: PatternIds, marks: Marks): void {
    const insert = (start: number, end: number) =>
      this.#insertRow(
        firstId + start,
        end - start,
        joinTails(tails.slice(start, end)),
        now,
        patterns?.slice(start, end).join(",") ?? null,
        rowMarks(marks, start, end),
      );
    let start = 0;
    let chars = 0;
    for (let i = 0; i < tails.length; i++) {
      const length = (tails[i] as Tail).length + 1;
      if (chars > 0 && chars + length > MAX_ROW_CHARS) {
        insert(start, i);
        start = i;
        chars = 0;
      }
      chars += length;
    }
    insert(start, tails.length);
  }

  #insertRow(
    firstId: number,
    count: number,
    tails: Tails,
    now: number | null,
    pats: string | null,
    marks: ReturnType<typeof rowMarks>,
    table = "ring",
  ): void {
    this.rowsWritten += this.sql.exec(
      `INSERT INTO ${table} (last_id, first_id, tails, at, marks, t_min, t_max, lv, pats) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      firstId + count - 1,
      firstId,
      tails,
      now,
      marks.blob,
      marks.min,
      marks.max,
      marks.level,
      pats,
    ).rowsWritten;
  }

  #trim(): void {
    const cutoff = this.#lastId - this.capacity;
    if (this.#oldestRow.last > cutoff) return;
    this.rowsWritten += this.sql.exec("DELETE FROM ring WHERE last_id <= ?", cutoff).rowsWritten;
    this.#oldestRow = this.#readOldestRow();
  }

  #readOldestRow(): { first: number; last: number; at: number } {
    const [row] = this.sql
      .exec<{ first_id: number; last_id: number; at: number | null }>(
        "SELECT first_id, last_id, at FROM ring ORDER BY last_id LIMIT 1",
      )
      .toArray();
    if (!row) return { first: this.#lastId + 1, last: this.#lastId + 1, at: 0 };
    return { first: row.first_id, last: row.last_id, at: row.at ?? 0 };
  }
}
