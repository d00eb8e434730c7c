// The virtual list's heights with plain values, and against a naive model under random edits (fast-check).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Heights } from "../../page/view/heights";

const rows = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => ({ seq: from + i }));

/** The naive model: every top summed from scratch, measured heights by seq. */
function model(seqs: number[], measured: Map<number, number>, estimate: number) {
  const sizes = seqs.map((seq) => measured.get(seq) ?? estimate);
  const starts = [0];
  for (const size of sizes) starts.push((starts.at(-1) as number) + size);
  return { sizes, starts };
}

describe("Heights", () => {
  it("places unmeasured rows at the estimate and measured ones at their height", () => {
    const h = new Heights(20);
    h.sync(rows(0, 5), 0, false);
    expect(h.total()).toBe(100);
    expect(h.set(1, 50)).toBe(30);
    expect(h.start(2)).toBe(70);
    expect(h.total()).toBe(130);
    expect(h.measuredAt(1)).toBe(true);
    expect(h.measuredAt(2)).toBe(false);
  });

  it("keeps tops from the new first row when rows leave the top and others arrive", () => {
    const h = new Heights(20);
    h.sync(rows(0, 4), 0, false);
    h.set(0, 100);
    h.set(3, 40);
    h.sync(rows(2, 6), 2, false);
    expect(h.count).toBe(4);
    expect(h.start(0)).toBe(0);
    expect(h.start(1)).toBe(20);
    expect(h.start(2)).toBe(60);
    expect(h.total()).toBe(100);
  });

  it("keeps the tops right when it moves its rows to the front of its arrays", () => {
    const h = new Heights(20);
    h.sync(rows(0, 1000), 0, false);
    h.set(950, 100);
    h.sync(rows(900, 1000), 900, false);
    h.sync(rows(900, 1300), 0, false);
    expect(h.start(51)).toBe(50 * 20 + 100);
    expect(h.total()).toBe(400 * 20 + 80);
  });

  it("keeps measured heights across a refilter, by seq", () => {
    const h = new Heights(20);
    h.sync(rows(0, 6), 0, false);
    h.set(4, 33);
    h.sync([{ seq: 1 }, { seq: 4 }, { seq: 5 }], 0, true);
    expect(h.start(2)).toBe(53);
    expect(h.measuredAt(1)).toBe(true);
  });

  it("starts over on a new list even when its first and last rows are the old ones", () => {
    const h = new Heights(20);
    h.sync([{ seq: 1 }, { seq: 3 }, { seq: 5 }], 0, false);
    h.set(1, 100);
    h.sync([{ seq: 1 }, { seq: 4 }, { seq: 5 }, { seq: 8 }], 0, true);
    expect(h.size(1)).toBe(20);
    expect(h.total()).toBe(80);
    // Past the end is the end, and asking does not disturb what comes after.
    expect(h.start(9)).toBe(80);
    h.sync([{ seq: 1 }, { seq: 4 }, { seq: 5 }, { seq: 8 }, { seq: 9 }], 0, false);
    h.set(4, 50);
    expect(h.total()).toBe(130);
  });

  it("finds the row at an offset", () => {
    const h = new Heights(10);
    h.sync(rows(0, 3), 0, false);
    h.set(1, 30);
    expect([0, 9, 10, 39, 40, 49, 500].map((offset) => h.indexAt(offset))).toEqual([0, 0, 1, 1, 2, 2, 2]);
    expect(new Heights(10).indexAt(5)).toBe(0);
  });

  it("agrees with summing every height, whatever is appended, evicted, measured and refiltered", () => {
    // Mostly a live stream (rows in at the bottom, out at the top), so the arrays fill, move and grow.
    const op = fc.oneof(
      {
        arbitrary: fc.record({ kind: fc.constant("append" as const), n: fc.integer({ min: 0, max: 1500 }) }),
        weight: 4,
      },
      {
        arbitrary: fc.record({ kind: fc.constant("evict" as const), n: fc.integer({ min: 0, max: 1500 }) }),
        weight: 4,
      },
      {
        arbitrary: fc.record({
          kind: fc.constant("measure" as const),
          at: fc.nat(),
          height: fc.oneof(fc.integer({ min: 1, max: 400 }), fc.double({ min: 0.5, max: 90, noNaN: true })),
        }),
        weight: 4,
      },
      {
        arbitrary: fc.record({
          kind: fc.constant("refilter" as const),
          keep: fc.integer({ min: 1, max: 4 }),
          phase: fc.nat(3),
        }),
        weight: 1,
      },
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const h = new Heights(20);
        const measured = new Map<number, number>();
        let all: number[] = [];
        let shown: number[] = [];
        let next = 0;
        for (const step of ops) {
          if (step.kind === "append") {
            const added = rows(next, next + step.n).map((row) => row.seq);
            next += step.n;
            all = all.concat(added);
            shown = shown.concat(added);
            h.sync(
              shown.map((seq) => ({ seq })),
              0,
              false,
            );
          } else if (step.kind === "evict") {
            const n = Math.min(step.n, shown.length);
            const gone = new Set(shown.slice(0, n));
            shown = shown.slice(n);
            all = all.filter((seq) => !gone.has(seq));
            for (const seq of gone) measured.delete(seq);
            h.sync(
              shown.map((seq) => ({ seq })),
              n,
              false,
            );
          } else if (step.kind === "measure") {
            if (shown.length === 0) continue;
            const at = step.at % shown.length;
            measured.set(shown[at] as number, step.height);
            h.set(at, step.height);
          } else {
            shown = all.filter((seq) => seq % step.keep === step.phase % step.keep);
            h.sync(
              shown.map((seq) => ({ seq })),
              0,
              true,
            );
          }
          const { sizes, starts } = model(shown, measured, 20);
          expect(h.count).toBe(shown.length);
          expect(h.total()).toBeCloseTo(starts.at(-1) as number, 6);
          for (let i = 0; i < shown.length; i += Math.max(1, Math.floor(shown.length / 7))) {
            expect(h.start(i)).toBeCloseTo(starts[i] as number, 6);
            expect(h.size(i)).toBe(sizes[i]);
            const middle = (starts[i] as number) + (sizes[i] as number) / 2;
            expect(h.indexAt(middle)).toBe(i);
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe("a better estimate", () => {
  it("reaches every row not measured, and says how much the rows above a place grew", () => {
    const heights = new Heights(20);
    heights.sync(rows(1, 7), 0, false);
    heights.set(2, 50);
    // Rows 0, 1 above index 2 were estimated: they grow by 1.5 each; the measured row keeps its height.
    expect(heights.setEstimate(21.5, 2)).toBe(3);
    expect([0, 1, 2, 3, 4, 5].map((i) => heights.size(i))).toEqual([21.5, 21.5, 50, 21.5, 21.5, 21.5]);
    expect(heights.start(3)).toBe(93);
    expect(heights.total()).toBe(50 + 5 * 21.5);
    // Rows added later take it too.
    heights.sync(rows(1, 9), 0, false);
    expect(heights.size(7)).toBe(21.5);
    expect(heights.setEstimate(21.5, 7)).toBe(0);
  });
});
