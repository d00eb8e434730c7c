// Storing one request's stream groups all or nothing: limits, write rights and rate limits first, then appends.
import type { IngestResult } from "../../lib/types";
import { ClientError } from "../errors";
import { concatBytes } from "../http/bytes";
import { type AppContext, authorize, streamStub } from "../http/context";
import type { AppendOptions, AppendResult } from "../log-stream";
import type { Batch } from "../stream/stored";
import { type StreamBatch, type StreamGroup, toBatches } from "./groups";

/** An idempotency key, and the digest of what it was sent with (a resend carries the same). */
export interface Keyed {
  key: string;
  digest: string;
}

/** How a request's groups are stored. */
export interface StoreOptions {
  /** The client's Idempotency-Key, and the digest of the body it came with: kept by every stream it reaches. */
  key?: Keyed;
  /**
   * The time of receipt the decoders gave entries without a time of their own. Set (Loki, OTLP) and without
   * a client's key, each stream's part is keyed by its own digest, so a resent push stores each part once.
   */
  receivedAt?: number;
  /** The wire format, as `stats().received` counts it (with the Content-Encoding added). */
  format: string;
  /** The body named the streams, so each one's write right is checked here (a path's was checked already). */
  namedByBody?: boolean;
}

const encoder = new TextEncoder();

/**
 * Stores one request's groups all or nothing: the limits and every stream's write right are checked first,
 * then (for several streams) every stream's rate limit admits the request, and only then is anything
 * appended. A refusal at any step stores nothing on any stream.
 */
export async function store(c: AppContext, groups: StreamGroup[], options: StoreOptions): Promise<IngestResult[]> {
  const { maxEntries, maxEntryLength } = c.var.config;
  const batches = toBatches(groups, { maxEntries, maxLength: maxEntryLength });
  if (options.namedByBody) for (const { stream } of batches) await authorize(c, "write", stream);
  // Counted with its Content-Encoding ("otlp-protobuf+gzip"), so what a shipper really sent can be checked.
  const encoding = c.req.header("Content-Encoding")?.trim().toLowerCase();
  const format = encoding && encoding !== "identity" ? `${options.format}+${encoding}` : options.format;
  const keys = await Promise.all(
    batches.map(({ batch }) => options.key ?? derivedKey(batch, format, options.receivedAt)),
  );
  for (const [i, { batch }] of batches.entries()) if (keys[i] !== undefined) batch.key = keys[i].key;
  if (batches.length === 1) {
    const [only] = batches as [StreamBatch];
    const append: AppendOptions = { format };
    if (keys[0] !== undefined) append.digest = keys[0].digest;
    return [answer(await streamStub(c, only.stream).append(only.batch, only.stream, append), options.key?.key)];
  }
  const stubs = batches.map(({ stream }) => streamStub(c, stream));
  const waits = await Promise.all(stubs.map((stub) => stub.admit()));
  const longest = Math.max(0, ...waits);
  if (longest > 0) {
    await Promise.all(stubs.map((stub, i) => (waits[i] === 0 ? stub.refund() : undefined)));
    throw tooMany(longest);
  }
  const answers = await Promise.all(
    batches.map(({ stream, batch }, i) =>
      (stubs[i] as (typeof stubs)[number]).append(batch, stream, { admitted: true, format, digest: keys[i]?.digest }),
    ),
  );
  return answers.map((result) => answer(result, options.key?.key));
}

function answer(result: AppendResult, key: string | undefined): IngestResult {
  if (result.ok) return result.result;
  if (result.refused === "key-reused") {
    throw new ClientError(
      422,
      `Idempotency-Key ${JSON.stringify(key)} was used for a different batch in the last 15 minutes: send each new batch with a fresh key, and reuse a key only to resend the same batch`,
    );
  }
  throw tooMany(result.retryAfterMs);
}

function tooMany(retryAfterMs: number): ClientError {
  return new ClientError(429, "Too many requests to this stream: wait for Retry-After seconds, then resend", {
    "Retry-After": String(Math.max(1, Math.ceil(retryAfterMs / 1000))),
  });
}

/**
 * A stream's part of a push keyed by the digest of its entries, so the part resent digests the same. None when
 * an entry has no time of its own (it took `receivedAt`): such a part cannot be told from the same lines sent
 * again on purpose, so it is stored as often as it comes.
 */
async function derivedKey(batch: Batch, format: string, receivedAt: number | undefined): Promise<Keyed | undefined> {
  if (receivedAt === undefined || batch.tails.includes(`"time":${receivedAt},`)) return undefined;
  const digest = await bodyDigest(format, batch.tails);
  return { key: `part:${digest}`, digest };
}

/**
 * SHA-256 of a request's body (decompressed) and its Content-Type, in hex: what tells a resend from another
 * batch under the same Idempotency-Key (the entries themselves differ, as they carry the time of receipt).
 */
export async function bodyDigest(contentType: string, body: string | Uint8Array): Promise<string> {
  const head = `${contentType}\n`;
  const bytes =
    typeof body === "string"
      ? encoder.encode(head + body)
      : concatBytes([encoder.encode(head), body], head.length + body.byteLength);
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(hash, (byte) => byte.toString(16).padStart(2, "0")).join("");
}
