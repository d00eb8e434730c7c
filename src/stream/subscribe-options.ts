// The options of an events or history request (tail, resume point, level, query), checked once in the Worker.
import { levelOf } from "../../lib/levels.js";
import { ClientError } from "../errors";
import { checkQuery, type EntryFilter } from "./filter";

/** How a subscriber wants to start and what it wants to see. */
export interface SubscribeOptions extends EntryFilter {
  /** Entries to backfill when not resuming. Defaults to 100. */
  tail: number;
  /** Resume after this id (from `Last-Event-ID` or `?lastEventId=`). */
  lastEventId?: number;
}

const DEFAULT_TAIL = 100;

/** Reads the options of an events request; throws a 400 whose message says what to fix. */
export function parseSubscribeOptions(query: URLSearchParams, lastEventIdHeader: string | null): SubscribeOptions {
  const options: SubscribeOptions = { tail: DEFAULT_TAIL };
  const tail = query.get("tail");
  if (tail !== null) options.tail = nonNegativeInteger("tail", tail);
  const resume = lastEventIdHeader ?? query.get("lastEventId");
  if (resume !== null && resume.trim() !== "") options.lastEventId = nonNegativeInteger("Last-Event-ID", resume);
  const level = query.get("level");
  if (level !== null && level !== "") {
    const parsed = levelOf(level);
    if (parsed === null)
      throw new ClientError(400, `Unknown level "${level}": use trace, debug, info, warn, error or fatal`);
    options.level = parsed;
  }
  const q = query.get("q");
  if (q !== null && q.trim() !== "") {
    const normalised = checkQuery(q);
    if (normalised !== "") options.q = normalised;
  }
  return options;
}

/** A history request: `?q=&level=&before=ID&limit=N`. */
export interface HistoryOptions extends EntryFilter {
  /** Entries with ids below this; the stream's next id when omitted. */
  before: number;
  /** At most this many entries. Defaults to 100, at most 1,000. */
  limit: number;
}

const MAX_HISTORY_LIMIT = 1000;

/** Reads the options of a history request; throws a 400 whose message says what to fix. */
export function parseHistoryOptions(query: URLSearchParams): HistoryOptions {
  const { level, q } = parseSubscribeOptions(query, null);
  const options: HistoryOptions = { before: Number.MAX_SAFE_INTEGER, limit: 100 };
  if (level !== undefined) options.level = level;
  if (q !== undefined) options.q = q;
  const before = query.get("before");
  if (before !== null && before !== "") options.before = nonNegativeInteger("before", before);
  const limit = query.get("limit");
  if (limit !== null && limit !== "") options.limit = nonNegativeInteger("limit", limit);
  if (options.limit < 1 || options.limit > MAX_HISTORY_LIMIT) {
    throw new ClientError(400, `limit must be 1–${MAX_HISTORY_LIMIT}, got ${options.limit}`);
  }
  return options;
}

/** The normalised query the Worker hands to the Durable Object. */
export function toQuery(options: SubscribeOptions): URLSearchParams {
  const query = new URLSearchParams({ tail: String(options.tail) });
  if (options.lastEventId !== undefined) query.set("lastEventId", String(options.lastEventId));
  if (options.level !== undefined) query.set("level", options.level);
  if (options.q !== undefined) query.set("q", options.q);
  return query;
}

function nonNegativeInteger(name: string, value: string): number {
  const n = Number(value.trim());
  if (!Number.isSafeInteger(n) || n < 0)
    throw new ClientError(400, `${name} must be a non-negative integer, got "${value}"`);
  return n;
}
