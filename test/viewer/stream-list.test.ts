import { expect, it } from "vitest";
import { eventually, freshStream, post, request } from "../helpers";

type Listed = { name: string; entries: number; lastActivity: number; rate: number };

it("GET /api/streams lists streams with last activity, entry count and rate, within the report interval", async () => {
  const stream = freshStream();
  await post(stream, "a\nb\nc");
  const listed = await eventually(
    async () => {
      const { streams } = await (await request(`/api/streams?prefix=${stream}`)).json<{
        streams: Listed[];
        next: string | null;
      }>();
      return streams.find((s) => s.name === stream);
    },
    3000,
    `${stream} in the stream list`,
  );
  expect(listed).toMatchObject({ name: stream, entries: 3 });
  expect(listed.lastActivity).toBeGreaterThan(Date.now() - 10_000);
  expect(listed.rate).toBeGreaterThan(0);
});
