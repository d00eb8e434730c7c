import { expect, it } from "vitest";
import { eventually, request, Subscription } from "../helpers";

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

async function postAs(stream: string, token: string, body: string): Promise<void> {
  const response = await request(`/api/streams/${stream}/logs`, {
    method: "POST",
    headers: { "Content-Type": "text/plain", ...bearer(token) },
    body,
  });
  expect(response.status).toBe(202);
}

it("a merged view checks every stream: a stream the token cannot read is a 401 that names it", async () => {
  const mine = `team-a.${crypto.randomUUID()}`;
  const theirs = `team-b.${crypto.randomUUID()}`;
  const response = await request(`/api/events?streams=${mine},${theirs}`, { headers: bearer("token-a") });
  expect(response.status).toBe(401);
  expect((await response.json<{ error: string }>()).error).toContain(theirs);
  expect((await request(`/api/events?streams=${mine}`, { headers: bearer("token-a") })).status).toBe(200);
});

it("a prefix resolves to the streams the token may read", async () => {
  const run = crypto.randomUUID().slice(0, 8);
  const mine = `team-a.${run}`;
  const theirs = `team-b.${run}`;
  await postAs(mine, "token-a", "mine");
  await postAs(theirs, "write-b", "theirs");
  await eventually(
    async () => {
      const listed = async (prefix: string) =>
        (await request(`/api/streams?prefix=${prefix}`, { headers: bearer("read-secret") })).text();
      return (await listed(mine)).includes(mine) && (await listed(theirs)).includes(theirs);
    },
    3000,
    "both streams in the list",
  );
  // `team-*` covers both teams' streams; token-a may read only team-a's.
  const response = await request("/api/events?streams=team-*", { headers: bearer("token-a") });
  expect(response.status).toBe(200);
  const sub = new Subscription(response);
  await sub.until("the team-a line", () => sub.logs.some((entry) => entry.message === "mine"));
  expect(sub.logs.some((entry) => entry.message === "theirs")).toBe(false);
  await sub.close();
});
