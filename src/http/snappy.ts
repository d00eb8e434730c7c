// Snappy decompression (block and framing formats), bounded so a small body cannot expand past the limit.
import { ClientError } from "../errors";
import { concatBytes } from "./bytes";

/** The framing format's stream identifier chunk: type 0xff, length 6, "sNaPpY". */
const STREAM_IDENTIFIER = [0xff, 0x06, 0x00, 0x00, 0x73, 0x4e, 0x61, 0x50, 0x70, 0x59];
/** The framing format caps the uncompressed data of one chunk at 64 KiB. */
const MAX_CHUNK_DATA = 65_536;

/**
 * Decompresses a Snappy body: the block format (as Loki and Prometheus remote write send it) or, when it starts
 * with the stream identifier, the framing format. A declared size over `maxBytes` throws `ClientError(413)`
 * before anything is allocated; malformed input throws `ClientError(400)` naming the problem.
 */
export function snappyDecompress(bytes: Uint8Array, maxBytes: number): Uint8Array {
  return isFramed(bytes)
    ? decompressFramed(bytes, maxBytes)
    : decompressBlock(bytes, { maxBytes, used: 0, cap: Number.POSITIVE_INFINITY, where: "" });
}

// A block could in theory begin with these ten bytes too, but no real client sends such a block.
function isFramed(bytes: Uint8Array): boolean {
  return STREAM_IDENTIFIER.every((byte, i) => bytes[i] === byte);
}

function malformed(problem: string): never {
  throw new ClientError(400, `Malformed Snappy body: ${problem}; send Snappy block or framing format data`);
}

function tooLarge(maxBytes: number, declared: number): never {
  throw new ClientError(
    413,
    `The body is larger than ${maxBytes} bytes after Snappy decompression (it declares at least ${declared}); split the batch into smaller requests`,
  );
}

interface BlockLimits {
  maxBytes: number;
  /** How much of `maxBytes` earlier framed chunks took. */
  used: number;
  /** The most one block may declare (64 KiB inside a framed body). */
  cap: number;
  /** Where the block is, for errors: "" or "chunk at byte N: ". */
  where: string;
}

function decompressBlock(input: Uint8Array, { maxBytes, used, cap, where }: BlockLimits): Uint8Array {
  const fail: (problem: string) => never = (problem) => malformed(where + problem);
  let pos = 0;
  let length = 0;
  // The uncompressed length is a varint of at most 32 bits (5 bytes).
  for (let shift = 0; ; shift += 7) {
    if (shift > 28) fail("uncompressed length varint is longer than 5 bytes");
    const byte = input[pos++];
    if (byte === undefined) fail("truncated uncompressed length");
    length += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) break;
  }
  if (length > 0xffff_ffff) fail(`uncompressed length ${length} is over 32 bits`);
  if (used + length > maxBytes) tooLarge(maxBytes, used + length);
  if (length > cap) fail(`declares ${length} bytes, more than the ${cap} a chunk may hold`);
  const out = new Uint8Array(length);
  let outPos = 0;
  while (pos < input.length) {
    const at = pos;
    const tag = input[pos++] ?? 0;
    let size: number;
    let offset = 0;
    const kind = tag & 3;
    if (kind === 0) {
      size = tag >>> 2;
      // Sizes 60 to 63 say the length minus one follows in 1 to 4 little-endian bytes.
      if (size >= 60) {
        const extra = size - 59;
        if (pos + extra > input.length) fail(`literal length at byte ${at} past the end of the input`);
        size = littleEndian(input, pos, extra);
        pos += extra;
      }
      size += 1;
      if (size > input.length - pos) fail(`literal of ${size} bytes at byte ${at} past the end of the input`);
      if (size > length - outPos) fail(`literal at byte ${at} past the declared length ${length}`);
      out.set(input.subarray(pos, pos + size), outPos);
      pos += size;
      outPos += size;
      continue;
    }
    if (kind === 1) {
      if (pos + 1 > input.length) fail(`copy at byte ${at} past the end of the input`);
      size = ((tag >>> 2) & 7) + 4;
      offset = ((tag >>> 5) << 8) | (input[pos] ?? 0);
      pos += 1;
    } else {
      const width = kind === 2 ? 2 : 4;
      if (pos + width > input.length) fail(`copy at byte ${at} past the end of the input`);
      size = (tag >>> 2) + 1;
      offset = littleEndian(input, pos, width);
      pos += width;
    }
    if (offset === 0) fail(`copy at byte ${at} has offset 0`);
    if (offset > outPos) fail(`copy at byte ${at} reaches ${offset} bytes back, before the start of the output`);
    if (size > length - outPos) fail(`copy at byte ${at} past the declared length ${length}`);
    copy(out, outPos, offset, size);
    outPos += size;
  }
  if (outPos !== length) fail(`decompressed to ${outPos} bytes but declares ${length}`);
  return out;
}

function littleEndian(input: Uint8Array, pos: number, width: number): number {
  let value = 0;
  for (let i = width - 1; i >= 0; i--) value = value * 256 + (input[pos + i] ?? 0);
  return value;
}

/** Copies `size` bytes from `offset` back; an overlapping copy repeats the pattern, as Snappy intends. */
function copy(out: Uint8Array, outPos: number, offset: number, size: number): void {
  const from = outPos - offset;
  if (offset >= size) {
    out.copyWithin(outPos, from, from + size);
    return;
  }
  for (let i = 0; i < size; i++) out[outPos + i] = out[from + i] ?? 0;
}

/** The framing format: chunks of a type byte, a 3-byte little-endian length and data. */
function decompressFramed(input: Uint8Array, maxBytes: number): Uint8Array {
  const parts: Uint8Array[] = [];
  let total = 0;
  let pos = 0;
  while (pos < input.length) {
    const at = pos;
    if (pos + 4 > input.length) malformed(`truncated chunk header at byte ${at}`);
    const type = input[pos] ?? 0;
    const size = littleEndian(input, pos + 1, 3);
    pos += 4;
    if (size > input.length - pos) malformed(`chunk at byte ${at} of ${size} bytes past the end of the input`);
    const data = input.subarray(pos, pos + size);
    pos += size;
    if (type === 0xff) {
      if (!isFramed(input.subarray(at))) malformed(`bad stream identifier at byte ${at}`);
    } else if (type === 0x00 || type === 0x01) {
      // Each data chunk starts with a masked CRC-32C of its uncompressed data, which this does not verify:
      // the body already came over a checksummed connection.
      if (size < 4) malformed(`chunk at byte ${at} is too short for its checksum`);
      const limits = { maxBytes, used: total, cap: MAX_CHUNK_DATA, where: `chunk at byte ${at}: ` };
      const part = type === 0x00 ? decompressBlock(data.subarray(4), limits) : data.subarray(4);
      if (part.length > MAX_CHUNK_DATA) malformed(`chunk at byte ${at} holds more than ${MAX_CHUNK_DATA} bytes`);
      total += part.length;
      if (total > maxBytes) tooLarge(maxBytes, total);
      parts.push(part);
    } else if (type < 0x80) {
      malformed(`reserved unskippable chunk type 0x${type.toString(16)} at byte ${at}`);
    }
    // Types 0x80 to 0xfe are skippable (0xfe is padding).
  }
  return concatBytes(parts, total);
}
