// The contract of `GET /api/patterns?streams=…` (a merged view's patterns, each tagged with its stream) and of
// the query a merged view filters one stream's pattern with: `stream:NAME pattern:ID`, `-(stream:NAME pattern:ID)`.
import { describe, expect, it } from "vitest";
import { eventually, freshStream, post, request, Subscription } from "../helpers";

interface Pattern {
  stream: string;
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

async function patterns(query: string): Promise<Patterns> {
  const response = await request(`/api/patterns?${query}`);
  expect(response.status, await response.clone().text()).toBe(200);
  return response.json<Patterns>();
}

const lines = (count: number, line: (i: number) => string) =>
  Array.from({ length: count }, (_, i) => line(i)).join("\n");

describe("GET /api/patterns?streams=", () => {
  it("lists every stream's patterns tagged with the stream, largest first, lines the sum", async () => {
    const [a, b] = [freshStream(), freshStream()];
    await post(
      a,
      lines(3, (i) => `INFO request ${i} served in ${i + 4} ms`),
    );
    await post(a, "ERROR disk full on /dev/sda1");
    await post(
      b,
      lines(5, (i) => `WARN cache miss for key user:${i}`),
    );
    const answer = await patterns(`streams=${a},${b}`);
    expect(answer.lines).toBe(9);
    expect(answer.searched).toBe(9);
    expect(answer.patterns.map((p) => [p.stream, p.count, p.level])).toEqual([
      [b, 5, "warn"],
      [a, 3, "info"],
      [a, 1, "error"],
    ]);
    // Each stream's entry is what the stream's own route says of it, with the stream added.
    const own = await (await request(`/api/streams/${a}/patterns`)).json<Patterns>();
    expect(answer.patterns.filter((p) => p.stream === a)).toEqual(own.patterns.map((p) => ({ ...p, stream: a })));
    expect(answer.patterns[1]?.template).toMatch(/^INFO request <\*> served in <\*>/);
  });

  it("takes a prefix, as the merged events do", async () => {
    const prefix = `p${crypto.randomUUID().slice(0, 8)}.`;
    await post(`${prefix}api`, "job 1 done\njob 2 done");
    await post(`${prefix}web`, "page rendered in 12 ms");
    const answer = await eventually(
      async () => {
        const found = await patterns(`streams=${prefix}*`);
        return found.lines === 3 ? found : null;
      },
      5000,
      "both streams listed under the prefix",
    );
    expect(answer.patterns.map((p) => [p.stream, p.count])).toEqual([
      [`${prefix}api`, 2],
      [`${prefix}web`, 1],
    ]);
  });

  it("narrows every stream by ?q= and ?level=, and refuses what the single-stream route refuses", async () => {
    const [a, b] = [freshStream(), freshStream()];
    await post(a, "WARN slow query 120 ms\nINFO login ok");
    await post(b, "ERROR slow query 900 ms\nINFO login ok\nINFO login ok");
    const slow = await patterns(`streams=${a},${b}&q=slow`);
    expect(slow.lines).toBe(2);
    expect(slow.patterns.map((p) => [p.stream, p.example])).toEqual([
      [a, "WARN slow query 120 ms"],
      [b, "ERROR slow query 900 ms"],
    ]);
    expect((await patterns(`streams=${a},${b}&level=error`)).patterns.map((p) => p.stream)).toEqual([b]);
    expect((await patterns(`streams=${a},${b}&q=${encodeURIComponent(`stream:${b}`)}`)).lines).toBe(3);
    const bad = await request(`/api/patterns?streams=${a},${b}&q=${encodeURIComponent("(a OR")}`);
    expect(bad.status).toBe(400);
    expect((await bad.json<{ error: string }>()).error).toMatch(/Invalid query at position/);
    expect((await request(`/api/patterns?streams=${a}&level=loud`)).status).toBe(400);
    const none = await request("/api/patterns");
    expect(none.status).toBe(400);
    expect((await none.json<{ error: string }>()).error).toMatch(/Name the streams to show/);
    expect((await request("/api/patterns?streams=no%20spaces")).status).toBe(400);
  });
});

describe("one stream's pattern in a merged view: stream:NAME pattern:ID", () => {
  it("filters and hides the lines of one stream's pattern, though the other stream's same template shares its id", async () => {
    const [a, b] = [freshStream(), freshStream()];
    await post(a, "ping 1\nping 2");
    await post(b, "ping 5\ndeploy 7 started");
    const listed = await patterns(`streams=${a},${b}`);
    const ping = listed.patterns.find((p) => p.stream === a) as Pattern;
    // Ids are per stream: the same template in both streams has one id, so `pattern:ID` alone names both.
    expect(listed.patterns.find((p) => p.stream === b && p.template === ping.template)?.id).toBe(ping.id);
    const only = `stream:${a} pattern:${ping.id}`;
    const open = async (q: string) => new Subscription(await request(`/api/events?streams=${a},${b}&q=${q}`));
    const [shown, hidden, both] = (await Promise.all(
      [only, `-(${only})`, `pattern:${ping.id}`].map((q) => open(encodeURIComponent(q))),
    )) as [Subscription, Subscription, Subscription];
    await post(a, "ping 3");
    await post(b, "ping 6");
    const messages = (s: Subscription) => s.logs.map((entry) => entry.message).sort();
    await Promise.all([shown.untilLogs(3), hidden.untilLogs(3), both.untilLogs(5)]);
    expect(messages(shown)).toEqual(["ping 1", "ping 2", "ping 3"]);
    expect(messages(hidden)).toEqual(["deploy 7 started", "ping 5", "ping 6"]);
    expect(messages(both)).toEqual(["ping 1", "ping 2", "ping 3", "ping 5", "ping 6"]);
    expect((await patterns(`streams=${a},${b}&q=${encodeURIComponent(only)}`)).patterns).toMatchObject([
      { stream: a, id: ping.id, count: 3 },
    ]);
    await Promise.all([shown.close(), hidden.close(), both.close()]);
    // The views let go of their slots on both streams before the test ends.
    const subscribers = async (s: string) =>
      (await (await request(`/api/streams/${s}`)).json<{ subscribers: number }>()).subscribers;
    await eventually(async () => (await subscribers(a)) + (await subscribers(b)) === 0, 5000, "no viewers left");
  });
});
