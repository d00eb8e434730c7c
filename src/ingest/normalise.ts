// The mapping every decoder shares: a JSON object becomes message, level, time and fields.
import { type Level, levelOf } from "../../lib/levels.js";
import { MAX_TIME } from "../../lib/time.js";
import { ClientError } from "../http/errors";
import type { EntryDraft } from "../stream/stored";

/** Deeper fields are refused: they cost stack on every encode and decode and are never readable. */
export const MAX_DEPTH = 32;

const MESSAGE_KEYS = ["message", "msg", "text", "log"];
const LEVEL_KEYS = ["level", "severity", "lvl"];
const TIME_KEYS = ["time", "timestamp", "ts", "@timestamp"];

/** Maps a JSON object to a draft: well-known keys become message, level and time; the rest are fields. */
export function fromObject(value: unknown, where: string, now: number): EntryDraft {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ClientError(400, `Expected a JSON object in ${where}, got ${describe(value)}`);
  }
  checkDepth(value, where);
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
    if (parsed !== null && isSaneTime(parsed, now)) {
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

/** How far ahead of the time of receipt an entry's time may be: clocks drift, but not by days. */
export const MAX_FUTURE_MS = 24 * 3600_000;

/**
 * Whether an entry may carry `ms` as its time: after 1970 and at most MAX_FUTURE_MS after `now`. Other times
 * become the time of receipt, and the sent value stays in the fields.
 */
export function isSaneTime(ms: number, now: number): boolean {
  return ms > 0 && ms <= now + MAX_FUTURE_MS;
}

/** Throws a 400 naming `where` when `value` nests deeper than MAX_DEPTH. */
export function checkDepth(value: unknown, where: string): void {
  if (depthExceeds(value, MAX_DEPTH)) {
    throw new ClientError(400, `JSON nested deeper than ${MAX_DEPTH} levels in ${where}: flatten the object`);
  }
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

/** A message from any JSON value: strings as they are, anything else as its JSON. */
export function asText(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === undefined) return "";
  return JSON.stringify(value) ?? String(value);
}

/** "null", "an array", "a number"…, for error messages. */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return `a ${typeof value}`;
}
