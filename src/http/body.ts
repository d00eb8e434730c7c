import { ClientError } from "./errors";

const DECODINGS: Record<string, "gzip" | "deflate"> = { gzip: "gzip", "x-gzip": "gzip", deflate: "deflate" };

/**
 * Reads a request body, decompressing `Content-Encoding: gzip` or `deflate`, and refuses it with 413 once
 * more than `maxBytes` arrive (counted after decompression, so a small bomb cannot expand past the limit).
 */
export async function readBody(request: Request, maxBytes: number): Promise<Uint8Array> {
  const encoding = request.headers.get("Content-Encoding")?.trim().toLowerCase() ?? "identity";
  const format = DECODINGS[encoding];
  if (format === undefined && encoding !== "identity") {
    throw new ClientError(
      415,
      `Unsupported Content-Encoding "${encoding}": send gzip, deflate or an uncompressed body`,
    );
  }
  const declared = Number(request.headers.get("Content-Length") ?? Number.NaN);
  if (format === undefined && declared > maxBytes) throw tooLarge(maxBytes);
  if (request.body === null) return new Uint8Array(0);
  const stream = format === undefined ? request.body : request.body.pipeThrough(new DecompressionStream(format));
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.byteLength;
      if (size > maxBytes) throw tooLarge(maxBytes);
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof ClientError) throw error;
    throw new ClientError(400, `The ${encoding} body could not be decoded: ${(error as Error).message}`);
  }
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

/** The 413 for a body over `maxBytes` after decompression. */
export function tooLarge(maxBytes: number): ClientError {
  return new ClientError(
    413,
    `Body larger than ${maxBytes} bytes (after decompression): split the batch into smaller requests`,
  );
}
