// Reading a request body: Content-Encoding undone, size capped after decompression, media types.
import { ClientError } from "../errors";
import { concatBytes } from "./bytes";
import { snappyDecompress } from "./snappy";

type Encoding = "gzip" | "deflate" | "snappy";

const DECODINGS: Record<string, Encoding> = {
  gzip: "gzip",
  "x-gzip": "gzip",
  deflate: "deflate",
  snappy: "snappy",
};

/** How a body is read. */
export interface BodyOptions {
  /** The payload itself (once any Content-Encoding is undone) is Snappy-compressed, as Loki's protobuf is. */
  snappyPayload?: boolean;
}

/** The most a Snappy encoding of `maxBytes` can take (the format's worst case: 32 + n + n/6). */
function snappyBound(maxBytes: number): number {
  return 32 + maxBytes + Math.ceil(maxBytes / 6);
}

/**
 * Reads a request body, undoing `Content-Encoding: gzip`, `deflate` or `snappy` (and a Snappy payload when
 * `options.snappyPayload`), and refuses it with 413 once it is larger than `maxBytes` after decompression (a
 * small bomb cannot expand past the limit; a Snappy length is checked before anything is allocated).
 */
export async function readBody(request: Request, maxBytes: number, options: BodyOptions = {}): Promise<Uint8Array> {
  const encoding = request.headers.get("Content-Encoding")?.trim().toLowerCase() || "identity";
  const format = DECODINGS[encoding];
  if (format === undefined && encoding !== "identity") {
    throw new ClientError(
      415,
      `Unsupported Content-Encoding "${encoding}": send gzip, deflate, snappy or an uncompressed body`,
    );
  }
  const snappyBytes = format === "snappy" || options.snappyPayload === true;
  // A Snappy stage comes next: its input may be a little larger than its output.
  const firstLimit = snappyBytes ? snappyBound(maxBytes) : maxBytes;
  const declared = Number(request.headers.get("Content-Length") ?? Number.NaN);
  if ((format === undefined || format === "snappy") && declared > firstLimit) throw tooLarge(maxBytes);
  let body: Uint8Array;
  if (request.body === null) body = new Uint8Array(0);
  else if (format === "gzip")
    body = await gunzipMembers(
      await readAll(request.body, gzipBound(maxBytes), maxBytes, encoding),
      firstLimit,
      maxBytes,
    );
  else {
    const stream = format === "deflate" ? request.body.pipeThrough(new DecompressionStream(format)) : request.body;
    body = await readAll(stream, firstLimit, maxBytes, encoding);
  }
  if (snappyBytes) body = snappyDecompress(body, maxBytes);
  return body;
}

async function readAll(
  stream: ReadableStream<Uint8Array>,
  limit: number,
  maxBytes: number,
  encoding: string,
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.byteLength;
      if (size > limit) throw tooLarge(maxBytes);
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof ClientError) throw error;
    throw new ClientError(400, `The ${encoding} body could not be decoded: ${(error as Error).message}`);
  }
  return concatBytes(chunks, size);
}

/** The most compressed gzip read before it is decompressed: a tiny member per line can outgrow its text. */
function gzipBound(maxBytes: number): number {
  return 4 * maxBytes + 65_536;
}

/** Members tried at most as possible ends of one gzip member, so a hostile body cannot make many attempts. */
const MAX_MEMBER_TRIES = 16;

/**
 * Every member of a gzip body (RFC 1952: `cat a.gz b.gz` is one gzip file), at most `limit` bytes in all.
 * DecompressionStream reads one member and calls the rest trailing bytes, so each member's end is found by
 * trying the places where the next one could start (its magic bytes); the member's CRC confirms the place.
 */
async function gunzipMembers(bytes: Uint8Array, limit: number, maxBytes: number): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let size = 0;
  let start = 0;
  let tries = 0;
  while (start < bytes.byteLength) {
    let failure: unknown;
    let end = bytes.byteLength;
    for (;;) {
      try {
        const part = await readAll(gunzip(bytes.subarray(start, end)), limit - size, maxBytes, "gzip");
        parts.push(part);
        size += part.byteLength;
        break;
      } catch (error) {
        if (!(error instanceof ClientError) || error.status !== 400) throw error;
        // Only data after a complete member sends the search on: any other fault is the answer as it is.
        if (failure === undefined && !/trailing/i.test(error.message)) throw error;
        failure ??= error;
        end = nextMember(bytes, end === bytes.byteLength ? start + 18 : end + 1);
        if (end < 0 || ++tries > MAX_MEMBER_TRIES) throw failure;
      }
    }
    start = end;
  }
  return concatBytes(parts, size);
}

function gunzip(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
}

/** Where a gzip member's header (1f 8b 08) next starts at or after `from`; -1 when none does. */
function nextMember(bytes: Uint8Array, from: number): number {
  for (let i = from; i + 2 < bytes.byteLength; i++) {
    if (bytes[i] === 0x1f && bytes[i + 1] === 0x8b && bytes[i + 2] === 0x08) return i;
  }
  return -1;
}

/** The 413 for a body over `maxBytes` after decompression. */
export function tooLarge(maxBytes: number): ClientError {
  return new ClientError(
    413,
    `Body larger than ${maxBytes} bytes (after decompression): split the batch into smaller requests`,
  );
}

/** A Content-Type's media type, lower-cased and without parameters ("" when there is none). */
export function mediaTypeOf(contentType: string | null | undefined): string {
  return (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
}
