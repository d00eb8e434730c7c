// Latency histogram with 0.1 ms buckets up to 10 s: percentiles of millions of samples in constant memory.

const BUCKET_MS = 0.1;
const BUCKETS = 100_000;

/** @typedef {{ counts: Float64Array<ArrayBufferLike>, max: number, total: number }} HistogramJson */

export class Histogram {
  /** @param {Float64Array<ArrayBufferLike>} [counts] one count per bucket @param {number} [max] @param {number} [total] */
  constructor(counts = new Float64Array(BUCKETS + 1), max = 0, total = 0) {
    this.counts = counts;
    this.max = max;
    this.total = total;
  }

  /** @param {number} ms */
  record(ms) {
    const bucket = Math.min(BUCKETS, Math.max(0, Math.floor(ms / BUCKET_MS)));
    this.counts[bucket] = (this.counts[bucket] ?? 0) + 1;
    this.total++;
    if (ms > this.max) this.max = ms;
  }

  /** @param {Histogram} other */
  add(other) {
    for (let i = 0; i < this.counts.length; i++) this.counts[i] = (this.counts[i] ?? 0) + (other.counts[i] ?? 0);
    this.total += other.total;
    this.max = Math.max(this.max, other.max);
  }

  /** @param {number} p a percentile, 0–100 */
  percentile(p) {
    const target = Math.ceil((p / 100) * this.total);
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i] ?? 0;
      if (seen >= target && seen > 0) return (i + 1) * BUCKET_MS;
    }
    return Number.NaN;
  }

  /** @returns {HistogramJson} */
  toJSON() {
    return { counts: this.counts, max: this.max, total: this.total };
  }

  /** @param {HistogramJson} json */
  static from(json) {
    return new Histogram(json.counts, json.max, json.total);
  }
}

/** @param {number[]} values */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const at = (/** @type {number} */ i) => sorted[i] ?? Number.NaN;
  return sorted.length % 2 ? at(mid) : (at(mid - 1) + at(mid)) / 2;
}
