// The contract of `GET /api/streams/{s}/entries?around=ID&before=N&after=N`: the line and its neighbours, oldest
// first, unfiltered unless a query is given; a line that is not held is a 404 saying which lines are.
import { describe, expect, it } from "vitest";
import type { LogEntry } from "../../lib/types";
import { freshStream, post, request } from "../helpers";

async function around(stream: string, query: string): Promise<LogEntry[]> {
  const response = await request(`/api/streams/${stream}/entries?${query}`);
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json<{ entries: LogEntry[] }>()).entries;
}

describe("GET /api/streams/{stream}/entries?around=ID", () => {
  it("answers the line with `before` lines below it and `after` above it, oldest first", async () => {
    const stream = freshStream();
    await post(stream, Array.from({ length: 20 }, (_, i) => `INFO line ${i + 1}`).join("\n"));
    await post(stream, Array.from({ length: 10 }, (_, i) => `ERROR more ${i + 21}`).join("\n"));
    const entries = await around(stream, "around=19&before=3&after=4");
    expect(entries.map((entry) => entry.id)).toEqual([16, 17, 18, 19, 20, 21, 22, 23]);
    expect(entries[3]?.message).toBe("INFO line 19");
    expect((await around(stream, "around=2")).map((entry) => entry.id)).toEqual(
      Array.from({ length: 12 }, (_, i) => i + 1),
    );
    expect((await around(stream, "around=30&before=0&after=5")).map((entry) => entry.id)).toEqual([30]);
  });

  it("with q counts matching neighbours only, and always includes the line itself", async () => {
    const stream = freshStream();
    await post(stream, Array.from({ length: 30 }, (_, i) => `${i % 5 === 0 ? "ERROR" : "INFO"} n${i + 1}`).join("\n"));
    const entries = await around(stream, "around=13&before=2&after=2&q=level:error");
    expect(entries.map((entry) => entry.id)).toEqual([6, 11, 13, 16, 21]);
  });

  it("a line not held is a 404 naming the lines that are; bad numbers are 400s", async () => {
    const stream = freshStream();
    await post(stream, Array.from({ length: 60 }, (_, i) => `line ${i}`).join("\n"));
    const gone = await request(`/api/streams/${stream}/entries?around=3`);
    expect(gone.status).toBe(404);
    expect((await gone.json<{ error: string }>()).error).toMatch(/holds lines 11–60/);
    expect((await request(`/api/streams/${stream}/entries?around=61`)).status).toBe(404);
    const empty = await request(`/api/streams/${freshStream()}/entries?around=1`);
    expect((await empty.json<{ error: string }>()).error).toMatch(/holds no lines/);
    for (const [query, problem] of [
      ["around=x", /around must be an integer of at least 1, got "x"/],
      ["around=0", /around must be an integer of at least 1/],
      ["around=12&before=501", /before must be an integer 0–500/],
      ["around=12&after=-1", /after must be an integer 0–500/],
    ] as const) {
      const response = await request(`/api/streams/${stream}/entries?${query}`);
      expect(response.status).toBe(400);
      expect((await response.json<{ error: string }>()).error).toMatch(problem);
    }
  });
});
