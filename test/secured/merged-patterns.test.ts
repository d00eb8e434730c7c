// Who may read a merged view's patterns: the merged histogram's rules (a 401 names the stream the token may not
// read; a prefix needs a read token and lists only the streams the token may read).
import { expect, it } from "vitest";
import { request } from "../helpers";

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

it("GET /api/patterns?streams= names the stream a token may not read, and answers for those it may", async () => {
  const mine = `team-a.${crypto.randomUUID()}`;
  const theirs = `team-b.${crypto.randomUUID()}`;
  const posted = await request(`/api/streams/${mine}/logs`, {
    method: "POST",
    headers: { "Content-Type": "text/plain", ...bearer("token-a") },
    body: "INFO one\nERROR two",
  });
  expect(posted.status).toBe(202);
  expect((await request(`/api/patterns?streams=${mine}`)).status).toBe(401);
  expect((await request("/api/patterns?streams=team-a.*")).status).toBe(401);
  const merged = await request(`/api/patterns?streams=${mine},${theirs}`, { headers: bearer("token-a") });
  expect(merged.status).toBe(401);
  expect((await merged.json<{ error: string }>()).error).toContain(theirs);
  const own = await request(`/api/patterns?streams=${mine}`, { headers: bearer("token-a") });
  expect(own.status).toBe(200);
  const body = await own.json<{ patterns: { stream: string; count: number }[]; lines: number }>();
  expect(body.lines).toBe(2);
  expect(body.patterns.every((pattern) => pattern.stream === mine)).toBe(true);
});
