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

it("manages rules with the stream's write right; readers see them with the webhook cut to its origin", async () => {
  const stream = `team-b.${crypto.randomUUID()}`;
  const refused: Record<string, string>[] = [
    {},
    bearer("read-b"),
    bearer("token-a"),
    { Cookie: "edge_tail_token=write-b" },
  ];
  for (const headers of refused) {
    expect((await put(stream, headers)).status).toBe(401);
  }
  expect((await put(stream, bearer("write-b"))).status).toBe(201);
  const asWriter = await request(`/api/streams/${stream}/alerts/errors`, { headers: bearer("write-b") });
  expect(await asWriter.json()).toMatchObject({ webhook: { url: HOOK } });
  const asReader = await request(`/api/streams/${stream}/alerts`, { headers: bearer("read-b") });
  expect(await asReader.json()).toMatchObject({
    alerts: [{ name: "errors", webhook: { url: "http://127.0.0.1:9/…" } }],
  });
  expect((await request(`/api/streams/${stream}/alerts`, { headers: bearer("token-a") })).status).toBe(401);
  const deleted = { method: "DELETE", headers: bearer("read-b") };
  expect((await request(`/api/streams/${stream}/alerts/errors`, deleted)).status).toBe(401);
});

it("shows incidents to the stream's readers only", async () => {
  const stream = `team-a.${crypto.randomUUID()}`;
  expect((await put(stream, bearer("token-a"))).status).toBe(201);
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
