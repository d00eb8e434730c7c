import { expect, it } from "vitest";
import { freshStream, post, request, Subscription } from "../helpers";

const lines = [
  { level: "info", msg: "GET /api/orders/7", status: 200, ms: 12, user: { plan: "pro" } },
  { level: "error", msg: "payment timeout", status: 503, ms: 900, trace_id: "t1" },
  { level: "warn", msg: "\u001b[33mslow\u001b[0m query", status: 200, ms: 300, route: "/healthz" },
  { level: "error", msg: "connection reset by peer", status: 502, ms: 5, user: { plan: "free" } },
];
const ndjson = lines.map((line) => JSON.stringify(line)).join("\n");

it.each([
  ["status:>=500", [2, 4]],
  ["level:>=warn -route:/healthz", [2, 4]],
  ['"connection reset" OR user.plan:pro', [1, 4]],
  ["/time(d)?out/i", [2]],
  ["trace_id:*", [2]],
  ["route:/api/orders/* OR message:GET*", [1]],
  ["slow", [3]],
])("?q=%s filters backfill and live entries, keeping the stream's ids", async (q, ids) => {
  const stream = freshStream();
  await post(stream, ndjson, "application/x-ndjson");
  const sub = await Subscription.open(stream, `?q=${encodeURIComponent(q)}`);
  await post(stream, ndjson, "application/x-ndjson");
  const expected = [...ids, ...ids.map((id) => id + lines.length)];
  await sub.untilLogs(expected.length);
  expect(sub.logs.map((entry) => entry.id)).toEqual(expected);
  await sub.close();
});

it("many subscribers with one query each get the same entries", async () => {
  const stream = freshStream();
  const subs = await Promise.all(Array.from({ length: 5 }, () => Subscription.open(stream, "?q=status:>=500")));
  const other = await Subscription.open(stream, "?q=level:info");
  await post(stream, ndjson, "application/x-ndjson");
  for (const sub of subs) await sub.untilLogs(2);
  await other.untilLogs(1);
  for (const sub of subs) expect(sub.logs.map((entry) => entry.id)).toEqual([2, 4]);
  expect(other.logs.map((entry) => entry.id)).toEqual([1]);
  await Promise.all([...subs, other].map((sub) => sub.close()));
});

it("an invalid query is a 400 that points at the position", async () => {
  const response = await request(`/api/streams/${freshStream()}/events?q=${encodeURIComponent("(status:500")}`);
  expect(response.status).toBe(400);
  expect((await response.json<{ error: string }>()).error).toMatch(/^Invalid query at position \d+: .*\)/);
});

type Page = { entries: { id: number; message: string }[]; next: number | null };

it("history pages through matching entries newest first, with next until the oldest", async () => {
  const stream = freshStream();
  await post(
    stream,
    Array.from({ length: 40 }, (_, i) => `${i % 4 === 0 ? "ERROR" : "INFO"} line ${i + 1}`).join("\n"),
  );
  const page = async (query: string) => {
    const response = await request(`/api/streams/${stream}/entries?${query}`);
    expect(response.status).toBe(200);
    return response.json<Page>();
  };
  const first = await page("q=level:error&limit=3");
  expect(first.entries.map((entry) => entry.id)).toEqual([37, 33, 29]);
  expect(first.next).toBe(29);
  const second = await page(`q=level:error&limit=100&before=${first.next}`);
  expect(second.entries.map((entry) => entry.id)).toEqual([25, 21, 17, 13, 9, 5, 1]);
  expect(second.next).toBeNull();
  const all = await page("limit=5");
  expect(all.entries.map((entry) => entry.message)).toEqual(
    [40, 39, 38, 37, 36].map((n) => `${n % 4 === 1 ? "ERROR" : "INFO"} line ${n}`),
  );
  expect((await request(`/api/streams/${stream}/entries?limit=0`)).status).toBe(400);
  expect((await request(`/api/streams/${stream}/entries?q=%22open`)).status).toBe(400);
});
