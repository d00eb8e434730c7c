// The mapping every decoder shares: a JSON object becomes message, level, time and fields.
import { levelOf } from "../../lib/levels.js";
import { MAX_TIME } from "../../lib/time.js";
import { ClientError } from "../errors";
import type { EntryDraft } from "../stream/stored";

/** Deeper fields are refused: they cost stack on every encode and decode and are never readable. */
export const MAX_DEPTH = 32;

// Each known key's rank within its role: the lowest rank present is taken, as `message` before `msg`.
const MESSAGE_RANK: Record<string, number> = { message: 0, msg: 1, text: 2, log: 3 };
const LEVEL_RANK: Record<string, number> = { level: 0, severity: 1, lvl: 2 };
const TIME_RANK: Record<string, number> = { time: 0, timestamp: 1, ts: 2, "@timestamp": 3 };

/**
 * Maps a JSON object to a draft: well-known keys become message, level and time; the rest are fields. One
 * pass over the keys finds the known ones and checks the depth of the values that are objects.
 */
export function fromObject(value: unknown, where: string, now: number): EntryDraft {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ClientError(400, `Expected a JSON object in ${where}, got ${describe(value)}`);
  }
  const object = value as Record<string, unknown>;
  let messageKey: string | undefined;
  let levelKey: string | undefined;
  let timeKey: string | undefined;
  let keys = 0;
  for (const key in object) {
    keys++;
    const child = object[key];
    if (typeof child === "object" && child !== null && depthExceeds(child, MAX_DEPTH - 1)) depthError(where);
    const m = MESSAGE_RANK[key];
    if (m !== undefined && Object.hasOwn(MESSAGE_RANK, key)) {
      if (messageKey === undefined || m < (MESSAGE_RANK[messageKey] as number)) messageKey = key;
      continue;
    }
    const l = LEVEL_RANK[key];
    if (l !== undefined && Object.hasOwn(LEVEL_RANK, key)) {
      if (levelKey === undefined || l < (LEVEL_RANK[levelKey] as number)) levelKey = key;
      continue;
    }
    const t = TIME_RANK[key];
    if (t !== undefined && Object.hasOwn(TIME_RANK, key)) {
      if (timeKey === undefined || t < (TIME_RANK[timeKey] as number)) timeKey = key;
    }
  }
  const message = messageKey === undefined ? "" : asText(object[messageKey]);
  // An unknown level stays in fields, so nothing the client sent is lost.
  const level = levelKey === undefined ? null : levelOf(object[levelKey]);
  if (level === null) levelKey = undefined;
  let time = now;
  if (timeKey !== undefined) {
    const parsed = timeOf(object[timeKey]);
    if (parsed !== null && isSaneTime(parsed, now)) time = parsed;
    else timeKey = undefined;
  }
  const draft: EntryDraft = { time, level, message };
  const taken = (messageKey === undefined ? 0 : 1) + (levelKey === undefined ? 0 : 1) + (timeKey === undefined ? 0 : 1);
  if (keys > taken) draft.fields = taken === 0 ? object : without(object, messageKey, levelKey, timeKey);
  return draft;
}

/**
 * The parsed object without the keys taken as message, level and time. A fresh object rather than `delete`,
 * which would leave the parsed one in V8's slow dictionary mode for the stringify that follows.
 */
function without(
  object: Record<string, unknown>,
  a: string | undefined,
  b: string | undefined,
  c: string | undefined,
): Record<string, unknown> {
  const rest: Record<string, unknown> = {};
  for (const key in object) {
    if (key === a || key === b || key === c) continue;
    // Assigning __proto__ would set the prototype: define it as the own property JSON.parse made it.
    if (key === "__proto__")
      Object.defineProperty(rest, key, { value: object[key], enumerable: true, writable: true, configurable: true });
    else rest[key] = object[key];
  }
  return rest;
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

/** A 400 naming `where`, for a value that nests deeper than MAX_DEPTH. */
function depthError(where: string): never {
  throw new ClientError(400, `JSON nested deeper than ${MAX_DEPTH} levels in ${where}: flatten the object`);
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
