import type { LogEntry } from "../../lib/types";
import type { RingBuffer } from "../stream/ring-buffer";
import { type Tail, withId } from "../stream/stored";
import { type CompiledFilter, compileFilter } from "../viewer/filter";
import { CAPTURE_WAIT_MS, fill, MAX_CAPTURE_CHARS, type OpenCapture, takeBefore } from "./capture";
import { type TriggerState, trigger } from "./condition";
import { type DeliveryResult, nextAttemptAt, post } from "./delivery";
import { type Capture, notificationBody } from "./payload";
import { type AlertRule, hostAllowed } from "./rule";
import {
  createAlertTables,
  hasAlertTables,
  type IncidentRow,
  type IncidentSummary,
  incidentJson,
  incidentSummary,
  type RuleRow,
  type RuleView,
  ruleView,
  triggerOf,
} from "./store";

/** Rules one stream may have. */
export const MAX_RULES = 50;
/** Firings whose notification is not yet delivered, per stream: past this, firings are counted as skipped. */
export const MAX_OUTSTANDING = 1000;
/** Notifications one alarm sends at most; the next alarm, at once, sends the rest. */
const DELIVERIES_PER_ALARM = 50;

interface LiveRule {
  name: string;
  stream: string;
  rule: AlertRule;
  filter: CompiledFilter;
  state: TriggerState;
}

export interface AlertSettings {
  /** ALERT_WEBHOOK_HOSTS, checked again at delivery: a host taken off the list is no longer called. */
  hosts: readonly string[];
  /** How long an incident is kept after its firing. */
  incidentTtlMs: number;
}

/**
 * A stream's alerts, inside its Durable Object: rules are evaluated on each commit (one parse of the batch
 * for all rules, one evaluation per distinct query), firings capture the lines around the match into an
 * incident row, and the object's alarm completes late captures, delivers notifications with retries and
 * sweeps expired incidents. Until a stream has a rule, a commit costs one boolean test.
 */
export class Alerts {
  readonly #sql: SqlStorage;
  #active: boolean;
  #rules: LiveRule[] | undefined;
  #captures: Map<string, OpenCapture> | undefined;
  #outstanding = 0;
  /** The alarm time this instance last set; undefined when unknown (a fresh instance, or it just ran). */
  #alarmAt: number | undefined;

  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly ring: RingBuffer,
    private readonly settings: AlertSettings,
    /** Epoch ms; tests pass their own to reach deadlines and retries without waiting. */
    private readonly clock: () => number = Date.now,
  ) {
    this.#sql = storage.sql;
    this.#active = hasAlertTables(this.#sql) && this.#hasWork();
  }

  /**
   * Evaluates a commit's entries; never throws into the commit, which is already durable. `fresh` are the
   * positions of the lines that started a pattern the stream never had (for `when.newPattern` rules).
   */
  committed(firstId: number, tails: readonly Tail[], fresh: readonly number[] = []): void {
    if (!this.#active) return;
    try {
      this.#evaluate(firstId, tails, fresh, this.clock());
    } catch (error) {
      console.error("alerts: evaluating a commit failed", error);
    }
  }

  #evaluate(firstId: number, tails: readonly Tail[], fresh: readonly number[], now: number): void {
    const rules = this.#loadRules();
    const captures = this.#loadCaptures();
    const lines = tails.map((tail, i) => withId(firstId + i, tail));
    let changed = false;
    for (const capture of captures.values()) {
      const { taken, complete } = fill(capture, lines);
      if (complete) {
        this.#sql.exec(
          "UPDATE incidents SET after = ?, chars = ?, state = 'pending', due_at = ?, ready_at = ? WHERE id = ?",
          `[${capture.after.join(",")}]`,
          capture.chars,
          now,
          now,
          capture.id,
        );
        captures.delete(capture.id);
        changed = true;
      } else if (taken > 0) {
        this.#sql.exec(
          "UPDATE incidents SET after = ?, chars = ? WHERE id = ?",
          `[${capture.after.join(",")}]`,
          capture.chars,
          capture.id,
        );
      }
    }
    if (rules.length > 0) {
      const entries = lines.map(parseEntry);
      // Rules with the same query share one evaluation.
      const matchesByKey = new Map<string, number[]>();
      for (const live of rules) {
        let matched = matchesByKey.get(live.filter.key);
        if (matched === undefined) {
          matched = [];
          for (let i = 0; i < entries.length; i++) {
            const entry = entries[i];
            if (entry && live.filter.match(entry)) matched.push(i);
          }
          matchesByKey.set(live.filter.key, matched);
        }
        if ("newPattern" in live.rule.when) matched = matched.filter((i) => fresh.includes(i));
        if (matched.length === 0) continue;
        const { fired, state } = trigger(live.rule, live.state, matched.length, now);
        const saved = JSON.stringify(state);
        if (saved !== JSON.stringify(live.state)) {
          this.#sql.exec("UPDATE alert_rules SET trigger = ? WHERE name = ?", saved, live.name);
        }
        live.state = state;
        let skipped = 0;
        for (const position of fired) {
          if (this.#outstanding >= MAX_OUTSTANDING) skipped++;
          else this.#fire(live, firstId, lines, matched[position] as number, now);
        }
        if (skipped > 0)
          this.#sql.exec("UPDATE alert_rules SET skipped = skipped + ? WHERE name = ?", skipped, live.name);
        changed ||= fired.length > skipped;
      }
    }
    if (changed) this.#schedule();
    if (rules.length === 0 && captures.size === 0) this.#active = false;
  }

  /** Opens an incident for the line at `index` of the commit: "before" lines now, "after" lines as they come. */
  #fire(live: LiveRule, firstId: number, lines: readonly string[], index: number, now: number): void {
    const { rule } = live;
    const entry = lines[index] as string;
    const ring = this.ring;
    // Lines of this commit first, then the ring: a batch's row is not split again for each firing in it.
    const below = function* (): Generator<[number, string]> {
      for (let i = index - 1; i >= 0; i--) yield [firstId + i, lines[i] as string];
      yield* ring.newestFirst(firstId);
    };
    const before = takeBefore(below(), rule.before, MAX_CAPTURE_CHARS - entry.length);
    const id = crypto.randomUUID();
    const capture: OpenCapture = {
      id,
      after: [],
      wanted: rule.after,
      chars: before.reduce((sum, json) => sum + json.length, entry.length),
      until: now + CAPTURE_WAIT_MS,
    };
    const { complete } = fill(capture, lines.slice(index + 1, index + 1 + rule.after));
    const link = `${rule.origin}/?stream=${encodeURIComponent(live.stream)}&incident=${id}`;
    this.#sql.exec(
      `INSERT INTO incidents (id, alert, stream, fired_at, match_id, entry, before, after, wanted, chars, url, format,
        link, state, due_at, ready_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      id,
      live.name,
      live.stream,
      now,
      firstId + index,
      entry,
      `[${before.join(",")}]`,
      `[${capture.after.join(",")}]`,
      rule.after,
      capture.chars,
      rule.webhook.url,
      rule.webhook.format,
      link,
      complete ? "pending" : "capturing",
      complete ? now : capture.until,
      complete ? now : null,
      now + this.settings.incidentTtlMs,
    );
    this.#sql.exec("UPDATE alert_rules SET last_fired_at = ?, last_incident = ? WHERE name = ?", now, id, live.name);
    if (!complete) this.#loadCaptures().set(id, capture);
    this.#outstanding++;
  }

  /**
   * The object's alarm: completes captures whose 10 s are up, delivers what is due (retrying failures with
   * backoff, giving up after an hour), drops expired incidents, and sets the alarm for the next of these.
   */
  async alarm(): Promise<void> {
    const now = this.clock();
    this.#alarmAt = undefined;
    if (!hasAlertTables(this.#sql)) return;
    const captures = this.#loadCaptures();
    for (const row of this.#sql.exec<{ id: string }>(
      "SELECT id FROM incidents WHERE state = 'capturing' AND due_at <= ?",
      now,
    )) {
      captures.delete(row.id);
    }
    this.#sql.exec(
      "UPDATE incidents SET state = 'pending', ready_at = ?, due_at = ? WHERE state = 'capturing' AND due_at <= ?",
      now,
      now,
      now,
    );
    this.#sql.exec("DELETE FROM incidents WHERE expires_at <= ? AND due_at IS NULL", now);
    const due = this.#sql
      .exec<IncidentRow>(
        "SELECT * FROM incidents WHERE state = 'pending' AND due_at <= ? ORDER BY due_at LIMIT ?",
        now,
        DELIVERIES_PER_ALARM,
      )
      .toArray();
    await Promise.all(due.map((row) => this.#deliver(row)));
    this.#schedule();
  }

  async #deliver(row: IncidentRow): Promise<void> {
    const allowed = hostAllowed(new URL(row.url), this.settings.hosts);
    const outcome = allowed
      ? await post(row.url, row.id, notificationBody(captureOf(row), row.format))
      : { ok: false, error: `${new URL(row.url).host} is no longer in ALERT_WEBHOOK_HOSTS` };
    const at = this.clock();
    const attempts = row.attempts + 1;
    const result: DeliveryResult = { at, ok: outcome.ok, attempts };
    if (outcome.status !== undefined) result.status = outcome.status;
    if (outcome.error !== undefined) result.error = outcome.error;
    const next = outcome.ok || !allowed ? null : nextAttemptAt(row.ready_at ?? row.fired_at, attempts, at);
    const state = outcome.ok ? "delivered" : next === null ? "failed" : "pending";
    this.#sql.exec(
      "UPDATE incidents SET state = ?, due_at = ?, attempts = ?, delivery = ? WHERE id = ?",
      state,
      next,
      attempts,
      JSON.stringify(result),
      row.id,
    );
    this.#sql.exec(
      "UPDATE alert_rules SET last_delivery = ? WHERE name = ? AND last_incident = ?",
      JSON.stringify({ ...result, final: state !== "pending" }),
      row.alert,
      row.id,
    );
    if (state !== "pending") this.#outstanding = Math.max(0, this.#outstanding - 1);
  }

  /** Sets the alarm for the earliest capture deadline, delivery attempt or incident expiry. */
  #schedule(): void {
    const [row] = this.#sql
      .exec<{ next: number | null }>(
        `SELECT MIN(next) AS next FROM (SELECT MIN(due_at) AS next FROM incidents WHERE due_at IS NOT NULL
          UNION ALL SELECT MIN(expires_at) FROM incidents WHERE due_at IS NULL)`,
      )
      .toArray();
    const next = row?.next ?? null;
    if (next === null || next === this.#alarmAt) return;
    this.#alarmAt = next;
    void this.storage.setAlarm(next);
  }

  /** Saves a rule (a new one, or a new version that keeps the cooldown and history); `{limit}` past MAX_RULES. */
  put(stream: string, name: string, rule: AlertRule): { created: boolean; view: RuleView } | { limit: number } {
    const now = this.clock();
    createAlertTables(this.#sql);
    const [old] = this.#sql.exec<RuleRow>("SELECT * FROM alert_rules WHERE name = ?", name).toArray();
    if (old === undefined) {
      const count = this.#sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM alert_rules").one().n;
      if (count >= MAX_RULES) return { limit: MAX_RULES };
    }
    // A changed query starts counting afresh; the cooldown still holds.
    const state: TriggerState = { window: [], coolUntil: old === undefined ? 0 : triggerOf(old).coolUntil };
    this.#sql.exec(
      `INSERT INTO alert_rules (name, stream, rule, created_at, updated_at, trigger) VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (name) DO UPDATE SET stream = excluded.stream, rule = excluded.rule,
        updated_at = excluded.updated_at, trigger = excluded.trigger`,
      name,
      stream,
      JSON.stringify(rule),
      now,
      now,
      JSON.stringify(state),
    );
    this.#rules = undefined;
    this.#active = true;
    return { created: old === undefined, view: this.rule(name) as RuleView };
  }

  /** Deletes a rule; its firings still complete and deliver. False when there was no such rule. */
  delete(name: string): boolean {
    if (!hasAlertTables(this.#sql)) return false;
    const deleted = this.#sql.exec("DELETE FROM alert_rules WHERE name = ?", name).rowsWritten > 0;
    this.#rules = undefined;
    this.#active = this.#hasWork();
    return deleted;
  }

  rule(name: string): RuleView | null {
    if (!hasAlertTables(this.#sql)) return null;
    const [row] = this.#sql.exec<RuleRow>("SELECT * FROM alert_rules WHERE name = ?", name).toArray();
    return row === undefined ? null : ruleView(row);
  }

  rules(): RuleView[] {
    if (!hasAlertTables(this.#sql)) return [];
    return this.#sql.exec<RuleRow>("SELECT * FROM alert_rules ORDER BY name").toArray().map(ruleView);
  }

  /** An incident's JSON, or null when there is none (or it expired). */
  incident(id: string): string | null {
    if (!hasAlertTables(this.#sql)) return null;
    const now = this.clock();
    const [row] = this.#sql
      .exec<IncidentRow>("SELECT * FROM incidents WHERE id = ? AND (expires_at > ? OR due_at IS NOT NULL)", id, now)
      .toArray();
    return row === undefined ? null : incidentJson(row);
  }

  /** The newest incidents first, optionally of one rule. */
  incidents(limit: number, alert?: string): IncidentSummary[] {
    if (!hasAlertTables(this.#sql)) return [];
    const now = this.clock();
    const rows =
      alert === undefined
        ? this.#sql.exec<IncidentRow>(
            "SELECT * FROM incidents WHERE expires_at > ? OR due_at IS NOT NULL ORDER BY fired_at DESC LIMIT ?",
            now,
            limit,
          )
        : this.#sql.exec<IncidentRow>(
            "SELECT * FROM incidents WHERE alert = ? AND (expires_at > ? OR due_at IS NOT NULL) ORDER BY fired_at DESC LIMIT ?",
            alert,
            now,
            limit,
          );
    return rows.toArray().map(incidentSummary);
  }

  #hasWork(): boolean {
    return (
      this.#sql
        .exec<{ yes: number }>(
          "SELECT EXISTS (SELECT 1 FROM alert_rules) OR EXISTS (SELECT 1 FROM incidents WHERE state = 'capturing') AS yes",
        )
        .one().yes === 1
    );
  }

  #loadRules(): LiveRule[] {
    if (this.#rules === undefined) {
      this.#rules = [];
      for (const row of this.#sql.exec<RuleRow>("SELECT * FROM alert_rules")) {
        const rule = JSON.parse(row.rule) as AlertRule;
        const filter = compileFilter({ q: rule.query }, row.stream);
        // A saved rule's query was checked; one that matches everything compiles to no filter.
        const all: CompiledFilter = { key: `\n${row.stream}\n`, match: () => true };
        this.#rules.push({ name: row.name, stream: row.stream, rule, filter: filter ?? all, state: triggerOf(row) });
      }
    }
    return this.#rules;
  }

  #loadCaptures(): Map<string, OpenCapture> {
    if (this.#captures === undefined) {
      this.#captures = new Map();
      for (const row of this.#sql.exec<IncidentRow>("SELECT * FROM incidents WHERE state = 'capturing'")) {
        this.#captures.set(row.id, {
          id: row.id,
          after: JSON.parse(row.after).map((entry: unknown) => JSON.stringify(entry)),
          wanted: row.wanted,
          chars: row.chars,
          until: row.due_at ?? 0,
        });
      }
      this.#outstanding = this.#sql
        .exec<{ n: number }>("SELECT COUNT(*) AS n FROM incidents WHERE due_at IS NOT NULL")
        .one().n;
    }
    return this.#captures;
  }
}

function parseEntry(json: string): LogEntry | null {
  try {
    return JSON.parse(json) as LogEntry;
  } catch {
    return null;
  }
}

function captureOf(row: IncidentRow): Capture {
  return {
    id: row.id,
    alert: row.alert,
    stream: row.stream,
    firedAt: row.fired_at,
    entry: row.entry,
    before: JSON.parse(row.before).map((entry: unknown) => JSON.stringify(entry)),
    after: JSON.parse(row.after).map((entry: unknown) => JSON.stringify(entry)),
    url: row.link,
  };
}
