// The volume strip's data, pure: the server's histogram (lines per time bucket, by level), kept live by adding
// each arriving line to its bucket; past the last bucket new ones are appended, and past `max` buckets every
// two are merged into one twice as wide, so the strip always covers everything from its start. Also how the strip
// draws it: bar heights on a square-root scale that cuts a burst, and round times to label the axis with. No DOM.
import type { Level } from "../lib/types";
import { clockText, dayText } from "./view/time-label";

export type LevelKey = Level | "none";

/** One bucket, as `GET …/histogram` answers it. */
export interface VolumeBucket {
  t: number;
  count: number;
  levels: Partial<Record<LevelKey, number>>;
  /** The lowest id counted in it: where a click jumps to (single stream). */
  firstId?: number;
  /** The same per stream (a merged view). */
  firstIds?: Record<string, number>;
}

/** The histogram answer. */
export interface HistogramAnswer {
  from: number;
  to: number;
  bucketMs: number;
  buckets: VolumeBucket[];
  complete: boolean;
  scanned: number;
}

export class Volume {
  from: number;
  bucketMs: number;
  buckets: VolumeBucket[];
  /** A frozen window (from=/to= in the URL): lines arriving later are not added. */
  readonly frozen: boolean;

  constructor(
    answer: HistogramAnswer,
    readonly max: number,
    frozen = false,
  ) {
    this.from = answer.from;
    this.bucketMs = answer.bucketMs;
    this.buckets = answer.buckets.map((bucket) => ({ ...bucket, levels: { ...bucket.levels } }));
    this.frozen = frozen;
  }

  get to(): number {
    return this.from + this.buckets.length * this.bucketMs;
  }

  /** The tallest bucket's count (at least 1, so heights divide safely). */
  get peak(): number {
    let peak = 1;
    for (const bucket of this.buckets) if (bucket.count > peak) peak = bucket.count;
    return peak;
  }

  /**
   * Counts one arriving line. Lines before the start (clocks disagree) or after a frozen window are not
   * shown; returns whether the strip changed.
   */
  add(time: number, level: Level | null, id?: number, stream?: string): boolean {
    if (!Number.isFinite(time) || time < this.from || (this.frozen && time >= this.to)) return false;
    while (time >= this.to) {
      this.buckets.push({ t: this.to, count: 0, levels: {} });
      if (this.buckets.length > this.max) this.coarsen();
    }
    const bucket = this.buckets[Math.floor((time - this.from) / this.bucketMs)] as VolumeBucket;
    bucket.count++;
    const key: LevelKey = level ?? "none";
    bucket.levels[key] = (bucket.levels[key] ?? 0) + 1;
    if (id !== undefined && stream === undefined && bucket.firstId === undefined) bucket.firstId = id;
    if (id !== undefined && stream !== undefined && bucket.firstIds?.[stream] === undefined) {
      bucket.firstIds = { ...bucket.firstIds, [stream]: id };
    }
    return true;
  }

  /** The bucket at a fraction (0–1) of the strip's width. */
  indexAt(fraction: number): number {
    return Math.max(0, Math.min(this.buckets.length - 1, Math.floor(fraction * this.buckets.length)));
  }

  /** Merges every two buckets into one twice as wide, aligned to the new width (an empty one first if needed). */
  private coarsen() {
    const width = this.bucketMs * 2;
    if (this.from % width !== 0) {
      this.from -= this.bucketMs;
      this.buckets.unshift({ t: this.from, count: 0, levels: {} });
    }
    const merged: VolumeBucket[] = [];
    for (let i = 0; i < this.buckets.length; i += 2) {
      const a = this.buckets[i] as VolumeBucket;
      const b = this.buckets[i + 1];
      if (b === undefined) {
        merged.push(a);
        continue;
      }
      const levels = { ...a.levels };
      for (const [key, n] of Object.entries(b.levels) as [LevelKey, number][]) levels[key] = (levels[key] ?? 0) + n;
      const bucket: VolumeBucket = { t: a.t, count: a.count + b.count, levels };
      const firstId = a.firstId ?? b.firstId;
      if (firstId !== undefined) bucket.firstId = firstId;
      if (a.firstIds || b.firstIds) bucket.firstIds = { ...b.firstIds, ...a.firstIds };
      merged.push(bucket);
    }
    this.bucketMs = width;
    this.buckets = merged;
  }
}

/** "1,234 lines: 3 error, 10 warn, …": a bucket's counts as text, most severe level first. */
export function describeBucket(bucket: VolumeBucket): string {
  const order: LevelKey[] = ["fatal", "error", "warn", "info", "debug", "trace", "none"];
  const parts = order
    .filter((key) => (bucket.levels[key] ?? 0) > 0)
    .map((key) => `${(bucket.levels[key] as number).toLocaleString("en-US")} ${key === "none" ? "no level" : key}`);
  const lines = `${bucket.count.toLocaleString("en-US")} line${bucket.count === 1 ? "" : "s"}`;
  return parts.length === 0 ? lines : `${lines}: ${parts.join(", ")}`;
}

/** A URL time (epoch ms or ISO 8601) as epoch ms, or null. */
export function parseUrlTime(value: string | null): number | null {
  if (value === null || value.trim() === "") return null;
  const n = /^\d+$/.test(value.trim()) ? Number(value) : Date.parse(value);
  return Number.isFinite(n) ? n : null;
}

/** A bucket above this many times the 90th percentile of the non-empty ones is drawn cut, so it dwarfs none. */
const CUT_RATIO = 4;
/** The lowest bar that holds lines, in percent of the strip: one line still shows. */
const MIN_BAR = 4;

/** The count a full-height bar stands for: the peak, or CUT_RATIO × the 90th percentile when a burst stands out. */
export function barTop(buckets: readonly VolumeBucket[]): number {
  const counts: number[] = [];
  for (const bucket of buckets) if (bucket.count > 0) counts.push(bucket.count);
  if (counts.length === 0) return 1;
  counts.sort((a, b) => a - b);
  const peak = counts[counts.length - 1] as number;
  return Math.min(peak, (counts[Math.floor(0.9 * (counts.length - 1))] as number) * CUT_RATIO);
}

/** A bar's height in percent: the square root of its share of `top` (small buckets stay visible), 100 when cut. */
export function barHeight(count: number, top: number): number {
  if (count <= 0) return 0;
  return Math.max(MIN_BAR, Math.sqrt(Math.min(1, count / top)) * 100);
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/**
 * Round steps between axis labels. Each is at most 5/3 of the one before, or twice it and its multiple: where one
 * step gives over 5 labels, the next gives at least 3.
 */
const STEPS = [
  ...[100, 200, 250, 500],
  ...[1, 2, 3, 5, 10, 15, 20, 30].map((n) => n * SECOND),
  ...[1, 2, 3, 5, 10, 15, 20, 30].map((n) => n * MINUTE),
  ...[1, 2, 3, 4, 6, 8, 12].map((n) => n * HOUR),
  ...[1, 2, 3, 5, 7, 14, 28, 56, 112, 224, 448].map((n) => n * DAY),
];
/** At most this many labels under the strip. */
const MAX_TICKS = 5;

export interface Tick {
  t: number;
  /** Where it is along the strip, 0–1. */
  fraction: number;
  /** `12:05`, `12:05:30`, `12:05:30.500`, or `12-07` for a day (a step of days, or midnight). */
  text: string;
}

/** Round times in [from, to] to label the strip with (local or UTC): the most that are at most MAX_TICKS. */
export function timeTicks(from: number, to: number, utc: boolean): Tick[] {
  if (!(to > from) || !Number.isFinite(from) || !Number.isFinite(to)) return [];
  // Local steps are round in local time: the zone's offset at the start (a DST change inside is left alone).
  const offset = utc ? 0 : -new Date(from).getTimezoneOffset() * MINUTE;
  const first = (step: number) => Math.ceil((from + offset) / step) * step - offset;
  const step =
    STEPS.find((s) => Math.floor((to - first(s)) / s) + 1 <= MAX_TICKS) ??
    Math.ceil((to - from) / MAX_TICKS / DAY) * DAY;
  const ticks: Tick[] = [];
  for (let t = first(step); t <= to; t += step) {
    const clock = clockText(t, utc);
    const midnight = step >= MINUTE && clock.startsWith("00:00:00");
    const text =
      step >= DAY || midnight
        ? dayText(t, utc).slice(5)
        : step < SECOND
          ? clock
          : clock.slice(0, step < MINUTE ? 8 : 5);
    ticks.push({ t, fraction: (t - from) / (to - from), text });
  }
  return ticks;
}
