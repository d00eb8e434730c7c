// Who may read lines over time and lines around a line: the read rules of the events routes, stream by stream.
import { expect, it } from "vitest";
import { request } from "../helpers";

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

it("the histogram and the lines around a line need a read token for the stream; a merged histogram names the one it may not read", async () => {
  const mine = `team-a.${crypto.randomUUID()}`;
  const theirs = `team-b.${crypto.randomUUID()}`;
  const posted = await request(`/api/streams/${mine}/logs`, {
    method: "POST",
    headers: { "Content-Type": "text/plain", ...bearer("token-a") },
    body: "INFO one\nERROR two",
  });
  expect(posted.status).toBe(202);
  for (const path of [`/api/streams/${mine}/histogram`, `/api/streams/${mine}/entries?around=1`]) {
    expect((await request(path)).status).toBe(401);
    expect((await request(path, { headers: bearer("read-b") })).status).toBe(401);
    expect((await request(path, { headers: bearer("token-a") })).status).toBe(200);
  }
  const merged = await request(`/api/histogram?streams=${mine},${theirs}`, { headers: bearer("token-a") });
  expect(merged.status).toBe(401);
  expect((await merged.json<{ error: string }>()).error).toContain(theirs);
  const own = await request(`/api/histogram?streams=${mine}`, { headers: bearer("token-a") });
  expect(own.status).toBe(200);
  const { buckets } = await own.json<{ buckets: { count: number }[] }>();
  expect(buckets.reduce((sum, bucket) => sum + bucket.count, 0)).toBe(2);
});
