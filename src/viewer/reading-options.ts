// The query parameters of the reading routes (histogram, lines around a line): read once, each mistake a 400
// that says what to send.
import { ClientError } from "../errors";
import type { EntryFilter } from "../stream/filter";
import { parseSubscribeOptions } from "../stream/subscribe-options";

/** `?q=&level=&buckets=N&from=&to=`: the window's edges (epoch ms) when given, and at most `buckets` buckets. */
export interface HistogramOptions extends EntryFilter {
  /** Defaults to 100, at most 1,000. */
  buckets: number;
  from?: number;
  to?: number;
}

/** `?around=ID&before=N&after=N&q=&level=`. */
export interface AroundOptions extends EntryFilter {
  around: number;
  /** Lines before and after; 10 each by default, at most 500. */
  before: number;
  after: number;
}

const MAX_BUCKETS = 1000;
const MAX_AROUND = 500;

/** Reads a histogram request's options. */
export function parseHistogramOptions(query: URLSearchParams): HistogramOptions {
  const options: HistogramOptions = { ...filterOf(query), buckets: count(query, "buckets", 100, 1, MAX_BUCKETS) };
  const from = time(query, "from");
  const to = time(query, "to");
  if (from !== undefined) options.from = from;
  if (to !== undefined) options.to = to;
  if (from !== undefined && to !== undefined && from >= to) {
    throw new ClientError(400, `from must be before to: got from=${query.get("from")} and to=${query.get("to")}`);
  }
  return options;
}

/** Reads a request for the lines around one (`around` present). */
export function parseAroundOptions(query: URLSearchParams): AroundOptions {
  const around = count(query, "around", 0, 1, Number.MAX_SAFE_INTEGER);
  return {
    ...filterOf(query),
    around,
    before: count(query, "before", 10, 0, MAX_AROUND),
    after: count(query, "after", 10, 0, MAX_AROUND),
  };
}

function filterOf(query: URLSearchParams): EntryFilter {
  const { q, level } = parseSubscribeOptions(query, null);
  return { ...(q === undefined ? {} : { q }), ...(level === undefined ? {} : { level }) };
}

function count(query: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const value = query.get(name);
  if (value === null || value.trim() === "") return fallback;
  const n = Number(value.trim());
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `an integer of at least ${min}` : `an integer ${min}–${max}`;
    throw new ClientError(400, `${name} must be ${range}, got "${value}"`);
  }
  return n;
}

/** Epoch milliseconds, or an ISO 8601 time such as 2026-12-06T20:00:00Z. */
function time(query: URLSearchParams, name: string): number | undefined {
  const value = query.get(name)?.trim();
  if (value === undefined || value === "") return undefined;
  const n = /^\d+$/.test(value) ? Number(value) : /^\d{4}-\d\d-\d\d/.test(value) ? Date.parse(value) : Number.NaN;
  if (!Number.isSafeInteger(n)) {
    throw new ClientError(
      400,
      `${name} must be epoch milliseconds or an ISO 8601 time such as 2026-12-06T20:00:00Z, got "${value}"`,
    );
  }
  return n;
}
