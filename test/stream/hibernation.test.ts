import { evictDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import { freshStream, post, request, Subscription } from "../helpers";

it("viewers stay connected while the stream's object hibernates, and get the next lines exactly once", async () => {
  const stream = freshStream();
  const subs = await Promise.all([Subscription.open(stream), Subscription.open(stream, "?level=error")]);
  await post(stream, "INFO before\nERROR before");
  await subs[0]?.untilLogs(2);
  const stats = async () =>
    (await request(`/api/streams/${stream}`)).json<{ rowsWritten: number; subscribers: number }>();
  const before = await stats();
  // An idle object with open viewers can leave memory: only hibernatable sockets hold them.
  await evictDurableObject(env.LOG_STREAM.get(env.LOG_STREAM.idFromName(stream)));
  expect(await post(stream, "INFO after\nERROR after")).toEqual({ accepted: 2, firstId: 3, lastId: 4 });
  const after = await stats();
  // A fresh instance counts only the row of the second batch: the first instance left memory.
  expect(after.rowsWritten).toBe(before.rowsWritten);
  expect(after.subscribers).toBe(2);
  await subs[0]?.untilLogs(4);
  await subs[1]?.untilLogs(2);
  expect(subs[0]?.logs.map((entry) => entry.id)).toEqual([1, 2, 3, 4]);
  expect(subs[1]?.logs.map((entry) => entry.message)).toEqual(["ERROR before", "ERROR after"]);
  await Promise.all(subs.map((sub) => sub?.close()));
});
