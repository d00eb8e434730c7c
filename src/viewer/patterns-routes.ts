// `GET /api/streams/{stream}/patterns`: the templates of the lines a stream holds, with their counts; and
// `GET /api/patterns?streams=a,b,team-a.*`: those of a merged view's streams, each tagged with its stream.
import { Hono } from "hono";
import { type AppEnv, streamRoute, streamStub } from "../http/context";
import type { PatternSummary } from "../stream/patterns";
import { parseSubscribeOptions } from "../stream/subscribe-options";
import { readableStreams } from "./readable";

export const patternRoutes = new Hono<AppEnv>();

/** Patterns a merged answer lists at most, the largest: as many as one stream may have (PATTERN_LIMIT's default). */
export const MAX_MERGED_PATTERNS = 1000;

// `?q=` and `?level=` as for entries: a bad query is a 400 before the stream is asked.
patternRoutes.get("/api/streams/:stream/patterns", streamRoute("read"), async (c) => {
  const stream = c.req.param("stream");
  const { q, level } = parseSubscribeOptions(new URL(c.req.url).searchParams, null);
  return c.json(await streamStub(c, stream).patterns(q, level, stream));
});

// A merged view's patterns: ids are per stream, so each carries its `stream`; counts sort the streams' lists as one.
patternRoutes.get("/api/patterns", async (c) => {
  const url = new URL(c.req.url);
  const names = await readableStreams(c, url.searchParams.get("streams"));
  const { q, level } = parseSubscribeOptions(url.searchParams, null);
  const lists = await Promise.all(names.map((name) => streamStub(c, name).patterns(q, level, name)));
  const patterns: (PatternSummary & { stream: string })[] = [];
  let lines = 0;
  let searched = 0;
  for (const [i, list] of lists.entries()) {
    const stream = names[i] as string;
    for (const pattern of list.patterns) patterns.push({ stream, ...pattern });
    lines += list.lines;
    searched += list.searched;
  }
  // Stable: equal counts keep the selection's order of streams and each stream's own order.
  patterns.sort((a, b) => b.count - a.count);
  return c.json({ patterns: patterns.slice(0, MAX_MERGED_PATTERNS), lines, searched });
});
