// The histogram's pure parts: marks read from stored tails, the grid a window is cut into, counting and summing.
import { describe, expect, it } from "vitest";
import { Counts, marksOf, planGrid, readMarks, rowMarks, sumHistograms } from "../../src/stream/histogram";
import { joinTails, tailOf } from "../../src/stream/stored";

describe("marksOf", () => {
  it("reads each entry's time and level from its tail, whatever follows", () => {
    const tails = joinTails([
      tailOf({ time: 1000, level: "error", message: 'a "quoted",\\ message', fields: { level: "info" } }),
      tailOf({ time: Number.NaN, level: null, message: "no time" }),
      tailOf({ time: 1733500000123.5, level: "fatal", message: "" }),
      tailOf({ time: 5, level: "trace", message: "x", truncated: true }),
    ]);
    const { blob, min, max } = rowMarks(marksOf(tails, 4));
    const { times, levels } = readMarks(blob, 4);
    expect([...times]).toEqual([1000, Number.NaN, 1733500000123.5, 5]);
    expect([...levels]).toEqual([5, 0, 6, 1]);
    expect([min, max]).toEqual([5, 1733500000123.5]);
  });

  it("a row without any time has no span", () => {
    expect(rowMarks(marksOf(tailOf({ time: Number.NaN, level: "info", message: "m" }), 1))).toMatchObject({
      min: null,
      max: null,
    });
  });
});

describe("planGrid", () => {
  it("picks the narrowest nameable width that covers the window in at most `buckets`, aligned to it", () => {
    expect(planGrid(0, 10_000, 10)).toEqual({ from: 0, bucketMs: 1000, count: 10 });
    expect(planGrid(1500, 10_000, 10)).toEqual({ from: 1000, bucketMs: 1000, count: 9 });
    expect(planGrid(1500, 11_600, 10)).toEqual({ from: 0, bucketMs: 2000, count: 6 });
    expect(planGrid(60_000, 60_001, 100)).toEqual({ from: 60_000, bucketMs: 1, count: 1 });
    expect(planGrid(Date.UTC(2026, 0, 1), Date.UTC(2026, 0, 1, 1), 60)).toMatchObject({ bucketMs: 60_000, count: 60 });
  });

  it("covers every window within its bucket count, for any width", () => {
    for (let i = 0; i < 500; i++) {
      const from = Math.floor(Math.random() * 2e12);
      const to = from + 1 + Math.floor(Math.random() ** 4 * 1e11);
      const buckets = 1 + Math.floor(Math.random() * 300);
      const grid = planGrid(from, to, buckets);
      expect(grid.count).toBeLessThanOrEqual(buckets);
      expect(grid.from).toBeLessThanOrEqual(from);
      expect(grid.from % grid.bucketMs).toBe(0);
      expect(grid.from + grid.count * grid.bucketMs).toBeGreaterThanOrEqual(to);
    }
  });
});

describe("Counts and sumHistograms", () => {
  it("counts by bucket and level, leaves out what falls outside, and sums streams on one grid", () => {
    const grid = { from: 1000, bucketMs: 100, count: 3 };
    const a = new Counts(grid);
    for (const [time, level, id] of [
      [1000, 3, 7],
      [1099, 5, 6],
      [1250, 0, 9],
      [999, 3, 1],
      [1300, 3, 2],
      [Number.NaN, 3, 3],
    ] as const) {
      const bucket = a.bucketOf(time);
      if (bucket >= 0) a.add(bucket, level, id);
    }
    const one = a.toHistogram(true, 0, 9);
    expect(one.buckets).toEqual([
      { t: 1000, count: 2, levels: { info: 1, error: 1 }, firstId: 6 },
      { t: 1100, count: 0, levels: {} },
      { t: 1200, count: 1, levels: { none: 1 }, firstId: 9 },
    ]);
    const b = new Counts(grid);
    b.add(0, 3, 40);
    const sum = sumHistograms(
      grid,
      new Map([
        ["a", one],
        ["b", b.toHistogram(false, 12, 40)],
      ]),
    );
    expect(sum).toMatchObject({
      from: 1000,
      to: 1300,
      bucketMs: 100,
      complete: false,
      scanned: 12,
      lastIds: { a: 9, b: 40 },
    });
    expect(sum.buckets[0]).toEqual({ t: 1000, count: 3, levels: { info: 2, error: 1 }, firstIds: { a: 6, b: 40 } });
  });
});

describe("rowMarks", () => {
  it("names the level every entry of a row shares, else null", () => {
    const same = joinTails([
      tailOf({ time: 1, level: "warn", message: "a" }),
      tailOf({ time: 2, level: "warn", message: "b" }),
    ]);
    const mixed = joinTails([
      tailOf({ time: 1, level: "warn", message: "a" }),
      tailOf({ time: 2, level: null, message: "b" }),
    ]);
    expect(rowMarks(marksOf(same, 2)).level).toBe(4);
    expect(rowMarks(marksOf(mixed, 2)).level).toBeNull();
  });

  it("packs a part of a batch (a row of a split batch) with its own span and shared level", () => {
    const marks = marksOf(
      joinTails([
        tailOf({ time: 1, level: "warn", message: "a" }),
        tailOf({ time: 7, level: "error", message: "b" }),
        tailOf({ time: 3, level: "error", message: "c" }),
      ]),
      3,
    );
    const part = rowMarks(marks, 1, 3);
    expect(part).toMatchObject({ min: 3, max: 7, level: 5 });
    expect([...readMarks(part.blob, 2).times]).toEqual([7, 3]);
  });
});
