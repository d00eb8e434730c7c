// The soak's Loki client: pushes to two streams at once, without an Idempotency-Key, and resends the same push
// until it is answered 204, as Promtail does, through the restarts of `wrangler dev`. Each stream's part must
// then be stored exactly once (issue 25): the streams' last ids equal the lines pushed to each.
import { randomUUID } from "node:crypto";

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Pushes every 20 ms while `running()` holds; resolves once the last push is answered.
 * @param {() => string} url the viewer's base URL (read on every attempt)
 * @param {() => boolean} running
 */
export async function lokiResends(url, running) {
  const streams = [`loki-a-${randomUUID().slice(0, 6)}`, `loki-b-${randomUUID().slice(0, 6)}`];
  const pushed = new Map(streams.map((name) => [name, 0]));
  let pushes = 0;
  let resends = 0;
  for (let seq = 0; running(); seq++) {
    const nanos = `${BigInt(Date.now()) * 1_000_000n + BigInt(seq % 1_000_000)}`;
    const values = Array.from({ length: 20 }, (_, i) => [nanos, `push ${seq} line ${i}`]);
    const body = JSON.stringify({ streams: streams.map((stream) => ({ stream: { stream }, values })) });
    for (let attempt = 0; ; attempt++) {
      const status = await fetch(`${url()}/loki/api/v1/push`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body,
      }).then(
        (response) => response.status,
        () => 0,
      );
      if (status === 204) break;
      resends++;
      await sleep(Math.min(2000, 100 * 2 ** attempt));
    }
    pushes++;
    for (const name of streams) pushed.set(name, (pushed.get(name) ?? 0) + values.length);
    // Often enough that a restart lands mid-push, not so often that it crowds out the soak's own producers.
    await sleep(20);
  }
  return { streams, pushed, pushes, resends };
}

/**
 * Each stream's stored count against the lines pushed to it: a line stored twice shows as a higher last id.
 * @param {string} url
 * @param {Awaited<ReturnType<typeof lokiResends>>} run
 */
export async function checkLokiResends(url, run) {
  const rows = [];
  for (const name of run.streams) {
    const stats = /** @type {{ lastId: number }} */ (await (await fetch(`${url}/api/streams/${name}`)).json());
    rows.push({ name, pushed: run.pushed.get(name) ?? 0, stored: stats.lastId });
  }
  return { rows, ok: rows.every((row) => row.pushed === row.stored) };
}
