// The routes for reading around a moment: lines over time (one stream, or a merged view's streams summed over
// one grid) and the lines around a line (`/entries?around=ID`, answered for the history route).
import { Hono } from "hono";
import { ClientError } from "../errors";
import { presentedToken, readablePrefixes } from "../http/auth";
import { type AppContext, type AppEnv, authorize, streamRoute, streamStub } from "../http/context";
import { type Histogram, planGrid, sumHistograms } from "../stream/histogram";
import { effectivePrefixes, MAX_LIST_LIMIT } from "../stream/index-shards";
import { parseAroundOptions, parseHistogramOptions } from "./reading-options";
import { MAX_MERGED_STREAMS, parseStreamSelection } from "./selection";
import { listStreams } from "./stream-list";

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

/**
 * The streams `?streams=a,b,team-a.*` names that this request may read: every name checked (a 401 names the
 * one it may not), prefixes resolved through the stream list to the streams the token may read.
 */
async function readableStreams(c: AppContext, value: string | null): Promise<string[]> {
  const selection = parseStreamSelection(value);
  for (const name of selection.names) {
    await authorize(c, "read", name).catch((error: unknown) => {
      throw error instanceof ClientError && error.status === 401
        ? new ClientError(
            401,
            `This token cannot read the stream "${name}": leave it out, or use a token for it`,
            error.headers,
          )
        : error;
    });
  }
  const names = [...selection.names];
  if (selection.prefixes.length > 0) {
    // A view of prefixes alone names no stream to check: it needs a read token all the same.
    await authorize(c, "read");
    const readable = await readablePrefixes(c.var.config.auth, presentedToken(c.req.raw, "read"));
    const prefixes = [...new Set(selection.prefixes.flatMap((prefix) => effectivePrefixes(prefix, readable)))];
    const limit = Math.min(MAX_LIST_LIMIT, MAX_MERGED_STREAMS + names.length);
    const page = await listStreams(c.env, c.var.config.streamIndexShards, prefixes, "", limit);
    for (const { name } of page.streams) if (!names.includes(name)) names.push(name);
  }
  return names.slice(0, MAX_MERGED_STREAMS);
}
