// The alert tables in the stream's SQLite: rules with their trigger state, and incidents with their delivery.
import type { IncidentState, IncidentSummary, RuleView, WebhookFormat } from "../../lib/types";
import type { TriggerState } from "./condition";
import type { AlertRule } from "./rule";

export interface RuleRow extends Record<string, SqlStorageValue> {
  name: string;
  stream: string;
  rule: string;
  created_at: number;
  updated_at: number;
  trigger: string;
  last_fired_at: number | null;
  last_incident: string | null;
  last_delivery: string | null;
  skipped: number;
}

export interface IncidentRow extends Record<string, SqlStorageValue> {
  id: string;
  alert: string;
  stream: string;
  fired_at: number;
  match_id: number;
  entry: string;
  before: string;
  after: string;
  wanted: number;
  chars: number;
  /** The webhook as the rule had it when it fired: a later edit or delete does not redirect the firing. */
  url: string;
  format: WebhookFormat;
  link: string;
  state: IncidentState;
  /** The capture's deadline while capturing, the next attempt while pending; null once done. */
  due_at: number | null;
  /** When the capture completed: the hour to deliver in counts from there. */
  ready_at: number | null;
  attempts: number;
  delivery: string | null;
  expires_at: number;
}

/** Whether the alert tables exist: a stream that never had a rule never creates them. */
export function hasAlertTables(sql: SqlStorage): boolean {
  return sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alert_rules'").toArray().length > 0;
}

export function createAlertTables(sql: SqlStorage): void {
  sql.exec(`CREATE TABLE IF NOT EXISTS alert_rules (
    name TEXT PRIMARY KEY, stream TEXT NOT NULL, rule TEXT NOT NULL, created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL, trigger TEXT NOT NULL, last_fired_at INTEGER, last_incident TEXT,
    last_delivery TEXT, skipped INTEGER NOT NULL DEFAULT 0)`);
  sql.exec(`CREATE TABLE IF NOT EXISTS incidents (
    id TEXT PRIMARY KEY, alert TEXT NOT NULL, stream TEXT NOT NULL, fired_at INTEGER NOT NULL,
    match_id INTEGER NOT NULL, entry TEXT NOT NULL, before TEXT NOT NULL, after TEXT NOT NULL,
    wanted INTEGER NOT NULL, chars INTEGER NOT NULL, url TEXT NOT NULL, format TEXT NOT NULL, link TEXT NOT NULL,
    state TEXT NOT NULL, due_at INTEGER, ready_at INTEGER, attempts INTEGER NOT NULL DEFAULT 0, delivery TEXT,
    expires_at INTEGER NOT NULL)`);
  sql.exec("CREATE INDEX IF NOT EXISTS incidents_due ON incidents (due_at) WHERE due_at IS NOT NULL");
  sql.exec("CREATE INDEX IF NOT EXISTS incidents_expiry ON incidents (expires_at)");
  sql.exec("CREATE INDEX IF NOT EXISTS incidents_fired ON incidents (fired_at)");
}

export function ruleView(row: RuleRow): RuleView {
  const { origin: _, ...rule } = JSON.parse(row.rule) as AlertRule;
  return {
    name: row.name,
    stream: row.stream,
    ...rule,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastFiredAt: row.last_fired_at,
    lastIncident: row.last_incident,
    lastDelivery: row.last_delivery === null ? null : JSON.parse(row.last_delivery),
    skipped: row.skipped,
  };
}

export function triggerOf(row: RuleRow): TriggerState {
  return JSON.parse(row.trigger) as TriggerState;
}

/** An incident as `GET …/incidents/{id}` answers it; the entries are already JSON, so it is built as text. */
export function incidentJson(row: IncidentRow): string {
  const fields = [
    `"id":${JSON.stringify(row.id)}`,
    `"alert":${JSON.stringify(row.alert)}`,
    `"stream":${JSON.stringify(row.stream)}`,
    `"firedAt":${row.fired_at}`,
    `"entry":${row.entry}`,
    `"before":${row.before}`,
    `"after":${row.after}`,
    `"url":${JSON.stringify(row.link)}`,
    `"state":${JSON.stringify(row.state)}`,
    `"delivery":${row.delivery ?? "null"}`,
    `"expiresAt":${row.expires_at}`,
  ];
  return `{${fields.join(",")}}`;
}

export function incidentSummary(row: IncidentRow): IncidentSummary {
  return {
    id: row.id,
    alert: row.alert,
    firedAt: row.fired_at,
    matchId: row.match_id,
    state: row.state,
    delivery: row.delivery === null ? null : JSON.parse(row.delivery),
  };
}
