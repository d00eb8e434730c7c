// The routes that read streams: events (one stream or merged), history, statistics, the stream list, sign-in.
import { Hono } from "hono";
import { setCookie } from "hono/cookie";
import { ClientError } from "../errors";
import { clientKey, grantingTokens, matchesAny, TOKEN_COOKIE } from "../http/auth";
import { type AppEnv, streamRoute, streamStub } from "../http/context";
import { sessionToken } from "../http/session";
import { CLIENT_HEADER } from "../log-stream";
import { parseHistoryOptions, parseSubscribeOptions, toQuery } from "../stream/subscribe-options";
import { MergedView, PREFIX_VIEWS } from "./merged";
import { parsePositions } from "./positions";
import { readableSelection } from "./readable";
import { answerAround } from "./reading-routes";
import { MAX_MERGED_STREAMS } from "./selection";
import { relay, SSE_HEADERS } from "./sse-relay";

/** The routes that read streams: events, statistics and the page's sign-in (the list: stream-list.ts). */
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
  // `lastEventId` here is a merged id (`a:1,b:0`), read by parsePositions, not the single-stream number.
  const filters = new URLSearchParams(url.searchParams);
  filters.delete("lastEventId");
  const options = parseSubscribeOptions(filters, null);
  const resume = parsePositions(c.req.header("Last-Event-ID") ?? url.searchParams.get("lastEventId"));
  const selection = await readableSelection(c, url.searchParams.get("streams"));
  // Hono serves HEAD with this GET handler: answer the headers without taking a viewer slot on any stream.
  if (c.req.method === "HEAD") return c.body(null, 200, SSE_HEADERS);
  const view = new MergedView(resume === null ? options.tail : null);
  const client = await clientKey(c.req.raw);
  /** A viewer's socket on the object named `name`, or its refusal (429/503 with Retry-After). */
  const connect = async (name: string, query: URLSearchParams) => {
    query.set("stream", name);
    const upgrade = await streamStub(c, name).fetch(`https://log-stream/events?${query}`, {
      headers: { Upgrade: "websocket", [CLIENT_HEADER]: client },
    });
    return upgrade.webSocket === null ? upgrade : upgrade.webSocket;
  };
  /** Subscribes to one stream; a stream found after the view started replays from its first line. */
  const open = (name: string, late: boolean) =>
    connect(name, toQuery({ ...options, lastEventId: resume?.get(name) ?? (late || resume !== null ? 0 : undefined) }));
  // A view with prefixes polls the stream index while it is open, even when no stream matches: it holds a
  // viewer slot on one shared object, so such views count against the viewer caps like any other.
  const slot = selection.followsPrefixes ? [await connect(PREFIX_VIEWS, new URLSearchParams({ tail: "0" }))] : [];
  const names = [...selection.names, ...(await selection.discover(selection.names))].slice(0, MAX_MERGED_STREAMS);
  const opened = [...slot, ...(await Promise.all(names.map((name) => open(name, false))))];
  const refused = opened.find((result) => result instanceof Response);
  if (refused instanceof Response) {
    // A socket must be accepted before it can be closed; closing frees its slot in the stream's object.
    for (const result of opened) {
      if (result instanceof Response) continue;
      result.accept();
      result.close(1000, "view refused");
    }
    return refused;
  }
  const held = opened[0] as WebSocket;
  if (slot.length > 0) {
    held.accept();
    held.send("start");
  }
  for (const [i, name] of names.entries()) view.add(name, opened[i + slot.length] as WebSocket);
  // Prefixes follow streams that appear later, as the stream index learns of them.
  const poll = !selection.followsPrefixes
    ? undefined
    : setInterval(
        async () => {
          try {
            for (const name of await selection.discover(view.streams)) {
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
  return view.response(c.var.config.heartbeatMs, () => {
    clearInterval(poll);
    if (slot.length > 0) held.close(1000, "viewer gone");
  });
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
    secure: secureCookie(new URL(c.req.url)),
    sameSite: "Strict",
    maxAge: 30 * 24 * 3600,
  });
  return c.json({ ok: true });
});

/**
 * Whether the session cookie is Secure: always, but on plain http to the machine itself (wrangler dev), where a
 * browser may drop a Secure cookie. Behind a proxy that ends TLS the Worker sees http, and the cookie stays Secure.
 */
function secureCookie(url: URL): boolean {
  const host = url.hostname;
  const loopback = host === "localhost" || host.endsWith(".localhost") || host === "127.0.0.1" || host === "[::1]";
  return url.protocol === "https:" || !loopback;
}
