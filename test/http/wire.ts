// Encoders for the tests: the wire formats shippers send, written with @bufbuild/protobuf, gzip and snappyjs.
import { BinaryReader, BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
// @ts-expect-error -- snappyjs ships no type declarations; `compress` is its one use here.
import snappyjs from "snappyjs";

const snappy = snappyjs as { compress(bytes: Uint8Array): Uint8Array };

const LD = WireType.LengthDelimited;

/** An OTLP AnyValue, as the JSON encoding writes it (the subset the tests send). */
export type AnyValue =
  | { stringValue: string }
  | { intValue: string }
  | { boolValue: boolean }
  | { kvlistValue: { values: { key: string; value: AnyValue }[] } }
  | { arrayValue: { values: AnyValue[] } };

export interface OtlpRecord {
  timeUnixNano?: string;
  severityNumber?: number;
  severityText?: string;
  body?: AnyValue;
  attributes?: { key: string; value: AnyValue }[];
}

export interface OtlpResource {
  attributes: { key: string; value: AnyValue }[];
  records: OtlpRecord[];
}

/** The JSON body of an OTLP logs export. */
export function otlpJson(resources: OtlpResource[]): string {
  return JSON.stringify({
    resourceLogs: resources.map((r) => ({
      resource: { attributes: r.attributes },
      scopeLogs: [{ scope: { name: "test" }, logRecords: r.records }],
    })),
  });
}

function anyValue(w: BinaryWriter, v: AnyValue): void {
  if ("stringValue" in v) w.tag(1, LD).string(v.stringValue);
  else if ("boolValue" in v) w.tag(2, WireType.Varint).bool(v.boolValue);
  else if ("intValue" in v) w.tag(3, WireType.Varint).int64(v.intValue);
  else if ("arrayValue" in v) {
    w.tag(5, LD).fork();
    for (const item of v.arrayValue.values) nested(w, 1, () => anyValue(w, item));
    w.join();
  } else {
    w.tag(6, LD).fork();
    for (const kv of v.kvlistValue.values) nested(w, 1, () => keyValue(w, kv));
    w.join();
  }
}

function keyValue(w: BinaryWriter, kv: { key: string; value: AnyValue }): void {
  w.tag(1, LD).string(kv.key);
  nested(w, 2, () => anyValue(w, kv.value));
}

function nested(w: BinaryWriter, field: number, write: () => void): void {
  w.tag(field, LD).fork();
  write();
  w.join();
}

/** The protobuf body of an OTLP logs export (field numbers from opentelemetry-proto). */
export function otlpProto(resources: OtlpResource[]): Uint8Array {
  const w = new BinaryWriter();
  for (const r of resources) {
    nested(w, 1, () => {
      nested(w, 1, () => {
        for (const kv of r.attributes) nested(w, 1, () => keyValue(w, kv));
      });
      nested(w, 2, () => {
        for (const record of r.records) {
          nested(w, 2, () => {
            if (record.timeUnixNano !== undefined)
              w.tag(1, WireType.Bit64).fixed64(BigInt.asUintN(64, BigInt(record.timeUnixNano)));
            if (record.severityNumber !== undefined) w.tag(2, WireType.Varint).int32(record.severityNumber);
            if (record.severityText !== undefined) w.tag(3, LD).string(record.severityText);
            if (record.body !== undefined) nested(w, 5, () => anyValue(w, record.body as AnyValue));
            for (const kv of record.attributes ?? []) nested(w, 6, () => keyValue(w, kv));
          });
        }
      });
    });
  }
  return w.finish();
}

export interface LokiStream {
  labels: Record<string, string>;
  /** [unix nanoseconds, line, structured metadata?] */
  values: [string, string, Record<string, string>?][];
}

/** The JSON body of a Loki push. */
export function lokiJson(streams: LokiStream[]): string {
  return JSON.stringify({
    streams: streams.map((s) => ({ stream: s.labels, values: s.values.map((v) => (v[2] ? v : [v[0], v[1]])) })),
  });
}

/** The labels as Loki's Go client formats them; JSON string escapes are valid Go escapes. */
export function lokiLabels(labels: Record<string, string>): string {
  return `{${Object.entries(labels)
    .map(([name, value]) => `${name}=${JSON.stringify(value)}`)
    .join(", ")}}`;
}

/** The protobuf body of a Loki push, before Snappy (field numbers from grafana/loki pkg/push/push.proto). */
export function lokiProto(streams: LokiStream[]): Uint8Array {
  const w = new BinaryWriter();
  for (const s of streams) {
    nested(w, 1, () => {
      w.tag(1, LD).string(lokiLabels(s.labels));
      for (const [ns, line, metadata] of s.values) {
        nested(w, 2, () => {
          const nanos = BigInt(ns);
          nested(w, 1, () => {
            w.tag(1, WireType.Varint).int64(nanos / 1_000_000_000n);
            w.tag(2, WireType.Varint).int32(Number(nanos % 1_000_000_000n));
          });
          w.tag(2, LD).string(line);
          for (const [name, value] of Object.entries(metadata ?? {})) {
            nested(w, 3, () => w.tag(1, LD).string(name).tag(2, LD).string(value));
          }
        });
      }
    });
  }
  return w.finish();
}

/** Snappy block format, as Loki clients send it. */
export function snappyBlock(bytes: Uint8Array): Uint8Array {
  return snappy.compress(bytes);
}

/** gzip or deflate, with the runtime's CompressionStream. */
export async function compress(bytes: Uint8Array, format: "gzip" | "deflate"): Promise<Uint8Array> {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream(format));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export type Encoding = "identity" | "gzip" | "deflate" | "snappy";

/** The body bytes and headers for `bytes` sent with `encoding` as Content-Encoding. */
export async function encode(
  bytes: Uint8Array,
  encoding: Encoding,
): Promise<{ body: Uint8Array; headers: Record<string, string> }> {
  if (encoding === "identity") return { body: bytes, headers: {} };
  const body = encoding === "snappy" ? snappyBlock(bytes) : await compress(bytes, encoding);
  return { body, headers: { "Content-Encoding": encoding } };
}

/** Decodes a google.rpc.Status (code 1, message 2): the OTLP routes' protobuf answer to a refusal. */
export function rpcStatus(bytes: Uint8Array): { code: number; message: string } {
  const reader = new BinaryReader(bytes);
  const status = { code: 0, message: "" };
  while (reader.pos < reader.len) {
    const [field, wire] = reader.tag();
    if (field === 1) status.code = reader.int32();
    else if (field === 2) status.message = reader.string();
    else reader.skip(wire);
  }
  return status;
}
