import type { IngestResult } from "../../lib/types";
import type { IdempotencyKeys } from "./idempotency";
import type { RingBuffer } from "./ring-buffer";
import { type Batch, joinTails, splitTails, type Tail } from "./stored";

/** An accepted batch waiting for the next group commit. */
interface Pending extends Batch {
  resolve: (result: IngestResult) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: batches that arrive within one macrotask are stored together as one row, and each gets its
 * own ids. Idempotency keys are remembered in the same commit, so a resend is answered, not stored again.
 */
export class GroupCommit {
  #pending: Pending[] = [];
  /** Keyed batches waiting for their commit, so a resend while waiting gets the same answer. */
  readonly #keyed = new Map<string, Promise<IngestResult>>();

  constructor(
    private readonly ring: RingBuffer,
    private readonly keys: IdempotencyKeys,
    /** Called once per commit with the first id and every committed tail, in id order. */
    private readonly committed: (firstId: number, tails: Tail[]) => void,
  ) {}

  /** The answer a batch with this key got, or will get once its commit lands. */
  recall(key: string): IngestResult | Promise<IngestResult> | undefined {
    const waiting = this.#keyed.get(key);
    if (waiting) return waiting;
    const stored = this.keys.recall(key);
    return stored && { accepted: stored.count, firstId: stored.firstId, lastId: stored.firstId + stored.count - 1 };
  }

  /** Queues a non-empty batch for the next commit; resolves once it is durable. */
  add(batch: Batch): Promise<IngestResult> {
    const result = new Promise<IngestResult>((resolve, reject) => {
      this.#pending.push({ ...batch, resolve, reject });
      // One macrotask later: every append that arrived meanwhile joins this commit.
      if (this.#pending.length === 1) setTimeout(() => this.#commit(), 0);
    });
    const key = batch.key;
    if (key !== undefined) {
      this.#keyed.set(key, result);
      const forget = () => this.#keyed.delete(key);
      result.then(forget, forget);
    }
    return result;
  }

  #commit(): void {
    const batches = this.#pending;
    this.#pending = [];
    let count = 0;
    for (const batch of batches) count += batch.count;
    const tails = joinTails(batches.map((batch) => batch.tails));
    let firstId: number;
    try {
      firstId = this.ring.append(tails, count);
    } catch (error) {
      for (const batch of batches) batch.reject(error);
      return;
    }
    let next = firstId;
    const now = Date.now();
    for (const batch of batches) {
      if (batch.key !== undefined) this.ring.rowsWritten += this.keys.remember(batch.key, next, batch.count, now);
      batch.resolve({ accepted: batch.count, firstId: next, lastId: next + batch.count - 1 });
      next += batch.count;
    }
    this.committed(firstId, splitTails(tails, count));
  }
}
