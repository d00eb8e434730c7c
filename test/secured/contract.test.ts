// Issue 12's contract where tokens and tight limits apply: refusals store nothing on any stream,
// authorisation before parsing, the session endpoint, and viewer slots.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { eventually, freshStream, request } from "../helpers";
import { lokiJson, otlpJson, otlpProto } from "../http/wire";

const WRITE = { Authorization: "Bearer ingest-secret" };
const READ = { Authorization: "Bearer read-secret" };
const JSON_TYPE = { "Content-Type": "application/json" };
const nanos = () => String(Date.now() * 1_000_000);

async function stats(stream: string): Promise<{ lastId: number; subscribers: number }> {
  return (await request(`/api/streams/${stream}`, { headers: READ })).json();
}

function postLogs(stream: string, body = "x", headers: Record<string, string> = WRITE): Promise<Response> {
  return request(`/api/streams/${stream}/logs`, {
    method: "POST",
    headers: { "Content-Type": "text/plain", ...headers },
    body,
  });
}

function lokiPush(body: string, headers: Record<string, string> = WRITE): Promise<Response> {
  return request("/loki/api/v1/push", { method: "POST", headers: { ...JSON_TYPE, ...headers }, body });
}

describe("a refused request stores nothing, on any stream", () => {
  it("a Loki push to two streams, one rate-limited, is a 429 that stores on neither", async () => {
    const [calm, busy] = [freshStream(), freshStream()];
    const outcomes = { stored: 0, refused: 0, busyAccepted: 0 };
    // The busy stream's bucket refills as time passes, so the check is on counts, not on one moment: every
    // push either stored its line on both streams or on none.
    for (let round = 0; round < 10 && outcomes.refused === 0; round++) {
      for (let i = 0; i < 20; i++) {
        const response = await postLogs(busy);
        if (response.status === 429) break;
        outcomes.busyAccepted++;
      }
      const push = await lokiPush(
        lokiJson([
          { labels: { stream: calm }, values: [[nanos(), "calm line"]] },
          { labels: { stream: busy }, values: [[nanos(), "busy line"]] },
        ]),
      );
      expect([204, 429]).toContain(push.status);
      if (push.status === 429) {
        expect(Number(push.headers.get("Retry-After"))).toBeGreaterThanOrEqual(1);
        outcomes.refused++;
      } else outcomes.stored++;
    }
    expect(outcomes.refused).toBeGreaterThan(0);
    expect((await stats(calm)).lastId).toBe(outcomes.stored);
    expect((await stats(busy)).lastId).toBe(outcomes.busyAccepted + outcomes.stored);
  });

  it("a stream that admitted a request another stream refused gets its token back", async () => {
    const stub = env.LOG_STREAM.get(env.LOG_STREAM.idFromName(freshStream()));
    // In one turn of the object the clock stands still, so the bucket cannot refill meanwhile.
    const waits = await runInDurableObject(stub, (instance) => {
      const taken = Array.from({ length: 10 }, () => instance.admit());
      const eleventh = instance.admit();
      instance.refund();
      return { taken, eleventh, afterRefund: instance.admit(), twelfth: instance.admit() };
    });
    expect(waits.taken).toEqual(Array(10).fill(0));
    expect(waits.eleventh).toBeGreaterThan(0);
    expect(waits.afterRefund).toBe(0);
    expect(waits.twelfth).toBeGreaterThan(0);
  });

  it("OTLP answers a rate-limited export with 429, Retry-After and a protobuf google.rpc.Status", async () => {
    const stream = freshStream();
    const send = () =>
      request(`/otlp/${stream}/v1/logs`, {
        method: "POST",
        headers: { "Content-Type": "application/x-protobuf", ...WRITE },
        body: otlpProto([{ attributes: [], records: [{ body: { stringValue: "x" } }] }]),
      });
    let limited: Response | undefined;
    for (let i = 0; i < 20 && limited === undefined; i++) {
      const response = await send();
      if (response.status === 429) limited = response;
      else expect(response.status).toBe(200);
    }
    expect(limited?.headers.get("Content-Type")).toBe("application/x-protobuf");
    expect(Number(limited?.headers.get("Retry-After"))).toBeGreaterThanOrEqual(1);
    const body = new Uint8Array((await limited?.arrayBuffer()) ?? new ArrayBuffer(0));
    // google.rpc.Status: field 1 (code) = 8, RESOURCE_EXHAUSTED; field 2, the message.
    expect([body[0], body[1]]).toEqual([0x08, 8]);
    expect(new TextDecoder().decode(body.subarray(4))).toMatch(/Retry-After/);
  });

  it("MAX_ENTRIES counts the whole request, across streams (Loki and OTLP /v1/logs)", async () => {
    const [a, b] = [freshStream(), freshStream()];
    const lines = (n: number) => Array.from({ length: n }, (_, i): [string, string] => [nanos(), `line ${i}`]);
    const loki = await lokiPush(
      lokiJson([
        { labels: { stream: a }, values: lines(60) },
        { labels: { stream: b }, values: lines(60) },
      ]),
    );
    expect(loki.status).toBe(413);
    expect((await loki.json<{ error: string }>()).error).toMatch(/120 in one request, at most 100/);
    const records = (n: number) => Array.from({ length: n }, (_, i) => ({ body: { stringValue: `r${i}` } }));
    const service = (name: string) => [{ key: "service.name", value: { stringValue: name } }];
    const otlp = await request("/v1/logs", {
      method: "POST",
      headers: { "Content-Type": "application/x-protobuf", ...WRITE },
      body: otlpProto([
        { attributes: service(a), records: records(51) },
        { attributes: service(b), records: records(50) },
      ]),
    });
    expect(otlp.status).toBe(413);
    expect((await stats(a)).lastId).toBe(0);
    expect((await stats(b)).lastId).toBe(0);
  });

  it("a token for one stream of a multi-stream push is a 401 that stores nothing on the other", async () => {
    const mine = `team-a.${crypto.randomUUID()}`;
    const theirs = `team-b.${crypto.randomUUID()}`;
    const push = await lokiPush(
      lokiJson([
        { labels: { stream: mine }, values: [[nanos(), "mine"]] },
        { labels: { stream: theirs }, values: [[nanos(), "theirs"]] },
      ]),
      { Authorization: "Bearer token-a" },
    );
    expect(push.status).toBe(401);
    expect((await stats(mine)).lastId).toBe(0);
  });
});

describe("authorisation comes before the body is parsed", () => {
  it("Loki and OTLP /v1/logs answer 401, not 400, to a malformed body without a write token", async () => {
    for (const headers of [{}, { Authorization: "Bearer read-secret" }] as Record<string, string>[]) {
      expect((await lokiPush("{not json", headers)).status).toBe(401);
      const otlp = await request("/v1/logs", {
        method: "POST",
        headers: { "Content-Type": "application/x-protobuf", ...headers },
        body: new Uint8Array([0xff, 0xff]),
      });
      expect(otlp.status).toBe(401);
      expect(otlp.headers.get("Content-Type")).toBe("application/x-protobuf");
      expect(otlp.headers.get("WWW-Authenticate")).toMatch(/^Bearer/);
    }
  });

  it("a write token in ?access_token= is not accepted; only the Authorization header is", async () => {
    const stream = freshStream();
    const query = "?access_token=ingest-secret";
    const logs = await request(`/api/streams/${stream}/logs${query}`, {
      method: "POST",
      headers: { "Content-Type": "text/plain" },
      body: "x",
    });
    expect(logs.status).toBe(401);
    const loki = await request(`/loki/api/v1/push${query}`, {
      method: "POST",
      headers: JSON_TYPE,
      body: lokiJson([{ labels: { stream }, values: [[nanos(), "x"]] }]),
    });
    expect(loki.status).toBe(401);
    const otlp = await request(`/otlp/${stream}/v1/logs${query}`, {
      method: "POST",
      headers: JSON_TYPE,
      body: otlpJson([]),
    });
    expect(otlp.status).toBe(401);
    expect((await stats(stream)).lastId).toBe(0);
  });
});

describe("POST /api/session", () => {
  const signIn = (
    headers: Record<string, string>,
    body: BodyInit = JSON.stringify({ token: "read-secret" }),
    query = "",
  ) => request(`/api/session${query}`, { method: "POST", headers, body });

  it("sets the cookie for a same-origin JSON sign-in", async () => {
    const response = await signIn({ ...JSON_TYPE, Origin: "https://viewer.test", "Sec-Fetch-Site": "same-origin" });
    expect(response.status).toBe(200);
    expect(response.headers.get("Set-Cookie")).toMatch(/^edge_tail_token=read-secret;.*HttpOnly/);
  });

  it("refuses a cross-site request (Origin or Sec-Fetch-Site) with 403 and sets no cookie", async () => {
    for (const headers of [
      { ...JSON_TYPE, Origin: "https://evil.example" },
      { ...JSON_TYPE, "Sec-Fetch-Site": "cross-site" },
      { ...JSON_TYPE, "Sec-Fetch-Site": "same-site" },
      { ...JSON_TYPE, Origin: "https://app.example" },
    ]) {
      const response = await signIn(headers);
      expect(response.status).toBe(403);
      expect(response.headers.get("Set-Cookie")).toBeNull();
      expect((await response.json<{ error: string }>()).error).toMatch(/own page/);
    }
  });

  it("cannot be driven by a form: a form body or a token in the query string sets no cookie", async () => {
    const form = await signIn({ "Content-Type": "application/x-www-form-urlencoded" }, "token=read-secret");
    expect(form.status).toBe(415);
    const plain = await signIn({ "Content-Type": "text/plain" }, JSON.stringify({ token: "read-secret" }));
    expect(plain.status).toBe(415);
    const query = await signIn(
      { "Content-Type": "application/x-www-form-urlencoded" },
      "",
      "?access_token=read-secret",
    );
    expect(query.status).toBe(415);
    const jsonQuery = await signIn(JSON_TYPE, "{}", "?access_token=read-secret");
    expect(jsonQuery.status).toBe(400);
    for (const response of [form, plain, query, jsonQuery]) expect(response.headers.get("Set-Cookie")).toBeNull();
  });

  it("refuses a body over 4 KiB with 413 without reading it all", async () => {
    const huge = await signIn(JSON_TYPE, JSON.stringify({ token: "x".repeat(20 * 1024 * 1024) }));
    expect(huge.status).toBe(413);
    const streamed = new Blob(['{"token":"', "y".repeat(5000), '"}']).stream();
    const chunked = await request("/api/session", {
      method: "POST",
      headers: JSON_TYPE,
      body: streamed,
      duplex: "half",
    } as RequestInit);
    expect(chunked.status).toBe(413);
  });
});

describe("viewer slots (MAX_SUBSCRIBERS=3, MAX_SUBSCRIBERS_PER_CLIENT=2, HEARTBEAT_MS=200)", () => {
  const open = (stream: string, ip: string, method = "GET") =>
    request(`/api/streams/${stream}/events?tail=0`, { method, headers: { ...READ, "CF-Connecting-IP": ip } });

  it("HEAD answers the headers and takes no slot (one stream, or several in one view)", async () => {
    const stream = freshStream();
    for (let i = 0; i < 5; i++) {
      const head = await open(stream, `198.51.100.${i}`, "HEAD");
      expect(head.status).toBe(200);
      expect(head.headers.get("Content-Type")).toMatch(/^text\/event-stream/);
    }
    const merged = await request(`/api/events?streams=${stream}&tail=0`, { method: "HEAD", headers: READ });
    expect(merged.status).toBe(200);
    expect((await stats(stream)).subscribers).toBe(0);
    const viewers = await Promise.all(["203.0.113.1", "203.0.113.2", "203.0.113.3"].map((ip) => open(stream, ip)));
    expect(viewers.map((response) => response.status)).toEqual([200, 200, 200]);
    await Promise.all(viewers.map((response) => response.body?.cancel()));
  });

  it("one client gets at most MAX_SUBSCRIBERS_PER_CLIENT slots (429 with Retry-After); others still get theirs", async () => {
    const stream = freshStream();
    const mine = [await open(stream, "192.0.2.10"), await open(stream, "192.0.2.10")];
    expect(mine.map((response) => response.status)).toEqual([200, 200]);
    const third = await open(stream, "192.0.2.10");
    expect(third.status).toBe(429);
    expect(third.headers.get("Retry-After")).not.toBeNull();
    expect((await third.json<{ error: string }>()).error).toMatch(/MAX_SUBSCRIBERS_PER_CLIENT/);
    const other = await open(stream, "192.0.2.11");
    expect(other.status).toBe(200);
    await Promise.all([...mine, other].map((response) => response.body?.cancel()));
  });

  it("a viewer that disconnects gives its slot back within a heartbeat", async () => {
    const stream = freshStream();
    const viewer = await open(stream, "192.0.2.20");
    expect(viewer.status).toBe(200);
    await eventually(async () => (await stats(stream)).subscribers === 1, 2000, "the viewer to be counted");
    await viewer.body?.cancel();
    await eventually(async () => (await stats(stream)).subscribers === 0, 2000, "the slot to be released");
  });

  it("a socket whose viewer left before the relay started holds no slot past a heartbeat", async () => {
    const stream = freshStream();
    const stub = env.LOG_STREAM.get(env.LOG_STREAM.idFromName(stream));
    // As the Worker asks for a socket, but never sends "start": its viewer went away in between.
    const orphans = await Promise.all(
      [1, 2, 3].map((n) =>
        stub.fetch(`https://log-stream/events?tail=0&stream=${stream}`, {
          headers: { Upgrade: "websocket", "X-Edge-Tail-Client": `orphan-${n}` },
        }),
      ),
    );
    expect(orphans.map((response) => response.status)).toEqual([101, 101, 101]);
    // They fill MAX_SUBSCRIBERS (3); without the heartbeat rule no viewer would ever get in again.
    const viewer = await eventually(
      async () => {
        const response = await open(stream, "192.0.2.30");
        if (response.status === 200) return response;
        await response.body?.cancel();
        return null;
      },
      3000,
      "a slot once the orphans are a heartbeat old",
    );
    await viewer.body?.cancel();
    for (const orphan of orphans) {
      orphan.webSocket?.accept();
      orphan.webSocket?.close();
    }
  });
});
