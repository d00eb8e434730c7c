// The routes that take log lines in: edge-tail's own, OTLP/HTTP and the Loki push API.
import { Hono } from "hono";
import { ClientError } from "../errors";
import { mediaTypeOf, readBody } from "../http/body";
import { type AppContext, type AppEnv, authorize, streamRoute } from "../http/context";
import { decoderFor, multilineOf } from "./formats";
import { parseJsonText } from "./json";
import { mapLokiPush } from "./loki";
import { decodeLokiPushRequest } from "./loki-proto";
import { mapOtlpLogs, mapOtlpStreams } from "./otlp";
import { isProtobuf, otlpAnswers, otlpSuccess } from "./otlp-answers";
import { decodeOtlpLogsRequest } from "./otlp-proto";
import { bodyDigest, type Keyed, store } from "./store";

const utf8 = new TextDecoder();

/** Reads the body (gzip, deflate or snappy welcome) as text; invalid UTF-8 becomes U+FFFD rather than an error. */
async function bodyText(c: AppContext): Promise<string> {
  return utf8.decode(await readBody(c.req.raw, c.var.config.maxBodyBytes));
}

/** The routes that take log lines in. */
export const ingestRoutes = new Hono<AppEnv>();

/** The client's Idempotency-Key, checked before the body is read: a 400 when it is empty or too long. */
function idempotencyKey(c: AppContext): string | undefined {
  const key = c.req.header("Idempotency-Key");
  if (key !== undefined && (key.length === 0 || key.length > 128)) {
    throw new ClientError(400, "Idempotency-Key must be 1–128 characters: a fresh random id per batch");
  }
  return key;
}

/** The key with the digest of the body it came with, which tells a resend from another batch. */
async function keyed(key: string | undefined, format: string, body: string | Uint8Array): Promise<Keyed | undefined> {
  return key === undefined ? undefined : { key, digest: await bodyDigest(format, body) };
}

ingestRoutes.post("/api/streams/:stream/logs", streamRoute("write"), async (c) => {
  const type = mediaTypeOf(c.req.header("Content-Type"));
  const decode = decoderFor(type);
  const key = idempotencyKey(c);
  const stream = c.req.param("stream");
  const text = await bodyText(c);
  // Parsed and serialised here, so the Durable Object only stores the batch and prefixes ids.
  const multiline = multilineOf(c.req.query("multiline"), c.req.header("X-Edge-Tail-Multiline"));
  const drafts = decode(text, Date.now(), { multiline, maxLength: c.var.config.maxEntryLength });
  const [result] = await store(c, [{ stream, drafts, source: "the path" }], {
    key: await keyed(key, type, text),
    format: type,
  });
  return c.json(result, 202);
});

/** An OTLP export as its JSON encoding writes it, its wire format and its body (decompressed, for a key's digest). */
async function otlpExport(
  c: AppContext,
  type: string,
): Promise<{ value: unknown; format: string; body: string | Uint8Array }> {
  if (isProtobuf(type)) {
    const body = await readBody(c.req.raw, c.var.config.maxBodyBytes);
    return { value: decodeOtlpLogsRequest(body), format: "otlp-protobuf", body };
  }
  if (type === "application/json") {
    const body = await bodyText(c);
    return { value: parseJsonText(body, "the OTLP JSON body"), format: "otlp-json", body };
  }
  const contentType = c.req.header("Content-Type");
  throw new ClientError(
    415,
    `OTLP as ${contentType ? `"${contentType}"` : "no Content-Type"} is not supported: send application/x-protobuf or application/json (OTLP/HTTP)`,
  );
}

// OpenTelemetry with the stream in the path: point an OTLP/HTTP log exporter at http://host/otlp/{stream}.
ingestRoutes.post("/otlp/:stream/v1/logs", otlpAnswers, streamRoute("write"), async (c) => {
  const type = mediaTypeOf(c.req.header("Content-Type"));
  const key = idempotencyKey(c);
  const { value, format, body } = await otlpExport(c, type);
  const now = Date.now();
  const stream = c.req.param("stream");
  await store(c, [{ stream, drafts: mapOtlpLogs(value, now), source: "the path" }], {
    format,
    key: await keyed(key, format, body),
    receivedAt: now,
  });
  return otlpSuccess(c, type);
});

// OpenTelemetry with an SDK's defaults (OTEL_EXPORTER_OTLP_ENDPOINT=http://host): each resource's records go
// to the stream its service.name (or the first of OTLP_STREAM_ATTRIBUTES it has) names.
ingestRoutes.post("/v1/logs", otlpAnswers, async (c) => {
  // Authorisation comes before the body is parsed: the token must at least be a write token.
  await authorize(c, "write");
  const type = mediaTypeOf(c.req.header("Content-Type"));
  const key = idempotencyKey(c);
  const { value, format, body } = await otlpExport(c, type);
  const now = Date.now();
  const groups = mapOtlpStreams(value, now, c.var.config.otlpStreamAttributes);
  await store(c, groups, { format, namedByBody: true, key: await keyed(key, format, body), receivedAt: now });
  return otlpSuccess(c, type);
});

// Loki push API: protobuf (Snappy-compressed, as Promtail, Grafana Alloy, Vector and winston-loki send it) or JSON.
ingestRoutes.post("/loki/api/v1/push", async (c) => {
  // Authorisation comes before the body is parsed: the token must at least be a write token.
  await authorize(c, "write");
  const key = idempotencyKey(c);
  const type = mediaTypeOf(c.req.header("Content-Type"));
  const { maxBodyBytes, lokiStreamLabels } = c.var.config;
  let value: unknown;
  let format: string;
  let body: string | Uint8Array;
  if (type === "" || type === "application/x-protobuf" || type === "application/protobuf") {
    // As Loki reads it: the protobuf is Snappy-compressed, unless Content-Encoding: snappy already said so.
    body = await readBody(c.req.raw, maxBodyBytes, { snappyPayload: true });
    value = decodeLokiPushRequest(body);
    format = "loki-protobuf";
  } else if (type === "application/json") {
    body = await bodyText(c);
    value = parseJsonText(body, "the Loki push body");
    format = "loki-json";
  } else {
    throw new ClientError(
      415,
      `Loki push as "${type}" is not supported: send application/x-protobuf (Snappy-compressed) or application/json`,
    );
  }
  const now = Date.now();
  await store(c, mapLokiPush(value, now, lokiStreamLabels), {
    format,
    namedByBody: true,
    key: await keyed(key, format, body),
    receivedAt: now,
  });
  return c.body(null, 204);
});
