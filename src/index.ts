import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { positiveInteger } from "./config";
import { formatOf, IngestError, parseBody } from "./ingest";
import { parseSubscribeOptions, toQuery } from "./subscribe-options";
import type { IngestResult } from "./types";

export { LogStream } from "./log-stream";

const STREAM_NAME = /^[A-Za-z0-9._-]{1,64}$/;
const DEFAULT_MAX_BODY_BYTES = 1 << 20;
const utf8 = new TextDecoder();

type AppEnv = { Bindings: Env; Variables: { stream: DurableObjectStub<import("./log-stream").LogStream> } };

const app = new Hono<AppEnv>();

app.get("/api/health", (c) => c.json({ ok: true }));

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
  (c, next) => {
    const maxSize = positiveInteger(c.env.MAX_BODY_BYTES, DEFAULT_MAX_BODY_BYTES);
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
    const drafts = parseBody(format, utf8.decode(await c.req.arrayBuffer()), Date.now());
    // Serialised here, without the id the stream assigns, so the Durable Object only prefixes it.
    const tails = drafts.map((draft) => JSON.stringify(draft).slice(1));
    const result: IngestResult = await c.var.stream.append(tails);
    return c.json(result, 202);
  },
);

app.get("/api/streams/:stream/events", (c) => {
  let options: ReturnType<typeof parseSubscribeOptions>;
  try {
    options = parseSubscribeOptions(new URL(c.req.url).searchParams, c.req.header("Last-Event-ID") ?? null);
  } catch (error) {
    throw new HTTPException(400, { message: (error as Error).message });
  }
  return c.var.stream.fetch(`https://log-stream/events?${toQuery(options)}`);
});

app.get("/api/streams/:stream", async (c) => c.json(await c.var.stream.stats()));

app.notFound((c) => c.json({ error: `No route for ${c.req.method} ${new URL(c.req.url).pathname}` }, 404));

app.onError((error, c) => {
  if (error instanceof HTTPException) return c.json({ error: error.message }, error.status);
  if (error instanceof IngestError) return c.json({ error: error.message }, error.status as ContentfulStatusCode);
  console.error(error);
  return c.json({ error: "Internal error: the request was not applied; retry it" }, 500);
});

export default app satisfies ExportedHandler<Env>;
