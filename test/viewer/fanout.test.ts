import { expect, it } from "vitest";
import { eventually, freshStream, post, request, Subscription } from "../helpers";

async function subscribers(stream: string): Promise<number> {
  const stats = await (await request(`/api/streams/${stream}`)).json<{ subscribers: number }>();
  return stats.subscribers;
}

it("delivers every entry of concurrent batches to every subscriber once, in id order", async () => {
  const stream = freshStream();
  const subs = await Promise.all(Array.from({ length: 5 }, () => Subscription.open(stream, "?tail=0")));
  const batches = 40;
  const perBatch = 25;
  const results = await Promise.all(
    Array.from({ length: batches }, (_, b) =>
      post(
        stream,
        Array.from({ length: perBatch }, (_, i) => JSON.stringify({ msg: `b${b}-${i}` })).join("\n"),
        "application/x-ndjson",
      ),
    ),
  );
  const total = batches * perBatch;
  // Each batch got a contiguous id range, and the ranges tile 1..total.
  const ranges = results.map((r) => ({ first: r.firstId ?? 0, last: r.lastId ?? 0 })).sort((a, b) => a.first - b.first);
  expect(ranges).toEqual(ranges.map((_, i) => ({ first: i * perBatch + 1, last: (i + 1) * perBatch })));
  for (const sub of subs) {
    await sub.untilLogs(total);
    const ids = sub.logs.map((entry) => entry.id);
    expect(ids).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    // Entries of one batch stay together and in the order they were posted.
    const byBatch = new Map<string, number[]>();
    for (const entry of sub.logs) {
      const [batch, index] = entry.message.slice(1).split("-");
      byBatch.set(batch as string, [...(byBatch.get(batch as string) ?? []), Number(index)]);
    }
    for (const indexes of byBatch.values()) expect(indexes).toEqual(Array.from({ length: perBatch }, (_, i) => i));
  }
  await Promise.all(subs.map((sub) => sub.close()));
});

it("drops a subscriber that never reads, without holding back the others", async () => {
  const stream = freshStream();
  const stalled = await request(`/api/streams/${stream}/events?tail=0`);
  expect(stalled.status).toBe(200);
  const healthy = await Subscription.open(stream, "?tail=0");
  const line = "x".repeat(1000);
  const batch = Array.from({ length: 50 }, () => line).join("\n");
  // 60 batches of ~50 kB: about three times the 1 MiB a subscriber may fall behind.
  for (let i = 0; i < 60; i++) await post(stream, batch);
  await healthy.untilLogs(3000, 10_000);
  expect(healthy.logs.at(-1)?.id).toBe(3000);
  expect(await subscribers(stream)).toBe(1);
  // The dropped stream ends after what was queued (at most ~1 MiB): a reconnect resumes from its last id.
  const late = new Subscription(stalled);
  await late.done;
  const ids = late.logs.map((entry) => entry.id);
  expect(ids.length).toBeGreaterThan(0);
  expect(ids.length).toBeLessThan(3000);
  expect(ids).toEqual(Array.from({ length: ids.length }, (_, i) => i + 1));
  const resumed = await Subscription.open(stream, "", { "Last-Event-ID": String(ids.at(-1)) });
  // The test ring holds 50 entries, so the rest is announced as a gap, then replayed exactly.
  await resumed.untilLogs(50);
  expect(resumed.events[0]).toMatchObject({ event: "gap", data: JSON.stringify({ from: ids.length + 1, to: 2950 }) });
  expect(resumed.logs.map((entry) => entry.id)).toEqual(Array.from({ length: 50 }, (_, i) => i + 2951));
  await Promise.all([healthy.close(), resumed.close()]);
});

it("forgets a subscriber that closed its connection by the next heartbeat", async () => {
  const stream = freshStream();
  const subs = await Promise.all([Subscription.open(stream), Subscription.open(stream), Subscription.open(stream)]);
  expect(await subscribers(stream)).toBe(3);
  await subs[0]?.close();
  await subs[1]?.close();
  await eventually(async () => (await subscribers(stream)) === 1, 2000, "one subscriber left");
  await subs[2]?.close();
  await eventually(async () => (await subscribers(stream)) === 0, 2000, "no subscriber left");
});
