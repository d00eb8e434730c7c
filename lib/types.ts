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
export type StreamEvent =
  | { event: "log"; entry: LogEntry }
  | { event: "gap"; gap: Gap }
  | { event: "deleted"; stream: string };

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

/** How a webhook is called: a JSON body of its own, or a Slack message. */
export type WebhookFormat = "json" | "slack";

/** An alert rule as `PUT …/alerts/{name}` takes it (with defaults filled in) and the listings show it. */
export interface AlertRuleSpec {
  /** The query, normalised by the query parser. */
  query: string;
  /**
   * Fire once `count` matches fall within `seconds` ({1, 0} fires on every match), or on each matching line
   * that starts a pattern the stream never had.
   */
  when: { count: number; seconds: number } | { newPattern: true };
  cooldownSeconds: number;
  /** Lines captured before and after the matching line. */
  before: number;
  after: number;
  webhook: { url: string; format: WebhookFormat };
}

/** The outcome of one attempt to deliver a notification, as the rule list and the incident show it. */
export interface DeliveryResult {
  at: number;
  ok: boolean;
  status?: number;
  error?: string;
  attempts: number;
}

/** Where a firing stands: its capture is open, its notification is waiting or retrying, or it is done. */
export type IncidentState = "capturing" | "pending" | "delivered" | "failed";

/** A rule as `GET …/alerts` and `GET …/alerts/{name}` answer it. */
export interface RuleView extends AlertRuleSpec {
  name: string;
  stream: string;
  createdAt: number;
  updatedAt: number;
  lastFiredAt: number | null;
  lastIncident: string | null;
  /** The last attempt to deliver the last notification; `final` once it succeeded or was given up. */
  lastDelivery: (DeliveryResult & { final: boolean }) | null;
  /** Firings left out because the stream had too many notifications not yet delivered. */
  skipped: number;
}

/** `GET /api/alerts/settings`: the hosts a webhook may call; empty, no rule can be saved until that setting lists one. */
export interface AlertSettings {
  webhookHosts: string[];
  webhookHostsSetting: "ALERT_WEBHOOK_HOSTS";
}

/** An incident in `GET …/incidents`: what the page needs to link to it. */
export interface IncidentSummary {
  id: string;
  alert: string;
  firedAt: number;
  matchId: number;
  state: IncidentState;
  delivery: DeliveryResult | null;
}

/** An incident as `GET …/incidents/{id}` answers it: the matching entry and the lines around it. */
export interface Incident {
  id: string;
  alert: string;
  stream: string;
  firedAt: number;
  entry: LogEntry;
  before: LogEntry[];
  after: LogEntry[];
  /** The page's link to the incident, as the notification carries it. */
  url: string;
  state: IncidentState;
  delivery: DeliveryResult | null;
  expiresAt: number;
}
