// The heights and tops of the shown rows, by position: measured ones (kept by seq, so a refilter keeps them) and an
// estimate for the rest. A live log grows at the bottom and loses rows at the top, so both cost O(rows changed):
// tops are sums from a moving origin and are summed again only from the first changed position, which keeps a
// frame's cost independent of the 100,000 lines a page may hold.

export class Heights {
  /** Measured heights by item seq. */
  private readonly measured = new Map<number, number>();
  /** By array position: the item's seq and height; `sums[p]` is the height of positions before p. */
  private seqs = new Float64Array(1024);
  private sizes = new Float64Array(1024);
  private sums = new Float64Array(1025);
  /** Array positions of the first shown item and one past the last. */
  private base = 0;
  private end = 0;
  /** `sums[p]` is correct for every p ≤ summed. */
  private summed = 0;

  constructor(private estimate: number) {}

  /**
   * A better estimate (the height of a one-line row, once one is measured) for every row not measured yet; returns
   * by how much the rows above `index` grew, which a view held in place scrolls by.
   */
  setEstimate(estimate: number, index: number): number {
    if (estimate === this.estimate) return 0;
    const delta = estimate - this.estimate;
    this.estimate = estimate;
    let above = 0;
    for (let p = this.base; p < this.end; p++) {
      if (this.measured.has(this.seqs[p] as number)) continue;
      this.sizes[p] = estimate;
      if (p - this.base < index) above += delta;
    }
    this.summed = this.base;
    return above;
  }

  get count(): number {
    return this.end - this.base;
  }

  /**
   * Follows the shown list. The same list (`replaced` false) has lost `removedFromTop` items at its top, evicted
   * from the page's bounded history, and gained others at its bottom; a new one (a refilter) starts over from the
   * measured heights.
   */
  sync(items: readonly { seq: number }[], removedFromTop: number, replaced: boolean): void {
    const kept = this.count - removedFromTop;
    // The first and last kept seqs are checked as well: a list that does not line up starts over too.
    const lined =
      !replaced &&
      kept >= 0 &&
      kept <= items.length &&
      (kept === 0 ||
        (items[0]?.seq === this.seqs[this.base + removedFromTop] && items[kept - 1]?.seq === this.seqs[this.end - 1]));
    if (lined) {
      // Evicted rows never come back: their heights can go.
      for (let p = this.base; p < this.base + removedFromTop; p++) this.measured.delete(this.seqs[p] as number);
      this.base += removedFromTop;
    } else {
      this.base = this.end = this.summed = 0;
    }
    const from = lined ? kept : 0;
    this.reserve(items.length - from);
    for (let i = from; i < items.length; i++) {
      const seq = (items[i] as { seq: number }).seq;
      this.seqs[this.end] = seq;
      this.sizes[this.end] = this.measured.get(seq) ?? this.estimate;
      this.end++;
    }
    // Heights of rows filtered out are kept for when the filter is cleared, within bounds.
    if (this.measured.size > this.count + 10_000) {
      const shown = new Set(this.seqs.subarray(this.base, this.end));
      for (const seq of this.measured.keys()) if (!shown.has(seq)) this.measured.delete(seq);
    }
  }

  /** Room for `more` positions past the end: moves the shown ones to the front, growing the arrays if need be. */
  private reserve(more: number) {
    if (this.end + more <= this.seqs.length) return;
    this.sum(this.end);
    const count = this.count;
    const origin = this.sums[this.base] as number;
    if ((count + more) * 2 > this.seqs.length) {
      const capacity = Math.max(1024, (count + more) * 2);
      const seqs = new Float64Array(capacity);
      const sizes = new Float64Array(capacity);
      const sums = new Float64Array(capacity + 1);
      seqs.set(this.seqs.subarray(this.base, this.end));
      sizes.set(this.sizes.subarray(this.base, this.end));
      sums.set(this.sums.subarray(this.base, this.end + 1));
      this.seqs = seqs;
      this.sizes = sizes;
      this.sums = sums;
    } else {
      this.seqs.copyWithin(0, this.base, this.end);
      this.sizes.copyWithin(0, this.base, this.end);
      this.sums.copyWithin(0, this.base, this.end + 1);
    }
    // Sums restart at the new origin: however long the page runs, they stay within the list's own height.
    for (let p = 0; p <= count; p++) this.sums[p] = (this.sums[p] as number) - origin;
    this.base = 0;
    this.end = this.summed = count;
  }

  /** Brings `sums` up to date to position p. */
  private sum(p: number) {
    for (let q = this.summed; q < p; q++) this.sums[q + 1] = (this.sums[q] as number) + (this.sizes[q] as number);
    if (p > this.summed) this.summed = p;
  }

  /** Top of the row at `index`, from the top of the list. */
  start(index: number): number {
    const p = this.base + Math.max(0, Math.min(index, this.count));
    this.sum(p);
    return (this.sums[p] as number) - (this.sums[this.base] as number);
  }

  size(index: number): number {
    return this.sizes[this.base + index] ?? this.estimate;
  }

  /** Height of the whole list. */
  total(): number {
    return this.start(this.count);
  }

  /** The seq of the row at `index`. */
  seqAt(index: number): number {
    return this.seqs[this.base + index] as number;
  }

  /** Whether the row at `index` has been measured. */
  measuredAt(index: number): boolean {
    return this.measured.has(this.seqAt(index));
  }

  /** Records the row's measured height; returns by how much it changed. */
  set(index: number, height: number): number {
    const p = this.base + index;
    if (index < 0 || p >= this.end) return 0;
    this.measured.set(this.seqs[p] as number, height);
    const delta = height - (this.sizes[p] as number);
    if (delta === 0) return 0;
    this.sizes[p] = height;
    if (this.summed > p) this.summed = p;
    return delta;
  }

  /** Index of the row at `offset` from the top (the last row when past the end). */
  indexAt(offset: number): number {
    this.sum(this.end);
    const origin = this.sums[this.base] as number;
    let lo = this.base;
    let hi = this.end - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.sums[mid + 1] as number) - origin <= offset) lo = mid + 1;
      else hi = mid;
    }
    return Math.max(0, lo - this.base);
  }
}
