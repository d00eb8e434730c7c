// The volume strip's model with plain values: live lines into their buckets, growth and coarsening, frozen windows.
import { describe, expect, it } from "vitest";
import { describeBucket, parseUrlTime, Volume } from "../../page/volume";

const answer = (from: number, bucketMs: number, counts: number[]) => ({
  from,
  to: from + counts.length * bucketMs,
  bucketMs,
  buckets: counts.map((count, i) => ({ t: from + i * bucketMs, count, levels: count ? { info: count } : {} })),
  complete: true,
  scanned: 0,
});

describe("Volume", () => {
  it("adds live lines to their bucket and appends buckets as time goes on", () => {
    const volume = new Volume(answer(1000, 100, [1, 0]), 10);
    expect(volume.add(1150, "error", 7)).toBe(true);
    expect(volume.buckets[1]).toEqual({ t: 1100, count: 1, levels: { error: 1 }, firstId: 7 });
    expect(volume.add(1420, null)).toBe(true);
    expect(volume.buckets.map((bucket) => bucket.count)).toEqual([1, 1, 0, 0, 1]);
    expect(volume.buckets[4]?.levels).toEqual({ none: 1 });
    expect(volume.add(999, "info")).toBe(false);
    expect(volume.add(Number.NaN, "info")).toBe(false);
  });

  it("past `max` buckets merges pairs into buckets twice as wide, aligned to the new width", () => {
    const volume = new Volume(answer(1100, 100, [1, 2, 3, 4]), 4);
    volume.add(1500, "warn", 40);
    // Aligned to 200: an empty bucket at 1000 first, then pairs.
    expect(volume.from).toBe(1000);
    expect(volume.bucketMs).toBe(200);
    expect(volume.buckets.map((bucket) => [bucket.t, bucket.count])).toEqual([
      [1000, 1],
      [1200, 5],
      [1400, 5],
    ]);
    expect(volume.buckets[2]?.levels).toEqual({ info: 4, warn: 1 });
    expect(volume.buckets.reduce((sum, bucket) => sum + bucket.count, 0)).toBe(11);
    expect(volume.to).toBeGreaterThan(1500);
  });

  it("a frozen window takes no line after its end; merged views keep the first id per stream", () => {
    const frozen = new Volume(answer(0, 10, [0, 0]), 10, true);
    expect(frozen.add(25, "info")).toBe(false);
    expect(frozen.add(5, "info", 3, "a")).toBe(true);
    frozen.add(6, "info", 9, "b");
    frozen.add(7, "info", 4, "a");
    expect(frozen.buckets[0]?.firstIds).toEqual({ a: 3, b: 9 });
    expect(frozen.indexAt(0.99)).toBe(1);
    expect(frozen.indexAt(-1)).toBe(0);
  });
});

it("describes a bucket most severe first, and reads URL times", () => {
  expect(describeBucket({ t: 0, count: 1234, levels: { info: 1200, error: 30, none: 4 } })).toBe(
    "1,234 lines: 30 error, 1,200 info, 4 no level",
  );
  expect(describeBucket({ t: 0, count: 0, levels: {} })).toBe("0 lines");
  expect(parseUrlTime("2026-12-06T20:00:00Z")).toBe(Date.UTC(2026, 11, 6, 20));
  expect(parseUrlTime("1700000000000")).toBe(1_700_000_000_000);
  expect(parseUrlTime("soon")).toBeNull();
});
