import { describe, expect, it } from "vitest";
import { parseFrames } from "../../src/viewer/frames";
import { mergeBackfills } from "../../src/viewer/merge";
import { encodePositions, parsePositions } from "../../src/viewer/positions";
import { eventually, freshStream, post, request, Subscription } from "../helpers";

type Tagged = { stream: string; id: number; message: string; time: number };

async function openMerged(query: string, headers: HeadersInit = {}): Promise<Subscription> {
  const response = await request(`/api/events?${query}`, { headers });
  if (response.status !== 200) throw new Error(`merged events answered ${response.status}: ${await response.text()}`);
  return new Subscription(response);
}

const tagged = (sub: Subscription) => sub.logs as unknown as Tagged[];

describe("GET /api/events?streams=", () => {
  it("carries several streams' entries, each marked with its stream, backfill merged by time", async () => {
    const [a, b] = [freshStream(), freshStream()];
    await post(a, JSON.stringify({ msg: "a1", time: 1000 }), "application/x-ndjson");
    await post(b, JSON.stringify({ msg: "b1", time: 500 }), "application/x-ndjson");
    await post(a, JSON.stringify({ msg: "a2", time: 2000 }), "application/x-ndjson");
    const sub = await openMerged(`streams=${a},${b}`);
    await sub.untilLogs(3);
    expect(tagged(sub).map((entry) => [entry.stream, entry.message])).toEqual([
      [b, "b1"],
      [a, "a1"],
      [a, "a2"],
    ]);
    await post(b, "b live");
    await post(a, "a live");
    await sub.untilLogs(5);
    expect(
      tagged(sub)
        .slice(3)
        .map((entry) => `${entry.stream === a ? "a" : "b"}:${entry.message}`)
        .sort(),
    ).toEqual(["a:a live", "b:b live"]);
    const lastId = parsePositions(sub.events.at(-1)?.id);
    expect(lastId?.get(a)).toBe(3);
    expect(lastId?.get(b)).toBe(2);
    await sub.close();
  });

  it("resumes every stream exactly where it stopped with one Last-Event-ID", async () => {
    const [a, b] = [freshStream(), freshStream()];
    const first = await openMerged(`streams=${a},${b}`);
    await post(a, "a1\na2");
    await post(b, "b1");
    await first.untilLogs(3);
    const resumeFrom = first.events.at(-1)?.id ?? "";
    await first.close();
    await post(a, "a3");
    await post(b, "b2\nb3");
    const resumed = await openMerged(`streams=${a},${b}`, { "Last-Event-ID": resumeFrom });
    await resumed.untilLogs(3);
    const seen = [...tagged(first), ...tagged(resumed)].map((entry) => `${entry.stream === a ? "a" : "b"}${entry.id}`);
    expect(seen.filter((id) => id.startsWith("a"))).toEqual(["a1", "a2", "a3"]);
    expect(seen.filter((id) => id.startsWith("b"))).toEqual(["b1", "b2", "b3"]);
    await resumed.close();
  });

  it("keeps the newest `tail` entries of the merged backfill, and a resume does not skip what was left out", async () => {
    const [a, b] = [freshStream(), freshStream()];
    await post(
      a,
      [1, 3, 5].map((t) => JSON.stringify({ msg: `a${t}`, time: t * 1000 })).join("\n"),
      "application/x-ndjson",
    );
    await post(
      b,
      [2, 4, 6].map((t) => JSON.stringify({ msg: `b${t}`, time: t * 1000 })).join("\n"),
      "application/x-ndjson",
    );
    const sub = await openMerged(`streams=${a},${b}&tail=3`);
    await sub.untilLogs(3);
    expect(tagged(sub).map((entry) => entry.message)).toEqual(["b4", "a5", "b6"]);
    const positions = parsePositions(sub.events.find((event) => event.event === "log")?.id);
    expect([positions?.get(a), positions?.get(b)]).toEqual([2, 2]);
    await sub.close();
  });

  it("applies q and level to every stream, with stream: in the query", async () => {
    const [a, b] = [freshStream(), freshStream()];
    await post(a, "ERROR a broke\nINFO a fine");
    await post(b, "ERROR b broke");
    const sub = await openMerged(`streams=${a},${b}&q=${encodeURIComponent(`level:error -stream:${b}`)}`);
    await sub.untilLogs(1);
    await post(b, "ERROR b again");
    await post(a, "ERROR a again");
    await sub.untilLogs(2);
    expect(tagged(sub).map((entry) => entry.message)).toEqual(["ERROR a broke", "ERROR a again"]);
    await sub.close();
  });

  it("follows a prefix, including streams that appear after the view opened", async () => {
    const prefix = `p${crypto.randomUUID().slice(0, 8)}.`;
    await post(`${prefix}one`, "one 1");
    await eventually(
      async () => (await (await request(`/api/streams?prefix=${prefix}`)).text()).includes(`${prefix}one`),
      3000,
      "the first stream in the stream list",
    );
    const sub = await openMerged(`streams=${prefix}*`);
    await sub.untilLogs(1);
    await post(`${prefix}two`, "two 1");
    await sub.untilLogs(2, 5000);
    expect(tagged(sub).map((entry) => [entry.stream, entry.message])).toEqual([
      [`${prefix}one`, "one 1"],
      [`${prefix}two`, "two 1"],
    ]);
    await sub.close();
  });

  it("refuses what it cannot serve with a 400 that says why", async () => {
    for (const query of ["", "streams=", "streams=a,b%2Fc", "streams=..", "streams=a&q=%28"]) {
      const response = await request(`/api/events?${query}`);
      expect(response.status, query).toBe(400);
      expect((await response.json<{ error: string }>()).error.length).toBeGreaterThan(10);
    }
    const bad = await request("/api/events?streams=a", { headers: { "Last-Event-ID": "12" } });
    expect(bad.status).toBe(400);
  });
});

describe("merging, as plain values", () => {
  it("keeps each stream's own order even when its times go backwards", () => {
    const frames = (pairs: [number, number][]) =>
      pairs.map(([id, time]) => ({ id, event: "log" as const, data: "{}", time }));
    const merged = mergeBackfills(
      new Map([
        [
          "a",
          frames([
            [1, 50],
            [2, 10],
            [3, 60],
          ]),
        ],
        [
          "b",
          frames([
            [1, 20],
            [2, 55],
          ]),
        ],
      ]),
      null,
    );
    expect(merged.map(([name, frame]) => `${name}${frame.id}`)).toEqual(["b1", "a1", "a2", "b2", "a3"]);
  });

  it("reads the Durable Object's frames and writes positions that parse back", () => {
    const text = 'retry: 1000\nid: 4\n\n: connected\n\nid: 5\nevent: log\ndata: {"id":5,"time":7,"message":"x"}\n\n';
    expect(parseFrames(text).map((frame) => [frame.id, frame.event, frame.time])).toEqual([
      [4, null, 0],
      [5, "log", 7],
    ]);
    const positions = new Map([
      ["a.b", 3],
      ["c_d-e", 0],
    ]);
    expect(parsePositions(encodePositions(positions))).toEqual(positions);
  });
});
