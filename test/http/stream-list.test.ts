// The stream list's contract: pages in name order with a cursor, a prefix, limits and their 400s, across shards.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { StreamSummary } from "../../lib/types";
import { DEFAULTS } from "../../src/config";
import { shardName, shardOf } from "../../src/stream/index-shards";
import { eventually, post, request } from "../helpers";

const SHARDS = DEFAULTS.STREAM_INDEX_SHARDS;

type Page = { streams: StreamSummary[]; next: string | null };

const list = async (query: string): Promise<Page> => {
  const response = await request(`/api/streams?${query}`);
  expect(response.status, await response.clone().text()).toBe(200);
  return response.json<Page>();
};

/** Streams under a prefix of their own, posted to and waited for until the list shows all of them. */
async function listedStreams(count: number): Promise<{ prefix: string; names: string[] }> {
  const prefix = `t-${crypto.randomUUID().slice(0, 8)}.`;
  const names = Array.from({ length: count }, (_, i) => `${prefix}${String.fromCharCode(122 - i)}${i}`);
  for (const name of names) await post(name, "a line");
  await eventually(
    async () => (await list(`prefix=${prefix}&limit=1000`)).streams.length === count,
    5000,
    `${count} streams under ${prefix} in the list`,
  );
  return { prefix, names: names.sort() };
}

describe("GET /api/streams", () => {
  it("pages through a prefix in name order: each next is the cursor of the following page, null at the end", async () => {
    const { prefix, names } = await listedStreams(5);
    const first = await list(`prefix=${prefix}&limit=2`);
    expect(first.streams.map((s) => s.name)).toEqual(names.slice(0, 2));
    expect(first.next).toBe(names[1]);
    const second = await list(`prefix=${prefix}&limit=2&cursor=${first.next}`);
    expect(second.streams.map((s) => s.name)).toEqual(names.slice(2, 4));
    const third = await list(`prefix=${prefix}&limit=2&cursor=${second.next}`);
    expect(third.streams.map((s) => s.name)).toEqual(names.slice(4));
    expect(third.next).toBeNull();
    // Exactly a page's worth left: the page says there is no more, rather than a last empty page.
    const exact = await list(`prefix=${prefix}&limit=5`);
    expect(exact.next).toBeNull();
    expect(exact.streams[0]).toMatchObject({ name: names[0], entries: 1, lastId: 1 });
  });

  it("spreads streams over the shards, and the prefix leaves out names that only contain it", async () => {
    const { prefix, names } = await listedStreams(6);
    expect(new Set(names.map((name) => shardOf(name, SHARDS))).size).toBeGreaterThan(1);
    const outside = `x${prefix}z`;
    await post(outside, "not under the prefix");
    await eventually(async () => (await list(`prefix=x${prefix}`)).streams.length === 1, 5000, `${outside} listed`);
    expect((await list(`prefix=${prefix}`)).streams.map((s) => s.name)).toEqual(names);
  });

  it("takes 100 by default and at most 1000; a bad limit, prefix or cursor is a 400 saying what to send", async () => {
    for (const [query, message] of [
      ["limit=0", /whole number from 1 to 1000/],
      ["limit=1001", /whole number from 1 to 1000/],
      ["limit=ten", /whole number from 1 to 1000/],
      ["limit=2.5", /whole number from 1 to 1000/],
      ["limit=", /whole number from 1 to 1000/],
      ["prefix=a%2Fb", /Invalid prefix "a\/b"/],
      ["cursor=%3Cx%3E", /send the "next" of the previous page/],
    ] as const) {
      const response = await request(`/api/streams?${query}`);
      expect(response.status, query).toBe(400);
      expect((await response.json<{ error: string }>()).error).toMatch(message);
    }
    expect((await request("/api/streams?limit=1000")).status).toBe(200);
    // 101 rows where at least 101 exist: the default page holds 100.
    const prefix = `t-${crypto.randomUUID().slice(0, 8)}.`;
    for (let i = 0; i < 101; i++) {
      await env.STREAM_INDEX.get(env.STREAM_INDEX.idFromName(shardName(shardOf(`${prefix}${i}`, SHARDS)))).report({
        name: `${prefix}${i}`,
        lastActivity: Date.now(),
        entries: 1,
        lastId: 1,
        rate: 0,
      });
    }
    const page = await list(`prefix=${prefix}`);
    expect(page.streams).toHaveLength(100);
    expect(page.next).toBe(page.streams[99]?.name);
  });

  it("leaves out a stream whose lines have all aged out unless it has alert rules", async () => {
    const prefix = `t-${crypto.randomUUID().slice(0, 8)}.`;
    const week = 8 * 86_400_000;
    const report = (name: string, rules: number) =>
      env.STREAM_INDEX.get(env.STREAM_INDEX.idFromName(shardName(shardOf(name, SHARDS)))).report(
        { name, lastActivity: Date.now() - week, entries: 3, lastId: 3, rate: 0 },
        rules,
      );
    await report(`${prefix}idle`, 0);
    await report(`${prefix}watched`, 2);
    expect((await list(`prefix=${prefix}`)).streams.map((s) => s.name)).toEqual([`${prefix}watched`]);
  });

  it("lists a stream that has an alert rule and no lines, from the report its new rule sends", async () => {
    const stream = `t-${crypto.randomUUID()}`;
    const saved = await request(`/api/streams/${stream}/alerts/watch`, {
      method: "PUT",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ query: "boom", webhook: { url: "http://127.0.0.1:9/hook" } }),
    });
    expect(saved.status).toBe(201);
    const listed = await eventually(
      async () => (await list(`prefix=${stream}`)).streams[0],
      3000,
      `${stream} listed for its rule`,
    );
    expect(listed).toMatchObject({ name: stream, entries: 0, lastId: 0, lastActivity: 0 });
  });
});
