import fc from "fast-check";
// @ts-expect-error -- snappyjs ships no type declarations; `compress` below is its one typed use.
import SnappyJS from "snappyjs";
import { describe, expect, it } from "vitest";
import { ClientError } from "../../src/errors";
import { snappyDecompress } from "../../src/http/snappy";

const MB = 1 << 20;

function errorOf(run: () => unknown): ClientError {
  try {
    run();
  } catch (error) {
    if (error instanceof ClientError) return error;
    throw error;
  }
  throw new Error("expected a ClientError");
}

const compress = (bytes: Uint8Array): Uint8Array => SnappyJS.compress(bytes);
const repetitive = fc
  .tuple(fc.array(fc.string({ unit: "grapheme", maxLength: 30 }), { minLength: 1, maxLength: 5 }), fc.nat({ max: 500 }))
  .map(([words, repeats]) =>
    new TextEncoder().encode(Array.from({ length: repeats }, (_, i) => words[i % words.length]).join(" ")),
  );
const input = fc.oneof(fc.uint8Array({ maxLength: 3000 }), repetitive);

/** Wraps blocks in the framing format: the stream identifier, then one chunk per piece. */
function frame(chunks: [type: number, data: Uint8Array][]): Uint8Array {
  const parts: Uint8Array[] = [Uint8Array.from([0xff, 0x06, 0x00, 0x00, 0x73, 0x4e, 0x61, 0x50, 0x70, 0x59])];
  for (const [type, data] of chunks) {
    parts.push(Uint8Array.from([type, data.length & 0xff, (data.length >> 8) & 0xff, data.length >> 16]), data);
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
const crc = (data: Uint8Array) => Uint8Array.from([0, 0, 0, 0, ...data]);

describe("snappyDecompress", () => {
  it("round-trips snappyjs's block format", () => {
    fc.assert(
      fc.property(input, (bytes) => {
        expect(snappyDecompress(compress(bytes), MB)).toEqual(bytes);
      }),
      { numRuns: 500 },
    );
  });

  it("round-trips a large repetitive body (long copies, overlapping copies, long literals)", () => {
    const line = new TextEncoder().encode(`${"level=info msg=hello ".repeat(2000)}${"x".repeat(70_000)}`);
    const random = crypto.getRandomValues(new Uint8Array(65_536));
    for (const body of [line, random, new Uint8Array(100_000)]) {
      expect(snappyDecompress(compress(body), MB)).toEqual(body);
    }
  });

  it("reads the framing format: compressed, uncompressed, skippable and repeated identifier chunks", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.uint8Array({ maxLength: 2000 })), { maxLength: 5 }), (pieces) => {
        const chunks: [number, Uint8Array][] = [[0xfe, new Uint8Array(3)]];
        for (const [compressed, data] of pieces) {
          chunks.push(compressed ? [0x00, crc(compress(data))] : [0x01, crc(data)], [0x80, Uint8Array.from([1, 2])]);
        }
        const framed = frame(chunks);
        const expected = new Uint8Array(pieces.flatMap(([, data]) => [...data]));
        expect(snappyDecompress(framed, MB)).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });

  it("refuses a declared length over maxBytes with a 413, before allocating", () => {
    // 0xffffffff (4 GiB - 1) as a varint, then a literal tag: 5 + 1 bytes that would need 4 GiB.
    const bomb = Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0x0f]);
    const error = errorOf(() => snappyDecompress(bomb, MB));
    expect(error.status).toBe(413);
    expect(error.message).toContain(`larger than ${MB} bytes after Snappy decompression`);
    expect(error.message).toContain("split the batch");
    expect(errorOf(() => snappyDecompress(compress(new Uint8Array(101)), 100)).status).toBe(413);
    expect(snappyDecompress(compress(new Uint8Array(100)), 100)).toHaveLength(100);
    const framed = frame([
      [0x00, crc(compress(new Uint8Array(60)))],
      [0x01, crc(new Uint8Array(60))],
    ]);
    expect(errorOf(() => snappyDecompress(framed, 100)).status).toBe(413);
  });

  const malformed: [string, number[], RegExp][] = [
    ["an empty body", [], /truncated uncompressed length/],
    ["a length varint over 5 bytes", [0x80, 0x80, 0x80, 0x80, 0x80, 0x01], /longer than 5 bytes/],
    ["a length over 32 bits", [0xff, 0xff, 0xff, 0xff, 0x7f], /over 32 bits/],
    ["a copy with offset 0", [0x05, 0x00, 0x61, 0x01, 0x00], /offset 0/],
    ["a copy before the start", [0x06, 0x00, 0x61, 0x01, 0x02], /before the start of the output/],
    ["a copy past the output", [0x03, 0x00, 0x61, 0x01, 0x01], /copy at byte 3 past the declared length 3/],
    ["a literal past the input", [0x05, 0x10, 0x61], /literal of 5 bytes at byte 1 past the end of the input/],
    ["a literal past the output", [0x01, 0x04, 0x61, 0x62], /literal at byte 1 past the declared length 1/],
    ["a literal length past the input", [0x05, 0xf0], /literal length at byte 1 past the end/],
    ["a truncated 2-byte copy", [0x05, 0x00, 0x61, 0x02, 0x01], /copy at byte 3 past the end of the input/],
    ["fewer bytes than declared", [0x05, 0x00, 0x61], /decompressed to 1 bytes but declares 5/],
  ];
  for (const [name, bytes, message] of malformed) {
    it(`refuses ${name} with a 400`, () => {
      const error = errorOf(() => snappyDecompress(Uint8Array.from(bytes), MB));
      expect(error.status).toBe(400);
      expect(error.message).toMatch(/^Malformed Snappy body: /);
      expect(error.message).toMatch(message);
    });
  }

  it("refuses malformed framing", () => {
    const cases: [Uint8Array, RegExp][] = [
      [frame([[0x02, new Uint8Array(1)]]), /reserved unskippable chunk type 0x2/],
      [frame([[0x00, new Uint8Array(2)]]), /too short for its checksum/],
      [frame([[0x01, crc(new Uint8Array(65_537))]]), /more than 65536 bytes/],
      [frame([[0x00, crc(compress(new Uint8Array(65_537)))]]), /chunk at byte 10: declares 65537 bytes/],
      [frame([[0x00, crc(Uint8Array.from([0x05, 0x00, 0x61]))]]), /chunk at byte 10: decompressed to 1 bytes/],
      [frame([[0xff, Uint8Array.from([1, 2, 3, 4, 5, 6])]]), /bad stream identifier at byte 10/],
      [frame([]).subarray(0, 9), /^Malformed Snappy body: /],
      [Uint8Array.from([...frame([]), 0x01, 0x10, 0x00]), /truncated chunk header at byte 10/],
      [Uint8Array.from([...frame([]), 0x01, 0x10, 0x00, 0x00]), /chunk at byte 10 of 16 bytes past the end/],
    ];
    for (const [bytes, message] of cases) {
      const error = errorOf(() => snappyDecompress(bytes, MB));
      expect(error.status).toBe(400);
      expect(error.message).toMatch(message);
    }
  });

  it("only ever returns or throws a ClientError 400/413 on random or mutated bytes", () => {
    const mutated = fc.tuple(input, fc.nat(), fc.nat({ max: 255 })).map(([bytes, at, byte]) => {
      const compressed = compress(bytes);
      compressed[at % compressed.length] = byte;
      return compressed;
    });
    const framed = fc.uint8Array({ maxLength: 100 }).map((tail) => Uint8Array.from([...frame([]), ...tail]));
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 100 }), mutated, framed), (bytes) => {
        try {
          snappyDecompress(bytes, 64 * 1024);
        } catch (error) {
          expect(error).toBeInstanceOf(ClientError);
          expect([400, 413]).toContain((error as ClientError).status);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
