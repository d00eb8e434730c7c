import { describe, expect, it } from "vitest";
import { eventually, freshStream, request, Subscription } from "../helpers";

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

function postAs(stream: string, headers: Record<string, string>, body = "x"): Promise<Response> {
  return request(`/api/streams/${stream}/logs`, {
    method: "POST",
    headers: { "Content-Type": "text/plain", ...headers },
    body,
  });
}

function events(stream: string, query = "", headers: Record<string, string> = {}): Promise<Response> {
  return request(`/api/streams/${stream}/events?tail=0${query}`, { headers });
}

describe("write access", () => {
  it("needs INGEST_TOKEN as a Bearer token; otherwise 401 with WWW-Authenticate", async () => {
    const stream = freshStream();
    for (const headers of [
      {},
      bearer("wrong"),
      { Authorization: "Basic aW5nZXN0LXNlY3JldA==" },
      bearer("read-secret"),
    ]) {
      const response = await postAs(stream, headers);
      expect(response.status).toBe(401);
      expect(response.headers.get("WWW-Authenticate")).toMatch(/^Bearer/);
      expect((await response.json<{ error: string }>()).error).toMatch(/Bearer/);
    }
    const ok = await postAs(stream, bearer("ingest-secret"));
    expect(ok.status).toBe(202);
    // The refused attempts stored nothing: the first accepted entry is id 1.
    expect(await ok.json()).toEqual({ accepted: 1, firstId: 1, lastId: 1 });
  });

  it("does not take a cookie as a write credential", async () => {
    const response = await postAs(freshStream(), { Cookie: "edge_tail_token=ingest-secret" });
    expect(response.status).toBe(401);
  });
});

describe("read access", () => {
  it("needs READ_TOKEN as a Bearer header, an access_token parameter or the page's cookie", async () => {
    const stream = freshStream();
    expect((await events(stream)).status).toBe(401);
    expect((await events(stream, "&access_token=wrong")).status).toBe(401);
    expect((await request(`/api/streams/${stream}`)).status).toBe(401);
    // Three viewers from three addresses: one client may hold only MAX_SUBSCRIBERS_PER_CLIENT (2) at once.
    for (const response of [
      await events(stream, "", { ...bearer("read-secret"), "CF-Connecting-IP": "192.0.2.1" }),
      await events(stream, "&access_token=read-secret", { "CF-Connecting-IP": "192.0.2.2" }),
      await events(stream, "", { Cookie: "other=1; edge_tail_token=read-secret", "CF-Connecting-IP": "192.0.2.3" }),
    ]) {
      expect(response.status).toBe(200);
      await response.body?.cancel();
    }
    expect((await request(`/api/streams/${stream}`, { headers: bearer("read-secret") })).status).toBe(200);
  });

  it("trades a token for an HttpOnly cookie at /api/session", async () => {
    const refused = await request("/api/session", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ token: "nope" }),
    });
    expect(refused.status).toBe(401);
    const response = await request("/api/session", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ token: "token-a" }),
    });
    expect(response.status).toBe(200);
    const cookie = response.headers.get("Set-Cookie") ?? "";
    expect(cookie).toMatch(/^edge_tail_token=token-a;/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\/api/);
  });
});

describe("per-stream tokens", () => {
  it("a token for one prefix reads and writes only streams with that prefix", async () => {
    const mine = `team-a.${crypto.randomUUID()}`;
    const theirs = `team-b.${crypto.randomUUID()}`;
    expect((await postAs(mine, bearer("token-a"))).status).toBe(202);
    expect((await postAs(theirs, bearer("token-a"))).status).toBe(401);
    expect((await postAs(freshStream(), bearer("token-a"))).status).toBe(401);

    const sub = new Subscription(await request(`/api/streams/${mine}/events?tail=10`, { headers: bearer("token-a") }));
    await sub.untilLogs(1);
    await sub.close();
    const other = await events(theirs, "", bearer("token-a"));
    expect(other.status).toBe(401);
    expect((await events(theirs, "&access_token=token-a")).status).toBe(401);
    expect((await events(theirs, "", { Cookie: "edge_tail_token=token-a" })).status).toBe(401);
  });

  it("separate read and write tokens do not stand in for each other", async () => {
    const stream = `team-b.${crypto.randomUUID()}`;
    expect((await postAs(stream, bearer("read-b"))).status).toBe(401);
    expect((await postAs(stream, bearer("write-b"))).status).toBe(202);
    expect((await events(stream, "", bearer("write-b"))).status).toBe(401);
    const ok = await events(stream, "", bearer("read-b"));
    expect(ok.status).toBe(200);
    await ok.body?.cancel();
  });

  it("the global tokens still open every stream", async () => {
    const stream = `team-b.${crypto.randomUUID()}`;
    expect((await postAs(stream, bearer("ingest-secret"))).status).toBe(202);
    const ok = await events(stream, "", bearer("read-secret"));
    expect(ok.status).toBe(200);
    await ok.body?.cancel();
  });
});

describe("CORS", () => {
  it("answers a preflight from an allowed origin", async () => {
    const response = await request(`/api/streams/${freshStream()}/logs`, {
      method: "OPTIONS",
      headers: {
        Origin: "https://app.example",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type",
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("https://app.example");
    expect(response.headers.get("Access-Control-Allow-Headers")).toMatch(/Authorization/);
    expect(response.headers.get("Access-Control-Allow-Methods")).toMatch(/POST/);
  });

  it("gives no allowance to another origin", async () => {
    const preflight = await request(`/api/streams/${freshStream()}/events`, {
      method: "OPTIONS",
      headers: { Origin: "https://evil.example", "Access-Control-Request-Method": "GET" },
    });
    expect(preflight.headers.get("Access-Control-Allow-Origin")).toBeNull();
    const read = await events(freshStream(), "", { Origin: "https://evil.example", ...bearer("read-secret") });
    expect(read.headers.get("Access-Control-Allow-Origin")).toBeNull();
    await read.body?.cancel();
  });

  it("lets an allowed origin read the event stream", async () => {
    const read = await events(freshStream(), "", { Origin: "https://app.example", ...bearer("read-secret") });
    expect(read.status).toBe(200);
    expect(read.headers.get("Access-Control-Allow-Origin")).toBe("https://app.example");
    expect(read.headers.get("Content-Type")).toMatch(/^text\/event-stream/);
    await read.body?.cancel();
  });
});

describe("stream list", () => {
  it("shows a per-team token only its own streams, and the read token all of them", async () => {
    const mine = `team-a.${crypto.randomUUID()}`;
    const theirs = `team-b.${crypto.randomUUID()}`;
    expect((await postAs(mine, bearer("token-a"))).status).toBe(202);
    expect((await postAs(theirs, bearer("write-b"))).status).toBe(202);
    const names = async (token: string, prefix = "") => {
      const response = await request(`/api/streams?prefix=${prefix}&limit=1000`, { headers: bearer(token) });
      expect(response.status).toBe(200);
      return (await response.json<{ streams: { name: string }[] }>()).streams.map((s) => s.name);
    };
    await eventually(async () => (await names("read-secret", theirs)).includes(theirs), 3000, `${theirs} in the list`);
    await eventually(async () => (await names("read-secret", mine)).includes(mine), 3000, `${mine} in the list`);
    expect(await names("token-a", mine)).toEqual([mine]);
    // Asked for every stream, or for another team's, a team's token gets only its own.
    expect((await names("token-a")).every((name) => name.startsWith("team-a."))).toBe(true);
    expect(await names("token-a", theirs)).toEqual([]);
    expect(await names("token-a", "team-")).toContain(mine);
    expect((await request("/api/streams")).status).toBe(401);
  });
});
