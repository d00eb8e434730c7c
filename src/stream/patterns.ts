// The stream's live patterns: every committed line gets its pattern's id from the miner (lib/patterns/), the
// miner's templates persist as SQLite rows, and the lines the ring holds are counted per pattern on request.
import { LEVELS, type Level } from "../../lib/levels.js";
import { EXAMPLE_CHARS, PatternMiner, type PatternRow } from "../../lib/patterns/miner.js";
import type { LogEntry } from "../../lib/types";
import type { CompiledFilter } from "./filter";
import { SCAN_LIMIT } from "./history";
import type { RingBuffer } from "./ring-buffer";
import type { Tail } from "./stored";
import { messageOf, patternOf, timeOf } from "./tail-fields";

/** One pattern of `GET /api/streams/{stream}/patterns`. */
export interface PatternSummary {
  id: string;
  template: string;
  /** Lines of it the ring holds (that match the query). */
  count: number;
  /** The most severe level among those lines. */
  level: Level | null;
  /** The `time` of the first line that created the pattern. */
  firstSeen: number;
  /** The `time` of its newest line counted. */
  lastSeen: number;
  /** The message of its newest line counted, cut to 512 characters. */
  example: string;
}

/** The answer of `GET /api/streams/{stream}/patterns`. */
export interface PatternList {
  /** Most lines first. */
  patterns: PatternSummary[];
  /** The lines counted: the sum of the counts. */
  lines: number;
  /** Held lines looked at: all of them without a query, the newest SCAN_LIMIT with one. */
  searched: number;
}

/** A pattern's place in the per-line arrays, and the id of its newest line (its example, read on request). */
interface Slot {
  id: string;
  lastId: number;
}

/**
 * Assigns and counts patterns. Per held line it keeps a slot number in a typed array indexed by id modulo the
 * ring's capacity (beside the ring's held marks, which give the level), built from the ring on the first request
 * after a restart, so a request without a query counts every held line in one pass over integers.
 */
export class PatternTable {
  #miner: PatternMiner | undefined;
  /** Templates as last saved: a commit writes only new and widened patterns, never counts. */
  readonly #saved = new Map<string, string>();
  readonly #slots: Slot[] = [];
  readonly #slotOf = new Map<string, number>();
  #held: Int32Array | undefined;
  /** The slot of each line of the commit being stored, applied once it is durable. */
  #pending: number[] = [];
  /** Positions, in the last commit, of the lines that started a pattern the stream never had. */
  fresh: number[] = [];

  constructor(
    private readonly sql: SqlStorage,
    private readonly ring: RingBuffer,
    private readonly limit: number,
  ) {
    // WITHOUT ROWID: a saved pattern is one row written, not a row and its key's index entry.
    sql.exec(
      "CREATE TABLE IF NOT EXISTS patterns (id TEXT PRIMARY KEY, template TEXT NOT NULL, first_seen INTEGER NOT NULL, example TEXT NOT NULL) WITHOUT ROWID",
    );
  }

  /**
   * Each of the commit's lines' pattern id, stored beside its tails (never written into them: that would copy
   * the batch); widened and new templates are saved in the same turn.
   */
  assign(lines: readonly Tail[], times: Float64Array, shapes: Float64Array | null): string[] {
    const miner = this.#load();
    const firstId = this.ring.lastId + 1;
    const ids: string[] = new Array(lines.length);
    this.fresh = [];
    this.#pending = new Array(lines.length);
    for (let i = 0; i < lines.length; i++) {
      const known = miner.size;
      // Times are the entries' own (`firstSeen` as `lastSeen`; none: 0); the miner's level and counts are not
      // used: both are counted over the held lines on request.
      const time = times[i] || 0;
      const shape = shapes?.[i];
      // A known shape needs no message: it is read out of the stored JSON only for a line the cache misses.
      const id =
        (shape === undefined ? undefined : miner.assignCached(shape, time)) ??
        miner.assign(messageOf(lines[i] as Tail), time, null, shape);
      if (miner.size > known) this.fresh.push(i);
      const slot = this.#slot(id);
      (this.#slots[slot] as Slot).lastId = firstId + i;
      this.#pending[i] = slot;
      ids[i] = id;
    }
    for (const row of miner.takeChanged()) {
      if (this.#saved.get(row.id) === row.template) continue;
      this.ring.rowsWritten += this.sql.exec(
        "INSERT INTO patterns (id, template, first_seen, example) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET template = excluded.template",
        row.id,
        row.template,
        row.firstSeen,
        row.example,
      ).rowsWritten;
      this.#saved.set(row.id, row.template);
    }
    return ids;
  }

  /** Records the assigned commit's lines as held, once the ring stored them from `firstId` on. */
  committed(firstId: number): void {
    const held = this.#held;
    if (held === undefined) return;
    const pending = this.#pending;
    for (let i = 0; i < pending.length; i++) held[(firstId + i) % held.length] = pending[i] as number;
  }

  /**
   * The patterns of the held lines, most lines first. With a filter the newest SCAN_LIMIT held lines are
   * parsed and tested (the bound history has); without one every held line is counted from the arrays.
   */
  list(filter: CompiledFilter | null): PatternList {
    const miner = this.#load();
    const found = filter === null ? this.#countHeld() : this.#countMatching(filter);
    const patterns: PatternSummary[] = [];
    let lines = 0;
    for (const [id, tally] of found.tallies) {
      const row = miner.get(id);
      if (row === undefined) continue;
      lines += tally.count;
      patterns.push({
        id,
        template: row.template,
        count: tally.count,
        level: LEVELS[tally.level] ?? null,
        firstSeen: row.firstSeen,
        lastSeen: tally.lastSeen,
        example: tally.example.slice(0, EXAMPLE_CHARS),
      });
    }
    patterns.sort((a, b) => b.count - a.count || b.lastSeen - a.lastSeen || (a.id < b.id ? -1 : 1));
    return { patterns, lines, searched: found.searched };
  }

  #countHeld(): { tallies: Map<string, Tally>; searched: number } {
    const held = this.#buildHeld();
    // Level codes as the marks keep them: 0 none, else the rank in LEVELS plus one.
    const codes = this.ring.held().levels;
    const counts = new Int32Array(this.#slots.length);
    const levels = new Uint8Array(this.#slots.length);
    const capacity = held.length;
    for (let id = this.ring.oldestId; id <= this.ring.lastId; id++) {
      const slot = held[id % capacity] as number;
      if (slot < 0) continue;
      counts[slot] = (counts[slot] as number) + 1;
      const level = codes[id % capacity] as number;
      if (level > (levels[slot] as number)) levels[slot] = level;
    }
    const tallies = new Map<string, Tally>();
    for (let slot = 0; slot < this.#slots.length; slot++) {
      const count = counts[slot] as number;
      if (count === 0) continue;
      const { id, lastId } = this.#slots[slot] as Slot;
      const newest = this.ring.entry(lastId) ?? "";
      const level = (levels[slot] as number) - 1;
      tallies.set(id, { count, level, lastSeen: timeOf(newest), example: messageOf(newest) });
    }
    return { tallies, searched: this.ring.size };
  }

  #countMatching(filter: CompiledFilter): { tallies: Map<string, Tally>; searched: number } {
    const tallies = new Map<string, Tally>();
    let searched = 0;
    for (const [, json] of this.ring.newestFirst(this.ring.lastId + 1)) {
      if (searched >= SCAN_LIMIT) break;
      searched++;
      let entry: LogEntry;
      try {
        entry = JSON.parse(json) as LogEntry;
      } catch {
        continue;
      }
      if (entry.pattern === undefined || !filter.match(entry)) continue;
      const rank = entry.level === null ? -1 : LEVELS.indexOf(entry.level);
      const tally = tallies.get(entry.pattern);
      if (tally === undefined) {
        // Newest first: the first line seen is the pattern's newest.
        tallies.set(entry.pattern, { count: 1, level: rank, lastSeen: entry.time, example: entry.message });
      } else {
        tally.count++;
        if (rank > tally.level) tally.level = rank;
      }
    }
    return { tallies, searched };
  }

  /** The per-line slots, read from the ring once per life of the object (after a restart, on first need). */
  #buildHeld(): Int32Array {
    if (this.#held !== undefined) return this.#held;
    const capacity = this.ring.capacity;
    const held = new Int32Array(capacity).fill(-1);
    for (const [id, json] of this.ring.since(this.ring.oldestId - 1)) {
      const pattern = patternOf(json);
      if (pattern === undefined) continue;
      const slot = this.#slot(pattern);
      held[id % capacity] = slot;
      (this.#slots[slot] as Slot).lastId = id;
    }
    this.#held = held;
    return held;
  }

  #slot(id: string): number {
    let slot = this.#slotOf.get(id);
    if (slot === undefined) {
      slot = this.#slots.length;
      this.#slots.push({ id, lastId: 0 });
      this.#slotOf.set(id, slot);
    }
    return slot;
  }

  /** The miner, with the saved templates, so ids carry on across restarts. */
  #load(): PatternMiner {
    if (this.#miner !== undefined) return this.#miner;
    const rows: PatternRow[] = [];
    for (const row of this.sql.exec<{ id: string; template: string; first_seen: number; example: string }>(
      "SELECT id, template, first_seen, example FROM patterns",
    )) {
      const { id, template, first_seen: firstSeen, example } = row;
      rows.push({ id, template, count: 0, level: null, firstSeen, lastSeen: firstSeen, example });
      this.#saved.set(id, template);
    }
    this.#miner = new PatternMiner({ limit: this.limit, rows });
    return this.#miner;
  }
}

/** One pattern's lines as a request counts them. */
interface Tally {
  count: number;
  /** Rank in LEVELS, -1 when none of its lines has a level. */
  level: number;
  lastSeen: number;
  example: string;
}
