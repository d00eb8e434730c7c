/** Severity, lowest first; the order is what a minimum-level filter compares. */
export const LEVELS = ["trace", "debug", "info", "warn", "error", "fatal"] as const;

export type Level = (typeof LEVELS)[number];

/** One log line as it is stored, sent over SSE and shown by the page. */
export interface LogEntry {
  /** Strictly increasing within a stream, never reused. */
  id: number;
  /** Epoch milliseconds: the client's time where it gave a valid one, else the time of receipt. */
  time: number;
  level: Level | null;
  message: string;
  /** Structured data; omitted when empty. */
  fields?: Record<string, unknown>;
  /** Present when the message or the fields were cut to the entry size limit. */
  truncated?: true;
}

/** An entry as the ingest parsers produce it, before the stream assigns its id. */
export type EntryDraft = Omit<LogEntry, "id">;

/** One request's entries on their way to the stream: serialised without ids (`"time":…}`), joined by "\n". */
export interface Batch {
  tails: string;
  count: number;
  /** The client's Idempotency-Key: a resent batch with the same key is answered, not stored again. */
  key?: string;
}

/** The answer to a batch over the stream's request rate: nothing of it was stored. */
export interface RateLimited {
  retryAfterMs: number;
}

/** Body of a 202 answer to an ingest POST. */
export interface IngestResult {
  accepted: number;
  firstId: number | null;
  lastId: number | null;
}

/** Data of an SSE `gap` event: the ids the reader will never receive (inclusive). */
export interface Gap {
  from: number;
  to: number;
}

/** One stream as `GET /api/streams` lists it. */
export interface StreamSummary {
  name: string;
  /** Epoch ms of the last accepted batch. */
  lastActivity: number;
  /** Entries in the stream's ring buffer. */
  entries: number;
  lastId: number;
  /** Entries per second over the last report interval. */
  rate: number;
}
