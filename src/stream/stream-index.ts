// The Durable Object listing streams for GET /api/streams, fed by each stream's periodic report.
import { DurableObject } from "cloudflare:workers";
import type { StreamSummary } from "../../lib/types";

/**
 * The list of streams. Each stream reports to it at most once per REPORT_MS, so ingest never waits on it
 * and it never becomes a bottleneck, whatever the total rate.
 */
export class StreamIndex extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(
      "CREATE TABLE IF NOT EXISTS streams (name TEXT PRIMARY KEY, last_activity INTEGER NOT NULL, entries INTEGER NOT NULL, last_id INTEGER NOT NULL, rate REAL NOT NULL)",
    );
  }

  report(summary: StreamSummary): void {
    this.ctx.storage.sql.exec(
      "INSERT OR REPLACE INTO streams (name, last_activity, entries, last_id, rate) VALUES (?, ?, ?, ?, ?)",
      summary.name,
      summary.lastActivity,
      summary.entries,
      summary.lastId,
      summary.rate,
    );
  }

  list(): StreamSummary[] {
    return this.ctx.storage.sql
      .exec<{ name: string; last_activity: number; entries: number; last_id: number; rate: number }>(
        "SELECT name, last_activity, entries, last_id, rate FROM streams ORDER BY last_activity DESC",
      )
      .toArray()
      .map((row) => ({
        name: row.name,
        lastActivity: row.last_activity,
        entries: row.entries,
        lastId: row.last_id,
        rate: row.rate,
      }));
  }
}
