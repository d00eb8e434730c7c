// A ring stored before marks existed (tails first, no marks) is rebuilt once with its marks, keeping every entry.
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import { joinTails, tailOf } from "../../src/stream/stored";
import { freshStream, request } from "../helpers";

it("an old ring table gains marks ahead of its tails, and its entries are counted and served", async () => {
  const stream = freshStream();
  const stub = env.LOG_STREAM.get(env.LOG_STREAM.idFromName(stream));
  const T0 = Date.UTC(2026, 0, 1);
  await runInDurableObject(stub, (_, state) => {
    state.storage.sql.exec("DROP TABLE ring");
    state.storage.sql.exec(
      "CREATE TABLE ring (last_id INTEGER PRIMARY KEY, first_id INTEGER NOT NULL, tails TEXT NOT NULL, at INTEGER)",
    );
    const tails = joinTails([
      tailOf({ time: T0, level: "info", message: "one" }),
      tailOf({ time: T0 + 1500, level: "error", message: "two" }),
    ]);
    state.storage.sql.exec("INSERT INTO ring VALUES (2, 1, ?, ?)", tails, Date.now());
  });
  await evictDurableObject(stub);
  const histogram = await (
    await request(`/api/streams/${stream}/histogram?from=${T0}&to=${T0 + 2000}&buckets=2`)
  ).json();
  expect(histogram).toMatchObject({
    buckets: [
      { t: T0, count: 1, levels: { info: 1 }, firstId: 1 },
      { t: T0 + 1000, count: 1, levels: { error: 1 }, firstId: 2 },
    ],
  });
  const around = await (await request(`/api/streams/${stream}/entries?around=2`)).json<{
    entries: { message: string }[];
  }>();
  expect(around.entries.map((entry) => entry.message)).toEqual(["one", "two"]);
  const columns = await runInDurableObject(stub, (_, state) =>
    state.storage.sql
      .exec<{ name: string }>("PRAGMA table_info(ring)")
      .toArray()
      .map((column) => column.name),
  );
  expect(columns.indexOf("marks")).toBeLessThan(columns.indexOf("tails"));
});
