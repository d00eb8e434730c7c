// Lines over time, pure: each stored row's "marks" (its entries' times and levels, kept beside the tails at
// commit so counting never parses JSON), the bucket grid a window is cut into, and the counts per bucket.
import { LEVELS } from "../../lib/levels.js";

/** Level codes in the marks: 0 for none, then LEVELS' order (trace = 1 … fatal = 6). */
const CODES: Record<string, number> = Object.fromEntries(LEVELS.map((level, i) => [level, i + 1]));
const KEYS = ["none", ...LEVELS] as const;
const WIDTH = KEYS.length;

/** A row's entries' times (epoch ms, NaN when stored as null) and level codes, in id order. */
export interface Marks {
  times: Float64Array;
  levels: Uint8Array;
}

/**
 * Reads the time and level at the head of each tail (`"time":T,"level":"x"|null,…`, as `tailOf` writes it),
 * without parsing the rest: once per commit, for the stored row, the held lines' marks and the pattern miner.
 */
export function marksOf(tails: string, count: number): Marks {
  const blob = new ArrayBuffer(count * 9);
  const times = new Float64Array(blob, 0, count);
  const levels = new Uint8Array(blob, count * 8, count);
  let at = 0;
  for (let i = 0; i < count; i++) {
    const comma = tails.indexOf(",", at + 7);
    const time = Number(tails.slice(at + 7, comma));
    times[i] = Number.isFinite(time) ? time : Number.NaN;
    // `,"level":` is 9 characters; a name follows in quotes, or null.
    const level = comma + 9;
    if (tails.charCodeAt(level) === 34) levels[i] = CODES[tails.slice(level + 1, tails.indexOf('"', level + 1))] ?? 0;
    const end = tails.indexOf("\n", level);
    at = end + 1;
    if (end < 0) break;
  }
  return { times, levels };
}

/**
 * What a row stores of the marks of entries [start, end): a BLOB (the times as float64, then a level byte
 * each), the smallest and largest time (null when no entry has one) and the level every entry shares (else null).
 */
export function rowMarks(
  marks: Marks,
  start = 0,
  end = marks.times.length,
): { blob: ArrayBuffer; min: number | null; max: number | null; level: number | null } {
  const count = end - start;
  let blob = marks.times.buffer as ArrayBuffer;
  if (count !== marks.times.length) {
    blob = new ArrayBuffer(count * 9);
    new Float64Array(blob, 0, count).set(marks.times.subarray(start, end));
    new Uint8Array(blob, count * 8, count).set(marks.levels.subarray(start, end));
  }
  const { times, levels } = readMarks(blob, count);
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const time of times) {
    if (time < min) min = time;
    if (time > max) max = time;
  }
  let level: number | null = levels[0] ?? null;
  for (let i = 1; i < count && level !== null; i++) if (levels[i] !== level) level = null;
  return { blob, min: Number.isFinite(min) ? min : null, max: Number.isFinite(max) ? max : null, level };
}

/** The marks of a stored BLOB of `count` entries. */
export function readMarks(blob: ArrayBuffer, count: number): Marks {
  return { times: new Float64Array(blob, 0, count), levels: new Uint8Array(blob, count * 8, count) };
}

/** How a window is cut: `count` buckets of `bucketMs` from `from` (a multiple of bucketMs). */
export interface Grid {
  from: number;
  bucketMs: number;
  count: number;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Bucket widths a reader can name, smallest first; past a week, weeks times 1, 2, 5, 10… */
const STEPS = [
  1,
  2,
  5,
  10,
  20,
  50,
  100,
  200,
  500,
  SECOND,
  2 * SECOND,
  5 * SECOND,
  10 * SECOND,
  15 * SECOND,
  30 * SECOND,
  MINUTE,
  2 * MINUTE,
  5 * MINUTE,
  10 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
  2 * DAY,
  7 * DAY,
];

/** Widths of `STEPS`, then ever wider, so every window fits. */
function* widths(): Generator<number> {
  yield* STEPS;
  for (let scale = 1; ; scale *= 10) for (const n of [2, 5, 10]) yield n * scale * 7 * DAY;
}

/**
 * The grid for the window [from, to) in at most `buckets` buckets: the narrowest nameable width whose buckets,
 * aligned to multiples of it, cover the window. `to` must be greater than `from`.
 */
export function planGrid(from: number, to: number, buckets: number): Grid {
  for (const bucketMs of widths()) {
    const start = Math.floor(from / bucketMs) * bucketMs;
    const count = Math.ceil((to - start) / bucketMs);
    if (count <= buckets) return { from: start, bucketMs, count: Math.max(1, count) };
  }
  throw new Error("unreachable: widths() never ends");
}

/** One bucket as the API answers it. */
export interface Bucket {
  /** The bucket's start, epoch ms. */
  t: number;
  count: number;
  /** Lines per level, only the levels present; lines without a level count as `none`. */
  levels: Partial<Record<(typeof KEYS)[number], number>>;
  /** The lowest id counted in the bucket (single stream), or per stream (merged): where a click jumps to. */
  firstId?: number;
  firstIds?: Record<string, number>;
}

/** The histogram answer. */
export interface Histogram {
  from: number;
  to: number;
  bucketMs: number;
  buckets: Bucket[];
  /** False when a query's scan stopped at its bound before the window's oldest line (see README). */
  complete: boolean;
  /** Lines the query was evaluated on (0 without a query). */
  scanned: number;
  /** The stream's newest id when it was counted (per stream when merged): a live view adds only later lines. */
  lastId?: number;
  lastIds?: Record<string, number>;
}

/** Counts per bucket and level over one grid. */
export class Counts {
  readonly #cells: Uint32Array;
  readonly #first: Float64Array;
  readonly #end: number;

  constructor(readonly grid: Grid) {
    this.#cells = new Uint32Array(grid.count * WIDTH);
    this.#first = new Float64Array(grid.count).fill(Number.POSITIVE_INFINITY);
    this.#end = grid.from + grid.count * grid.bucketMs;
  }

  /** The bucket a time falls in, or -1 outside the grid (and for NaN). */
  bucketOf(time: number): number {
    return time >= this.grid.from && time < this.#end ? Math.floor((time - this.grid.from) / this.grid.bucketMs) : -1;
  }

  /** Counts `n` lines (default 1) of one level in a bucket, the lowest of their ids `id`. */
  add(bucket: number, level: number, id: number, n = 1): void {
    (this.#cells[bucket * WIDTH + level] as number) += n;
    if (id < (this.#first[bucket] as number)) this.#first[bucket] = id;
  }

  /** The answer; `complete` and `scanned` as the scan found them, `lastId` the stream's newest id. */
  toHistogram(complete: boolean, scanned: number, lastId: number): Histogram {
    const { from, bucketMs, count } = this.grid;
    const buckets: Bucket[] = [];
    for (let b = 0; b < count; b++) {
      const bucket: Bucket = { t: from + b * bucketMs, count: 0, levels: {} };
      for (let level = 0; level < WIDTH; level++) {
        const n = this.#cells[b * WIDTH + level] as number;
        if (n === 0) continue;
        bucket.count += n;
        bucket.levels[KEYS[level] as (typeof KEYS)[number]] = n;
      }
      if (bucket.count > 0) bucket.firstId = this.#first[b] as number;
      buckets.push(bucket);
    }
    return { from, to: this.#end, bucketMs, buckets, complete, scanned, lastId };
  }
}

/** Sums histograms of several streams over one grid; each bucket's `firstIds` names where each stream's begin. */
export function sumHistograms(grid: Grid, parts: ReadonlyMap<string, Histogram>): Histogram {
  const { from, bucketMs, count } = grid;
  const buckets: Bucket[] = Array.from({ length: count }, (_, b) => ({ t: from + b * bucketMs, count: 0, levels: {} }));
  let complete = true;
  let scanned = 0;
  const lastIds: Record<string, number> = {};
  for (const [stream, part] of parts) {
    complete &&= part.complete;
    scanned += part.scanned;
    if (part.lastId !== undefined) lastIds[stream] = part.lastId;
    for (const [b, bucket] of part.buckets.entries()) {
      const sum = buckets[b];
      if (sum === undefined || bucket.count === 0) continue;
      sum.count += bucket.count;
      for (const [key, n] of Object.entries(bucket.levels) as [(typeof KEYS)[number], number][]) {
        sum.levels[key] = (sum.levels[key] ?? 0) + n;
      }
      if (bucket.firstId !== undefined) sum.firstIds = { ...sum.firstIds, [stream]: bucket.firstId };
    }
  }
  return { from, to: from + count * bucketMs, bucketMs, buckets, complete, scanned, lastIds };
}
