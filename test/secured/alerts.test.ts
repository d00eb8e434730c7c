import { expect, it } from "vitest";
import { request } from "../helpers";

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const HOOK = "http://127.0.0.1:9/hooks/secret-path";
const rule = JSON.stringify({ query: "level:error", after: 0, webhook: { url: HOOK } });

function put(stream: string, headers: Record<string, string>) {
  return request(`/api/streams/${stream}/alerts/errors`, {
    method: "PUT",
    headers: { "Content-Type": "application/json", ...headers },
    body: rule,
  });
}

it("manages rules with the admin right only; everyone else who reads sees the webhook cut to its origin", async () => {
  const stream = `team-b.${crypto.randomUUID()}`;
  // The shippers' tokens (INGEST_TOKEN, the stream's write token) no longer manage rules.
  const refused: Record<string, string>[] = [
    {},
    bearer("read-b"),
    bearer("write-b"),
    bearer("ingest-secret"),
    bearer("token-a"),
    bearer("admin-a"),
    { Cookie: "edge_tail_token=admin-b" },
  ];
  for (const headers of refused) {
    const response = await put(stream, headers);
    expect(response.status, JSON.stringify(headers)).toBe(401);
    expect((await response.json<{ error: string }>()).error).toMatch(/ADMIN_TOKEN/);
  }
  expect((await put(stream, bearer("admin-b"))).status).toBe(201);
  expect((await put(stream, bearer("admin-secret"))).status).toBe(200);
  for (const token of ["admin-b", "admin-secret"]) {
    const asAdmin = await request(`/api/streams/${stream}/alerts/errors`, { headers: bearer(token) });
    expect(await asAdmin.json()).toMatchObject({ webhook: { url: HOOK } });
  }
  for (const token of ["read-b", "read-secret"]) {
    const asReader = await request(`/api/streams/${stream}/alerts`, { headers: bearer(token) });
    expect(await asReader.json(), token).toMatchObject({
      alerts: [{ name: "errors", webhook: { url: "http://127.0.0.1:9/…" } }],
    });
  }
  expect((await request(`/api/streams/${stream}/alerts`, { headers: bearer("token-a") })).status).toBe(401);
  for (const token of ["read-b", "write-b", "ingest-secret"]) {
    const deleted = { method: "DELETE", headers: bearer(token) };
    expect((await request(`/api/streams/${stream}/alerts/errors`, deleted)).status).toBe(401);
  }
  const deleted = { method: "DELETE", headers: bearer("admin-b") };
  expect((await request(`/api/streams/${stream}/alerts/errors`, deleted)).status).toBe(204);
});

it("shows incidents to the stream's readers only", async () => {
  const stream = `team-a.${crypto.randomUUID()}`;
  expect((await put(stream, bearer("admin-secret"))).status).toBe(201);
  const response = await request(`/api/streams/${stream}/logs`, {
    method: "POST",
    headers: { "Content-Type": "text/plain", ...bearer("token-a") },
    body: "ERROR it broke",
  });
  expect(response.status).toBe(202);
  const listed = await request(`/api/streams/${stream}/incidents`, { headers: bearer("token-a") });
  const { incidents } = await listed.json<{ incidents: { id: string }[] }>();
  expect(incidents).toHaveLength(1);
  const path = `/api/streams/${stream}/incidents/${incidents[0]?.id}`;
  expect((await request(path, { headers: bearer("token-a") })).status).toBe(200);
  expect((await request(path, { headers: bearer("read-b") })).status).toBe(401);
  expect((await request(path)).status).toBe(401);
});

it("shows the webhook settings to whoever may read alert rules, and to nobody else", async () => {
  const stream = `team-b.${crypto.randomUUID()}`;
  for (const token of ["read-b", "admin-b", "read-secret", "admin-secret"]) {
    const response = await request(`/api/alerts/settings?stream=${stream}`, { headers: bearer(token) });
    expect(response.status, token).toBe(200);
    expect(await response.json()).toEqual({
      webhookHosts: ["127.0.0.1:9", "hooks.example.com"],
      webhookHostsSetting: "ALERT_WEBHOOK_HOSTS",
    });
  }
  for (const headers of [{}, bearer("token-a"), bearer("nonsense")]) {
    const response = await request(`/api/alerts/settings?stream=${stream}`, { headers });
    expect(response.status, JSON.stringify(headers)).toBe(401);
  }
  expect((await request("/api/alerts/settings")).status).toBe(401);
  expect((await request("/api/alerts/settings", { headers: bearer("token-a") })).status).toBe(200);
});
