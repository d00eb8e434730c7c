import { Hono } from "hono";
import type { IngestResult } from "../../lib/types";
import { toBatch } from "../ingest/batch";
import { decoderFor } from "../ingest/formats";
import { parseLokiPush } from "../ingest/loki";
import { parseOtlpJson } from "../ingest/otlp";
import type { Batch } from "../stream/stored";
import { readBody } from "./body";
import { type AppContext, type AppEnv, authorize, checkStreamName, streamRoute, streamStub } from "./context";
import { ClientError } from "./errors";

const utf8 = new TextDecoder();

/** Reads the body (gzip or deflate welcome) as text; invalid UTF-8 becomes U+FFFD rather than an error. */
async function bodyText(c: AppContext): Promise<string> {
  return utf8.decode(await readBody(c.req.raw, c.var.config.maxBodyBytes));
}

function limits(c: AppContext) {
  return { maxEntries: c.var.config.maxEntries, maxLength: c.var.config.maxEntryLength };
}

/** Hands a batch to its stream; a 429 when the stream's rate is exceeded. */
async function append(c: AppContext, stream: string, batch: Batch): Promise<IngestResult> {
  const answer = await streamStub(c, stream).append(batch, stream);
  if (answer.ok) return answer.result;
  throw new ClientError(429, "Too many requests to this stream: wait for Retry-After seconds, then resend", {
    "Retry-After": String(Math.ceil(answer.retryAfterMs / 1000)),
  });
}

/** The routes that take log lines in. */
export const ingestRoutes = new Hono<AppEnv>();

ingestRoutes.post("/api/streams/:stream/logs", streamRoute("write"), async (c) => {
  const decode = decoderFor(c.req.header("Content-Type"));
  // Parsed and serialised here, so the Durable Object only stores the batch and prefixes ids.
  const batch = toBatch(decode(await bodyText(c), Date.now()), limits(c));
  const key = c.req.header("Idempotency-Key");
  if (key !== undefined) {
    if (key.length === 0 || key.length > 128) {
      throw new ClientError(400, "Idempotency-Key must be 1–128 characters: a fresh random id per batch");
    }
    batch.key = key;
  }
  return c.json(await append(c, c.req.param("stream"), batch), 202);
});

// OpenTelemetry: point an OTLP/HTTP log exporter at http://host/otlp/{stream}.
ingestRoutes.post("/otlp/:stream/v1/logs", streamRoute("write"), async (c) => {
  const type = c.req.header("Content-Type") ?? "";
  if (!type.includes("json")) {
    throw new ClientError(
      415,
      `OTLP ${type || "without Content-Type"} is not supported: use OTLP/HTTP JSON (OTEL_EXPORTER_OTLP_LOGS_PROTOCOL=http/json)`,
    );
  }
  const batch = toBatch(parseOtlpJson(await bodyText(c), Date.now()), limits(c));
  await append(c, c.req.param("stream"), batch);
  return c.json({ partialSuccess: {} });
});

// Loki push API, for Promtail, Grafana Alloy, Vector and Fluent Bit's Loki outputs (JSON).
ingestRoutes.post("/loki/api/v1/push", async (c) => {
  const type = c.req.header("Content-Type") ?? "";
  if (!type.includes("json")) {
    throw new ClientError(
      415,
      `Loki push as ${type || "no Content-Type"} is not supported: send application/json (Vector: encoding.codec = "json"; Fluent Bit: the loki output's default)`,
    );
  }
  const byStream = parseLokiPush(await bodyText(c), Date.now(), c.var.config.lokiStreamLabels);
  // Everything is checked before anything is stored, so a refusal accepts nothing.
  const batches: [string, Batch][] = [];
  for (const [stream, drafts] of byStream) {
    await authorize(c, "write", checkStreamName(stream));
    batches.push([stream, toBatch(drafts, limits(c))]);
  }
  await Promise.all(batches.map(([stream, batch]) => append(c, stream, batch)));
  return c.body(null, 204);
});
