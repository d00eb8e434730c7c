import { BinaryReader, BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ClientError } from "../../src/errors";
import { ProtoReader, ProtoWriter } from "../../src/ingest/protobuf";

/** Reads field 1 of a one-field message with `read`. */
function readOne<T>(bytes: Uint8Array, read: (r: ProtoReader, wire: number) => T): T | undefined {
  const r = new ProtoReader(bytes, "Test");
  let value: T | undefined;
  r.root("Msg", (field, wire) => {
    if (field === 1) value = read(r, wire);
    else r.skip(wire);
  });
  return value;
}

/** Reads every field of `bytes` by skipping it, so only the framing is checked. */
function skipAll(bytes: Uint8Array): void {
  const r = new ProtoReader(bytes, "Test");
  r.root("Msg", (_field, wire) => r.skip(wire));
}

function errorOf(run: () => unknown): ClientError {
  try {
    run();
  } catch (error) {
    if (error instanceof ClientError) return error;
    throw error;
  }
  throw new Error("expected a ClientError");
}

const U64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
const I64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });

describe("ProtoReader against @bufbuild/protobuf's BinaryWriter", () => {
  it("reads uint64, int64, fixed64 as decimal strings", () => {
    fc.assert(
      fc.property(U64, I64, U64, (u, i, f) => {
        const w = new BinaryWriter().tag(1, WireType.Varint).uint64(u);
        expect(readOne(w.finish(), (r, wire) => r.uint64(wire))).toBe(String(u));
        const wi = new BinaryWriter().tag(1, WireType.Varint).int64(i);
        expect(readOne(wi.finish(), (r, wire) => r.int64(wire))).toBe(String(i));
        const wf = new BinaryWriter().tag(1, WireType.Bit64).fixed64(f);
        expect(readOne(wf.finish(), (r, wire) => r.fixed64(wire))).toBe(String(f));
      }),
    );
  });

  it("reads int32 (negatives are 10-byte varints), uint32, fixed32, bool, double", () => {
    fc.assert(
      fc.property(fc.integer(), fc.nat({ max: 2 ** 32 - 1 }), fc.boolean(), fc.double(), (i, u, b, d) => {
        const read = <T>(write: (w: BinaryWriter) => BinaryWriter, r: (p: ProtoReader, wire: number) => T) =>
          readOne(write(new BinaryWriter()).finish(), r);
        expect(
          read(
            (w) => w.tag(1, WireType.Varint).int32(i),
            (r, wire) => r.int32(wire),
          ),
        ).toBe(i);
        expect(
          read(
            (w) => w.tag(1, WireType.Varint).uint32(u),
            (r, wire) => r.uint32(wire),
          ),
        ).toBe(u);
        expect(
          read(
            (w) => w.tag(1, WireType.Bit32).fixed32(u),
            (r, wire) => r.fixed32(wire),
          ),
        ).toBe(u);
        expect(
          read(
            (w) => w.tag(1, WireType.Varint).bool(b),
            (r, wire) => r.bool(wire),
          ),
        ).toBe(b);
        expect(
          read(
            (w) => w.tag(1, WireType.Bit64).double(d),
            (r, wire) => r.double(wire),
          ),
        ).toBe(d);
      }),
    );
  });

  it("reads strings (including a leading BOM) and bytes", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), fc.uint8Array(), (s, b) => {
        const text = `\uFEFF${s}`;
        expect(
          readOne(new BinaryWriter().tag(1, WireType.LengthDelimited).string(text).finish(), (r, w) => r.string(w)),
        ).toBe(text);
        expect(
          readOne(new BinaryWriter().tag(1, WireType.LengthDelimited).bytes(b).finish(), (r, w) => r.bytesField(w)),
        ).toEqual(b);
      }),
    );
  });

  it("reads embedded messages and skips unknown fields of every wire type", () => {
    const bytes = new BinaryWriter()
      .tag(7, WireType.Varint)
      .uint64(2n ** 63n)
      .tag(8, WireType.Bit64)
      .fixed64(1)
      .tag(9, WireType.Bit32)
      .fixed32(1)
      .tag(10, WireType.LengthDelimited)
      .bytes(new Uint8Array(300))
      .tag(1, WireType.LengthDelimited)
      .fork()
      .tag(99, WireType.Varint)
      .int32(-1)
      .tag(2, WireType.LengthDelimited)
      .string("inner")
      .join()
      .tag(536870911, WireType.Varint)
      .int32(5)
      .finish();
    const inner = readOne(bytes, (r, wire) => {
      let text = "";
      r.message(wire, "Inner", (field, w) => {
        if (field === 2) text = r.string(w);
        else r.skip(w);
      });
      return text;
    });
    expect(inner).toBe("inner");
  });
});

describe("ProtoReader refuses malformed bytes with a ClientError 400", () => {
  const cases: [string, number[], RegExp][] = [
    ["truncated varint", [0x08, 0x80], /truncated varint/],
    ["varint over 10 bytes", [0x08, ...Array(10).fill(0xff), 0x01], /longer than 10 bytes|overflows 64 bits/],
    ["11-byte varint", [0x08, ...Array(10).fill(0x80), 0x00], /longer than 10 bytes/],
    ["length past the end", [0x0a, 0x05, 0x61], /field 1 of Msg: length 5 past the end of the body/],
    ["huge length", [0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f], /length 4294967295 past the end/],
    ["start group", [0x0b], /groups/],
    ["end group", [0x0c], /groups/],
    ["wire type 6", [0x0e], /unknown wire type 6/],
    ["field 0", [0x00, 0x01], /field number 0/],
    ["truncated fixed64", [0x09, 1, 2, 3], /8 bytes needed but only 3 left/],
    ["truncated fixed32", [0x0d, 1], /4 bytes needed but only 1 left/],
  ];
  for (const [name, bytes, message] of cases) {
    it(name, () => {
      const error = errorOf(() => skipAll(Uint8Array.from(bytes)));
      expect(error.status).toBe(400);
      expect(error.message).toMatch(/^Malformed Test protobuf: /);
      expect(error.message).toMatch(message);
    });
  }

  it("names the enclosing message when an inner length overruns it", () => {
    // Field 1 (3 bytes) holds field 2 claiming 5 bytes.
    const bytes = Uint8Array.from([0x0a, 0x03, 0x12, 0x05, 0x61, 0x62, 0x63, 0x64, 0x65]);
    const error = errorOf(() => readOne(bytes, (r, wire) => r.message(wire, "Inner", (_f, w) => r.skip(w))));
    expect(error.message).toContain("field 2 of Inner: length 5 past the end of its enclosing message");
  });

  it("refuses a wrong wire type and invalid UTF-8", () => {
    expect(errorOf(() => readOne(Uint8Array.from([0x08, 0x01]), (r, w) => r.string(w))).message).toContain(
      "field 1 of Msg: wire type varint, expected length-delimited",
    );
    expect(errorOf(() => readOne(Uint8Array.from([0x0a, 0x01, 0xff]), (r, w) => r.string(w))).message).toContain(
      "not valid UTF-8",
    );
  });

  it("never throws anything but a ClientError 400 on random bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          skipAll(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(ClientError);
          expect((error as ClientError).status).toBe(400);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe("ProtoWriter against @bufbuild/protobuf's BinaryReader", () => {
  it("writes varints (negatives sign-extended), strings and embedded messages", () => {
    fc.assert(
      fc.property(I64, fc.integer(), fc.string({ unit: "grapheme" }), (big, small, text) => {
        const inner = new ProtoWriter().string(2, text).finish();
        const bytes = new ProtoWriter().varint(1, big).varint(2, small).bytes(3, inner).finish();
        const r = new BinaryReader(bytes);
        expect(r.tag()).toEqual([1, WireType.Varint]);
        expect(BigInt(r.int64())).toBe(big);
        expect(r.tag()).toEqual([2, WireType.Varint]);
        expect(r.int32()).toBe(small);
        expect(r.tag()).toEqual([3, WireType.LengthDelimited]);
        const nested = new BinaryReader(r.bytes());
        expect(nested.tag()).toEqual([2, WireType.LengthDelimited]);
        expect(nested.string()).toBe(text);
        expect(r.pos).toBe(bytes.length);
      }),
    );
  });
});
