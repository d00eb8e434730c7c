import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { eventually, freshStream, post, request } from "../helpers";

const HOOK = "http://127.0.0.1:9/hook";

function put(stream: string, name: string, rule: unknown, contentType = "application/json") {
  return request(`/api/streams/${stream}/alerts/${name}`, {
    method: "PUT",
    headers: { "Content-Type": contentType },
    body: typeof rule === "string" ? rule : JSON.stringify(rule),
  });
}

const getJson = async <T>(path: string): Promise<T> => {
  const response = await request(path);
  expect(response.status, await response.clone().text()).toBe(200);
  return response.json<T>();
};

interface Incident {
  id: string;
  alert: string;
  stream: string;
  entry: { id: number; message: string };
  before: { id: number }[];
  after: { id: number }[];
  url: string;
  state: string;
  delivery: { ok: boolean; attempts: number; error?: string } | null;
}

describe("alert rules over HTTP", () => {
  it("creates, shows, replaces, lists and deletes a rule", async () => {
    const stream = freshStream();
    const created = await put(stream, "payments", { query: "level:error payment", webhook: { url: HOOK } });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({
      name: "payments",
      stream,
      query: "level:error payment",
      when: { count: 1, seconds: 0 },
      cooldownSeconds: 60,
      before: 20,
      after: 20,
      webhook: { url: HOOK, format: "json" },
      lastFiredAt: null,
      lastIncident: null,
      lastDelivery: null,
    });
    const replaced = await put(stream, "payments", { query: "timeout", webhook: { url: HOOK, format: "slack" } });
    expect(replaced.status).toBe(200);
    expect(await getJson(`/api/streams/${stream}/alerts/payments`)).toMatchObject({
      query: "timeout",
      webhook: { url: HOOK, format: "slack" },
    });
    expect(await getJson(`/api/streams/${stream}/alerts`)).toMatchObject({ alerts: [{ name: "payments" }] });
    expect((await request(`/api/streams/${stream}/alerts/payments`, { method: "DELETE" })).status).toBe(204);
    const gone = await request(`/api/streams/${stream}/alerts/payments`);
    expect(gone.status).toBe(404);
    expect(await gone.json()).toEqual({
      error: `No alert "payments" on stream ${stream}: list them at /api/streams/${stream}/alerts`,
    });
    expect((await request(`/api/streams/${stream}/alerts/payments`, { method: "DELETE" })).status).toBe(404);
    expect(await getJson(`/api/streams/${stream}/alerts`)).toEqual({ alerts: [] });
  });

  it("refuses an invalid rule with a 400 that says what to fix, and stores nothing", async () => {
    const stream = freshStream();
    const cases: [unknown, RegExp][] = [
      ["{nope", /the body is not JSON/],
      [{ query: "status:", webhook: { url: HOOK } }, /"query": Invalid query at position/],
      [
        { query: "x", webhook: { url: "https://elsewhere.example/x" } },
        /elsewhere.example is not in ALERT_WEBHOOK_HOSTS/,
      ],
      [{ query: "x", webhook: { url: HOOK }, when: { count: 2 } }, /give "when.seconds" > 0/],
    ];
    for (const [body, message] of cases) {
      const response = await put(stream, "bad", body);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: string }).error).toMatch(message);
    }
    expect((await put(stream, "bad name!", { query: "x", webhook: { url: HOOK } })).status).toBe(400);
    expect((await put(stream, "bad", { query: "x", webhook: { url: HOOK } }, "text/plain")).status).toBe(415);
    expect(await getJson(`/api/streams/${stream}/alerts`)).toEqual({ alerts: [] });
  });

  it("keeps at most 50 rules on a stream; a replaced rule does not count twice", async () => {
    const stream = freshStream();
    for (let i = 0; i < 50; i++)
      expect((await put(stream, `r${i}`, { query: "x", webhook: { url: HOOK } })).status).toBe(201);
    const refused = await put(stream, "r50", { query: "x", webhook: { url: HOOK } });
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { error: string }).error).toMatch(/already has 50 alert rules.*delete one first/);
    expect((await put(stream, "r0", { query: "y", webhook: { url: HOOK } })).status).toBe(200);
  });

  it("costs a stream without rules nothing: not even its tables", async () => {
    const stream = freshStream();
    await post(stream, "ERROR payment failed");
    const stub = env.LOG_STREAM.get(env.LOG_STREAM.idFromName(stream));
    const tables = await runInDurableObject(stub, (_, state) =>
      state.storage.sql
        .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'")
        .toArray()
        .map((row) => row.name),
    );
    expect(tables).not.toContain("alert_rules");
    expect(tables).not.toContain("incidents");
  });
});

describe("a firing", () => {
  it("captures the configured lines before and after the match, kept after they leave the ring", async () => {
    const stream = freshStream();
    const rule = { query: "level:error payment", cooldownSeconds: 0, before: 2, after: 3, webhook: { url: HOOK } };
    expect((await put(stream, "payments", rule)).status).toBe(201);
    await post(stream, "INFO one\nINFO two\nINFO three\nERROR payment failed\nINFO four");
    const fired = await getJson<{ lastIncident: string | null; lastFiredAt: number }>(
      `/api/streams/${stream}/alerts/payments`,
    );
    expect(fired.lastIncident).toMatch(/^[0-9a-f-]{36}$/);
    const path = `/api/streams/${stream}/incidents/${fired.lastIncident}`;
    const capturing = await getJson<Incident>(path);
    expect(capturing.state).toBe("capturing");
    expect(capturing.after.map((entry) => entry.id)).toEqual([5]);
    // The rest of the "after" lines arrive later than the match.
    await post(stream, "INFO five\nINFO six\nINFO seven");
    const incident = await getJson<Incident>(path);
    expect(incident).toMatchObject({ id: fired.lastIncident, alert: "payments", stream });
    expect(incident.entry).toMatchObject({ id: 4, message: "ERROR payment failed" });
    expect(incident.before.map((entry) => entry.id)).toEqual([2, 3]);
    expect(incident.after.map((entry) => entry.id)).toEqual([5, 6, 7]);
    expect(incident.url).toBe(`https://viewer.test/?stream=${stream}&incident=${fired.lastIncident}`);
    expect(["pending", "failed"]).toContain(incident.state);
    // The ring holds 50 entries in these tests; the incident keeps its own copy.
    await post(stream, Array.from({ length: 60 }, (_, i) => `INFO filler ${i}`).join("\n"));
    expect(await getJson<Incident>(path)).toMatchObject({ entry: incident.entry, before: incident.before });
    const listed = await getJson<{ incidents: { id: string; matchId: number }[] }>(`/api/streams/${stream}/incidents`);
    expect(listed.incidents).toMatchObject([{ id: fired.lastIncident, alert: "payments", matchId: 4 }]);
  });

  it("is delivered from the alarm, and a receiver that cannot be reached is recorded, not dropped", async () => {
    const stream = freshStream();
    await put(stream, "any-error", { query: "level:error", after: 0, webhook: { url: HOOK } });
    await post(stream, "ERROR nobody listens");
    const rule = await eventually(
      async () => {
        const view = await getJson<{ lastDelivery: Incident["delivery"]; lastIncident: string }>(
          `/api/streams/${stream}/alerts/any-error`,
        );
        return view.lastDelivery === null ? null : view;
      },
      10_000,
      "a delivery attempt",
    );
    expect(rule.lastDelivery).toMatchObject({ ok: false, attempts: 1, final: false });
    expect(rule.lastDelivery?.error).toBeTruthy();
    const incident = await getJson<Incident>(`/api/streams/${stream}/incidents/${rule.lastIncident}`);
    expect(incident.state).toBe("pending");
    expect(incident.delivery).toMatchObject({ ok: false, attempts: 1 });
  });

  it("answers 404 for an unknown incident", async () => {
    const stream = freshStream();
    const response = await request(`/api/streams/${stream}/incidents/0b7e6a3c-1111-4222-8333-944455556666`);
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: string }).error).toMatch(/never existed or its INCIDENT_TTL ran out/);
  });
});
