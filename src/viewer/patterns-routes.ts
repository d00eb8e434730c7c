// `GET /api/streams/{stream}/patterns`: the templates of the lines a stream holds, with their counts.
import { Hono } from "hono";
import { type AppEnv, streamRoute, streamStub } from "../http/context";
import { parseSubscribeOptions } from "../stream/subscribe-options";

export const patternRoutes = new Hono<AppEnv>();

// `?q=` and `?level=` as for entries: a bad query is a 400 before the stream is asked.
patternRoutes.get("/api/streams/:stream/patterns", streamRoute("read"), async (c) => {
  const stream = c.req.param("stream");
  const { q, level } = parseSubscribeOptions(new URL(c.req.url).searchParams, null);
  return c.json(await streamStub(c, stream).patterns(q, level, stream));
});
