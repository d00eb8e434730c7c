import { type Context, Hono, type MiddlewareHandler } from "hono";
import { setCookie } from "hono/cookie";
import { cors } from "hono/cors";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import {
  type Access,
  authConfig,
  grantingTokens,
  matchesAny,
  presentedToken,
  readablePrefixes,
  TOKEN_COOKIE,
} from "./auth";
import { readBody } from "./body";
import { positiveInteger } from "./config";
import { formatOf, IngestError, type IngestLimits, ingestBody, toBatch } from "./ingest";
import { DEFAULT_STREAM_LABELS, parseLokiPush } from "./loki";
import { parseOtlpJson } from "./otlp";
import { relay } from "./sse-relay";
import { parseSubscribeOptions, toQuery } from "./subscribe-options";
import type { Batch, IngestResult, RateLimited } from "./types";

export { LogStream } from "./log-stream";
export { StreamIndex } from "./stream-index";

const STREAM_NAME = /^[A-Za-z0-9._-]{1,64}$/;
const utf8 = new TextDecoder();

type AppEnv = { Bindings: Env };
type AppContext = Context<AppEnv>;

const app = new Hono<AppEnv>();

app.get("/api/health", (c) => c.json({ ok: true }));

// Browsers on other origins may call the API only when ALLOWED_ORIGINS names them.
app.use("*", async (c, next) => {
  const allowed = (c.env.ALLOWED_ORIGINS ?? "")
    .split(",")
    .map((origin) => origin.trim())
    .filter(Boolean);
  if (allowed.length === 0) return next();
  return cors({
    origin: (origin) => (allowed.includes("*") || allowed.includes(origin) ? origin : null),
    allowMethods: ["GET", "POST", "OPTIONS"],
    allowHeaders: ["Authorization", "Content-Type", "Content-Encoding", "Idempotency-Key", "Last-Event-ID"],
    exposeHeaders: ["Retry-After", "WWW-Authenticate"],
    credentials: true,
    maxAge: 600,
  })(c, next);
});

function checkStreamName(name: string): string {
  if (!STREAM_NAME.test(name)) {
    throw new HTTPException(400, {
      message: `Invalid stream name ${JSON.stringify(name)}: use 1–64 characters of A-Z a-z 0-9 . _ -`,
    });
  }
  return name;
}

/** Throws 401 unless the request presents a token that grants `access` to `stream` (or to any stream). */
async function authorize(c: AppContext, access: Access, stream?: string): Promise<void> {
  const tokens = grantingTokens(authConfig(c.env), access, stream);
  if (tokens === null || (await matchesAny(presentedToken(c.req.raw, access), tokens))) return;
  throw new HTTPException(401, {
    message:
      access === "write"
        ? "Missing or wrong token: send Authorization: Bearer <INGEST_TOKEN or a token for this stream>"
        : "Missing or wrong token: send Authorization: Bearer <token>, ?access_token=<token>, or sign in on the page",
  });
}

/** The route's stream name, checked, once the request may do `access` to it. */
function streamRoute(access: Access): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await authorize(c, access, checkStreamName(c.req.param("stream") ?? ""));
    await next();
  };
}

function stub(c: AppContext, stream: string) {
  return c.env.LOG_STREAM.get(c.env.LOG_STREAM.idFromName(stream));
}

function limits(c: AppContext): IngestLimits {
  return {
    maxEntries: positiveInteger(c.env.MAX_ENTRIES, 10_000),
    maxLength: positiveInteger(c.env.MAX_ENTRY_LENGTH, 32_768),
  };
}

/** Reads the body (gzip or deflate welcome) as text; invalid UTF-8 becomes U+FFFD rather than an error. */
async function bodyText(c: AppContext): Promise<string> {
  return utf8.decode(await readBody(c.req.raw, positiveInteger(c.env.MAX_BODY_BYTES, 1 << 20)));
}

/** Hands a batch to its stream; a 429 when the stream's rate is exceeded. */
async function append(c: AppContext, stream: string, batch: Batch): Promise<IngestResult> {
  const result: IngestResult | RateLimited = await stub(c, stream).append(batch, stream);
  if ("retryAfterMs" in result) {
    throw new HTTPException(429, {
      message: "Too many requests to this stream: wait for Retry-After seconds, then resend",
      res: new Response(null, { headers: { "Retry-After": String(Math.ceil(result.retryAfterMs / 1000)) } }),
    });
  }
  return result;
}

app.post("/api/streams/:stream/logs", streamRoute("write"), async (c) => {
  const format = formatOf(c.req.header("Content-Type"));
  // Parsed and serialised here, so the Durable Object only stores the batch and prefixes ids.
  const batch = ingestBody(format, await bodyText(c), Date.now(), limits(c));
  const key = c.req.header("Idempotency-Key");
  if (key !== undefined) {
    if (key.length === 0 || key.length > 128) {
      throw new HTTPException(400, {
        message: "Idempotency-Key must be 1–128 characters: a fresh random id per batch",
      });
    }
    batch.key = key;
  }
  return c.json(await append(c, c.req.param("stream"), batch), 202);
});

// OpenTelemetry: point an OTLP/HTTP log exporter at http://host/otlp/{stream}.
app.post("/otlp/:stream/v1/logs", streamRoute("write"), async (c) => {
  const type = c.req.header("Content-Type") ?? "";
  if (!type.includes("json")) {
    throw new HTTPException(415, {
      message: `OTLP ${type || "without Content-Type"} is not supported: use OTLP/HTTP JSON (OTEL_EXPORTER_OTLP_LOGS_PROTOCOL=http/json)`,
    });
  }
  const batch = toBatch(parseOtlpJson(await bodyText(c), Date.now()), limits(c));
  await append(c, c.req.param("stream"), batch);
  return c.json({ partialSuccess: {} });
});

// Loki push API, for Promtail, Grafana Alloy, Vector and Fluent Bit's Loki outputs (JSON).
app.post("/loki/api/v1/push", async (c) => {
  const type = c.req.header("Content-Type") ?? "";
  if (!type.includes("json")) {
    throw new HTTPException(415, {
      message: `Loki push as ${type || "no Content-Type"} is not supported: send application/json (Vector: encoding.codec = "json"; Fluent Bit: the loki output's default)`,
    });
  }
  const labels = (c.env.LOKI_STREAM_LABELS || DEFAULT_STREAM_LABELS.join(",")).split(",").map((label) => label.trim());
  const byStream = parseLokiPush(await bodyText(c), Date.now(), labels);
  // Everything is checked before anything is stored, so a refusal accepts nothing.
  const batches: [string, Batch][] = [];
  for (const [stream, drafts] of byStream) {
    await authorize(c, "write", checkStreamName(stream));
    batches.push([stream, toBatch(drafts, limits(c))]);
  }
  await Promise.all(batches.map(([stream, batch]) => append(c, stream, batch)));
  return c.body(null, 204);
});

app.get("/api/streams/:stream/events", streamRoute("read"), async (c) => {
  let options: ReturnType<typeof parseSubscribeOptions>;
  try {
    options = parseSubscribeOptions(new URL(c.req.url).searchParams, c.req.header("Last-Event-ID") ?? null);
  } catch (error) {
    throw new HTTPException(400, { message: (error as Error).message });
  }
  const upgrade = await stub(c, c.req.param("stream")).fetch(`https://log-stream/events?${toQuery(options)}`, {
    headers: { Upgrade: "websocket" },
  });
  // Anything but an accepted socket (a 503 past MAX_SUBSCRIBERS) goes to the viewer as it is.
  if (upgrade.webSocket === null) return upgrade;
  return relay(upgrade.webSocket, positiveInteger(c.env.HEARTBEAT_MS, 15_000));
});

app.get("/api/streams/:stream", streamRoute("read"), async (c) => c.json(await stub(c, c.req.param("stream")).stats()));

app.get("/api/streams", async (c) => {
  await authorize(c, "read");
  const index = c.env.STREAM_INDEX.get(c.env.STREAM_INDEX.idFromName("index"));
  const streams = await index.list();
  // A per-team token sees only its own streams; the global read token (or none configured) sees all.
  const prefixes = await readablePrefixes(authConfig(c.env), presentedToken(c.req.raw, "read"));
  if (prefixes === null) return c.json({ streams });
  return c.json({ streams: streams.filter((stream) => prefixes.some((prefix) => stream.name.startsWith(prefix))) });
});

// The page trades a token typed once for an HttpOnly cookie, because EventSource cannot send headers.
app.post("/api/session", async (c) => {
  const token = presentedToken(c.req.raw, "write") ?? (await tokenFromJson(c));
  const tokens = grantingTokens(authConfig(c.env), "read");
  if (tokens === null) return c.json({ ok: true, open: true });
  if (!(await matchesAny(token, tokens))) {
    throw new HTTPException(401, { message: "This token opens no stream: check it and try again" });
  }
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

app.notFound((c) => c.json({ error: `No route for ${c.req.method} ${new URL(c.req.url).pathname}` }, 404));

app.onError((error, c) => {
  if (error instanceof HTTPException) {
    if (error.status === 401) c.header("WWW-Authenticate", 'Bearer realm="edge-tail"');
    const retryAfter = error.res?.headers.get("Retry-After");
    if (retryAfter) c.header("Retry-After", retryAfter);
    return c.json({ error: error.message }, error.status);
  }
  if (error instanceof IngestError) return c.json({ error: error.message }, error.status as ContentfulStatusCode);
  console.error(error);
  return c.json({ error: "Internal error: the request was not applied; retry it" }, 500);
});

export default app satisfies ExportedHandler<Env>;
