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
  const stream =
    request.body === null || format === undefined || format === "snappy"
      ? request.body
      : request.body.pipeThrough(new DecompressionStream(format));
  let body = stream === null ? new Uint8Array(0) : await readAll(stream, firstLimit, maxBytes, encoding);
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
