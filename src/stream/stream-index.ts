// The Durable Object listing streams for GET /api/streams, fed by each stream's periodic report.
import { DurableObject } from "cloudflare:workers";
import type { StreamSummary } from "../../lib/types";
import { loadConfig } from "../config";
import { prefixEnd, type ShardQuery } from "./index-shards";

/** How often a shard drops the rows of streams whose lines have all aged out; listing hides them already. */
const SWEEP_MS = 3600_000;

type Row = { name: string; last_activity: number; entries: number; last_id: number; rate: number };

/**
 * One shard of the stream list (STREAM_INDEX_SHARDS of them; `shardOf` places a stream by its name). Each
 * stream reports to its shard at most once per INDEX_REPORT_MS, so ingest never waits on it; a list asks
 * every shard for a range of names and merges (see index-shards.ts).
 */
export class StreamIndex extends DurableObject<Env> {
  readonly #maxAgeMs: number;
  #sweepSet = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#maxAgeMs = loadConfig(env).ringMaxAgeMs;
    // `rules`: how many alert rules the stream has; a stream with rules stays listed with no lines left.
    ctx.storage.sql.exec(
      "CREATE TABLE IF NOT EXISTS streams (name TEXT PRIMARY KEY, last_activity INTEGER NOT NULL, entries INTEGER NOT NULL, last_id INTEGER NOT NULL, rate REAL NOT NULL, rules INTEGER NOT NULL DEFAULT 0)",
    );
  }

  /** Records a stream's summary and how many alert rules it has. */
  async report(summary: StreamSummary, rules = 0): Promise<void> {
    this.ctx.storage.sql.exec(
      "INSERT OR REPLACE INTO streams (name, last_activity, entries, last_id, rate, rules) VALUES (?, ?, ?, ?, ?, ?)",
      summary.name,
      summary.lastActivity,
      summary.entries,
      summary.lastId,
      summary.rate,
      rules,
    );
    if (this.#maxAgeMs > 0 && !this.#sweepSet) {
      this.#sweepSet = true;
      if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + SWEEP_MS);
    }
  }

  /** Takes a deleted stream off the list. */
  remove(name: string): void {
    this.ctx.storage.sql.exec("DELETE FROM streams WHERE name = ?", name);
  }

  /** This shard's names after `query.after` under one of its prefixes, in name order, without aged-out ones. */
  list(query: ShardQuery): StreamSummary[] {
    const ranges = query.prefixes.map(() => "(name >= ? AND name < ?)").join(" OR ");
    const bounds = query.prefixes.flatMap((prefix) => [prefix, prefixEnd(prefix)]);
    return this.ctx.storage.sql
      .exec<Row>(
        `SELECT name, last_activity, entries, last_id, rate FROM streams WHERE name > ? AND (${ranges}) AND (rules > 0 OR last_activity >= ?) ORDER BY name LIMIT ?`,
        query.after,
        ...bounds,
        this.#agedBefore(),
        query.limit,
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

  /** Drops streams whose lines have all aged out (RING_MAX_AGE after their last batch) and that have no rules. */
  override async alarm(): Promise<void> {
    this.ctx.storage.sql.exec("DELETE FROM streams WHERE rules = 0 AND last_activity < ?", this.#agedBefore());
    const left = this.ctx.storage.sql.exec("SELECT 1 FROM streams LIMIT 1").toArray().length;
    this.#sweepSet = left > 0;
    if (left > 0) await this.ctx.storage.setAlarm(Date.now() + SWEEP_MS);
  }

  /** Streams last active before this have no lines left; 0 keeps every stream (no RING_MAX_AGE). */
  #agedBefore(): number {
    return this.#maxAgeMs === 0 ? 0 : Date.now() - this.#maxAgeMs;
  }
}
