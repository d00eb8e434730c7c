// The stream list and stream deletion: `GET /api/streams` pages through the index shards in name order;
// `DELETE /api/streams/{stream}` wipes a stream and takes it off the list.
import { Hono } from "hono";
import type { StreamSummary } from "../../lib/types";
import { ClientError } from "../errors";
import { presentedToken, readablePrefixes } from "../http/auth";
import { type AppEnv, authorize, streamRoute, streamStub } from "../http/context";
import {
  DEFAULT_LIST_LIMIT,
  effectivePrefixes,
  firstAsk,
  MAX_LIST_LIMIT,
  mergePages,
  shardName,
  shardOf,
  shardsToRefill,
} from "../stream/index-shards";

export const streamListRoutes = new Hono<AppEnv>();

/** A page of the list: streams in name order, and `next`, the `cursor` of the following page (null at the end). */
export interface StreamPage {
  streams: StreamSummary[];
  next: string | null;
}

/** What `?prefix=&limit=&cursor=` ask for; a 400 saying what to send instead. */
export function parseListOptions(query: URLSearchParams): { prefix: string; limit: number; cursor: string } {
  const prefix = query.get("prefix") ?? "";
  if (!/^[A-Za-z0-9._-]{0,64}$/.test(prefix))
    throw new ClientError(
      400,
      `Invalid prefix ${JSON.stringify(prefix)}: use up to 64 characters of A-Z a-z 0-9 . _ -`,
    );
  const rawLimit = query.get("limit");
  const limit = rawLimit === null ? DEFAULT_LIST_LIMIT : Number(rawLimit);
  if (!/^\d+$/.test(rawLimit ?? "1") || !Number.isSafeInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT)
    throw new ClientError(
      400,
      `Invalid limit ${JSON.stringify(rawLimit)}: send a whole number from 1 to ${MAX_LIST_LIMIT} (default ${DEFAULT_LIST_LIMIT})`,
    );
  const cursor = query.get("cursor") ?? "";
  if (!/^[A-Za-z0-9._-]{0,64}$/.test(cursor))
    throw new ClientError(
      400,
      `Invalid cursor ${JSON.stringify(cursor)}: send the "next" of the previous page as it is`,
    );
  return { prefix, limit, cursor };
}

/**
 * Streams under any of `prefixes` with names after `after`, merged by name from every shard at once: each is
 * asked for about twice its share of the page, and the one or two that held more are asked again.
 */
export async function listStreams(
  env: Env,
  shards: number,
  prefixes: string[],
  after: string,
  limit: number,
): Promise<StreamPage> {
  if (prefixes.length === 0) return { streams: [], next: null };
  const shard = (i: number) => env.STREAM_INDEX.get(env.STREAM_INDEX.idFromName(shardName(i)));
  const asked = firstAsk(limit, shards);
  const pages: StreamSummary[][] = await Promise.all(
    Array.from({ length: shards }, (_, i) => shard(i).list({ prefixes, after, limit: asked })),
  );
  // A shard that held more of the page's names than its share is asked again, for the rest of a page.
  const refill = [...shardsToRefill(pages, asked, limit)];
  const more = await Promise.all(refill.map(([i, last]) => shard(i).list({ prefixes, after: last, limit: limit + 1 })));
  for (const [n, [i]] of refill.entries()) pages[i] = [...(pages[i] ?? []), ...(more[n] ?? [])];
  return mergePages(pages, limit);
}

streamListRoutes.get("/api/streams", async (c) => {
  await authorize(c, "read");
  const { prefix, limit, cursor } = parseListOptions(new URL(c.req.url).searchParams);
  // A per-team token sees only its own streams; the global read token (or none configured) sees all.
  const readable = await readablePrefixes(c.var.config.auth, presentedToken(c.req.raw, "read"));
  const prefixes = effectivePrefixes(prefix, readable);
  return c.json(await listStreams(c.env, c.var.config.streamIndexShards, prefixes, cursor, limit));
});

// Its lines, rules, incidents and list entry go; its viewers are told (`event: deleted`) and their responses end.
streamListRoutes.delete("/api/streams/:stream", streamRoute("write"), async (c) => {
  const stream = c.req.param("stream");
  await streamStub(c, stream).erase(stream);
  const shard = shardName(shardOf(stream, c.var.config.streamIndexShards));
  await c.env.STREAM_INDEX.get(c.env.STREAM_INDEX.idFromName(shard)).remove(stream);
  return c.body(null, 204);
});
