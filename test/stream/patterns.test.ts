// Live patterns (issue 24): every stored line carries its pattern's id; GET …/patterns counts the held lines.
import { evictDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { LogEntry } from "../../lib/types";
import { freshStream, post, request, Subscription } from "../helpers";

interface Pattern {
  id: string;
  template: string;
  count: number;
  level: string | null;
  firstSeen: number;
  lastSeen: number;
  example: string;
}
interface Patterns {
  patterns: Pattern[];
  lines: number;
  searched: number;
}

async function patterns(stream: string, query = ""): Promise<Patterns> {
  const response = await request(`/api/streams/${stream}/patterns${query}`);
  expect(response.status, await response.clone().text()).toBe(200);
  return response.json<Patterns>();
}

async function entries(stream: string, query = ""): Promise<LogEntry[]> {
  const response = await request(`/api/streams/${stream}/entries${query}`);
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json<{ entries: LogEntry[] }>()).entries;
}

const lines = (count: number, line: (i: number) => string) =>
  Array.from({ length: count }, (_, i) => line(i)).join("\n");

describe("patterns", () => {
  it("stamps every line with its pattern id, shared by lines of one template, in events and history", async () => {
    const stream = freshStream();
    const sub = await Subscription.open(stream);
    await post(stream, "user 17 logged in from 10.0.0.1\nuser 4 logged in from 10.0.0.9\ndisk full on /dev/sda1");
    await sub.untilLogs(3);
    const [a, b, c] = sub.logs;
    expect(a?.pattern).toMatch(/^p[0-9a-z]+$/);
    expect(b?.pattern).toBe(a?.pattern);
    expect(c?.pattern).toMatch(/^p[0-9a-z]+$/);
    expect(c?.pattern).not.toBe(a?.pattern);
    const history = await entries(stream);
    expect(history.map((entry) => entry.pattern)).toEqual([c?.pattern, a?.pattern, a?.pattern]);
    await sub.close();
  });

  it("counts the lines the ring holds per pattern, largest first, and lets go of lines the ring dropped", async () => {
    const stream = freshStream();
    await post(
      stream,
      lines(30, (i) => `INFO request ${i} served in ${i * 3} ms`),
    );
    const miss = (i: number) =>
      JSON.stringify({ level: i === 4 ? "error" : "warn", msg: `cache miss for key user:${i}` });
    await post(stream, lines(10, miss), "application/x-ndjson");
    const first = await patterns(stream);
    expect(first.lines).toBe(40);
    expect(first.searched).toBe(40);
    expect(first.patterns.map((p) => p.count)).toEqual([30, 10]);
    expect(first.patterns.reduce((sum, p) => sum + p.count, 0)).toBe(first.lines);
    const [served, missed] = first.patterns as [Pattern, Pattern];
    expect(served).toMatchObject({ level: "info", example: "INFO request 29 served in 87 ms" });
    expect(served.template).toContain("<*>");
    expect(missed).toMatchObject({ level: "error", example: "cache miss for key user:9" });
    expect(missed.firstSeen).toBeGreaterThan(Date.now() - 60_000);
    // The ring holds 50 (RING_SIZE in vitest.config.ts): 40 more lines push the 30 "served" lines out.
    await post(
      stream,
      lines(40, (i) => `job ${i} finished`),
    );
    const later = await patterns(stream);
    expect(later.lines).toBe(50);
    expect(later.patterns.map((p) => [p.id, p.count])).toEqual([
      [expect.not.stringMatching(new RegExp(`^(${served.id}|${missed.id})$`)), 40],
      [missed.id, 10],
    ]);
  });

  it("narrows to the lines a query matches, and refuses a bad query with 400", async () => {
    const stream = freshStream();
    await post(stream, "WARN slow query 120 ms\nERROR slow query 900 ms\nINFO login ok\nINFO login ok");
    const errors = await patterns(stream, "?q=level:error");
    expect(errors.lines).toBe(1);
    expect(errors.patterns).toMatchObject([{ count: 1, level: "error", example: "ERROR slow query 900 ms" }]);
    expect((await patterns(stream, "?level=warn")).lines).toBe(2);
    const bad = await request(`/api/streams/${stream}/patterns?q=${encodeURIComponent("(a OR")}`);
    expect(bad.status).toBe(400);
    expect((await bad.json<{ error: string }>()).error).toMatch(/\^|position|expected/i);
    expect((await request(`/api/streams/${stream}/patterns?level=loud`)).status).toBe(400);
  });

  it("filters by pattern:ID and hides by -pattern:ID, in history and live", async () => {
    const stream = freshStream();
    await post(stream, "ping 1\nping 2\ndeploy of build 7 started by ann");
    const [deploy, ping] = (await patterns(stream)).patterns.sort((a, b) => a.count - b.count) as [Pattern, Pattern];
    const only = await entries(stream, `?q=${encodeURIComponent(`pattern:${ping.id}`)}`);
    expect(only.map((entry) => entry.message)).toEqual(["ping 2", "ping 1"]);
    const live = await Subscription.open(stream, `?tail=0&q=${encodeURIComponent(`-pattern:${ping.id}`)}`);
    await post(stream, "ping 3\ndeploy of build 8 started by bob");
    await live.untilLogs(1);
    expect(live.logs.map((entry) => [entry.message, entry.pattern])).toEqual([
      ["deploy of build 8 started by bob", deploy.id],
    ]);
    await live.close();
  });

  it("keeps ids across a restart of the object, and a widened template keeps its id", async () => {
    const stream = freshStream();
    await post(stream, "job 17 started on host alpha in zone eu\nbackup done");
    const before = await patterns(stream);
    const job = before.patterns.find((p) => p.example.startsWith("job")) as Pattern;
    expect(job.template).toBe("job <*> started on host alpha in zone eu");
    await evictDurableObject(env.LOG_STREAM.get(env.LOG_STREAM.idFromName(stream)));
    // Counted again from the ring after the restart.
    expect((await patterns(stream)).lines).toBe(2);
    await post(stream, "job 18 started on host beta in zone eu\nlink down on eth0");
    const [widened, fresh] = (await entries(stream)).slice(0, 2).reverse();
    expect(widened?.pattern).toBe(job.id);
    expect(before.patterns.map((p) => p.id)).not.toContain(fresh?.pattern);
    const after = await patterns(stream);
    expect(after.patterns.find((p) => p.id === job.id)).toMatchObject({
      template: "job <*> started on host <*> in zone eu",
      count: 2,
      firstSeen: job.firstSeen,
      example: "job 18 started on host beta in zone eu",
    });
  });
});
