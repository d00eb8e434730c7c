// A stream's alerts in its Durable Object: rules evaluated per commit, firings captured, notifications delivered.
import type { DeliveryResult, IncidentSummary, RuleView } from "../../lib/types";
import type { Commit } from "../stream/commit";
import { type CompiledFilter, compileFilter } from "../stream/filter";
import type { RingBuffer } from "../stream/ring-buffer";
import { CAPTURE_WAIT_MS, fill, MAX_CAPTURE_CHARS, type OpenCapture, takeBefore } from "./capture";
import { type TriggerState, trigger } from "./condition";
import { nextAttemptAt, post } from "./delivery";
import { type Capture, notificationBody } from "./payload";
import { type AlertRule, hostAllowed } from "./rule";
import { AlertTables, type IncidentRow, incidentJson, incidentSummary, ruleView, triggerOf } from "./store";

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
  readonly #tables: AlertTables;
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
    this.#tables = new AlertTables(storage.sql);
    this.#active = this.#tables.exist() && this.#tables.hasWork();
  }

  /**
   * Evaluates a commit's entries (shared with the viewers'); never throws into the commit, which is already
   * durable. `fresh` are the positions of the lines that started a pattern the stream never had (for
   * `when.newPattern` rules).
   */
  committed(commit: Commit, fresh: readonly number[] = []): void {
    if (!this.#active) return;
    try {
      this.#evaluate(commit, fresh, this.clock());
    } catch (error) {
      console.error("alerts: evaluating a commit failed", error);
    }
  }

  #evaluate(commit: Commit, fresh: readonly number[], now: number): void {
    const rules = this.#loadRules();
    const captures = this.#loadCaptures();
    const { firstId, lines } = commit;
    let changed = false;
    for (const capture of captures.values()) {
      const { taken, complete } = fill(capture, lines);
      if (complete) {
        this.#tables.saveCapture(capture.id, `[${capture.after.join(",")}]`, capture.chars, now);
        captures.delete(capture.id);
        changed = true;
      } else if (taken > 0) {
        this.#tables.saveCapture(capture.id, `[${capture.after.join(",")}]`, capture.chars);
      }
    }
    if (rules.length > 0) {
      for (const live of rules) {
        // Rules (and viewers) with the same query share one evaluation.
        let matched = commit.matching(live.filter);
        if ("newPattern" in live.rule.when) matched = matched.filter((i) => fresh.includes(i));
        if (matched.length === 0) continue;
        const { fired, state } = trigger(live.rule, live.state, matched.length, now);
        const saved = JSON.stringify(state);
        if (saved !== JSON.stringify(live.state)) {
          this.#tables.saveTrigger(live.name, saved);
        }
        live.state = state;
        let skipped = 0;
        for (const position of fired) {
          if (this.#outstanding >= MAX_OUTSTANDING) skipped++;
          else this.#fire(live, firstId, lines, matched[position] as number, now);
        }
        if (skipped > 0) this.#tables.addSkipped(live.name, skipped);
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
    this.#tables.insertIncident({
      id,
      alert: live.name,
      stream: live.stream,
      fired_at: now,
      match_id: firstId + index,
      entry,
      before: `[${before.join(",")}]`,
      after: `[${capture.after.join(",")}]`,
      wanted: rule.after,
      chars: capture.chars,
      url: rule.webhook.url,
      format: rule.webhook.format,
      link,
      state: complete ? "pending" : "capturing",
      due_at: complete ? now : capture.until,
      ready_at: complete ? now : null,
      expires_at: now + this.settings.incidentTtlMs,
    });
    this.#tables.markFired(live.name, now, id);
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
    if (!this.#tables.exist()) return;
    const captures = this.#loadCaptures();
    for (const id of this.#tables.closeCaptures(now)) captures.delete(id);
    this.#tables.deleteExpired(now);
    const due = this.#tables.due(now, DELIVERIES_PER_ALARM);
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
    this.#tables.saveDelivery(row.id, state, next, attempts, JSON.stringify(result));
    this.#tables.saveLastDelivery(row.alert, row.id, JSON.stringify({ ...result, final: state !== "pending" }));
    if (state !== "pending") this.#outstanding = Math.max(0, this.#outstanding - 1);
  }

  /** Sets the alarm for the earliest capture deadline, delivery attempt or incident expiry. */
  #schedule(): void {
    const next = this.#tables.nextDue();
    if (next === null || next === this.#alarmAt) return;
    this.#alarmAt = next;
    void this.storage.setAlarm(next);
  }

  /** Saves a rule (a new one, or a new version that keeps the cooldown and history); `{limit}` past MAX_RULES. */
  put(stream: string, name: string, rule: AlertRule): { created: boolean; view: RuleView } | { limit: number } {
    const now = this.clock();
    this.#tables.create();
    const old = this.#tables.rule(name);
    if (old === undefined && this.#tables.ruleCount() >= MAX_RULES) return { limit: MAX_RULES };
    // A changed query starts counting afresh; the cooldown still holds.
    const state: TriggerState = { window: [], coolUntil: old === undefined ? 0 : triggerOf(old).coolUntil };
    this.#tables.putRule(name, stream, JSON.stringify(rule), now, JSON.stringify(state));
    this.#rules = undefined;
    this.#active = true;
    return { created: old === undefined, view: this.rule(name) as RuleView };
  }

  /** Deletes a rule; its firings still complete and deliver. False when there was no such rule. */
  delete(name: string): boolean {
    if (!this.#tables.exist()) return false;
    const deleted = this.#tables.deleteRule(name);
    this.#rules = undefined;
    this.#active = this.#tables.hasWork();
    return deleted;
  }

  /** How many rules the stream has: one with rules stays in the stream list when its lines have aged out. */
  count(): number {
    return this.#tables.exist() ? this.#tables.ruleCount() : 0;
  }

  /** Forgets every rule and incident, undelivered ones too (the stream was deleted). */
  async clear(): Promise<void> {
    this.#tables.drop();
    this.#rules = undefined;
    this.#captures = undefined;
    this.#outstanding = 0;
    this.#active = false;
    this.#alarmAt = undefined;
    await this.storage.deleteAlarm();
  }

  rule(name: string): RuleView | null {
    if (!this.#tables.exist()) return null;
    const row = this.#tables.rule(name);
    return row === undefined ? null : ruleView(row);
  }

  rules(): RuleView[] {
    if (!this.#tables.exist()) return [];
    return this.#tables.rules().map(ruleView);
  }

  /** An incident's JSON, or null when there is none (or it expired). */
  incident(id: string): string | null {
    if (!this.#tables.exist()) return null;
    const row = this.#tables.incident(id, this.clock());
    return row === undefined ? null : incidentJson(row);
  }

  /** The newest incidents first, optionally of one rule. */
  incidents(limit: number, alert?: string): IncidentSummary[] {
    if (!this.#tables.exist()) return [];
    return this.#tables.incidents(this.clock(), limit, alert).map(incidentSummary);
  }

  #loadRules(): LiveRule[] {
    if (this.#rules === undefined) {
      this.#rules = [];
      for (const row of this.#tables.rules()) {
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
      for (const row of this.#tables.capturing()) {
        this.#captures.set(row.id, {
          id: row.id,
          after: JSON.parse(row.after).map((entry: unknown) => JSON.stringify(entry)),
          wanted: row.wanted,
          chars: row.chars,
          until: row.due_at ?? 0,
        });
      }
      this.#outstanding = this.#tables.outstanding();
    }
    return this.#captures;
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
