// The Worker: configuration, CORS, the ingest, viewer and alert routes, and the one place errors become answers.
import { Hono } from "hono";
import { cors } from "hono/cors";
import { alertRoutes } from "./alerts/routes";
import { ClientError } from "./errors";
import type { AppEnv } from "./http/context";
import { withConfig } from "./http/context";
import { ingestRoutes } from "./ingest/routes";
import { patternRoutes } from "./viewer/patterns-routes";
import { readingRoutes } from "./viewer/reading-routes";
import { viewerRoutes } from "./viewer/routes";
import { streamListRoutes } from "./viewer/stream-list";

export { LogStream } from "./log-stream";
export { StreamIndex } from "./stream/stream-index";

const app = new Hono<AppEnv>();

app.get("/api/health", (c) => c.json({ ok: true }));

app.use("*", withConfig);

/** CORS, built once per configuration: browsers on other origins may call the API only when listed. */
const corsFor = new WeakMap<object, ReturnType<typeof cors>>();
app.use("*", async (c, next) => {
  const { allowedOrigins } = c.var.config;
  if (allowedOrigins.length === 0) return next();
  let handler = corsFor.get(c.var.config);
  if (handler === undefined) {
    // "*" admits every origin, so it never comes with credentials: no other site may read with a user's cookie.
    const anyOrigin = allowedOrigins.includes("*");
    handler = cors({
      origin: anyOrigin ? "*" : (origin) => (allowedOrigins.includes(origin) ? origin : null),
      allowMethods: ["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"],
      allowHeaders: ["Authorization", "Content-Type", "Content-Encoding", "Idempotency-Key", "Last-Event-ID"],
      exposeHeaders: ["Retry-After", "WWW-Authenticate"],
      credentials: !anyOrigin,
      maxAge: 600,
    });
    corsFor.set(c.var.config, handler);
  }
  return handler(c, next);
});

app.route("/", ingestRoutes);
app.route("/", viewerRoutes);
app.route("/", streamListRoutes);
app.route("/", readingRoutes);
app.route("/", patternRoutes);
app.route("/", alertRoutes);

app.notFound((c) => c.json({ error: `No route for ${c.req.method} ${new URL(c.req.url).pathname}` }, 404));

// The one place errors become answers: a client's mistake says what to fix; anything else is the server's.
app.onError((error, c) => {
  if (error instanceof ClientError) {
    for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
    return c.json({ error: error.message }, error.status);
  }
  console.error(error);
  return c.json({ error: "Internal error: the request was not applied; retry it" }, 500);
});

export default app satisfies ExportedHandler<Env>;
