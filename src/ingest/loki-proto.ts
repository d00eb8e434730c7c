// Loki's protobuf PushRequest decoded into the shape of its JSON push.
import { parseLokiLabels } from "./loki-labels";
import { ProtoReader } from "./protobuf";

// Field numbers: grafana/loki pkg/push/push.proto and google/protobuf/timestamp.proto.

type Value = [string, string] | [string, string, Record<string, string>];

interface Stream {
  stream: Record<string, string>;
  values: Value[];
}

/**
 * Decodes a Loki protobuf `PushRequest` (after Snappy decompression) into the object its JSON push encoding
 * parses to: `{streams: [{stream: {label: value}, values: [[unixNanos, line, structuredMetadata?]]}]}`.
 * Malformed bytes or labels throw `ClientError(400)`.
 */
export function decodeLokiPushRequest(bytes: Uint8Array): { streams: Stream[] } {
  const r = new ProtoReader(bytes, "Loki");
  const streams: Stream[] = [];
  r.root("PushRequest", (field, wire) => {
    if (field === 1) streams.push(readStream(r, wire));
    else r.skip(wire);
  });
  return { streams };
}

function readStream(r: ProtoReader, wire: number): Stream {
  let labels = "";
  const values: Value[] = [];
  r.message(wire, "StreamAdapter", (field, w) => {
    if (field === 1) labels = r.string(w);
    else if (field === 2) values.push(readEntry(r, w));
    else r.skip(w);
  });
  return { stream: parseLokiLabels(labels), values };
}

function readEntry(r: ProtoReader, wire: number): Value {
  let time = "0";
  let line = "";
  const metadata: [string, string][] = [];
  r.message(wire, "EntryAdapter", (field, w) => {
    if (field === 1) time = readTimestamp(r, w);
    else if (field === 2) line = r.string(w);
    else if (field === 3) metadata.push(readLabelPair(r, w));
    else r.skip(w);
  });
  // fromEntries defines own properties, so a key named __proto__ stays a key.
  return metadata.length > 0 ? [time, line, Object.fromEntries(metadata)] : [time, line];
}

/** A google.protobuf.Timestamp as Unix nanoseconds in decimal. */
function readTimestamp(r: ProtoReader, wire: number): string {
  let seconds = "0";
  let nanos = 0;
  r.message(wire, "Timestamp", (field, w) => {
    if (field === 1) seconds = r.int64(w);
    else if (field === 2) nanos = r.int32(w);
    else r.skip(w);
  });
  if (nanos < 0 || nanos > 999_999_999) r.fail(`Timestamp nanos ${nanos} outside 0 to 999999999`);
  return String(BigInt(seconds) * 1_000_000_000n + BigInt(nanos));
}

function readLabelPair(r: ProtoReader, wire: number): [string, string] {
  let name = "";
  let value = "";
  r.message(wire, "LabelPairAdapter", (field, w) => {
    if (field === 1) name = r.string(w);
    else if (field === 2) value = r.string(w);
    else r.skip(w);
  });
  return [name, value];
}
