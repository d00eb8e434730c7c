// The shapes the Worker sends and the page and CLI read. Types only: nothing here runs.
import type { Level } from "./levels.js";

export type { Level };

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
  /** The id of the line's pattern (`GET /api/streams/{stream}/patterns`): opaque, stable for the stream's life. */
  pattern?: string;
}

/** Data of an SSE `gap` event: the ids the reader will never receive (inclusive). */
export interface Gap {
  from: number;
  to: number;
}

/** What a stream's event stream carries, by event name. */
export type StreamEvent = { event: "log"; entry: LogEntry } | { event: "gap"; gap: Gap };

/** Body of a 202 answer to an ingest POST. */
export interface IngestResult {
  accepted: number;
  firstId: number | null;
  lastId: number | null;
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
