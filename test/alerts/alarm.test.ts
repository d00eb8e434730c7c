import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import { Alerts, MAX_OUTSTANDING } from "../../src/alerts/alerts";
import { GIVE_UP_MS } from "../../src/alerts/delivery";
import type { AlertRule } from "../../src/alerts/rule";
import { Commit } from "../../src/stream/commit";
import { RingBuffer } from "../../src/stream/ring-buffer";
import { joinTails, type Tail, tailOf } from "../../src/stream/stored";
import { freshStream } from "../helpers";

/** Nothing listens on port 9: every attempt fails for real. */
const rule: AlertRule = {
  query: "level:error",
  when: { count: 1, seconds: 0 },
  cooldownSeconds: 0,
  before: 1,
  after: 5,
  webhook: { url: "http://127.0.0.1:9/hook", format: "json" },
  origin: "https://tail.example",
};

interface Row extends Record<string, SqlStorageValue> {
  state: string;
  attempts: number;
  due_at: number | null;
}

/**
 * An engine on a stream's own SQLite with a clock the test moves: a month ahead, so the object's real alarm
 * never runs during the test and every deadline is reached by moving the clock.
 */
function engineIn(state: DurableObjectState) {
  let now = Date.now() + 30 * 86_400_000;
  const ring = new RingBuffer(state.storage.sql, 100);
  const alerts = new Alerts(state.storage, ring, { hosts: ["127.0.0.1:9"], incidentTtlMs: 7 * 86_400_000 }, () => now);
  const append = (...lines: string[]) => {
    const tails = lines.map((message) =>
      tailOf({ time: now, level: message.startsWith("E") ? "error" : "info", message }),
    );
    alerts.committed(new Commit(ring.append(joinTails(tails), tails.length, now), tails as Tail[]));
  };
  const row = () =>
    state.storage.sql.exec<Row>("SELECT state, attempts, due_at FROM incidents").toArray()[0] as Row | undefined;
  return {
    alerts,
    append,
    row,
    advance: (ms: number) => {
      now += ms;
    },
    get now() {
      return now;
    },
  };
}

const stub = () => env.LOG_STREAM.get(env.LOG_STREAM.idFromName(freshStream()));

it("completes a capture after 10 s with what arrived, then retries with backoff and gives up after an hour", async () => {
  await runInDurableObject(stub(), async (_, state) => {
    const t = engineIn(state);
    t.alerts.put("s", "errors", rule);
    t.append("INFO a", "ERROR b", "INFO c");
    expect(t.row()).toMatchObject({ state: "capturing", due_at: t.now + 10_000 });
    expect(await state.storage.getAlarm()).toBe(t.now + 10_000);
    t.advance(9_999);
    await t.alerts.alarm();
    expect(t.row()?.state).toBe("capturing");
    t.advance(1);
    await t.alerts.alarm();
    // Completed with one line after, then the first attempt failed: the next in 1 s.
    expect(t.row()).toMatchObject({ state: "pending", attempts: 1, due_at: t.now + 1000 });
    const incident = JSON.parse(t.alerts.incident(t.alerts.rule("errors")?.lastIncident ?? "") ?? "null");
    expect(incident.after.map((entry: { message: string }) => entry.message)).toEqual(["INFO c"]);
    expect(incident.before.map((entry: { message: string }) => entry.message)).toEqual(["INFO a"]);
    const waits: number[] = [];
    const readyAt = t.now;
    while (t.row()?.state === "pending") {
      const due = t.row()?.due_at as number;
      waits.push(due - t.now);
      t.advance(due - t.now);
      await t.alerts.alarm();
    }
    expect(waits.slice(0, 6)).toEqual([1000, 2000, 4000, 8000, 16000, 32000]);
    expect(Math.max(...waits)).toBe(300_000);
    expect(t.now).toBe(readyAt + GIVE_UP_MS);
    expect(t.row()?.state).toBe("failed");
    expect(t.alerts.rule("errors")?.lastDelivery).toMatchObject({ ok: false, final: true, attempts: waits.length + 1 });
    // A failed incident is kept and shown until it expires.
    expect(t.alerts.incidents(10)).toMatchObject([{ state: "failed", delivery: { ok: false } }]);
  });
});

it("keeps incidents for INCIDENT_TTL, then sweeps them from the alarm", async () => {
  await runInDurableObject(stub(), async (_, state) => {
    const t = engineIn(state);
    t.alerts.put("s", "errors", { ...rule, after: 0, webhook: { url: "http://127.0.0.1:8/x", format: "json" } });
    t.append("ERROR x");
    const id = t.alerts.rule("errors")?.lastIncident as string;
    // Its host is not allowed any more: marked failed at once, not retried.
    await t.alerts.alarm();
    expect(t.row()).toMatchObject({ state: "failed", attempts: 1, due_at: null });
    expect(JSON.parse(t.alerts.incident(id) ?? "null").delivery.error).toMatch(/no longer in ALERT_WEBHOOK_HOSTS/);
    t.advance(7 * 86_400_000 - 1);
    await t.alerts.alarm();
    expect(t.alerts.incident(id)).not.toBeNull();
    t.advance(1);
    expect(t.alerts.incident(id)).toBeNull();
    await t.alerts.alarm();
    expect(t.row()).toBeUndefined();
  });
});

it("shares one evaluation among rules with the same query, and fires each rule on its own condition", async () => {
  await runInDurableObject(stub(), async (_, state) => {
    const t = engineIn(state);
    t.alerts.put("s", "every", { ...rule, after: 0 });
    t.alerts.put("s", "three-in-ten", { ...rule, after: 0, when: { count: 3, seconds: 10 } });
    t.alerts.put("s", "cooled", { ...rule, after: 0, cooldownSeconds: 60 });
    t.append("ERROR 1", "INFO", "ERROR 2");
    t.advance(5_000);
    t.append("ERROR 3");
    const fired = (name: string) => t.alerts.incidents(100, name).length;
    expect([fired("every"), fired("three-in-ten"), fired("cooled")]).toEqual([3, 1, 1]);
    t.advance(60_000);
    t.append("ERROR 4");
    expect([fired("every"), fired("three-in-ten"), fired("cooled")]).toEqual([4, 1, 2]);
  });
});

it("starts evaluating when a rule is saved and stops when the last is deleted", async () => {
  await runInDurableObject(stub(), async (_, state) => {
    const t = engineIn(state);
    t.append("ERROR before any rule");
    t.alerts.put("s", "errors", { ...rule, after: 0 });
    t.append("ERROR with a rule");
    expect(t.alerts.incidents(10)).toHaveLength(1);
    expect(t.alerts.delete("errors")).toBe(true);
    t.append("ERROR after the rule");
    expect(t.alerts.incidents(10)).toHaveLength(1);
    expect(t.alerts.delete("errors")).toBe(false);
  });
});

it("counts firings past MAX_OUTSTANDING undelivered notifications as skipped, on the rule", async () => {
  await runInDurableObject(stub(), async (_, state) => {
    const t = engineIn(state);
    t.alerts.put("s", "errors", { ...rule, after: 0 });
    t.append(...Array.from({ length: MAX_OUTSTANDING + 5 }, (_, i) => `ERROR ${i}`));
    expect(t.alerts.incidents(100)).toHaveLength(100);
    expect(state.storage.sql.exec("SELECT COUNT(*) AS n FROM incidents").one().n).toBe(MAX_OUTSTANDING);
    expect(t.alerts.rule("errors")?.skipped).toBe(5);
  });
});
