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

/** Every statement on the alert tables: the alerts of a stream call these by name, and hold no SQL. */
export class AlertTables {
  constructor(private readonly sql: SqlStorage) {}

  /** Whether the tables exist: a stream that never had a rule never creates them. */
  exist(): boolean {
    return (
      this.sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alert_rules'").toArray().length > 0
    );
  }

  /** Rules and incidents gone, undelivered ones too (the stream was deleted). */
  drop(): void {
    this.sql.exec("DROP TABLE IF EXISTS alert_rules");
    this.sql.exec("DROP TABLE IF EXISTS incidents");
  }

  create(): void {
    const sql = this.sql;
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

  /** Whether there is a rule to evaluate or a capture to complete. */
  hasWork(): boolean {
    return (
      this.sql
        .exec<{ yes: number }>(
          "SELECT EXISTS (SELECT 1 FROM alert_rules) OR EXISTS (SELECT 1 FROM incidents WHERE state = 'capturing') AS yes",
        )
        .one().yes === 1
    );
  }

  rule(name: string): RuleRow | undefined {
    return this.sql.exec<RuleRow>("SELECT * FROM alert_rules WHERE name = ?", name).toArray()[0];
  }

  /** Every rule, by name. */
  rules(): RuleRow[] {
    return this.sql.exec<RuleRow>("SELECT * FROM alert_rules ORDER BY name").toArray();
  }

  ruleCount(): number {
    return this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM alert_rules").one().n;
  }

  /** Saves a rule; a new version keeps its creation time, last firing and delivery. */
  putRule(name: string, stream: string, rule: string, now: number, trigger: string): void {
    this.sql.exec(
      `INSERT INTO alert_rules (name, stream, rule, created_at, updated_at, trigger) VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (name) DO UPDATE SET stream = excluded.stream, rule = excluded.rule,
        updated_at = excluded.updated_at, trigger = excluded.trigger`,
      name,
      stream,
      rule,
      now,
      now,
      trigger,
    );
  }

  /** False when there was no such rule. */
  deleteRule(name: string): boolean {
    return this.sql.exec("DELETE FROM alert_rules WHERE name = ?", name).rowsWritten > 0;
  }

  saveTrigger(name: string, trigger: string): void {
    this.sql.exec("UPDATE alert_rules SET trigger = ? WHERE name = ?", trigger, name);
  }

  addSkipped(name: string, skipped: number): void {
    this.sql.exec("UPDATE alert_rules SET skipped = skipped + ? WHERE name = ?", skipped, name);
  }

  markFired(name: string, now: number, incident: string): void {
    this.sql.exec("UPDATE alert_rules SET last_fired_at = ?, last_incident = ? WHERE name = ?", now, incident, name);
  }

  /** The rule's last delivery, unless a later firing has replaced its last incident. */
  saveLastDelivery(name: string, incident: string, delivery: string): void {
    this.sql.exec(
      "UPDATE alert_rules SET last_delivery = ? WHERE name = ? AND last_incident = ?",
      delivery,
      name,
      incident,
    );
  }

  insertIncident(row: Omit<IncidentRow, "attempts" | "delivery">): void {
    this.sql.exec(
      `INSERT INTO incidents (id, alert, stream, fired_at, match_id, entry, before, after, wanted, chars, url, format,
        link, state, due_at, ready_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      row.id,
      row.alert,
      row.stream,
      row.fired_at,
      row.match_id,
      row.entry,
      row.before,
      row.after,
      row.wanted,
      row.chars,
      row.url,
      row.format,
      row.link,
      row.state,
      row.due_at,
      row.ready_at,
      row.expires_at,
    );
  }

  /** A capture's lines so far; `readyAt` completes it, and its notification is due then. */
  saveCapture(id: string, after: string, chars: number, readyAt?: number): void {
    if (readyAt === undefined) {
      this.sql.exec("UPDATE incidents SET after = ?, chars = ? WHERE id = ?", after, chars, id);
      return;
    }
    this.sql.exec(
      "UPDATE incidents SET after = ?, chars = ?, state = 'pending', due_at = ?, ready_at = ? WHERE id = ?",
      after,
      chars,
      readyAt,
      readyAt,
      id,
    );
  }

  capturing(): IncidentRow[] {
    return this.sql.exec<IncidentRow>("SELECT * FROM incidents WHERE state = 'capturing'").toArray();
  }

  /** Incidents whose capture or delivery is not done. */
  outstanding(): number {
    return this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM incidents WHERE due_at IS NOT NULL").one().n;
  }

  /** Completes the captures whose deadline has come, as they are; returns their ids. */
  closeCaptures(now: number): string[] {
    const ids = this.sql
      .exec<{ id: string }>("SELECT id FROM incidents WHERE state = 'capturing' AND due_at <= ?", now)
      .toArray()
      .map((row) => row.id);
    this.sql.exec(
      "UPDATE incidents SET state = 'pending', ready_at = ?, due_at = ? WHERE state = 'capturing' AND due_at <= ?",
      now,
      now,
      now,
    );
    return ids;
  }

  deleteExpired(now: number): void {
    this.sql.exec("DELETE FROM incidents WHERE expires_at <= ? AND due_at IS NULL", now);
  }

  /** Notifications due by `now`, the longest waiting first. */
  due(now: number, limit: number): IncidentRow[] {
    return this.sql
      .exec<IncidentRow>(
        "SELECT * FROM incidents WHERE state = 'pending' AND due_at <= ? ORDER BY due_at LIMIT ?",
        now,
        limit,
      )
      .toArray();
  }

  saveDelivery(id: string, state: IncidentState, next: number | null, attempts: number, delivery: string): void {
    this.sql.exec(
      "UPDATE incidents SET state = ?, due_at = ?, attempts = ?, delivery = ? WHERE id = ?",
      state,
      next,
      attempts,
      delivery,
      id,
    );
  }

  /** The earliest capture deadline, delivery attempt or incident expiry; null when there is none. */
  nextDue(): number | null {
    const [row] = this.sql
      .exec<{ next: number | null }>(
        `SELECT MIN(next) AS next FROM (SELECT MIN(due_at) AS next FROM incidents WHERE due_at IS NOT NULL
          UNION ALL SELECT MIN(expires_at) FROM incidents WHERE due_at IS NULL)`,
      )
      .toArray();
    return row?.next ?? null;
  }

  /** An incident, unless it expired. */
  incident(id: string, now: number): IncidentRow | undefined {
    return this.sql
      .exec<IncidentRow>("SELECT * FROM incidents WHERE id = ? AND (expires_at > ? OR due_at IS NOT NULL)", id, now)
      .toArray()[0];
  }

  /** The newest incidents first, optionally of one rule. */
  incidents(now: number, limit: number, alert?: string): IncidentRow[] {
    const rows =
      alert === undefined
        ? this.sql.exec<IncidentRow>(
            "SELECT * FROM incidents WHERE expires_at > ? OR due_at IS NOT NULL ORDER BY fired_at DESC LIMIT ?",
            now,
            limit,
          )
        : this.sql.exec<IncidentRow>(
            "SELECT * FROM incidents WHERE alert = ? AND (expires_at > ? OR due_at IS NOT NULL) ORDER BY fired_at DESC LIMIT ?",
            alert,
            now,
            limit,
          );
    return rows.toArray();
  }
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
