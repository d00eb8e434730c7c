// Pattern ids are stored beside a commit's tails (the `pats` column), never written into them, and every read
// path puts them back on the entry; a ring from before (ids written into the tails, no column) reads the same.
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import { RingBuffer } from "../../src/stream/ring-buffer";
import { joinTails, type Tail, tailOf } from "../../src/stream/stored";
import { freshStream, post, request } from "../helpers";

const tail = (n: number) => tailOf({ time: n, level: "info", message: `line ${n}` });

it("every read path gives each entry the id stored beside its tail, the tails themselves untouched", async () => {
  const stub = env.LOG_STREAM.get(env.LOG_STREAM.idFromName(freshStream()));
  await runInDurableObject(stub, (_, state) => {
    const ring = new RingBuffer(state.storage.sql, 100);
    const tails = [tail(1), tail(2), tail(3)];
    ring.append(joinTails(tails), 3, Date.now(), ["pa", "pb", "pa"]);
    ring.append(joinTails([tail(4)]), 1);
    const stored = state.storage.sql.exec<{ tails: string; pats: string | null }>("SELECT tails, pats FROM ring");
    expect(stored.toArray()).toEqual([
      { tails: joinTails(tails), pats: "pa,pb,pa" },
      { tails: tail(4), pats: null },
    ]);
    const pattern = (json: string | undefined) => (JSON.parse(json ?? "{}") as { pattern?: string }).pattern;
    expect([...ring.since(0)].map(([, json]) => pattern(json))).toEqual(["pa", "pb", "pa", undefined]);
    expect([...ring.newestFirst(5)].map(([, json]) => pattern(json))).toEqual([undefined, "pa", "pb", "pa"]);
    expect([1, 2, 3].map((id) => pattern(ring.entry(id)))).toEqual(["pa", "pb", "pa"]);
    expect(JSON.parse(ring.entry(2) ?? "")).toEqual({ id: 2, ...JSON.parse(`{${tail(2)}`), pattern: "pb" });
  });
});

it("a batch split into several rows keeps each entry's id with it", async () => {
  const stub = env.LOG_STREAM.get(env.LOG_STREAM.idFromName(freshStream()));
  await runInDurableObject(stub, (_, state) => {
    const ring = new RingBuffer(state.storage.sql, 100);
    // 4 lines of 200,000 characters: more than one row holds (500,000), so the batch is chunked.
    const tails = [0, 1, 2, 3].map((n) => tailOf({ time: n, level: null, message: `${n}`.repeat(200_000) }));
    ring.append(joinTails(tails), 4, Date.now(), ["p1", "p2", "p3", "p4"]);
    expect(state.storage.sql.exec("SELECT 1 FROM ring").toArray().length).toBeGreaterThan(1);
    const read = [...ring.since(0)].map(([, json]) => JSON.parse(json) as { message: string; pattern: string });
    expect(read.map((entry) => [entry.message[0], entry.pattern])).toEqual([
      ["0", "p1"],
      ["1", "p2"],
      ["2", "p3"],
      ["3", "p4"],
    ]);
  });
});

it("a ring from before the column (ids written into the tails) gains it and still serves and counts its ids", async () => {
  const stream = freshStream();
  const stub = env.LOG_STREAM.get(env.LOG_STREAM.idFromName(stream));
  await post(stream, "warm up");
  await runInDurableObject(stub, (_, state) => {
    const sql = state.storage.sql;
    sql.exec("DROP TABLE ring");
    sql.exec(
      "CREATE TABLE ring (last_id INTEGER PRIMARY KEY, first_id INTEGER NOT NULL, at INTEGER, t_min REAL, t_max REAL, lv INTEGER, marks BLOB, tails TEXT NOT NULL)",
    );
    const stamped = (n: number, id: string) => `${tail(n).slice(0, -1)},"pattern":"${id}"}` as Tail;
    sql.exec(
      "INSERT INTO ring (last_id, first_id, at, tails) VALUES (3, 2, ?, ?)",
      Date.now(),
      joinTails([stamped(2, "p1"), stamped(3, "p1")]),
    );
    sql.exec("DELETE FROM patterns");
    sql.exec("INSERT INTO patterns (id, template, first_seen, example) VALUES ('p1', 'line <*>', 2, 'line 2')");
  });
  await evictDurableObject(stub);
  const entries = await (await request(`/api/streams/${stream}/entries?around=3`)).json<{
    entries: { id: number; pattern: string }[];
  }>();
  expect(entries.entries.map(({ id, pattern }) => [id, pattern])).toEqual([
    [2, "p1"],
    [3, "p1"],
  ]);
  const listed = await (await request(`/api/streams/${stream}/patterns`)).json<{
    patterns: { id: string; count: number }[];
  }>();
  expect(listed.patterns.map(({ id, count }) => [id, count])).toEqual([["p1", 2]]);
  await post(stream, "line 4");
  const after = await (await request(`/api/streams/${stream}/entries?around=4&before=0`)).json<{
    entries: { id: number; pattern: string }[];
  }>();
  expect(after.entries).toMatchObject([{ id: 4, pattern: "p1" }]);
});
