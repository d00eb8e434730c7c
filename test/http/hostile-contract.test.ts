// Issue 22's hostile probes on a server without tokens: each a defect found by the battery, kept as a contract.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { LogEntry } from "../../lib/types";
import { grantingTokens } from "../../src/http/auth";
import { planReplay, RingBuffer } from "../../src/stream/ring-buffer";
import { joinTails, tailOf } from "../../src/stream/stored";
import { Subscribers } from "../../src/stream/subscribers";
import { parseStreamTokens } from "../../src/tokens";
import { freshStream, post, request, Subscription } from "../helpers";
import { compress } from "./wire";

const BAD_COOKIES = ["edge_tail_token=%", "edge_tail_token=%E0%A4%A", "a=1; edge_tail_token=%zz"];

describe("a cookie that cannot be decoded is no token", () => {
  for (const cookie of BAD_COOKIES) {
    it(`${cookie}: the read routes answer as without a cookie`, async () => {
      const stream = freshStream();
      await post(stream, "one");
      const list = await request("/api/streams", { headers: { Cookie: cookie } });
      expect(list.status).toBe(200);
      expect(await list.json()).toHaveProperty("streams");
      const entries = await request(`/api/streams/${stream}/entries`, { headers: { Cookie: cookie } });
      expect(entries.status).toBe(200);
      const merged = await request(`/api/events?streams=${stream}`, { headers: { Cookie: cookie } });
      expect(merged.status).toBe(200);
      const sub = new Subscription(merged);
      await sub.untilLogs(1);
      await sub.close();
    });
  }
});

describe("text timestamps follow the sanity rule of every route", () => {
  it("a year 9999 or 0099 stamp becomes the time of receipt, the stamp kept in fields._time", async () => {
    const stream = freshStream();
    const before = Date.now();
    await post(
      stream,
      "9999-12-31T23:59:59Z INFO a\n0099-06-01 00:00:00 INFO b\n1969-12-31T23:59:59Z c\n2020-01-02T03:04:05Z d",
    );
    const sub = await Subscription.open(stream, "?tail=4");
    await sub.untilLogs(4);
    await sub.close();
    const [a, b, c, d] = sub.logs as [LogEntry, LogEntry, LogEntry, LogEntry];
    for (const entry of [a, b, c]) {
      expect(entry.time).toBeGreaterThanOrEqual(before);
      expect(entry.time).toBeLessThanOrEqual(Date.now());
    }
    expect(a.fields?._time).toBe("9999-12-31T23:59:59Z");
    expect([a.level, a.message]).toEqual(["info", "9999-12-31T23:59:59Z INFO a"]);
    expect(b.fields?._time).toBe("0099-06-01 00:00:00");
    expect(b.level).toBe("info");
    expect(c.fields?._time).toBe("1969-12-31T23:59:59Z");
    expect(d.time).toBe(Date.UTC(2020, 0, 2, 3, 4, 5));
    expect(d.fields).toBeUndefined();
  });
});

describe("a merged view resumes from its own id in ?lastEventId=", () => {
  it("streams=a,b&lastEventId=a:1,b:0 replays what follows each position", async () => {
    const [a, b] = [freshStream(), freshStream()];
    await post(a, "a1\na2");
    await post(b, "b1");
    const response = await request(`/api/events?streams=${a},${b}&lastEventId=${a}:1,${b}:0`);
    expect(response.status).toBe(200);
    const sub = new Subscription(response);
    await sub.untilLogs(2);
    await sub.close();
    expect(sub.logs.map((entry) => entry.message).sort()).toEqual(["a2", "b1"]);
  });

  it("a malformed merged id is still a 400 naming it", async () => {
    const response = await request(`/api/events?streams=${freshStream()}&lastEventId=12`);
    expect(response.status).toBe(400);
    expect((await response.json<{ error: string }>()).error).toMatch(/merged view's id/);
  });
});

describe("alert rules have their own right", () => {
  it("on this server without tokens anyone manages rules; with tokens but no admin token, the readers do", async () => {
    const stream = freshStream();
    const rule = { query: "level:error", webhook: { url: "http://127.0.0.1:9/x" } };
    const put = await request(`/api/streams/${stream}/alerts/open`, {
      method: "PUT",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(rule),
    });
    expect(put.status).toBe(201);
    expect(grantingTokens(parseStreamTokens({}), "admin", stream)).toBeNull();
    // Reads open to all, or a plain entry (a team's shippers hold it): nobody manages rules without ADMIN_TOKEN.
    for (const env of [{ INGEST_TOKEN: "w" }, { STREAM_TOKENS: '{"a.":"t"}' }]) {
      expect(grantingTokens(parseStreamTokens(env), "admin", "a.b")).toEqual([]);
    }
    // Otherwise the read tokens that are not also write tokens; never the ingest token.
    expect(grantingTokens(parseStreamTokens({ INGEST_TOKEN: "w", READ_TOKEN: "r" }), "admin", "a.b")).toEqual(["r"]);
    const teams = parseStreamTokens({ INGEST_TOKEN: "w", STREAM_TOKENS: '{"a.":{"read":"ra","write":"wa"},"b.":"t"}' });
    expect(grantingTokens(teams, "admin", "a.b")).toEqual(["ra"]);
    expect(grantingTokens(teams, "admin", "b.c")).toEqual([]);
    const scoped = parseStreamTokens({ ADMIN_TOKEN: "x", STREAM_TOKENS: '{"a.":{"write":"w","admin":"y"}}' });
    expect(grantingTokens(scoped, "admin", "a.b")).toEqual(["x", "y"]);
    expect(grantingTokens(scoped, "admin", "b.c")).toEqual(["x"]);
  });
});

describe("a gzip body of several members (RFC 1952, `cat a.gz b.gz`)", () => {
  const gzip = (text: string) => compress(new TextEncoder().encode(text), "gzip");
  const postGzip = (stream: string, body: Uint8Array) =>
    request(`/api/streams/${stream}/logs`, {
      method: "POST",
      headers: { "Content-Type": "text/plain", "Content-Encoding": "gzip" },
      body,
    });

  it("is read whole, every member in order", async () => {
    const stream = freshStream();
    const parts = await Promise.all(["one\n", "two\nthree\n", "four"].map(gzip));
    const response = await postGzip(stream, concat(parts));
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ accepted: 4, firstId: 1, lastId: 4 });
    const sub = await Subscription.open(stream, "?tail=4");
    await sub.untilLogs(4);
    await sub.close();
    expect(sub.logs.map((entry) => entry.message)).toEqual(["one", "two", "three", "four"]);
  });

  it("counts every member against MAX_BODY_BYTES (413), and a broken member is a 400; neither stores", async () => {
    const stream = freshStream();
    const half = "x".repeat(40_000);
    const big = await postGzip(stream, concat([await gzip(half), await gzip(half)]));
    expect(big.status).toBe(413);
    const good = await gzip("fine\n");
    const broken = await postGzip(stream, concat([good, good.subarray(0, good.byteLength - 4)]));
    expect(broken.status).toBe(400);
    const junk = await postGzip(stream, concat([good, new Uint8Array([1, 2, 3])]));
    expect(junk.status).toBe(400);
    expect((await request(`/api/streams/${stream}`).then((r) => r.json<{ lastId: number }>())).lastId).toBe(0);
  });
});

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}

describe("a filtered resume from an old Last-Event-ID reads a bounded number of entries", () => {
  it("plans at most scanLimit entries back, the older ids named by one gap", () => {
    expect(planReplay(1, 100, { tail: 5, lastEventId: 5 }, 10)).toEqual({ after: 90, gap: { from: 6, to: 90 } });
    expect(planReplay(51, 100, { tail: 5, lastEventId: 5 }, 10)).toEqual({ after: 90, gap: { from: 6, to: 90 } });
    expect(planReplay(1, 100, { tail: 5, lastEventId: 95 }, 10)).toEqual({ after: 95 });
    expect(planReplay(1, 100, { tail: 5, lastEventId: 5 })).toEqual({ after: 5 });
  });

  it("the stream's object sends the gap, then the matches among the newest scanLimit entries", async () => {
    const stub = env.LOG_STREAM.get(env.LOG_STREAM.idFromName(freshStream()));
    const received = await runInDurableObject(stub, async (_, state) => {
      const ring = new RingBuffer(state.storage.sql, 1000);
      const tails = Array.from({ length: 100 }, (_, i) => tailOf({ time: i + 1, level: null, message: `m ${i + 1}` }));
      ring.append(joinTails(tails), 100);
      const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
      state.acceptWebSocket(server);
      const messages: string[] = [];
      client.accept();
      client.addEventListener("message", (event) => messages.push(String(event.data)));
      const options = { tail: 100, lastEventId: 5, q: "m" };
      new Subscribers(ring, 10).start(server, { options, stream: "s", started: false }, true);
      await new Promise((resolve) => setTimeout(resolve, 50));
      return messages.join("");
    });
    expect(received).toContain('event: gap\ndata: {"from":6,"to":90}');
    const ids = [...received.matchAll(/^id: (\d+)\nevent: log/gm)].map((match) => Number(match[1]));
    expect(ids).toEqual(Array.from({ length: 10 }, (_, i) => 91 + i));
  });
});
