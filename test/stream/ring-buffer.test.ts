import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { compileFilter } from "../../src/stream/filter";
import { searchHistory } from "../../src/stream/history";
import { planReplay, RingBuffer } from "../../src/stream/ring-buffer";
import { joinTails, tailOf } from "../../src/stream/stored";
import { freshStream, post, request, Subscription } from "../helpers";

describe("planReplay", () => {
  it("backfills the tail, bounded by what the ring still holds", () => {
    expect(planReplay(1, 30, { tail: 5 })).toEqual({ after: 25 });
    expect(planReplay(21, 30, { tail: 100 })).toEqual({ after: 20 });
    expect(planReplay(1, 0, { tail: 100 })).toEqual({ after: 0 });
  });

  it("resumes after the last id seen, with a gap for what aged out", () => {
    expect(planReplay(21, 30, { tail: 5, lastEventId: 25 })).toEqual({ after: 25 });
    expect(planReplay(21, 30, { tail: 5, lastEventId: 20 })).toEqual({ after: 20 });
    expect(planReplay(21, 30, { tail: 5, lastEventId: 3 })).toEqual({ after: 20, gap: { from: 4, to: 20 } });
    expect(planReplay(21, 30, { tail: 5, lastEventId: 99 })).toEqual({ after: 30 });
  });
});

const tail = (n: number) => tailOf({ time: n, level: null, message: `m${n}` });

describe("RingBuffer in SQLite", () => {
  it("keeps at most `capacity` entries and stores a batch as one row", async () => {
    const stub = env.LOG_STREAM.get(env.LOG_STREAM.idFromName(freshStream()));
    await runInDurableObject(stub, (_, state) => {
      const ring = new RingBuffer(state.storage.sql, 10);
      expect(ring.append(joinTails([tail(1), tail(2), tail(3)]), 3)).toBe(1);
      expect([...ring.since(0)].map(([, json]) => json)).toEqual([1, 2, 3].map((n) => `{"id":${n},${tail(n)}`));
      for (let n = 4; n <= 25; n++) ring.append(joinTails([tail(n)]), 1);
      expect([ring.lastId, ring.oldestId, ring.size]).toEqual([25, 16, 10]);
      expect([...ring.since(0)].map(([id]) => id)).toEqual(Array.from({ length: 10 }, (_, i) => i + 16));
      expect([...ring.since(23)].map(([, json]) => JSON.parse(json).message)).toEqual(["m24", "m25"]);
      const rows = state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM ring").one().n;
      expect(rows).toBeLessThanOrEqual(10);

      const big = ring.append(joinTails(Array.from({ length: 1000 }, (_, i) => tail(i))), 1000);
      expect(big).toBe(26);
      expect(ring.size).toBe(10);
      expect([...ring.since(0)].map(([id]) => id)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1016));
      expect(state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM ring").one().n).toBe(1);
    });
  });

  it("splits a huge batch across rows below SQLite's size limit", async () => {
    const stub = env.LOG_STREAM.get(env.LOG_STREAM.idFromName(freshStream()));
    await runInDurableObject(stub, (_, state) => {
      const ring = new RingBuffer(state.storage.sql, 100);
      const message = "é".repeat(200_000);
      ring.append(joinTails([1, 2, 3, 4].map((n) => tailOf({ time: n, level: null, message }))), 4);
      const rows = state.storage.sql.exec<{ size: number }>("SELECT length(tails) AS size FROM ring").toArray();
      expect(rows.length).toBeGreaterThan(1);
      expect([...ring.since(0)].map(([id]) => id)).toEqual([1, 2, 3, 4]);
    });
  });
});

describe("age and history", () => {
  it("lets entries older than maxAgeMs go, and never reuses their ids, across a restart", async () => {
    const stub = env.LOG_STREAM.get(env.LOG_STREAM.idFromName(freshStream()));
    await runInDurableObject(stub, (_, state) => {
      const ring = new RingBuffer(state.storage.sql, 100, 60_000);
      ring.append(joinTails([tail(1), tail(2)]), 2, 1_000);
      ring.append(joinTails([tail(3)]), 1, 30_000);
      ring.expire(61_500);
      expect([ring.oldestId, ring.lastId, ring.size]).toEqual([3, 3, 1]);
      ring.expire(200_000);
      expect(ring.size).toBe(0);
      const reopened = new RingBuffer(state.storage.sql, 100, 60_000);
      expect(reopened.append(joinTails([tail(4)]), 1, 200_000)).toBe(4);
    });
  });

  it("searches backwards a bounded number of entries per page", async () => {
    const stub = env.LOG_STREAM.get(env.LOG_STREAM.idFromName(freshStream()));
    await runInDurableObject(stub, (_, state) => {
      const ring = new RingBuffer(state.storage.sql, 1000);
      ring.append(joinTails(Array.from({ length: 100 }, (_, i) => tail(i + 1))), 100);
      const filter = compileFilter({ q: "message:m7" }, "s");
      const pages = [];
      let before = Number.MAX_SAFE_INTEGER;
      for (let guard = 0; guard < 20; guard++) {
        const page = searchHistory(ring, filter, before, 10, 30);
        pages.push(page.entries.map((json) => JSON.parse(json).id));
        if (page.next === null) break;
        before = page.next;
      }
      expect(pages).toEqual([[], [], [], [7]]);
    });
  });
});

describe("restart of the Durable Object", () => {
  it("keeps ids and entries, and never reuses an id", async () => {
    const stream = freshStream();
    await post(stream, "before 1\nbefore 2");
    await abortAllDurableObjects();
    expect(await post(stream, "after")).toEqual({ accepted: 1, firstId: 3, lastId: 3 });
    const sub = await Subscription.open(stream);
    await sub.untilLogs(3);
    expect(sub.logs.map((entry) => [entry.id, entry.message])).toEqual([
      [1, "before 1"],
      [2, "before 2"],
      [3, "after"],
    ]);
    await sub.close();
  });

  it("lets a subscriber cut by the restart resume exactly where it left off", async () => {
    const stream = freshStream();
    const sub = await Subscription.open(stream);
    await post(stream, "a\nb");
    await sub.untilLogs(2);
    await abortAllDurableObjects();
    await sub.done;
    await post(stream, "c");
    const resumed = await Subscription.open(stream, "", { "Last-Event-ID": sub.events.at(-1)?.id ?? "" });
    await resumed.untilLogs(1);
    expect([...sub.logs, ...resumed.logs].map((entry) => entry.message)).toEqual(["a", "b", "c"]);
    const stats = await (await request(`/api/streams/${stream}`)).json<{ lastId: number }>();
    expect(stats.lastId).toBe(3);
    await resumed.close();
  });

  it("trims to RING_SIZE across restarts", async () => {
    const stream = freshStream();
    for (let i = 0; i < 4; i++) await post(stream, Array.from({ length: 20 }, (_, n) => `${i}-${n}`).join("\n"));
    await abortAllDurableObjects();
    const stats = await (await request(`/api/streams/${stream}`)).json();
    expect(stats).toMatchObject({ lastId: 80, oldestId: 31, entries: 50 });
  });
});
