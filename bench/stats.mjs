// Latency histogram with 0.1 ms buckets up to 10 s: percentiles of millions of samples in constant memory.

const BUCKET_MS = 0.1;
const BUCKETS = 100_000;

export class Histogram {
  constructor(counts = new Float64Array(BUCKETS + 1), max = 0, total = 0) {
    this.counts = counts;
    this.max = max;
    this.total = total;
  }

  record(ms) {
    const bucket = Math.min(BUCKETS, Math.max(0, Math.floor(ms / BUCKET_MS)));
    this.counts[bucket]++;
    this.total++;
    if (ms > this.max) this.max = ms;
  }

  add(other) {
    for (let i = 0; i < this.counts.length; i++) this.counts[i] += other.counts[i];
    this.total += other.total;
    this.max = Math.max(this.max, other.max);
  }

  percentile(p) {
    const target = Math.ceil((p / 100) * this.total);
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i];
      if (seen >= target && seen > 0) return (i + 1) * BUCKET_MS;
    }
    return Number.NaN;
  }

  toJSON() {
    return { counts: this.counts, max: this.max, total: this.total };
  }

  static from(json) {
    return new Histogram(json.counts, json.max, json.total);
  }
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
