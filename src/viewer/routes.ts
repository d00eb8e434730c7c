import { Hono } from "hono";
import { setCookie } from "hono/cookie";
import { clientKey, grantingTokens, matchesAny, presentedToken, readablePrefixes, TOKEN_COOKIE } from "../http/auth";
import { type AppEnv, authorize, streamRoute, streamStub } from "../http/context";
import { ClientError } from "../http/errors";
import { sessionToken } from "../http/session";
import { CLIENT_HEADER } from "../stream/log-stream";
import { MAX_MERGED_STREAMS, MergedView, parsePositions, parseStreamSelection } from "./merged";
import { answerAround } from "./reading-routes";
import { relay, SSE_HEADERS } from "./sse-relay";
import { parseHistoryOptions, parseSubscribeOptions, toQuery } from "./subscribe-options";

/** The routes that read streams: events, statistics, the stream list and the page's sign-in. */
export const viewerRoutes = new Hono<AppEnv>();

viewerRoutes.get("/api/streams/:stream/events", streamRoute("read"), async (c) => {
  const options = parseSubscribeOptions(new URL(c.req.url).searchParams, c.req.header("Last-Event-ID") ?? null);
  // Hono serves HEAD with this GET handler: answer the headers without taking a viewer slot.
  if (c.req.method === "HEAD") return c.body(null, 200, SSE_HEADERS);
  const stream = c.req.param("stream");
  const query = toQuery(options);
  query.set("stream", stream);
  const upgrade = await streamStub(c, stream).fetch(`https://log-stream/events?${query}`, {
    headers: { Upgrade: "websocket", [CLIENT_HEADER]: await clientKey(c.req.raw) },
  });
  // Anything but an accepted socket (a 503 past MAX_SUBSCRIBERS) goes to the viewer as it is.
  if (upgrade.webSocket === null) return upgrade;
  return relay(upgrade.webSocket, c.var.config.heartbeatMs);
});

// Several streams over one connection: `?streams=a,b,team-a.*`, the filters of the single-stream route.
viewerRoutes.get("/api/events", async (c) => {
  const url = new URL(c.req.url);
  const selection = parseStreamSelection(url.searchParams.get("streams"));
  const options = parseSubscribeOptions(url.searchParams, null);
  const resume = parsePositions(c.req.header("Last-Event-ID") ?? url.searchParams.get("lastEventId"));
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
  const readable = await readablePrefixes(c.var.config.auth, presentedToken(c.req.raw, "read"));
  /** Listed streams under the selection's prefixes that this token may read, beyond those in `known`. */
  const discover = async (known: string[]): Promise<string[]> => {
    if (selection.prefixes.length === 0) return [];
    const index = c.env.STREAM_INDEX.get(c.env.STREAM_INDEX.idFromName("index"));
    return (await index.list())
      .map((stream) => stream.name)
      .filter(
        (name) =>
          !known.includes(name) &&
          selection.prefixes.some((prefix) => name.startsWith(prefix)) &&
          (readable === null || readable.some((prefix) => name.startsWith(prefix))),
      );
  };
  // Hono serves HEAD with this GET handler: answer the headers without taking a viewer slot on any stream.
  if (c.req.method === "HEAD") return c.body(null, 200, SSE_HEADERS);
  const view = new MergedView(resume === null ? options.tail : null);
  const client = await clientKey(c.req.raw);
  /** Subscribes to one stream; a stream found after the view started replays from its first line. */
  const open = async (name: string, late: boolean) => {
    const query = toQuery({ ...options, lastEventId: resume?.get(name) ?? (late || resume !== null ? 0 : undefined) });
    query.set("stream", name);
    const upgrade = await streamStub(c, name).fetch(`https://log-stream/events?${query}`, {
      headers: { Upgrade: "websocket", [CLIENT_HEADER]: client },
    });
    return upgrade.webSocket === null ? upgrade : upgrade.webSocket;
  };
  const names = [...selection.names, ...(await discover(selection.names))].slice(0, MAX_MERGED_STREAMS);
  const opened = await Promise.all(names.map((name) => open(name, false)));
  const refused = opened.find((result) => result instanceof Response);
  if (refused instanceof Response) {
    for (const result of opened) if (!(result instanceof Response)) result.close(1000, "view refused");
    return refused;
  }
  for (const [i, name] of names.entries()) view.add(name, opened[i] as WebSocket);
  // Prefixes follow streams that appear later, as the stream index learns of them.
  const poll =
    selection.prefixes.length === 0
      ? undefined
      : setInterval(
          async () => {
            try {
              for (const name of await discover(view.streams)) {
                if (view.streams.length >= MAX_MERGED_STREAMS) break;
                const socket = await open(name, true);
                if (!(socket instanceof Response)) view.add(name, socket);
              }
            } catch (error) {
              console.error("merged view: discovering streams failed", error);
            }
          },
          Math.max(1000, c.var.config.indexReportMs),
        );
  return view.response(c.var.config.heartbeatMs, () => clearInterval(poll));
});

// History: matching entries newest first, a bounded scan per request; `next` is the `before` of the next page.
viewerRoutes.get("/api/streams/:stream/entries", streamRoute("read"), async (c) => {
  const stream = c.req.param("stream");
  if (c.req.query("around") !== undefined) return answerAround(c, stream);
  const { q, level, before, limit } = parseHistoryOptions(new URL(c.req.url).searchParams);
  const page = await streamStub(c, stream).history(q, level, before, limit, stream);
  // The entries are already JSON: joined, not parsed and serialised again.
  return c.body(`{"entries":[${page.entries.join(",")}],"next":${page.next}}`, 200, {
    "Content-Type": "application/json",
  });
});

viewerRoutes.get("/api/streams/:stream", streamRoute("read"), async (c) =>
  c.json(await streamStub(c, c.req.param("stream")).stats()),
);

viewerRoutes.get("/api/streams", async (c) => {
  await authorize(c, "read");
  const index = c.env.STREAM_INDEX.get(c.env.STREAM_INDEX.idFromName("index"));
  const streams = await index.list();
  // A per-team token sees only its own streams; the global read token (or none configured) sees all.
  const prefixes = await readablePrefixes(c.var.config.auth, presentedToken(c.req.raw, "read"));
  if (prefixes === null) return c.json({ streams });
  return c.json({ streams: streams.filter((stream) => prefixes.some((prefix) => stream.name.startsWith(prefix))) });
});

// The page trades a token typed once for an HttpOnly cookie, because EventSource cannot send headers.
viewerRoutes.post("/api/session", async (c) => {
  const token = await sessionToken(c);
  const tokens = grantingTokens(c.var.config.auth, "read");
  if (tokens === null) return c.json({ ok: true, open: true });
  if (!(await matchesAny(token, tokens)))
    throw new ClientError(401, "This token opens no stream: check it and try again");
  setCookie(c, TOKEN_COOKIE, token, {
    path: "/api",
    httpOnly: true,
    secure: new URL(c.req.url).protocol === "https:",
    sameSite: "Strict",
    maxAge: 30 * 24 * 3600,
  });
  return c.json({ ok: true });
});
