// Batches that arrive together committed as one SQLite write, each answered with its own ids.
import type { IngestResult } from "../../lib/types";
import { marksOf } from "./histogram";
import type { IdempotencyKeys } from "./idempotency";
import type { RingBuffer } from "./ring-buffer";
import { type Batch, joinTails, type PatternIds, splitTails, type Tail } from "./stored";

/** An accepted batch waiting for the next group commit. */
interface Pending extends Batch {
  digest: string | null;
  resolve: (result: IngestResult) => void;
  reject: (error: unknown) => void;
}

/** What a key was used for: the answer it got (or will get) and the digest of its entries. */
export interface Recalled {
  result: IngestResult | Promise<IngestResult>;
  /** Null when unknown (a key stored before digests were kept): then any batch counts as the same. */
  digest: string | null;
}

/**
 * Group commit: batches that arrive within one macrotask are stored together as one row, and each gets its
 * own ids. Idempotency keys are remembered in the same commit, so a resend is answered, not stored again.
 */
export class GroupCommit {
  #pending: Pending[] = [];
  /** Keyed batches waiting for their commit, so a resend while waiting gets the same answer. */
  readonly #keyed = new Map<string, Recalled>();

  constructor(
    private readonly ring: RingBuffer,
    private readonly keys: IdempotencyKeys,
    /** Called once per commit with the first id, every committed tail and their pattern ids, in id order. */
    private readonly committed: (firstId: number, tails: Tail[], patterns: PatternIds) => void,
    /** Each tail's pattern id, stored beside the commit's tails (patterns.ts); absent when patterns are off. */
    private readonly assign?: (tails: readonly Tail[], times: Float64Array, shapes: Float64Array | null) => string[],
  ) {}

  /** What the batch with this key got, or will get once its commit lands. */
  recall(key: string): Recalled | undefined {
    const waiting = this.#keyed.get(key);
    if (waiting) return waiting;
    const stored = this.keys.recall(key);
    if (stored === undefined) return undefined;
    const { firstId, count, digest } = stored;
    return { result: { accepted: count, firstId, lastId: firstId + count - 1 }, digest };
  }

  /** Queues a non-empty batch for the next commit; resolves once it is durable. */
  add(batch: Batch, digest: string | null = null): Promise<IngestResult> {
    const result = new Promise<IngestResult>((resolve, reject) => {
      this.#pending.push({ ...batch, digest, resolve, reject });
      // One macrotask later: every append that arrived meanwhile joins this commit.
      if (this.#pending.length === 1) setTimeout(() => this.#commit(), 0);
    });
    const key = batch.key;
    if (key !== undefined) {
      this.#keyed.set(key, { result, digest });
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
    const lines = splitTails(tails, count);
    let patterns: PatternIds = null;
    let firstId: number;
    try {
      // Each line's time and level read once, for the row, the held lines and the miner.
      const marks = marksOf(tails, count);
      patterns = this.assign?.(lines, marks.times, shapesOf(batches, count)) ?? null;
      firstId = this.ring.append(tails, count, Date.now(), patterns, marks);
    } catch (error) {
      for (const batch of batches) batch.reject(error);
      return;
    }
    let next = firstId;
    const now = Date.now();
    for (const batch of batches) {
      if (batch.key !== undefined) {
        const remembered = { firstId: next, count: batch.count, digest: batch.digest };
        this.ring.rowsWritten += this.keys.remember(batch.key, remembered, now);
      }
      batch.resolve({ accepted: batch.count, firstId: next, lastId: next + batch.count - 1 });
      next += batch.count;
    }
    this.committed(firstId, lines, patterns);
  }
}

/** The batches' message shapes in commit order; null when a batch came without them (then messages are read). */
function shapesOf(batches: readonly Batch[], count: number): Float64Array | null {
  if (batches.length === 1) return batches[0]?.shapes?.length === count ? batches[0].shapes : null;
  const shapes = new Float64Array(count);
  let at = 0;
  for (const { shapes: part, count: n } of batches) {
    if (part?.length !== n) return null;
    shapes.set(part, at);
    at += n;
  }
  return shapes;
}
