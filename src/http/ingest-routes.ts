import { Hono } from "hono";
import { decoderFor } from "../ingest/formats";
import type { StreamGroup } from "../ingest/groups";
import { parseJsonText } from "../ingest/json";
import { mapLokiPush } from "../ingest/loki";
import { decodeLokiPushRequest } from "../ingest/loki-proto";
import { mapOtlpResources, type OtlpResource } from "../ingest/otlp";
import { decodeOtlpLogsRequest } from "../ingest/otlp-proto";
import { mediaTypeOf, readBody } from "./body";
import { type AppContext, type AppEnv, authorize, streamRoute } from "./context";
import { ClientError } from "./errors";
import { isProtobuf, otlpAnswers, otlpSuccess } from "./otlp-answers";
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
  const decode = decoderFor(c.req.header("Content-Type"));
  const key = idempotencyKey(c);
  const stream = c.req.param("stream");
  const text = await bodyText(c);
  // Parsed and serialised here, so the Durable Object only stores the batch and prefixes ids.
  const drafts = decode(text, Date.now());
  const format = mediaTypeOf(c.req.header("Content-Type"));
  const [result] = await store(c, [{ stream, drafts, source: "the path" }], {
    key: await keyed(key, format, text),
    format,
  });
  return c.json(result, 202);
});

/** An OTLP export: its resources, its wire format and its body (decompressed), for an Idempotency-Key's digest. */
interface OtlpExport {
  resources: OtlpResource[];
  format: string;
  body: string | Uint8Array;
}

/** An OTLP export's resources, from protobuf or JSON by its Content-Type (a 415 otherwise). */
async function otlpResources(c: AppContext, now: number): Promise<OtlpExport> {
  const type = c.req.header("Content-Type");
  if (isProtobuf(type)) {
    const body = await readBody(c.req.raw, c.var.config.maxBodyBytes);
    return { resources: mapOtlpResources(decodeOtlpLogsRequest(body), now), format: "otlp-protobuf", body };
  }
  if (mediaTypeOf(type) === "application/json") {
    const body = await bodyText(c);
    const value = parseJsonText(body, "the OTLP JSON body");
    return { resources: mapOtlpResources(value, now), format: "otlp-json", body };
  }
  throw new ClientError(
    415,
    `OTLP as ${type ? `"${type}"` : "no Content-Type"} is not supported: send application/x-protobuf or application/json (OTLP/HTTP)`,
  );
}

// OpenTelemetry with the stream in the path: point an OTLP/HTTP log exporter at http://host/otlp/{stream}.
ingestRoutes.post("/otlp/:stream/v1/logs", otlpAnswers, streamRoute("write"), async (c) => {
  const key = idempotencyKey(c);
  const now = Date.now();
  const { resources, format, body } = await otlpResources(c, now);
  const stream = c.req.param("stream");
  await store(c, [{ stream, drafts: resources.flatMap((resource) => resource.drafts), source: "the path" }], {
    format,
    key: await keyed(key, format, body),
    receivedAt: now,
  });
  return otlpSuccess(c);
});

// OpenTelemetry with an SDK's defaults (OTEL_EXPORTER_OTLP_ENDPOINT=http://host): each resource's records go
// to the stream its service.name (or the first of OTLP_STREAM_ATTRIBUTES it has) names.
ingestRoutes.post("/v1/logs", otlpAnswers, async (c) => {
  // Authorisation comes before the body is parsed: the token must at least be a write token.
  await authorize(c, "write");
  const key = idempotencyKey(c);
  const now = Date.now();
  const { resources, format, body } = await otlpResources(c, now);
  const names = c.var.config.otlpStreamAttributes;
  const groups = new Map<string, StreamGroup>();
  for (const resource of resources) {
    if (resource.drafts.length === 0) continue;
    const attribute = names.find(
      (name) => typeof resource.attributes[name] === "string" && resource.attributes[name] !== "",
    );
    if (attribute === undefined) {
      throw new ClientError(
        400,
        `${resource.where}.resource has no ${names.join(" or ")} attribute to name its stream: set OTEL_SERVICE_NAME, or send to /otlp/{stream}/v1/logs`,
      );
    }
    const stream = resource.attributes[attribute] as string;
    const group = groups.get(stream) ?? { stream, drafts: [], source: `${resource.where}, attribute ${attribute}` };
    group.drafts.push(...resource.drafts);
    groups.set(stream, group);
  }
  await store(c, [...groups.values()], {
    format,
    namedByBody: true,
    key: await keyed(key, format, body),
    receivedAt: now,
  });
  return otlpSuccess(c);
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
