import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ClientError } from "../../src/errors";
import { parseLokiLabels } from "../../src/ingest/loki-labels";
import { decodeLokiPushRequest } from "../../src/ingest/loki-proto";

interface Entry {
  seconds: bigint;
  nanos: number;
  line: string;
  metadata: [string, string][];
}
interface Stream {
  labels: Record<string, string>;
  entries: Entry[];
}

const LD = WireType.LengthDelimited;

/** Formats labels as Loki's Go client does; JSON string escapes are all valid Go escapes. */
function formatLabels(labels: Record<string, string>): string {
  return `{${Object.entries(labels)
    .map(([name, value]) => `${name}=${JSON.stringify(value)}`)
    .join(", ")}}`;
}

/** Encodes a `logproto.PushRequest` field by field (numbers from grafana/loki pkg/push/push.proto). */
function encodePush(streams: Stream[]): Uint8Array {
  const w = new BinaryWriter();
  for (const stream of streams) {
    w.tag(1, LD).fork().tag(1, LD).string(formatLabels(stream.labels));
    for (const entry of stream.entries) {
      w.tag(2, LD).fork();
      w.tag(1, LD)
        .fork()
        .tag(1, WireType.Varint)
        .int64(entry.seconds)
        .tag(2, WireType.Varint)
        .int32(entry.nanos)
        .join();
      w.tag(2, LD).string(entry.line);
      for (const [name, value] of entry.metadata) {
        w.tag(3, LD).fork().tag(1, LD).string(name).tag(2, LD).string(value).join();
      }
      w.join();
    }
    w.tag(3, WireType.Varint).uint64(12345n).join();
  }
  return w.tag(2, LD).string("loki").finish();
}

function expected(streams: Stream[]): unknown {
  return {
    streams: streams.map((s) => ({
      stream: s.labels,
      values: s.entries.map((e) => {
        const time = String(e.seconds * 1_000_000_000n + BigInt(e.nanos));
        return e.metadata.length > 0 ? [time, e.line, Object.fromEntries(e.metadata)] : [time, e.line];
      }),
    })),
  };
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

const text = fc.string({ unit: "grapheme", maxLength: 20 });
const labelName = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,8}$/);
const labels = fc.dictionary(labelName, text, { maxKeys: 5 });
const entry: fc.Arbitrary<Entry> = fc.record({
  seconds: fc.bigInt({ min: 0n, max: 2n ** 40n }),
  nanos: fc.integer({ min: 0, max: 999_999_999 }),
  line: text,
  metadata: fc.uniqueArray(fc.tuple(labelName, text), { maxLength: 3, selector: ([name]) => name }),
});
const streams = fc.array(fc.record({ labels, entries: fc.array(entry, { maxLength: 4 }) }), { maxLength: 4 });

describe("decodeLokiPushRequest", () => {
  it("decodes random push requests encoded with BinaryWriter into the JSON push shape", () => {
    fc.assert(
      fc.property(streams, (s) => {
        expect(decodeLokiPushRequest(encodePush(s))).toEqual(expected(s));
      }),
      { numRuns: 300 },
    );
  });

  it("refuses a Timestamp with nanos out of range, and bad labels", () => {
    const bad = [{ labels: { job: "x" }, entries: [{ seconds: 1n, nanos: -1, line: "l", metadata: [] }] }];
    expect(errorOf(() => decodeLokiPushRequest(encodePush(bad))).message).toMatch(
      /^Malformed Loki protobuf: .*Timestamp nanos -1 outside/,
    );
    const unlabelled = new BinaryWriter().tag(1, LD).fork().tag(1, LD).string("job=x").join().finish();
    expect(errorOf(() => decodeLokiPushRequest(unlabelled)).status).toBe(400);
  });

  it("only ever returns or throws a ClientError 400 on random or mutated bytes", () => {
    const mutated = fc.tuple(streams, fc.nat(), fc.nat({ max: 255 })).map(([s, at, byte]) => {
      const bytes = encodePush(s);
      bytes[at % bytes.length] = byte;
      return bytes;
    });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 200 }), mutated), (bytes) => {
        try {
          decodeLokiPushRequest(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(ClientError);
          expect((error as ClientError).status).toBe(400);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe("parseLokiLabels", () => {
  it("reads what formatLabels writes", () => {
    fc.assert(
      fc.property(labels, (l) => {
        expect(parseLokiLabels(formatLabels(l))).toEqual(l);
      }),
    );
  });

  it("reads Go escapes, raw and quoted names, whitespace and a trailing comma", () => {
    expect(
      parseLokiLabels(
        ' {\tjob = "x" ,level="info",\n msg="a \\"quoted\\" \\\\ value\\n", "my.label"=`raw \\n`, e="\\x41\\101\\u00e9\\U0001F600\\xc3\\xa9\\t", }',
      ),
    ).toEqual({
      job: "x",
      level: "info",
      msg: 'a "quoted" \\ value\n',
      "my.label": "raw \\n",
      e: "AAé😀é\t",
    });
    expect(parseLokiLabels("{}")).toEqual({});
    expect(parseLokiLabels(" { } ")).toEqual({});
    const proto = parseLokiLabels('{__proto__="x"}');
    expect(Object.getPrototypeOf(proto)).toBe(Object.prototype);
    expect(Object.keys(proto)).toEqual(["__proto__"]);
  });

  const malformed: [string, RegExp][] = [
    ["", /position 0: expected '\{'/],
    ['job="x"', /position 0: expected '\{'/],
    ['{job="x"', /position 8: expected '\}'/],
    ['{job="x"} extra', /position 10: unexpected text/],
    ['{job:"x"}', /position 4: expected '='/],
    ['{1job="x"}', /position 1: expected a label name/],
    ["{job=x}", /position 5: expected a quoted value/],
    ['{job="x}', /unterminated string/],
    ['{job="a\nb"}', /unterminated string/],
    ['{job="\\q"}', /position 6: unknown escape \\q/],
    ['{job="\\x4"}', /escape needs 2 hex digits/],
    ['{job="\\400"}', /octal escape above/],
    ['{job="\\uD800"}', /not a valid code point/],
    ['{job="a", job="b"}', /position 10: label "job" is given twice/],
    ['{""="b"}', /a label name cannot be empty/],
    ["{job=`x}", /unterminated `string`/],
  ];
  for (const [input, message] of malformed) {
    it(`refuses ${JSON.stringify(input)}`, () => {
      const error = errorOf(() => parseLokiLabels(input));
      expect(error.status).toBe(400);
      expect(error.message).toMatch(/^Malformed Loki stream labels at position \d+: /);
      expect(error.message).toMatch(message);
    });
  }

  it("only ever returns or throws a ClientError 400 on random text", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: "binary" }), fc.stringMatching(/^\{[a-z="\\`, xu0-9]*\}?$/)), (input) => {
        try {
          parseLokiLabels(input);
        } catch (error) {
          expect(error).toBeInstanceOf(ClientError);
          expect((error as ClientError).status).toBe(400);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
