// The volume strip's model with plain values: live lines into their buckets, growth and coarsening, frozen windows;
// bar heights that keep small buckets visible beside a burst, and round axis times.
import { describe, expect, it } from "vitest";
import { barHeight, barTop, describeBucket, parseUrlTime, timeTicks, Volume } from "../../page/volume";

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

describe("the strip's scale", () => {
  const buckets = (counts: number[]) => counts.map((count, i) => ({ t: i, count, levels: {} }));

  it("without a burst a full bar is the peak, and heights go by the square root (one line still shows)", () => {
    expect(barTop(buckets([3, 0, 9, 4]))).toBe(9);
    expect(barHeight(9, 9)).toBe(100);
    expect(barHeight(4, 16)).toBe(50);
    expect(barHeight(0, 9)).toBe(0);
    expect(barHeight(1, 1_000_000)).toBe(4);
    expect(barTop([])).toBe(1);
  });

  it("one burst is cut at 4× the 90th percentile: the other bars keep most of the height", () => {
    const counts = [...Array.from({ length: 60 }, (_, i) => 40 + (i % 10)), 50_000];
    const top = barTop(buckets(counts));
    expect(top).toBe(49 * 4);
    expect(barHeight(50_000, top)).toBe(100);
    // 45 lines beside 50,000: half the strip, where a linear scale gave it 0.09%.
    expect(barHeight(45, top)).toBeGreaterThan(45);
    expect((45 / 50_000) * 100).toBeLessThan(0.1);
  });
});

describe("axis times", () => {
  const at = (iso: string) => Date.parse(iso);

  it("gives 3–5 round times inside the range for any span from a second to a year", () => {
    for (let span = 1000; span < 400 * 86_400_000; span *= 1.37) {
      for (const from of [at("2026-12-07T00:44:35.123Z"), at("2026-03-01T23:59:59.900Z")]) {
        const to = from + span;
        const ticks = timeTicks(from, to, true);
        expect(ticks.length, `span ${span}`).toBeGreaterThanOrEqual(3);
        expect(ticks.length, `span ${span}`).toBeLessThanOrEqual(5);
        for (const tick of ticks) {
          expect(tick.t).toBeGreaterThanOrEqual(from);
          expect(tick.fraction).toBeLessThanOrEqual(1);
          expect(tick.fraction).toBeCloseTo((tick.t - from) / (to - from), 9);
        }
      }
    }
  });

  it("labels by the step: minutes, seconds, days; midnight by its date", () => {
    const minutes = timeTicks(at("2026-12-07T00:44:35Z"), at("2026-12-07T00:54:40Z"), true);
    expect(minutes.map((tick) => tick.text)).toEqual(["00:46", "00:48", "00:50", "00:52", "00:54"]);
    const seconds = timeTicks(at("2026-12-07T12:00:01Z"), at("2026-12-07T12:00:41Z"), true);
    expect(seconds.map((tick) => tick.text)).toEqual(["12:00:10", "12:00:20", "12:00:30", "12:00:40"]);
    const hours = timeTicks(at("2026-12-06T20:10:00Z"), at("2026-12-07T03:00:00Z"), true);
    expect(hours.map((tick) => tick.text)).toEqual(["22:00", "12-07", "02:00"]);
    const days = timeTicks(at("2026-12-01T05:00:00Z"), at("2026-12-05T05:00:00Z"), true);
    expect(days.map((tick) => tick.text)).toEqual(["12-02", "12-03", "12-04", "12-05"]);
    expect(timeTicks(5, 5, true)).toEqual([]);
  });
});
