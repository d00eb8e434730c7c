// An OTLP logs export (JSON shape) mapped to drafts, per resource or per stream its service.name names.
import { LEVELS, levelOf } from "../../lib/levels.js";
import { nanosToMillis } from "../../lib/time.js";
import { ClientError } from "../errors";
import type { EntryDraft } from "../stream/stored";
import type { StreamGroup } from "./groups";
import { parseJsonText } from "./json";
import { describe, isSaneTime, MAX_DEPTH } from "./normalise";
import { arrayAt, elementAt, objectAt, shown, stringAt } from "./shape";

/** One resource's records: its attributes (which may name its stream) and its drafts. */
export interface OtlpResource {
  attributes: Record<string, unknown>;
  drafts: EntryDraft[];
  /** Where it is in the request, for errors: "resourceLogs[2]". */
  where: string;
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
  return mapOtlpResources(value, now).flatMap((resource) => resource.drafts);
}

/**
 * The same mapping, grouped by the stream each resource names: the first of `streamAttributes` (service.name
 * by default) it has, as Loki's mapping groups by its labels; a resource with records but no such attribute
 * is a 400. Resources without records name nothing.
 */
export function mapOtlpStreams(value: unknown, now: number, streamAttributes: readonly string[]): StreamGroup[] {
  const groups = new Map<string, StreamGroup>();
  for (const resource of mapOtlpResources(value, now)) {
    if (resource.drafts.length === 0) continue;
    const attribute = streamAttributes.find(
      (name) => typeof resource.attributes[name] === "string" && resource.attributes[name] !== "",
    );
    if (attribute === undefined) {
      throw new ClientError(
        400,
        `${resource.where}.resource has no ${streamAttributes.join(" or ")} attribute to name its stream: set OTEL_SERVICE_NAME, or send to /otlp/{stream}/v1/logs`,
      );
    }
    const stream = resource.attributes[attribute] as string;
    const group = groups.get(stream) ?? { stream, drafts: [], source: `${resource.where}, attribute ${attribute}` };
    group.drafts.push(...resource.drafts);
    groups.set(stream, group);
  }
  return [...groups.values()];
}

/**
 * The same mapping, per resource. Every shape is checked: a wrong type anywhere is a 400 naming its place,
 * values nested deeper than MAX_DEPTH are a 400, and a time that is unreadable or out of range becomes the
 * time of receipt with the sent value kept in `fields._time`.
 */
export function mapOtlpResources(value: unknown, now: number): OtlpResource[] {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ClientError(
      400,
      `Expected an OTLP ExportLogsServiceRequest (an object with resourceLogs), got ${describe(value)}`,
    );
  }
  const request = value as Record<string, unknown>;
  return arrayAt(request.resourceLogs, "resourceLogs").map((item, i) => {
    const where = `resourceLogs[${i}]`;
    const resourceLogs = elementAt(item, where);
    const resource = objectAt(resourceLogs.resource, `${where}.resource`);
    const attributes = keyValues(resource.attributes, `${where}.resource.attributes`, 1);
    const drafts: EntryDraft[] = [];
    arrayAt(resourceLogs.scopeLogs, `${where}.scopeLogs`).forEach((scope, j) => {
      const scopeWhere = `${where}.scopeLogs[${j}]`;
      const records = arrayAt(elementAt(scope, scopeWhere).logRecords, `${scopeWhere}.logRecords`);
      records.forEach((record, k) => {
        const recordWhere = `${scopeWhere}.logRecords[${k}]`;
        drafts.push(toDraft(elementAt(record, recordWhere), attributes, now, recordWhere));
      });
    });
    return { attributes, drafts, where };
  });
}

function toDraft(
  record: Record<string, unknown>,
  resource: Record<string, unknown>,
  now: number,
  where: string,
): EntryDraft {
  const body = record.body === undefined || record.body === null ? "" : anyValue(record.body, `${where}.body`, 1);
  const message = typeof body === "string" ? body : JSON.stringify(body);
  const fields: Record<string, unknown> = {
    ...resource,
    ...keyValues(record.attributes, `${where}.attributes`, 1),
  };
  const traceId = stringAt(record.traceId, `${where}.traceId`);
  const spanId = stringAt(record.spanId, `${where}.spanId`);
  if (traceId) fields.trace_id = traceId;
  if (spanId) fields.span_id = spanId;
  const draft: EntryDraft = { time: now, level: level(record, where), message };
  const sent = isUnset(record.timeUnixNano) ? record.observedTimeUnixNano : record.timeUnixNano;
  if (!isUnset(sent)) {
    const ms = nanosToMillis(sent);
    if (ms !== null && isSaneTime(ms, now)) draft.time = ms;
    else fields._time = sent;
  }
  if (Object.keys(fields).length > 0) draft.fields = fields;
  return draft;
}

function isUnset(nanos: unknown): boolean {
  return nanos === undefined || nanos === null || nanos === 0 || nanos === "0" || nanos === "";
}

function level(record: Record<string, unknown>, where: string) {
  const text = stringAt(record.severityText, `${where}.severityText`);
  const fromText = levelOf(text);
  if (fromText !== null) return fromText;
  const n = record.severityNumber;
  // Severity numbers 1–24 come in six ranges of four, one per level; the JSON mapping may name them instead.
  if (typeof n === "number" && Number.isInteger(n) && n > 0)
    return LEVELS[Math.min(5, Math.floor((n - 1) / 4))] ?? null;
  if (typeof n === "string") return levelOf(n.replace(/^SEVERITY_NUMBER_/, "").replace(/\d+$/, ""));
  return null;
}

/** A KeyValue list as an object (own properties only, so a key "__proto__" stays a key). */
function keyValues(list: unknown, where: string, depth: number): Record<string, unknown> {
  const pairs: [string, unknown][] = arrayAt(list, where).map((item, i) => {
    const kv = elementAt(item, `${where}[${i}]`);
    const key = stringAt(kv.key, `${where}[${i}].key`) ?? "";
    return [key, anyValue(kv.value, `${where}[${i}].value`, depth)];
  });
  return Object.fromEntries(pairs);
}

/** An AnyValue at nesting `depth` (1 for a body or an attribute's value) as plain JSON. */
function anyValue(input: unknown, where: string, depth: number): unknown {
  if (input === undefined || input === null) return null;
  if (depth > MAX_DEPTH) {
    throw new ClientError(400, `${where}: values nested deeper than ${MAX_DEPTH} levels; flatten them`);
  }
  const v = objectAt(input, where);
  if (v.stringValue !== undefined && v.stringValue !== null) return stringAt(v.stringValue, `${where}.stringValue`);
  if (v.boolValue !== undefined && v.boolValue !== null) {
    if (typeof v.boolValue !== "boolean") throw new ClientError(400, `${where}.boolValue must be true or false`);
    return v.boolValue;
  }
  if (v.intValue !== undefined && v.intValue !== null) return integer(v.intValue, `${where}.intValue`);
  if (v.doubleValue !== undefined && v.doubleValue !== null) return double(v.doubleValue, `${where}.doubleValue`);
  if (v.bytesValue !== undefined && v.bytesValue !== null) return stringAt(v.bytesValue, `${where}.bytesValue`);
  if (v.arrayValue !== undefined && v.arrayValue !== null) {
    const values = arrayAt(objectAt(v.arrayValue, `${where}.arrayValue`).values, `${where}.arrayValue.values`);
    return values.map((item, i) => anyValue(item, `${where}.arrayValue.values[${i}]`, depth + 1));
  }
  if (v.kvlistValue !== undefined && v.kvlistValue !== null) {
    const values = objectAt(v.kvlistValue, `${where}.kvlistValue`).values;
    return keyValues(values, `${where}.kvlistValue.values`, depth + 1);
  }
  return null;
}

/** An int64 as a number when it is exact, else as its decimal string, so no digit is lost. */
function integer(value: unknown, where: string): number | string {
  if (typeof value === "number" && Number.isInteger(value)) return value;
  if (typeof value === "string" && /^-?\d{1,20}$/.test(value)) {
    const n = Number(value);
    return Number.isSafeInteger(n) ? n : value;
  }
  throw new ClientError(400, `${where} must be an integer or a decimal string, got ${shown(value)}`);
}

/** A double; NaN and the infinities (strings in the JSON mapping) are kept as their names. */
function double(value: unknown, where: string): number | string {
  if (typeof value === "number") return value;
  if (value === "NaN" || value === "Infinity" || value === "-Infinity") return value;
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) return Number(value);
  throw new ClientError(400, `${where} must be a number, got ${shown(value)}`);
}
