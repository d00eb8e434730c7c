// Every held line's time and level code in two typed arrays indexed by id modulo the ring's capacity, kept
// from each commit's marks: a histogram or pattern count without a query loops over numbers in memory instead
// of reading one SQLite row per commit (a stream of single-line posts has 100,000 of them).
import type { Marks } from "./histogram";

export class HeldMarks {
  readonly times: Float64Array;
  readonly levels: Uint8Array;

  constructor(readonly capacity: number) {
    this.times = new Float64Array(capacity).fill(Number.NaN);
    this.levels = new Uint8Array(capacity);
  }

  /** Records the marks of entries `firstId`…, from the entry at index `from` on (earlier ones have left). */
  record(firstId: number, marks: Marks, from = 0): void {
    const { times, levels } = marks;
    for (let i = from; i < times.length; i++) {
      const at = (firstId + i) % this.capacity;
      this.times[at] = times[i] as number;
      this.levels[at] = levels[i] as number;
    }
  }

  /** The smallest and largest time of ids [oldest, newest]; null when none has one. */
  span(oldest: number, newest: number): { min: number; max: number } | null {
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (let id = oldest; id <= newest; id++) {
      const time = this.times[id % this.capacity] as number;
      if (time < min) min = time;
      if (time > max) max = time;
    }
    return Number.isFinite(min) ? { min, max } : null;
  }
}
