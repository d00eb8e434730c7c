// The contract of `GET /api/streams/{s}/histogram` and the merged `GET /api/histogram`: exact counts per bucket
// and level, the window's grid, the query's bound, and a 400 saying what to send for each bad parameter.
import { describe, expect, it } from "vitest";
import { freshStream, post, request } from "../helpers";

interface Answer {
  from: number;
  to: number;
  bucketMs: number;
  buckets: {
    t: number;
    count: number;
    levels: Record<string, number>;
    firstId?: number;
    firstIds?: Record<string, number>;
  }[];
  complete: boolean;
  scanned: number;
}

const T0 = Date.UTC(2026, 11, 6, 12, 0, 0);
const line = (second: number, level: string | null, msg: string) =>
  JSON.stringify({ time: T0 + second * 1000, msg, ...(level === null ? {} : { level }) });

async function histogram(path: string): Promise<Answer> {
  const response = await request(path);
  expect(response.status, await response.clone().text()).toBe(200);
  return response.json<Answer>();
}

describe("GET /api/streams/{stream}/histogram", () => {
  it("counts lines per bucket and level over the asked window, aligned buckets, firstId the lowest id", async () => {
    const stream = freshStream();
    // 0 s: two infos; 1 s: an error and a line without a level; 5 s: a warn; 70 s: outside the window.
    const body = [line(0, "info", "a"), line(0, "info", "b"), line(1, "error", "c"), line(1, null, "d")];
    await post(stream, body.join("\n"), "application/x-ndjson");
    await post(stream, [line(5, "warn", "e"), line(70, "info", "f")].join("\n"), "application/x-ndjson");
    const answer = await histogram(`/api/streams/${stream}/histogram?from=${T0}&to=${T0 + 10_000}&buckets=10`);
    expect(answer).toMatchObject({ from: T0, to: T0 + 10_000, bucketMs: 1000, complete: true, scanned: 0, lastId: 6 });
    expect(answer.buckets).toHaveLength(10);
    expect(answer.buckets[0]).toEqual({ t: T0, count: 2, levels: { info: 2 }, firstId: 1 });
    expect(answer.buckets[1]).toEqual({ t: T0 + 1000, count: 2, levels: { error: 1, none: 1 }, firstId: 3 });
    expect(answer.buckets[5]).toEqual({ t: T0 + 5000, count: 1, levels: { warn: 1 }, firstId: 5 });
    expect(answer.buckets.reduce((sum, bucket) => sum + bucket.count, 0)).toBe(5);
  });

  it("without from and to covers every line held, in at most `buckets` nameable buckets; ISO times work too", async () => {
    const stream = freshStream();
    const body = Array.from({ length: 30 }, (_, i) => line(i * 7, i % 3 === 0 ? "error" : "info", `m${i}`));
    await post(stream, body.join("\n"), "application/x-ndjson");
    const all = await histogram(`/api/streams/${stream}/histogram?buckets=20`);
    expect(all.buckets.length).toBeLessThanOrEqual(20);
    expect(all.bucketMs).toBe(15_000);
    expect(all.from).toBeLessThanOrEqual(T0);
    expect(all.to).toBeGreaterThan(T0 + 29 * 7000);
    expect(all.buckets.reduce((sum, bucket) => sum + bucket.count, 0)).toBe(30);
    const iso = await histogram(
      `/api/streams/${stream}/histogram?from=${new Date(T0).toISOString()}&to=${new Date(T0 + 60_000).toISOString()}&buckets=1`,
    );
    expect(iso.buckets).toEqual([{ t: T0, count: 9, levels: { error: 3, info: 6 }, firstId: 1 }]);
  });

  it("counts only what the ring still holds (the test ring holds 50)", async () => {
    const stream = freshStream();
    await post(
      stream,
      Array.from({ length: 70 }, (_, i) => line(i, "info", `m${i}`)).join("\n"),
      "application/x-ndjson",
    );
    const answer = await histogram(`/api/streams/${stream}/histogram?from=${T0}&to=${T0 + 100_000}&buckets=100`);
    expect(answer.buckets.reduce((sum, bucket) => sum + bucket.count, 0)).toBe(50);
    expect(answer.buckets.find((bucket) => bucket.count > 0)?.t).toBe(T0 + 20_000);
  });

  it("with q and level counts the matching lines only, and says how many it read", async () => {
    const stream = freshStream();
    const body = Array.from({ length: 20 }, (_, i) =>
      line(i, i % 2 ? "error" : "info", i % 4 === 1 ? "payment declined" : "ok"),
    );
    await post(stream, body.join("\n"), "application/x-ndjson");
    const window = `from=${T0}&to=${T0 + 20_000}&buckets=2`;
    const q = await histogram(`/api/streams/${stream}/histogram?${window}&q=declined`);
    expect(q.buckets.map((bucket) => bucket.count)).toEqual([3, 2]);
    expect(q.buckets[0]).toMatchObject({ levels: { error: 3 }, firstId: 2 });
    expect(q).toMatchObject({ complete: true, scanned: 20 });
    const level = await histogram(`/api/streams/${stream}/histogram?${window}&level=error`);
    expect(level.buckets.map((bucket) => bucket.count)).toEqual([5, 5]);
  });

  it.each([
    ["buckets=0", /buckets must be an integer 1–1000/],
    ["buckets=many", /buckets must be an integer 1–1000, got "many"/],
    ["buckets=1001", /buckets must be an integer 1–1000/],
    ["from=yesterday", /from must be epoch milliseconds or an ISO 8601 time/],
    ["to=1.5", /to must be epoch milliseconds or an ISO 8601 time/],
    ["from=2000&to=1000", /from must be before to/],
    ["q=(a", /Invalid query at position/],
    ["level=loud", /Unknown level "loud"/],
  ])("?%s is a 400 saying what to send", async (query, problem) => {
    const response = await request(`/api/streams/${freshStream()}/histogram?${query}`);
    expect(response.status).toBe(400);
    expect((await response.json<{ error: string }>()).error).toMatch(problem);
  });
});

describe("GET /api/histogram?streams=", () => {
  it("sums its streams on one grid, each bucket naming where each stream's lines begin", async () => {
    const a = freshStream();
    const b = freshStream();
    await post(a, [line(0, "info", "a1"), line(2, "error", "a2")].join("\n"), "application/x-ndjson");
    await post(b, [line(1, "warn", "b1"), line(30, "info", "b2")].join("\n"), "application/x-ndjson");
    const answer = await histogram(`/api/histogram?streams=${a},${b}&buckets=4`);
    expect(answer).toMatchObject({ from: T0, bucketMs: 10_000, complete: true, lastIds: { [a]: 2, [b]: 2 } });
    expect(answer.buckets).toEqual([
      { t: T0, count: 3, levels: { info: 1, error: 1, warn: 1 }, firstIds: { [a]: 1, [b]: 1 } },
      { t: T0 + 10_000, count: 0, levels: {} },
      { t: T0 + 20_000, count: 0, levels: {} },
      { t: T0 + 30_000, count: 1, levels: { info: 1 }, firstIds: { [b]: 2 } },
    ]);
    const filtered = await histogram(
      `/api/histogram?streams=${a},${b}&from=${T0}&to=${T0 + 40_000}&buckets=4&q=stream:${b}`,
    );
    expect(filtered.buckets.map((bucket) => bucket.count)).toEqual([1, 0, 0, 1]);
  });

  it("needs streams, and the histogram's own parameters", async () => {
    const none = await request("/api/histogram");
    expect(none.status).toBe(400);
    expect((await none.json<{ error: string }>()).error).toMatch(/Name the streams to show/);
    const bad = await request(`/api/histogram?streams=${freshStream()}&buckets=-1`);
    expect(bad.status).toBe(400);
  });
});

describe("rows counted by the GROUP BY and rows counted from their marks agree", () => {
  it("single-line batches, mixed batches and a batch across buckets add up exactly", async () => {
    const stream = freshStream();
    // Single-line rows (one level, one bucket each): the GROUP BY's; the others: from their marks.
    for (const [second, level] of [
      [0, "info"],
      [0, "info"],
      [1, "error"],
      [9, null],
    ] as const) {
      await post(stream, line(second, level, "one"), "application/x-ndjson");
    }
    await post(stream, [line(0, "info", "x"), line(0, "warn", "y")].join("\n"), "application/x-ndjson");
    await post(stream, [line(1, "info", "x"), line(4, "info", "y")].join("\n"), "application/x-ndjson");
    const answer = await histogram(`/api/streams/${stream}/histogram?from=${T0}&to=${T0 + 10_000}&buckets=5`);
    expect(answer.buckets.map((bucket) => [bucket.count, bucket.levels, bucket.firstId])).toEqual([
      [6, { info: 4, warn: 1, error: 1 }, 1],
      [0, {}, undefined],
      [1, { info: 1 }, 8],
      [0, {}, undefined],
      [1, { none: 1 }, 4],
    ]);
  });
});
