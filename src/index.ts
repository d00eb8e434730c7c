import { type Context, Hono, type MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { setCookie } from "hono/cookie";
import { cors } from "hono/cors";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { type Access, authConfig, grantingTokens, matchesAny, presentedToken, TOKEN_COOKIE } from "./auth";
import { positiveInteger } from "./config";
import { formatOf, IngestError, ingestBody } from "./ingest";
import type { LogStream } from "./log-stream";
import { parseSubscribeOptions, toQuery } from "./subscribe-options";

export { LogStream } from "./log-stream";

const STREAM_NAME = /^[A-Za-z0-9._-]{1,64}$/;
const utf8 = new TextDecoder();

type AppEnv = { Bindings: Env; Variables: { stream: DurableObjectStub<LogStream> } };

const app = new Hono<AppEnv>();

app.get("/api/health", (c) => c.json({ ok: true }));

// Browsers on other origins may call the API only when ALLOWED_ORIGINS names them.
app.use("/api/*", async (c, next) => {
  const allowed = (c.env.ALLOWED_ORIGINS ?? "")
    .split(",")
    .map((origin) => origin.trim())
    .filter(Boolean);
  if (allowed.length === 0) return next();
  return cors({
    origin: (origin) => (allowed.includes("*") || allowed.includes(origin) ? origin : null),
    allowMethods: ["GET", "POST", "OPTIONS"],
    allowHeaders: ["Authorization", "Content-Type", "Content-Encoding", "Last-Event-ID"],
    exposeHeaders: ["Retry-After", "WWW-Authenticate"],
    credentials: true,
    maxAge: 600,
  })(c, next);
});

/** Refuses the request with 401 unless it presents a token that grants `access` to the route's stream. */
function requireToken(access: Access): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const stream = c.req.param("stream");
    const tokens = grantingTokens(authConfig(c.env), access, stream);
    if (tokens !== null && !(await matchesAny(presentedToken(c.req.raw, access), tokens))) {
      throw new HTTPException(401, {
        message:
          access === "write"
            ? "Missing or wrong token: send Authorization: Bearer <INGEST_TOKEN or a token for this stream>"
            : "Missing or wrong token: send Authorization: Bearer <token>, ?access_token=<token>, or sign in on the page",
      });
    }
    await next();
  };
}

app.use("/api/streams/:stream/*", async (c, next) => {
  const name = c.req.param("stream");
  if (!STREAM_NAME.test(name)) {
    throw new HTTPException(400, {
      message: `Invalid stream name ${JSON.stringify(name)}: use 1–64 characters of A-Z a-z 0-9 . _ -`,
    });
  }
  c.set("stream", c.env.LOG_STREAM.get(c.env.LOG_STREAM.idFromName(name)));
  await next();
});

app.post(
  "/api/streams/:stream/logs",
  requireToken("write"),
  (c, next) => {
    const maxSize = positiveInteger(c.env.MAX_BODY_BYTES, 1 << 20);
    return bodyLimit({
      maxSize,
      onError: () => {
        throw new HTTPException(413, {
          message: `Body larger than ${maxSize} bytes: split the batch into smaller requests`,
        });
      },
    })(c, next);
  },
  async (c) => {
    const format = formatOf(c.req.header("Content-Type"));
    // Decoded explicitly: invalid UTF-8 becomes U+FFFD instead of an error, whatever the content type.
    // Parsed and serialised here, so the Durable Object only stores the batch and prefixes ids.
    const batch = ingestBody(format, utf8.decode(await c.req.arrayBuffer()), Date.now(), {
      maxEntries: positiveInteger(c.env.MAX_ENTRIES, 10_000),
      maxLength: positiveInteger(c.env.MAX_ENTRY_LENGTH, 32_768),
    });
    const result = await c.var.stream.append(batch);
    if ("retryAfterMs" in result) {
      c.header("Retry-After", String(Math.ceil(result.retryAfterMs / 1000)));
      return c.json({ error: "Too many requests to this stream: wait for Retry-After seconds, then resend" }, 429);
    }
    return c.json(result, 202);
  },
);

app.get("/api/streams/:stream/events", requireToken("read"), (c) => {
  let options: ReturnType<typeof parseSubscribeOptions>;
  try {
    options = parseSubscribeOptions(new URL(c.req.url).searchParams, c.req.header("Last-Event-ID") ?? null);
  } catch (error) {
    throw new HTTPException(400, { message: (error as Error).message });
  }
  return c.var.stream.fetch(`https://log-stream/events?${toQuery(options)}`);
});

app.get("/api/streams/:stream", requireToken("read"), async (c) => c.json(await c.var.stream.stats()));

// The page trades a token typed once for an HttpOnly cookie, because EventSource cannot send headers.
app.post("/api/session", async (c) => {
  const token = presentedToken(c.req.raw, "write") ?? (await tokenFromForm(c));
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

async function tokenFromForm(c: Context<AppEnv>): Promise<string | undefined> {
  if (!c.req.header("Content-Type")?.includes("application/json")) return undefined;
  const body = await c.req.json<{ token?: unknown }>().catch(() => ({ token: undefined }));
  return typeof body.token === "string" ? body.token : undefined;
}

app.notFound((c) => c.json({ error: `No route for ${c.req.method} ${new URL(c.req.url).pathname}` }, 404));

app.onError((error, c) => {
  if (error instanceof HTTPException) {
    if (error.status === 401) c.header("WWW-Authenticate", 'Bearer realm="edge-tail"');
    return c.json({ error: error.message }, error.status);
  }
  if (error instanceof IngestError) return c.json({ error: error.message }, error.status as ContentfulStatusCode);
  console.error(error);
  return c.json({ error: "Internal error: the request was not applied; retry it" }, 500);
});

export default app satisfies ExportedHandler<Env>;
