// OTLP's protobuf ExportLogsServiceRequest decoded into its JSON shape, and the protobuf answers encoded.
import { ProtoReader, ProtoWriter } from "./protobuf";

// The shapes below are those of the OTLP/HTTP JSON encoding, so one mapping serves both encodings.
// Field numbers: opentelemetry-proto, collector/logs/v1/logs_service.proto, logs/v1/logs.proto,
// common/v1/common.proto and resource/v1/resource.proto.

export interface KeyValue {
  key?: string;
  value?: AnyValue;
}

export interface AnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string;
  doubleValue?: number;
  bytesValue?: string;
  arrayValue?: { values?: AnyValue[] };
  kvlistValue?: { values?: KeyValue[] };
}

export interface LogRecord {
  timeUnixNano?: string;
  observedTimeUnixNano?: string;
  severityNumber?: number;
  severityText?: string;
  body?: AnyValue;
  attributes?: KeyValue[];
  droppedAttributesCount?: number;
  flags?: number;
  traceId?: string;
  spanId?: string;
  eventName?: string;
}

export interface ScopeLogs {
  scope?: { name?: string; version?: string; attributes?: KeyValue[]; droppedAttributesCount?: number };
  logRecords?: LogRecord[];
  schemaUrl?: string;
}

export interface ResourceLogs {
  resource?: { attributes?: KeyValue[]; droppedAttributesCount?: number };
  scopeLogs?: ScopeLogs[];
  schemaUrl?: string;
}

/** How deeply arrays and key-value lists may nest inside one AnyValue. */
const MAX_ANY_VALUE_DEPTH = 32;

/**
 * Decodes a protobuf `ExportLogsServiceRequest` into the object its OTLP/HTTP JSON encoding parses to
 * (64-bit integers as decimal strings, ids as hex, bytes as base64, unset fields absent). Malformed bytes
 * throw `ClientError(400)`.
 */
export function decodeOtlpLogsRequest(bytes: Uint8Array): unknown {
  const r = new ProtoReader(bytes, "OTLP");
  const resourceLogs: ResourceLogs[] = [];
  r.root("ExportLogsServiceRequest", (field, wire) => {
    if (field === 1) resourceLogs.push(readResourceLogs(r, wire));
    else r.skip(wire);
  });
  return resourceLogs.length > 0 ? { resourceLogs } : {};
}

function readResourceLogs(r: ProtoReader, wire: number): ResourceLogs {
  const out: ResourceLogs = {};
  r.message(wire, "ResourceLogs", (field, w) => {
    if (field === 1) {
      const resource: NonNullable<ResourceLogs["resource"]> = {};
      r.message(w, "Resource", (f, fw) => {
        if (f === 1) push(resource, "attributes", readKeyValue(r, fw, 1));
        else if (f === 2) resource.droppedAttributesCount = r.uint32(fw);
        else r.skip(fw);
      });
      out.resource = resource;
    } else if (field === 2) push(out, "scopeLogs", readScopeLogs(r, w));
    else if (field === 3) out.schemaUrl = r.string(w);
    else r.skip(w);
  });
  return out;
}

function readScopeLogs(r: ProtoReader, wire: number): ScopeLogs {
  const out: ScopeLogs = {};
  r.message(wire, "ScopeLogs", (field, w) => {
    if (field === 1) {
      const scope: NonNullable<ScopeLogs["scope"]> = {};
      r.message(w, "InstrumentationScope", (f, fw) => {
        if (f === 1) scope.name = r.string(fw);
        else if (f === 2) scope.version = r.string(fw);
        else if (f === 3) push(scope, "attributes", readKeyValue(r, fw, 1));
        else if (f === 4) scope.droppedAttributesCount = r.uint32(fw);
        else r.skip(fw);
      });
      out.scope = scope;
    } else if (field === 2) push(out, "logRecords", readLogRecord(r, w));
    else if (field === 3) out.schemaUrl = r.string(w);
    else r.skip(w);
  });
  return out;
}

function readLogRecord(r: ProtoReader, wire: number): LogRecord {
  const out: LogRecord = {};
  r.message(wire, "LogRecord", (field, w) => {
    switch (field) {
      case 1:
        out.timeUnixNano = r.fixed64(w);
        break;
      case 2:
        out.severityNumber = r.int32(w);
        break;
      case 3:
        out.severityText = r.string(w);
        break;
      case 5:
        out.body = readAnyValue(r, w, 1);
        break;
      case 6:
        push(out, "attributes", readKeyValue(r, w, 1));
        break;
      case 7:
        out.droppedAttributesCount = r.uint32(w);
        break;
      case 8:
        out.flags = r.fixed32(w);
        break;
      case 9:
        out.traceId = hex(r.bytesField(w));
        break;
      case 10:
        out.spanId = hex(r.bytesField(w));
        break;
      case 11:
        out.observedTimeUnixNano = r.fixed64(w);
        break;
      case 12:
        out.eventName = r.string(w);
        break;
      default:
        r.skip(w);
    }
  });
  return out;
}

function readKeyValue(r: ProtoReader, wire: number, depth: number): KeyValue {
  const out: KeyValue = {};
  r.message(wire, "KeyValue", (field, w) => {
    if (field === 1) out.key = r.string(w);
    else if (field === 2) out.value = readAnyValue(r, w, depth);
    else r.skip(w);
  });
  return out;
}

/** Reads an AnyValue at nesting `depth` (1 for a body or attribute value); a later oneof member replaces an earlier one. */
function readAnyValue(r: ProtoReader, wire: number, depth: number): AnyValue {
  if (depth > MAX_ANY_VALUE_DEPTH) r.fail(`AnyValue nested deeper than ${MAX_ANY_VALUE_DEPTH} levels`);
  let out: AnyValue = {};
  r.message(wire, "AnyValue", (field, w) => {
    switch (field) {
      case 1:
        out = { stringValue: r.string(w) };
        break;
      case 2:
        out = { boolValue: r.bool(w) };
        break;
      case 3:
        out = { intValue: r.int64(w) };
        break;
      case 4:
        out = { doubleValue: r.double(w) };
        break;
      case 5: {
        const array: { values?: AnyValue[] } = {};
        r.message(w, "ArrayValue", (f, fw) => {
          if (f === 1) push(array, "values", readAnyValue(r, fw, depth + 1));
          else r.skip(fw);
        });
        out = { arrayValue: array };
        break;
      }
      case 6: {
        const list: { values?: KeyValue[] } = {};
        r.message(w, "KeyValueList", (f, fw) => {
          if (f === 1) push(list, "values", readKeyValue(r, fw, depth + 1));
          else r.skip(fw);
        });
        out = { kvlistValue: list };
        break;
      }
      case 7:
        out = { bytesValue: base64(r.bytesField(w)) };
        break;
      default:
        r.skip(w);
    }
  });
  return out;
}

/** Appends to a repeated field, creating it on first use so an empty one stays absent, as in JSON. */
function push<K extends string, T>(target: { [key in K]?: T[] }, key: K, item: T): void {
  const list = target[key];
  if (list === undefined) target[key] = [item] as (typeof target)[K];
  else list.push(item);
}

function hex(bytes: Uint8Array): string {
  let out = "";
  for (const byte of bytes) out += byte.toString(16).padStart(2, "0");
  return out;
}

function base64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/**
 * Encodes an `ExportLogsServiceResponse`: empty (full success) unless records were rejected or there is a
 * message, in which case `partial_success` carries `rejected_log_records` and `error_message`.
 */
export function encodeExportLogsServiceResponse(rejected = 0, message = ""): Uint8Array {
  const response = new ProtoWriter();
  if (rejected === 0 && message === "") return response.finish();
  const partial = new ProtoWriter();
  if (rejected !== 0) partial.varint(1, rejected);
  if (message !== "") partial.string(2, message);
  return response.bytes(1, partial.finish()).finish();
}

/** Encodes a `google.rpc.Status` (code and message; no details), the body OTLP/HTTP errors are answered with. */
export function encodeRpcStatus(code: number, message: string): Uint8Array {
  const status = new ProtoWriter();
  if (code !== 0) status.varint(1, code);
  if (message !== "") status.string(2, message);
  return status.finish();
}
