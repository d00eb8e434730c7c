/** How long an idempotency key is remembered: far longer than any client's retries. */
const KEY_TTL_MS = 15 * 60_000;

/** The ids a keyed batch was given. */
export interface KeyedBatch {
  firstId: number;
  count: number;
}

/**
 * Idempotency keys in the stream's SQLite storage, written in the same commit as their batch, so a resend
 * after a lost answer (or a restart) is answered with the same ids instead of being stored again.
 */
export class IdempotencyKeys {
  #trimmedAt = 0;

  constructor(private readonly sql: SqlStorage) {
    sql.exec(
      "CREATE TABLE IF NOT EXISTS idempotency (key TEXT PRIMARY KEY, first_id INTEGER NOT NULL, count INTEGER NOT NULL, at INTEGER NOT NULL)",
    );
  }

  /** The ids a batch sent with this key got, if it was stored in the last KEY_TTL_MS. */
  recall(key: string): KeyedBatch | undefined {
    const [row] = this.sql
      .exec<{ first_id: number; count: number }>("SELECT first_id, count FROM idempotency WHERE key = ?", key)
      .toArray();
    return row ? { firstId: row.first_id, count: row.count } : undefined;
  }

  /** Remembers a keyed batch's ids, forgetting keys older than KEY_TTL_MS; returns the rows written. */
  remember(key: string, firstId: number, count: number, now: number): number {
    let written = this.sql.exec(
      "INSERT OR REPLACE INTO idempotency (key, first_id, count, at) VALUES (?, ?, ?, ?)",
      key,
      firstId,
      count,
      now,
    ).rowsWritten;
    if (now - this.#trimmedAt > KEY_TTL_MS / 10) {
      written += this.sql.exec("DELETE FROM idempotency WHERE at < ?", now - KEY_TTL_MS).rowsWritten;
      this.#trimmedAt = now;
    }
    return written;
  }
}
