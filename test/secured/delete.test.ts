// Deleting a stream takes the write right for it: a reader, another team or no token is refused and nothing goes.
import { describe, expect, it } from "vitest";
import { request } from "../helpers";

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

const remove = (stream: string, headers: Record<string, string> = {}) =>
  request(`/api/streams/${stream}`, { method: "DELETE", headers });

async function postAs(stream: string, token: string): Promise<void> {
  const response = await request(`/api/streams/${stream}/logs`, {
    method: "POST",
    headers: { "Content-Type": "text/plain", ...bearer(token) },
    body: "kept",
  });
  expect(response.status).toBe(202);
}

const entries = async (stream: string) =>
  (await (await request(`/api/streams/${stream}/entries`, { headers: bearer("read-secret") })).json<{ entries: [] }>())
    .entries.length;

describe("DELETE /api/streams/{stream}", () => {
  it("refuses a request without the write right with 401, and deletes nothing", async () => {
    const stream = `team-a.${crypto.randomUUID()}`;
    await postAs(stream, "token-a");
    for (const headers of [{}, bearer("read-secret"), bearer("write-b"), bearer("read-b"), bearer("wrong")]) {
      const response = await remove(stream, headers);
      expect(response.status, JSON.stringify(headers)).toBe(401);
      expect(response.headers.get("WWW-Authenticate")).toMatch(/^Bearer/);
      expect((await response.json<{ error: string }>()).error).toMatch(/INGEST_TOKEN or a token for this stream/);
    }
    // A read token in the query or a cookie never carries the write right.
    expect((await request(`/api/streams/${stream}?access_token=token-a`, { method: "DELETE" })).status).toBe(401);
    expect(await entries(stream)).toBe(1);
  });

  it("deletes with the stream's team token or INGEST_TOKEN", async () => {
    const mine = `team-a.${crypto.randomUUID()}`;
    await postAs(mine, "token-a");
    expect((await remove(mine, bearer("token-a"))).status).toBe(204);
    expect(await entries(mine)).toBe(0);
    const other = `team-b.${crypto.randomUUID()}`;
    await postAs(other, "write-b");
    expect((await remove(other, bearer("ingest-secret"))).status).toBe(204);
    expect(await entries(other)).toBe(0);
  });
});
