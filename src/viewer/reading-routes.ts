// The routes for reading around a moment: lines over time (one stream, or a merged view's streams summed over
// one grid) and the lines around a line (`/entries?around=ID`, answered for the history route).
import { Hono } from "hono";
import { ClientError } from "../errors";
import { type AppContext, type AppEnv, streamRoute, streamStub } from "../http/context";
import { type Histogram, planGrid, sumHistograms } from "../stream/histogram";
import { readableStreams } from "./readable";
import { parseAroundOptions, parseHistogramOptions } from "./reading-options";

export const readingRoutes = new Hono<AppEnv>();

readingRoutes.get("/api/streams/:stream/histogram", streamRoute("read"), async (c) => {
  const stream = c.req.param("stream");
  const { buckets, from, to, ...filter } = parseHistogramOptions(new URL(c.req.url).searchParams);
  // The Durable Object's time, round trip included (timers move across I/O), for the bench and devtools.
  const started = Date.now();
  const histogram = await streamStub(c, stream).histogram({ buckets, from, to }, filter, stream);
  c.header("Server-Timing", `count;dur=${Date.now() - started}`);
  return c.json(histogram);
});

// A merged view's volume: one grid over every stream's span, each stream counted on it, the counts summed.
readingRoutes.get("/api/histogram", async (c) => {
  const url = new URL(c.req.url);
  const names = await readableStreams(c, url.searchParams.get("streams"));
  const { buckets, from, to, ...filter } = parseHistogramOptions(url.searchParams);
  let min = from;
  let max = to;
  if (min === undefined || max === undefined) {
    const spans = await Promise.all(names.map((name) => streamStub(c, name).timeSpan()));
    for (const span of spans) {
      if (span === null) continue;
      if (from === undefined) min = Math.min(min ?? span.min, span.min);
      if (to === undefined) max = Math.max(max ?? span.max + 1, span.max + 1);
    }
  }
  const now = Date.now();
  min ??= Math.min(now, max ?? now) - 60_000;
  max ??= Math.max(min + 1, now);
  const grid = planGrid(min, Math.max(max, min + 1), buckets);
  const parts = await Promise.all(names.map((name) => streamStub(c, name).histogram({ buckets, grid }, filter, name)));
  return c.json(sumHistograms(grid, new Map(names.map((name, i) => [name, parts[i] as Histogram]))));
});

/** The history route's `?around=ID`: the lines around one, oldest first, `{"entries":[…]}`. */
export async function answerAround(c: AppContext, stream: string): Promise<Response> {
  const { around, before, after, ...filter } = parseAroundOptions(new URL(c.req.url).searchParams);
  const stub = streamStub(c, stream);
  const entries = await stub.around(around, before, after, filter, stream);
  if (entries === null) {
    const { oldestId, lastId } = await stub.stats();
    throw new ClientError(
      404,
      lastId === 0
        ? `Line ${around} is not in stream "${stream}": it holds no lines`
        : `Line ${around} is not in stream "${stream}": it holds lines ${oldestId}–${lastId} (older ones left the ring buffer)`,
    );
  }
  return c.body(`{"entries":[${entries.join(",")}]}`, 200, { "Content-Type": "application/json" });
}
