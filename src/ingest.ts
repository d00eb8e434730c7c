import { type Batch, type EntryDraft, LEVELS, type Level } from "./types";

/** A body the client must fix before retrying; `status` is the HTTP status to answer with. */
export class IngestError extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    message: string,
  ) {
    super(message);
  }
}

export type BodyFormat = "text" | "ndjson" | "json";

const FORMATS: Record<string, BodyFormat> = {
  "text/plain": "text",
  "application/x-ndjson": "ndjson",
  "application/ndjson": "ndjson",
  "application/jsonl": "ndjson",
  "application/x-jsonlines": "ndjson",
  "application/json": "json",
};

/** Maps a Content-Type header to a body format; throws a 415 naming the accepted types. */
export function formatOf(contentType: string | null | undefined): BodyFormat {
  const mediaType = (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  const format = FORMATS[mediaType];
  if (format) return format;
  throw new IngestError(
    415,
    `Unsupported Content-Type ${mediaType ? `"${mediaType}"` : "(none)"}: send text/plain (one line per entry), application/x-ndjson (one JSON object per line) or application/json (an object or an array of objects)`,
  );
}

/** Bounds on one request's entries. */
export interface IngestLimits {
  /** Most entries in one request; more is a 413. */
  maxEntries: number;
  /** Longest message, and longest fields JSON, in characters; longer ones are cut and marked `truncated`. */
  maxLength: number;
}

/** Deeper fields are refused: they cost stack on every encode and decode and are never readable. */
const MAX_DEPTH = 32;

/**
 * Parses a request body into the batch a stream stores: every entry serialised without its id
 * (`"time":…}`), joined by "\n" (JSON never contains a raw line break). `now` is the time of receipt.
 */
export function ingestBody(format: BodyFormat, body: string, now: number, limits: IngestLimits): Batch {
  const entries =
    format === "text" ? parseText(body, now) : format === "ndjson" ? parseNdjson(body, now) : parseJson(body, now);
  return toBatch(entries, limits);
}

/** Serialises drafts into the batch a stream stores, within `limits` (413 past `maxEntries`). */
export function toBatch(entries: EntryDraft[], limits: IngestLimits): Batch {
  if (entries.length > limits.maxEntries) {
    throw new IngestError(
      413,
      `Too many entries: ${entries.length} in one request, at most ${limits.maxEntries}; split the batch`,
    );
  }
  let tails = "";
  for (let i = 0; i < entries.length; i++) tails += (i === 0 ? "" : "\n") + serialize(entries[i] as EntryDraft, limits);
  return { tails, count: entries.length };
}

/** One entry's JSON without its opening brace, its message and fields cut to `maxLength`. */
function serialize(entry: EntryDraft, limits: IngestLimits): string {
  const tail = JSON.stringify(entry).slice(1);
  // Shorter than the limit as a whole means neither part can be over it: one stringify on the hot path.
  return tail.length <= limits.maxLength || !truncate(entry, limits.maxLength) ? tail : JSON.stringify(entry).slice(1);
}

/** Cuts an over-long message or fields to `maxLength` characters and marks the entry, so no cut is silent. */
function truncate(entry: EntryDraft, maxLength: number): boolean {
  if (entry.message.length > maxLength) {
    entry.message = entry.message.slice(0, maxLength);
    entry.truncated = true;
  }
  const json = entry.fields === undefined ? "" : JSON.stringify(entry.fields);
  if (json.length > maxLength) {
    entry.fields = { _truncated: json.slice(0, maxLength) };
    entry.truncated = true;
  }
  return entry.truncated === true;
}

const ALIASES: Record<string, Level> = {
  warning: "warn",
  err: "error",
  critical: "fatal",
  crit: "fatal",
  alert: "fatal",
  emerg: "fatal",
  emergency: "fatal",
  panic: "fatal",
  notice: "info",
  information: "info",
  informational: "info",
  verbose: "debug",
  dbug: "debug",
};

/** Normalises a level name or a pino number (10–60); null when it names no known level. */
export function levelOf(value: unknown): Level | null {
  if (typeof value === "number" && Number.isFinite(value)) {
    if (value < 10) return null;
    return LEVELS[Math.min(Math.floor(value / 10) - 1, LEVELS.length - 1)] ?? null;
  }
  if (typeof value !== "string") return null;
  const name = value.trim().toLowerCase();
  return (LEVELS as readonly string[]).includes(name) ? (name as Level) : (ALIASES[name] ?? null);
}

const TEXT_LEVEL = /^\s*\[?(trace|debug|info|warn|warning|error|fatal)\]?(?![\w])/i;

/** Every non-empty line is one entry; a leading level word (optionally in brackets) sets its level. */
export function parseText(body: string, now: number): EntryDraft[] {
  const entries: EntryDraft[] = [];
  for (const raw of body.split("\n")) {
    const message = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (message.length > 0) entries.push(textEntry(message, now));
  }
  return entries;
}

/** One line of text as an entry, its level read from a leading level word. */
export function textEntry(message: string, now: number): EntryDraft {
  const word = TEXT_LEVEL.exec(message)?.[1];
  return { time: now, level: word ? levelOf(word) : null, message };
}

/** Every non-empty line is one JSON object. */
export function parseNdjson(body: string, now: number): EntryDraft[] {
  const entries: EntryDraft[] = [];
  const lines = body.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim().length === 0) continue;
    entries.push(fromObject(parseJsonText(line, `line ${i + 1}`), `line ${i + 1}`, now));
  }
  return entries;
}

/** One JSON object, or an array of them. */
export function parseJson(body: string, now: number): EntryDraft[] {
  const value = parseJsonText(body, "body");
  if (!Array.isArray(value)) return [fromObject(value, "body", now)];
  return value.map((item, i) => fromObject(item, `element ${i}`, now));
}

function parseJsonText(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new IngestError(400, `Malformed JSON in ${where}: ${reason}`);
  }
}

const MESSAGE_KEYS = ["message", "msg", "text", "log"];
const LEVEL_KEYS = ["level", "severity", "lvl"];
const TIME_KEYS = ["time", "timestamp", "ts", "@timestamp"];

/** Maps a JSON object to a draft: well-known keys become message, level and time; the rest are fields. */
export function fromObject(value: unknown, where: string, now: number): EntryDraft {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new IngestError(400, `Expected a JSON object in ${where}, got ${describe(value)}`);
  }
  if (depthExceeds(value, MAX_DEPTH)) {
    throw new IngestError(400, `JSON nested deeper than ${MAX_DEPTH} levels in ${where}: flatten the object`);
  }
  // The parsed object is ours alone, so it becomes the fields without a copy.
  const fields = value as Record<string, unknown>;
  const has = (key: string) => Object.hasOwn(fields, key);
  const messageKey = MESSAGE_KEYS.find(has);
  const message = messageKey === undefined ? "" : asText(fields[messageKey]);
  if (messageKey !== undefined) delete fields[messageKey];

  let level: Level | null = null;
  const levelKey = LEVEL_KEYS.find(has);
  if (levelKey !== undefined) {
    level = levelOf(fields[levelKey]);
    // An unknown level stays in fields, so nothing the client sent is lost.
    if (level !== null) delete fields[levelKey];
  }

  let time = now;
  const timeKey = TIME_KEYS.find(has);
  if (timeKey !== undefined) {
    const parsed = timeOf(fields[timeKey]);
    if (parsed !== null) {
      time = parsed;
      delete fields[timeKey];
    }
  }

  const draft: EntryDraft = { time, level, message };
  for (const _ in fields) {
    draft.fields = fields;
    break;
  }
  return draft;
}

function depthExceeds(value: unknown, budget: number): boolean {
  if (typeof value !== "object" || value === null) return false;
  if (budget === 0) return true;
  for (const child of Object.values(value)) if (depthExceeds(child, budget - 1)) return true;
  return false;
}

// Epoch numbers are taken as milliseconds; seconds, microseconds and nanoseconds are recognised by size.
const SECONDS_BELOW = 1e11;
const MICROS_ABOVE = 1e14;
const NANOS_ABOVE = 1e17;
const MAX_TIME = 8.64e15;

/** Epoch milliseconds from an ISO-8601 string or an epoch number; null when it is not a valid time. */
export function timeOf(value: unknown): number | null {
  let ms: number;
  if (typeof value === "number") ms = scaleEpoch(value);
  else if (typeof value === "string" && value.trim() !== "") {
    const numeric = Number(value);
    ms = Number.isFinite(numeric) ? scaleEpoch(numeric) : Date.parse(value);
  } else return null;
  return Number.isFinite(ms) && Math.abs(ms) <= MAX_TIME ? Math.round(ms) : null;
}

function scaleEpoch(n: number): number {
  if (n > NANOS_ABOVE) return n / 1e6;
  if (n > MICROS_ABOVE) return n / 1e3;
  if (n > 0 && n < SECONDS_BELOW) return n * 1000;
  return n;
}

function asText(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === undefined) return "";
  return JSON.stringify(value) ?? String(value);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return `a ${typeof value}`;
}
