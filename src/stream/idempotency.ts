/** How long an idempotency key is remembered: far longer than any client's retries. */
const KEY_TTL_MS = 15 * 60_000;

/** The ids a keyed batch was given, and the digest of its entries (null for a key stored before digests). */
export interface KeyedBatch {
  firstId: number;
  count: number;
  digest: string | null;
}

/**
 * Idempotency keys in the stream's SQLite storage, written in the same commit as their batch, so a resend
 * after a lost answer (or a restart) is answered with the same ids instead of being stored again. Each key
 * keeps its batch's digest, so the same key with other entries is told apart from a resend.
 */
export class IdempotencyKeys {
  #trimmedAt = 0;

  constructor(private readonly sql: SqlStorage) {
    sql.exec(
      "CREATE TABLE IF NOT EXISTS idempotency (key TEXT PRIMARY KEY, first_id INTEGER NOT NULL, count INTEGER NOT NULL, at INTEGER NOT NULL, digest TEXT)",
    );
    // A table from before digests gains the column; its old keys match any batch until they expire.
    const columns = sql.exec<{ name: string }>("PRAGMA table_info(idempotency)").toArray();
    if (!columns.some((column) => column.name === "digest")) sql.exec("ALTER TABLE idempotency ADD COLUMN digest TEXT");
  }

  /** Forgets every key (the stream was deleted): a resend after that is a new batch. */
  clear(): void {
    this.sql.exec("DELETE FROM idempotency");
  }

  /** The batch stored with this key in the last KEY_TTL_MS, if any. */
  recall(key: string): KeyedBatch | undefined {
    const [row] = this.sql
      .exec<{ first_id: number; count: number; digest: string | null }>(
        "SELECT first_id, count, digest FROM idempotency WHERE key = ?",
        key,
      )
      .toArray();
    return row ? { firstId: row.first_id, count: row.count, digest: row.digest } : undefined;
  }

  /** Remembers a keyed batch's ids and digest, forgetting keys older than KEY_TTL_MS; returns the rows written. */
  remember(key: string, batch: KeyedBatch, now: number): number {
    let written = this.sql.exec(
      "INSERT OR REPLACE INTO idempotency (key, first_id, count, at, digest) VALUES (?, ?, ?, ?, ?)",
      key,
      batch.firstId,
      batch.count,
      now,
      batch.digest,
    ).rowsWritten;
    if (now - this.#trimmedAt > KEY_TTL_MS / 10) {
      written += this.sql.exec("DELETE FROM idempotency WHERE at < ?", now - KEY_TTL_MS).rowsWritten;
      this.#trimmedAt = now;
    }
    return written;
  }
}
