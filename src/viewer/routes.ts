import { Hono } from "hono";
import { setCookie } from "hono/cookie";
import { grantingTokens, matchesAny, presentedToken, readablePrefixes, TOKEN_COOKIE } from "../http/auth";
import { type AppContext, type AppEnv, authorize, streamRoute, streamStub } from "../http/context";
import { ClientError } from "../http/errors";
import { relay } from "./sse-relay";
import { parseHistoryOptions, parseSubscribeOptions, toQuery } from "./subscribe-options";

/** The routes that read streams: events, statistics, the stream list and the page's sign-in. */
export const viewerRoutes = new Hono<AppEnv>();

viewerRoutes.get("/api/streams/:stream/events", streamRoute("read"), async (c) => {
  const options = parseSubscribeOptions(new URL(c.req.url).searchParams, c.req.header("Last-Event-ID") ?? null);
  const stream = c.req.param("stream");
  const query = toQuery(options);
  query.set("stream", stream);
  const upgrade = await streamStub(c, stream).fetch(`https://log-stream/events?${query}`, {
    headers: { Upgrade: "websocket" },
  });
  // Anything but an accepted socket (a 503 past MAX_SUBSCRIBERS) goes to the viewer as it is.
  if (upgrade.webSocket === null) return upgrade;
  return relay(upgrade.webSocket, c.var.config.heartbeatMs);
});

// History: matching entries newest first, a bounded scan per request; `next` is the `before` of the next page.
viewerRoutes.get("/api/streams/:stream/entries", streamRoute("read"), async (c) => {
  const stream = c.req.param("stream");
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
  const token = presentedToken(c.req.raw, "write") ?? (await tokenFromJson(c));
  const tokens = grantingTokens(c.var.config.auth, "read");
  if (tokens === null) return c.json({ ok: true, open: true });
  if (!(await matchesAny(token, tokens)))
    throw new ClientError(401, "This token opens no stream: check it and try again");
  setCookie(c, TOKEN_COOKIE, token as string, {
    path: "/api",
    httpOnly: true,
    secure: new URL(c.req.url).protocol === "https:",
    sameSite: "Strict",
    maxAge: 30 * 24 * 3600,
  });
  return c.json({ ok: true });
});

async function tokenFromJson(c: AppContext): Promise<string | undefined> {
  if (!c.req.header("Content-Type")?.includes("application/json")) return undefined;
  const body = await c.req.json<{ token?: unknown }>().catch(() => ({ token: undefined }));
  return typeof body.token === "string" ? body.token : undefined;
}
