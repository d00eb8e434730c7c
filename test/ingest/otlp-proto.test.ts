import { BinaryReader, BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { SeverityNumber } from "@opentelemetry/api";
import { JsonLogsSerializer, ProtobufLogsSerializer } from "@opentelemetry/otlp-transformer";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from "@opentelemetry/sdk-logs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ClientError } from "../../src/errors";
import {
  type AnyValue,
  decodeOtlpLogsRequest,
  encodeExportLogsServiceResponse,
  encodeRpcStatus,
  type KeyValue,
  type LogRecord,
  type ResourceLogs,
  type ScopeLogs,
} from "../../src/ingest/otlp-proto";

// The JSON shapes, encoded here field by field with @bufbuild/protobuf's BinaryWriter (field numbers from
// opentelemetry-proto), so each generated object is also the expected decoding.
type Request = { resourceLogs?: ResourceLogs[] };

const LD = WireType.LengthDelimited;
const fromHex = (hex: string) => Uint8Array.from(hex.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));
const toHex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
const fromBase64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
const toBase64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));

function writeAnyValue(w: BinaryWriter, v: AnyValue): void {
  if (v.stringValue !== undefined) w.tag(1, LD).string(v.stringValue);
  if (v.boolValue !== undefined) w.tag(2, WireType.Varint).bool(v.boolValue);
  if (v.intValue !== undefined) w.tag(3, WireType.Varint).int64(v.intValue);
  if (v.doubleValue !== undefined) w.tag(4, WireType.Bit64).double(v.doubleValue);
  if (v.arrayValue !== undefined) {
    w.tag(5, LD).fork();
    for (const item of v.arrayValue.values ?? []) writeMessage(w, 1, item, writeAnyValue);
    w.join();
  }
  if (v.kvlistValue !== undefined) {
    w.tag(6, LD).fork();
    for (const item of v.kvlistValue.values ?? []) writeMessage(w, 1, item, writeKeyValue);
    w.join();
  }
  if (v.bytesValue !== undefined) w.tag(7, LD).bytes(fromBase64(v.bytesValue));
}

function writeKeyValue(w: BinaryWriter, kv: KeyValue): void {
  if (kv.key !== undefined) w.tag(1, LD).string(kv.key);
  if (kv.value !== undefined) writeMessage(w, 2, kv.value, writeAnyValue);
}

function writeMessage<T>(w: BinaryWriter, field: number, value: T, write: (w: BinaryWriter, v: T) => void): void {
  w.tag(field, LD).fork();
  write(w, value);
  w.join();
}

function writeAttributes(w: BinaryWriter, field: number, list: KeyValue[] | undefined): void {
  for (const kv of list ?? []) writeMessage(w, field, kv, writeKeyValue);
}

function writeLogRecord(w: BinaryWriter, l: LogRecord): void {
  if (l.timeUnixNano !== undefined) w.tag(1, WireType.Bit64).fixed64(l.timeUnixNano);
  if (l.severityNumber !== undefined) w.tag(2, WireType.Varint).int32(l.severityNumber);
  if (l.severityText !== undefined) w.tag(3, LD).string(l.severityText);
  if (l.body !== undefined) writeMessage(w, 5, l.body, writeAnyValue);
  writeAttributes(w, 6, l.attributes);
  if (l.droppedAttributesCount !== undefined) w.tag(7, WireType.Varint).uint32(l.droppedAttributesCount);
  if (l.flags !== undefined) w.tag(8, WireType.Bit32).fixed32(l.flags);
  if (l.traceId !== undefined) w.tag(9, LD).bytes(fromHex(l.traceId));
  if (l.spanId !== undefined) w.tag(10, LD).bytes(fromHex(l.spanId));
  if (l.observedTimeUnixNano !== undefined) w.tag(11, WireType.Bit64).fixed64(l.observedTimeUnixNano);
  if (l.eventName !== undefined) w.tag(12, LD).string(l.eventName);
}

function encodeRequest(request: Request): Uint8Array {
  const w = new BinaryWriter();
  for (const rl of request.resourceLogs ?? []) {
    writeMessage(w, 1, rl, (w1, v) => {
      if (v.resource !== undefined) {
        const resource = v.resource;
        writeMessage(w1, 1, resource, (w2) => {
          writeAttributes(w2, 1, resource.attributes);
          if (resource.droppedAttributesCount !== undefined) {
            w2.tag(2, WireType.Varint).uint32(resource.droppedAttributesCount);
          }
        });
      }
      for (const sl of v.scopeLogs ?? []) {
        writeMessage(w1, 2, sl, (w2, s) => {
          const scope = s.scope;
          if (scope !== undefined) {
            writeMessage(w2, 1, scope, (w3) => {
              if (scope.name !== undefined) w3.tag(1, LD).string(scope.name);
              if (scope.version !== undefined) w3.tag(2, LD).string(scope.version);
              writeAttributes(w3, 3, scope.attributes);
              if (scope.droppedAttributesCount !== undefined) {
                w3.tag(4, WireType.Varint).uint32(scope.droppedAttributesCount);
              }
            });
          }
          for (const l of s.logRecords ?? []) writeMessage(w2, 2, l, writeLogRecord);
          if (s.schemaUrl !== undefined) w2.tag(3, LD).string(s.schemaUrl);
        });
      }
      if (v.schemaUrl !== undefined) w1.tag(3, LD).string(v.schemaUrl);
    });
  }
  return w.finish();
}

const text = fc.string({ unit: "grapheme", maxLength: 12 });
const u64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(String);
const u32 = fc.nat({ max: 2 ** 32 - 1 });
const nonEmpty = <T>(item: fc.Arbitrary<T>) => fc.array(item, { minLength: 1, maxLength: 3 });
const opt = { requiredKeys: [] as never[] };

const { anyValue, keyValue } = fc.letrec<{ anyValue: AnyValue; keyValue: KeyValue }>((tie) => ({
  anyValue: fc.oneof(
    { depthSize: "small", maxDepth: 4 },
    fc.record({ stringValue: text }),
    fc.record({ boolValue: fc.boolean() }),
    fc.record({ intValue: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String) }),
    fc.record({ doubleValue: fc.double() }),
    fc.record({ bytesValue: fc.uint8Array({ maxLength: 20 }).map(toBase64) }),
    fc.record({ arrayValue: fc.record({ values: nonEmpty(tie("anyValue")) }, opt) }),
    fc.record({ kvlistValue: fc.record({ values: nonEmpty(tie("keyValue")) }, opt) }),
    fc.constant({}),
  ),
  keyValue: fc.record({ key: text, value: tie("anyValue") }, opt),
}));

const attributes = nonEmpty(keyValue);
const logRecord: fc.Arbitrary<LogRecord> = fc.record(
  {
    timeUnixNano: u64,
    observedTimeUnixNano: u64,
    severityNumber: fc.integer({ min: -5, max: 30 }),
    severityText: text,
    body: anyValue,
    attributes,
    droppedAttributesCount: u32,
    flags: u32,
    traceId: fc.uint8Array({ minLength: 16, maxLength: 16 }).map(toHex),
    spanId: fc.uint8Array({ minLength: 8, maxLength: 8 }).map(toHex),
    eventName: text,
  },
  opt,
);
const scopeLogs: fc.Arbitrary<ScopeLogs> = fc.record(
  {
    scope: fc.record({ name: text, version: text, attributes, droppedAttributesCount: u32 }, opt),
    logRecords: nonEmpty(logRecord),
    schemaUrl: text,
  },
  opt,
);
const request: fc.Arbitrary<Request> = fc.record(
  {
    resourceLogs: nonEmpty(
      fc.record(
        {
          resource: fc.record({ attributes, droppedAttributesCount: u32 }, opt),
          scopeLogs: nonEmpty(scopeLogs),
          schemaUrl: text,
        },
        opt,
      ),
    ),
  },
  opt,
);

function errorOf(run: () => unknown): ClientError {
  try {
    run();
  } catch (error) {
    if (error instanceof ClientError) return error;
    throw error;
  }
  throw new Error("expected a ClientError");
}

describe("decodeOtlpLogsRequest", () => {
  it("decodes random requests encoded with BinaryWriter into their JSON shape", () => {
    fc.assert(
      fc.property(request, (expected) => {
        expect(decodeOtlpLogsRequest(encodeRequest(expected))).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it("decodes what the OpenTelemetry JS SDK's ProtobufLogsSerializer writes as its JsonLogsSerializer does", async () => {
    const exporter = new InMemoryLogRecordExporter();
    const provider = new LoggerProvider({
      resource: resourceFromAttributes({ "service.name": "checkout", "host.cores": 8, ok: true }),
      processors: [new SimpleLogRecordProcessor({ exporter })],
    });
    const logger = provider.getLogger("edge-tail-test", "1.2.3");
    logger.emit({
      timestamp: 1_700_000_000_123,
      severityNumber: SeverityNumber.WARN,
      severityText: "WARN",
      body: { msg: "hello", n: -42, ratio: 0.25, tags: ["a", 1, false], raw: new Uint8Array([0, 255, 7]) },
      attributes: { "http.status": 503, "user.id": "u-1", big: 2 ** 40, list: ["x", "y"] },
      eventName: "checkout.failed",
    });
    logger.emit({ body: "plain line", severityNumber: SeverityNumber.INFO });
    await provider.forceFlush();
    const records = exporter.getFinishedLogRecords();
    expect(records).toHaveLength(2);
    const proto = ProtobufLogsSerializer.serializeRequest(records);
    const json = JsonLogsSerializer.serializeRequest(records);
    if (proto === undefined || json === undefined) throw new Error("the SDK serialized nothing");
    const decoded = decodeOtlpLogsRequest(proto);
    expect(decoded).toEqual(normaliseSdkJson(JSON.parse(new TextDecoder().decode(json))));
    expect(decoded).toMatchObject({
      resourceLogs: [{ scopeLogs: [{ scope: { name: "edge-tail-test", version: "1.2.3" } }] }],
    });
  });

  it("refuses AnyValue nested deeper than 32 levels, without overflowing the stack", () => {
    const nest = (depth: number): AnyValue =>
      depth === 1 ? { stringValue: "leaf" } : { arrayValue: { values: [nest(depth - 1)] } };
    const wrap = (body: AnyValue): Request => ({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ body }] }] }] });
    expect(decodeOtlpLogsRequest(encodeRequest(wrap(nest(32))))).toEqual(wrap(nest(32)));
    const error = errorOf(() => decodeOtlpLogsRequest(encodeRequest(wrap(nest(33)))));
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/^Malformed OTLP protobuf: .*AnyValue nested deeper than 32 levels/);
    // A hostile body nesting 3000 levels, built iteratively so the test itself does not recurse.
    let value = new BinaryWriter().tag(1, LD).string("leaf").finish();
    for (let i = 0; i < 3000; i++) {
      value = new BinaryWriter().tag(5, LD).fork().tag(1, LD).bytes(value).join().finish();
    }
    const record = new BinaryWriter().tag(5, LD).bytes(value).finish();
    const scope = new BinaryWriter().tag(2, LD).bytes(record).finish();
    const resource = new BinaryWriter().tag(2, LD).bytes(scope).finish();
    const deep = new BinaryWriter().tag(1, LD).bytes(resource).finish();
    expect(errorOf(() => decodeOtlpLogsRequest(deep)).message).toContain("nested deeper than 32 levels");
  });

  it("names the field and message of a malformed length", () => {
    const bytes = new BinaryWriter()
      .tag(1, LD)
      .fork()
      .tag(2, LD)
      .fork()
      .tag(2, LD)
      .fork()
      .tag(3, LD)
      .raw(Uint8Array.from([99]))
      .join()
      .join()
      .join()
      .finish();
    expect(errorOf(() => decodeOtlpLogsRequest(bytes)).message).toBe(
      "Malformed OTLP protobuf: field 3 of LogRecord: length 99 past the end of the body",
    );
  });

  it("only ever returns or throws a ClientError 400 on random or mutated bytes", () => {
    const mutated = fc.tuple(request, fc.nat(), fc.nat({ max: 255 })).map(([r, at, byte]) => {
      const bytes = encodeRequest(r);
      if (bytes.length > 0) bytes[at % bytes.length] = byte;
      return bytes;
    });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 200 }), mutated), (bytes) => {
        try {
          decodeOtlpLogsRequest(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(ClientError);
          expect((error as ClientError).status).toBe(400);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

/**
 * The SDK's JSON serializer writes empty lists the binary one leaves out, and `intValue` as a JSON number
 * (OTLP/JSON accepts both); drop the former and write the latter as the decimal string the decoder gives.
 */
function normaliseSdkJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normaliseSdkJson);
  if (typeof value !== "object" || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (Array.isArray(item) && item.length === 0) continue;
    out[key] = key === "intValue" && typeof item === "number" ? String(item) : normaliseSdkJson(item);
  }
  return out;
}

describe("answers", () => {
  it("encodes ExportLogsServiceResponse as the SDK's deserializer reads it", () => {
    expect(encodeExportLogsServiceResponse()).toEqual(new Uint8Array());
    expect(ProtobufLogsSerializer.deserializeResponse(encodeExportLogsServiceResponse(3, "3 lines too long"))).toEqual({
      partialSuccess: { rejectedLogRecords: 3, errorMessage: "3 lines too long" },
    });
    expect(ProtobufLogsSerializer.deserializeResponse(encodeExportLogsServiceResponse(0, "a warning"))).toEqual({
      partialSuccess: { errorMessage: "a warning" },
    });
  });

  it("encodes google.rpc.Status", () => {
    const r = new BinaryReader(encodeRpcStatus(3, "Malformed OTLP protobuf: ü"));
    expect(r.tag()).toEqual([1, WireType.Varint]);
    expect(r.int32()).toBe(3);
    expect(r.tag()).toEqual([2, LD]);
    expect(r.string()).toBe("Malformed OTLP protobuf: ü");
    expect(r.pos).toBe(r.len);
    expect(encodeRpcStatus(0, "")).toEqual(new Uint8Array());
  });
});
