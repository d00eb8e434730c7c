import { LEVELS, levelOf } from "../../lib/levels.js";
import { nanosToMillis } from "../../lib/time.js";
import { ClientError } from "../http/errors";
import type { EntryDraft } from "../stream/stored";
import { parseJsonText } from "./json";

/** OTLP's AnyValue, as the JSON encoding of OTLP/HTTP writes it. */
interface AnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number;
  bytesValue?: string;
  arrayValue?: { values?: AnyValue[] };
  kvlistValue?: { values?: KeyValue[] };
}

interface KeyValue {
  key: string;
  value?: AnyValue;
}

interface LogRecord {
  timeUnixNano?: string | number;
  observedTimeUnixNano?: string | number;
  severityNumber?: number;
  severityText?: string;
  body?: AnyValue;
  attributes?: KeyValue[];
  traceId?: string;
  spanId?: string;
}

interface ExportLogsServiceRequest {
  resourceLogs?: { resource?: { attributes?: KeyValue[] }; scopeLogs?: { logRecords?: LogRecord[] }[] }[];
}

/** Maps an OTLP/HTTP JSON logs export to drafts; see `mapOtlpLogs`. */
export function parseOtlpJson(body: string, now: number): EntryDraft[] {
  return mapOtlpLogs(parseJsonText(body, "the OTLP JSON body"), now);
}

/**
 * Maps an ExportLogsServiceRequest (as the JSON encoding writes it) to drafts: body → message, severity →
 * level, timeUnixNano → time, resource attributes then record attributes (and trace/span ids) → fields.
 */
export function mapOtlpLogs(value: unknown, now: number): EntryDraft[] {
  const request = value as ExportLogsServiceRequest;
  if (typeof request !== "object" || request === null || !Array.isArray(request.resourceLogs ?? [])) {
    throw new ClientError(400, "Expected an OTLP ExportLogsServiceRequest: an object with resourceLogs");
  }
  const entries: EntryDraft[] = [];
  for (const resourceLogs of request.resourceLogs ?? []) {
    const resource = attributes(resourceLogs.resource?.attributes);
    for (const scopeLogs of resourceLogs.scopeLogs ?? []) {
      for (const record of scopeLogs.logRecords ?? []) entries.push(toDraft(record, resource, now));
    }
  }
  return entries;
}

function toDraft(record: LogRecord, resource: Record<string, unknown>, now: number): EntryDraft {
  const body = record.body === undefined ? "" : value(record.body);
  const message = typeof body === "string" ? body : JSON.stringify(body);
  const level =
    levelOf(record.severityText) ??
    (record.severityNumber && record.severityNumber > 0
      ? // Severity numbers 1–24 come in six ranges of four, one per level.
        (LEVELS[Math.min(5, Math.floor((record.severityNumber - 1) / 4))] ?? null)
      : null);
  const fields: Record<string, unknown> = { ...resource, ...attributes(record.attributes) };
  if (record.traceId) fields.trace_id = record.traceId;
  if (record.spanId) fields.span_id = record.spanId;
  const draft: EntryDraft = {
    time: nanosToMillis(record.timeUnixNano ?? record.observedTimeUnixNano) ?? now,
    level,
    message,
  };
  if (Object.keys(fields).length > 0) draft.fields = fields;
  return draft;
}

function attributes(list: KeyValue[] | undefined): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const { key, value: v } of list ?? []) result[key] = v === undefined ? null : value(v);
  return result;
}

function value(v: AnyValue): unknown {
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.bytesValue !== undefined) return v.bytesValue;
  if (v.arrayValue !== undefined) return (v.arrayValue.values ?? []).map(value);
  if (v.kvlistValue !== undefined) return attributes(v.kvlistValue.values);
  return null;
}
