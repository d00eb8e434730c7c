import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import { freshStream, request } from "../helpers";

const send = (stream: string, key: string, body: string) =>
  request(`/api/streams/${stream}/logs`, {
    method: "POST",
    headers: { "Content-Type": "text/plain", "Idempotency-Key": key },
    body,
  });

it("a stream's idempotency table from before digests gains the column, and its old keys still answer", async () => {
  const stream = freshStream();
  const stub = env.LOG_STREAM.get(env.LOG_STREAM.idFromName(stream));
  await runInDurableObject(stub, (_, state) => {
    // The table as the previous version created it, with a key it remembered.
    state.storage.sql.exec("DROP TABLE idempotency");
    state.storage.sql.exec(
      "CREATE TABLE idempotency (key TEXT PRIMARY KEY, first_id INTEGER NOT NULL, count INTEGER NOT NULL, at INTEGER NOT NULL)",
    );
    state.storage.sql.exec("INSERT INTO idempotency VALUES ('old-key', 7, 2, ?)", Date.now());
  });
  await evictDurableObject(stub);
  // The old key has no digest: any body counts as the resend it answers.
  expect(await (await send(stream, "old-key", "whatever")).json()).toEqual({ accepted: 2, firstId: 7, lastId: 8 });
  expect((await send(stream, "new-key", "first")).status).toBe(202);
  expect((await send(stream, "new-key", "second")).status).toBe(422);
  const columns = await runInDurableObject(stub, (_, state) =>
    state.storage.sql
      .exec<{ name: string }>("PRAGMA table_info(idempotency)")
      .toArray()
      .map((column) => column.name),
  );
  expect(columns).toEqual(["key", "first_id", "count", "at", "digest"]);
});
