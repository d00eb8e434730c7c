// Issue 22's hostile probes where tokens and viewer caps apply (MAX_SUBSCRIBERS_PER_CLIENT is 2 here).
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { eventually, freshStream, request, Subscription } from "../helpers";

const READ = { Authorization: "Bearer read-secret" };
const WRITE = { Authorization: "Bearer ingest-secret" };

/** A client address of its own per test, so the per-client caps of tests never meet. */
const freshClient = () => ({
  "CF-Connecting-IP": `198.51.100.${Math.floor(Math.random() * 250) + 1}-${crypto.randomUUID()}`,
});

async function postLine(stream: string, body = "x"): Promise<void> {
  const response = await request(`/api/streams/${stream}/logs`, {
    method: "POST",
    headers: { "Content-Type": "text/plain", ...WRITE },
    body,
  });
  expect(response.status).toBe(202);
}

async function subscribers(stream: string): Promise<number> {
  return (await (await request(`/api/streams/${stream}`, { headers: READ })).json<{ subscribers: number }>())
    .subscribers;
}

describe("a cookie that cannot be decoded is no token", () => {
  it("every read route answers 401 to it, not 500", async () => {
    const stream = freshStream();
    const paths = [
      "/api/streams",
      `/api/streams/${stream}`,
      `/api/streams/${stream}/entries`,
      `/api/streams/${stream}/events`,
      `/api/events?streams=${stream}`,
      "/api/events?streams=*",
      `/api/streams/${stream}/alerts`,
    ];
    for (const path of paths) {
      for (const cookie of ["edge_tail_token=%", "edge_tail_token=%E0%A4%A"]) {
        const response = await request(path, { headers: { Cookie: cookie } });
        expect(response.status, `${path} with ${cookie}`).toBe(401);
        expect(response.headers.get("WWW-Authenticate")).toMatch(/^Bearer/);
      }
    }
  });
});

describe("a merged view of prefixes alone", () => {
  it("needs a read token: none or a wrong one is a 401", async () => {
    for (const headers of [{}, { Authorization: "Bearer wrong" }, WRITE]) {
      const response = await request("/api/events?streams=*", { headers });
      expect(response.status).toBe(401);
      expect(response.headers.get("WWW-Authenticate")).toMatch(/^Bearer/);
    }
    const response = await request("/api/events?streams=*", { headers: READ });
    expect(response.status).toBe(200);
    await response.body?.cancel();
  });

  it("takes a viewer slot: a client's third such view is a 429 with Retry-After", async () => {
    const headers = { ...READ, ...freshClient() };
    const path = `/api/events?streams=none-${crypto.randomUUID().slice(0, 8)}.*`;
    const views = [await request(path, { headers }), await request(path, { headers })];
    for (const view of views) expect(view.status).toBe(200);
    const third = await request(path, { headers });
    expect(third.status).toBe(429);
    expect(Number(third.headers.get("Retry-After"))).toBeGreaterThanOrEqual(1);
    expect((await third.json<{ error: string }>()).error).toMatch(/MAX_SUBSCRIBERS_PER_CLIENT/);
    // Another client is not held back by this one's views.
    const other = await request(path, { headers: { ...READ, ...freshClient() } });
    expect(other.status).toBe(200);
    await other.body?.cancel();
    // A view that ends gives its slot back.
    await views[0]?.body?.cancel();
    const again = await eventually(
      async () => {
        const response = await request(path, { headers });
        if (response.status === 200) return response;
        await response.body?.cancel();
        return null;
      },
      5000,
      "a slot given back",
    );
    await again.body?.cancel();
    await views[1]?.body?.cancel();
  });
});

describe("a merged view refused by one stream's viewer cap", () => {
  it("is that stream's 429 with Retry-After, and holds no slot on the others", async () => {
    const [a, b] = [freshStream(), freshStream()];
    await postLine(a);
    await postLine(b);
    const headers = { ...READ, ...freshClient() };
    const viewers = [await Subscription.open(b, "?tail=0", headers), await Subscription.open(b, "?tail=0", headers)];
    const refused = await request(`/api/events?streams=${a},${b}`, { headers });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThanOrEqual(1);
    await eventually(async () => (await subscribers(a)) === 0, 5000, "a's socket closed");
    for (const viewer of viewers) await viewer.close();
    await eventually(async () => (await subscribers(b)) === 0, 5000, "b's viewers gone");
    const accepted = await request(`/api/events?streams=${a},${b}`, { headers });
    expect(accepted.status).toBe(200);
    const sub = new Subscription(accepted);
    await sub.untilLogs(2);
    await sub.close();
  });
});

describe("the session cookie", () => {
  const signIn = (origin: string) =>
    exports.default.fetch(
      new Request(`${origin}/api/session`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ token: "read-secret" }),
      }),
    );
  it("is Secure on https, and on http behind a proxy that ends TLS", async () => {
    for (const origin of ["https://viewer.test", "http://viewer.test", "http://203.0.113.7:8787"]) {
      const response = await signIn(origin);
      expect(response.status, origin).toBe(200);
      expect(response.headers.get("Set-Cookie"), origin).toMatch(/;\s*Secure/i);
    }
  });

  it("is not Secure on plain http to the machine itself (wrangler dev)", async () => {
    for (const origin of [
      "http://localhost:8787",
      "http://127.0.0.1:8787",
      "http://[::1]:8787",
      "http://app.localhost",
    ]) {
      const response = await signIn(origin);
      expect(response.status, origin).toBe(200);
      const cookie = response.headers.get("Set-Cookie") ?? "";
      expect(cookie, origin).toMatch(/^edge_tail_token=read-secret;/);
      expect(cookie, origin).not.toMatch(/Secure/i);
    }
  });
});
