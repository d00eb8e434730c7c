import { DurableObject } from "cloudflare:workers";
import { positiveInteger } from "./config";
import { compileFilter } from "./filter";
import { TokenBucket } from "./rate-limit";
import { planReplay, RingBuffer, withId } from "./ring-buffer";
import { encodeComment, encodeEvent, encodeLogEvent, encodeRetry } from "./sse";
import { parseSubscribeOptions } from "./subscribe-options";
import type { Batch, IngestResult, LogEntry, RateLimited } from "./types";

const encoder = new TextEncoder();

/** What EventSource waits before reconnecting: short, because a live tail should come back fast. */
const RETRY_MS = 1000;

/** A subscriber with more unread bytes than this is dropped: its queue stops growing, and it resumes on reconnect. */
export const MAX_QUEUED_BYTES = 1 << 20;

const HEARTBEAT = encoder.encode(encodeComment("heartbeat"));

/** An accepted batch waiting for the next group commit. */
interface Pending extends Batch {
  resolve: (result: IngestResult) => void;
  reject: (error: unknown) => void;
}

interface Subscriber {
  controller: ReadableStreamDefaultController<Uint8Array>;
  filter: ((entry: LogEntry) => boolean) | null;
}

/** Stream statistics, as `GET /api/streams/{stream}` reports them. */
export interface StreamStats {
  lastId: number;
  oldestId: number;
  entries: number;
  capacity: number;
  subscribers: number;
  /** SQLite rows written since the object last started. */
  rowsWritten: number;
}

/** One log stream: its ring buffer, its id sequence and its open SSE responses. */
export class LogStream extends DurableObject<Env> {
  readonly #ring: RingBuffer;
  readonly #subscribers = new Set<Subscriber>();
  readonly #heartbeatMs: number;
  readonly #maxSubscribers: number;
  readonly #bucket: TokenBucket | null;
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  #pending: Pending[] = [];
  /** Keyed batches waiting for their commit, so a resend while waiting gets the same answer. */
  readonly #keyed = new Map<string, Promise<IngestResult>>();
  /** The stream's name, learnt from its first append, for reports to the stream index. */
  #name: string | undefined;
  #report: { timer?: ReturnType<typeof setTimeout>; at: number; lastId: number } = { at: 0, lastId: 0 };

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#ring = new RingBuffer(ctx.storage.sql, positiveInteger(env.RING_SIZE, 10_000));
    this.#heartbeatMs = positiveInteger(env.HEARTBEAT_MS, 15_000);
    this.#maxSubscribers = positiveInteger(env.MAX_SUBSCRIBERS, 2000);
    // "0" turns the limit off, for benchmarks and trusted networks.
    const rate = env.RATE_LIMIT_PER_SECOND === "0" ? 0 : positiveInteger(env.RATE_LIMIT_PER_SECOND, 1000);
    const burst = positiveInteger(env.RATE_LIMIT_BURST, 2 * rate);
    this.#bucket = rate === 0 ? null : new TokenBucket(rate, burst, Date.now());
  }

  /**
   * Stores one request's batch and sends it to every subscriber. Batches that arrive together are committed
   * together as one row; the answer waits for that write to be durable (the output gate).
   */
  append(batch: Batch, name: string): Promise<IngestResult | RateLimited> | IngestResult | RateLimited {
    this.#name = name;
    const known = batch.key === undefined ? undefined : this.#recall(batch.key);
    if (known) return known;
    const wait = this.#bucket?.take(Date.now()) ?? 0;
    if (wait > 0) return { retryAfterMs: wait };
    if (batch.count === 0) return { accepted: 0, firstId: null, lastId: null };
    const result = new Promise<IngestResult>((resolve, reject) => {
      this.#pending.push({ ...batch, resolve, reject });
      // One macrotask later: every append that arrived meanwhile joins this commit.
      if (this.#pending.length === 1) setTimeout(() => this.#commit(), 0);
    });
    const key = batch.key;
    if (key !== undefined) {
      this.#keyed.set(key, result);
      result.then(
        () => this.#keyed.delete(key),
        () => this.#keyed.delete(key),
      );
    }
    return result;
  }

  /** The answer a batch with this key got, or will get once its commit lands. */
  #recall(key: string): IngestResult | Promise<IngestResult> | undefined {
    const waiting = this.#keyed.get(key);
    if (waiting) return waiting;
    const stored = this.#ring.recall(key);
    return stored && { accepted: stored.count, firstId: stored.firstId, lastId: stored.firstId + stored.count - 1 };
  }

  #commit(): void {
    const batches = this.#pending;
    this.#pending = [];
    let tails: string;
    let count = 0;
    let firstId: number;
    try {
      tails = batches.length === 1 ? (batches[0] as Pending).tails : batches.map((batch) => batch.tails).join("\n");
      for (const batch of batches) count += batch.count;
      firstId = this.#ring.append(tails, count);
    } catch (error) {
      for (const batch of batches) batch.reject(error);
      return;
    }
    let next = firstId;
    const now = Date.now();
    for (const batch of batches) {
      if (batch.key !== undefined) this.#ring.remember(batch.key, next, batch.count, now);
      batch.resolve({ accepted: batch.count, firstId: next, lastId: next + batch.count - 1 });
      next += batch.count;
    }
    this.#broadcast(firstId, count === 1 ? [tails] : tails.split("\n"));
    this.#scheduleReport();
  }

  /** Tells the stream index about this stream, at most once per INDEX_REPORT_MS and never on the hot path. */
  #scheduleReport(): void {
    if (this.#report.timer !== undefined || this.#name === undefined) return;
    const interval = positiveInteger(this.env.INDEX_REPORT_MS, 5000);
    const name = this.#name;
    this.#report.timer = setTimeout(
      () => {
        const now = Date.now();
        const seconds = this.#report.at === 0 ? interval / 1000 : (now - this.#report.at) / 1000;
        const rate = Math.round(((this.#ring.lastId - this.#report.lastId) / seconds) * 10) / 10;
        this.#report = { at: now, lastId: this.#ring.lastId };
        const index = this.env.STREAM_INDEX.get(this.env.STREAM_INDEX.idFromName("index"));
        const summary = { name, lastActivity: now, entries: this.#ring.size, lastId: this.#ring.lastId, rate };
        // A lost report only leaves the list a little stale; the next batch sends a fresh one.
        this.ctx.waitUntil(
          index.report(summary).catch((error: unknown) => console.error("index report failed", error)),
        );
      },
      Math.max(0, this.#report.at + interval - Date.now()),
    );
  }

  stats(): StreamStats {
    return {
      lastId: this.#ring.lastId,
      oldestId: this.#ring.oldestId,
      entries: this.#ring.size,
      capacity: this.#ring.capacity,
      subscribers: this.#subscribers.size,
      rowsWritten: this.#ring.rowsWritten,
    };
  }

  /** Opens an SSE response; the Worker has already validated the query (see `toQuery`). */
  override fetch(request: Request): Response {
    if (this.#subscribers.size >= this.#maxSubscribers) {
      return Response.json(
        { error: `This stream already has ${this.#maxSubscribers} viewers, its limit: close a tab or retry later` },
        { status: 503, headers: { "Retry-After": "10" } },
      );
    }
    const options = parseSubscribeOptions(new URL(request.url).searchParams, null);
    const filter = compileFilter(options);
    const plan = planReplay(this.#ring.oldestId, this.#ring.lastId, options);

    let backfill = "";
    let after = plan.after;
    if (filter === null) {
      for (const [id, json] of this.#ring.since(after)) backfill += encodeLogEvent(id, json);
    } else {
      const matches: [number, string][] = [];
      const resuming = options.lastEventId !== undefined;
      for (const match of this.#ring.since(resuming ? after : this.#ring.oldestId - 1)) {
        if (filter(JSON.parse(match[1]) as LogEntry)) matches.push(match);
      }
      const chosen = resuming ? matches : matches.slice(Math.max(0, matches.length - options.tail));
      if (!resuming) after = chosen[0] ? chosen[0][0] - 1 : this.#ring.lastId;
      for (const [id, json] of chosen) backfill += encodeLogEvent(id, json);
    }

    // An id-only event dispatches nothing but sets EventSource's last id, so a reconnect resumes here.
    let head = `${encodeRetry(RETRY_MS).slice(0, -1)}id: ${after}\n\n${encodeComment("connected")}`;
    if (plan.gap) head += encodeEvent({ id: plan.gap.to, event: "gap", data: JSON.stringify(plan.gap) });

    let subscriber: Subscriber | undefined;
    const body = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          subscriber = { controller, filter };
          controller.enqueue(encoder.encode(head + backfill));
        },
        cancel: () => {
          if (subscriber) this.#remove(subscriber);
        },
      },
      // Counted in bytes, so desiredSize tells how far a subscriber lags behind.
      { highWaterMark: 0, size: (chunk) => chunk.byteLength },
    );
    if (subscriber) this.#add(subscriber);
    return new Response(body, {
      headers: {
        "Content-Type": "text/event-stream; charset=utf-8",
        "Cache-Control": "no-cache, no-transform",
        "X-Accel-Buffering": "no",
      },
    });
  }

  #broadcast(firstId: number, tails: string[]): void {
    if (this.#subscribers.size === 0) return;
    let unfiltered: Uint8Array | undefined;
    let entries: LogEntry[] | undefined;
    for (const subscriber of this.#subscribers) {
      if (subscriber.filter === null) {
        unfiltered ??= encoder.encode(encodeBatch(firstId, tails));
        this.#send(subscriber, unfiltered);
        continue;
      }
      entries ??= tails.map((tail, i) => JSON.parse(withId(firstId + i, tail)) as LogEntry);
      let frames = "";
      for (let i = 0; i < tails.length; i++) {
        const id = firstId + i;
        if (subscriber.filter(entries[i] as LogEntry)) frames += encodeLogEvent(id, withId(id, tails[i] as string));
      }
      if (frames !== "") this.#send(subscriber, encoder.encode(frames));
    }
  }

  #send(subscriber: Subscriber, chunk: Uint8Array): void {
    const queued = -(subscriber.controller.desiredSize ?? 0);
    if (queued > MAX_QUEUED_BYTES) {
      this.#drop(subscriber);
      return;
    }
    try {
      subscriber.controller.enqueue(chunk);
    } catch {
      this.#drop(subscriber);
    }
  }

  /** Ends the response after what is queued; EventSource then reconnects with its last id and resumes. */
  #drop(subscriber: Subscriber): void {
    this.#remove(subscriber);
    try {
      subscriber.controller.close();
    } catch {
      // Already closed or cancelled.
    }
  }

  #add(subscriber: Subscriber): void {
    this.#subscribers.add(subscriber);
    this.#heartbeat ??= setInterval(() => {
      for (const each of this.#subscribers) this.#send(each, HEARTBEAT);
    }, this.#heartbeatMs);
  }

  #remove(subscriber: Subscriber): void {
    this.#subscribers.delete(subscriber);
    if (this.#subscribers.size === 0 && this.#heartbeat !== undefined) {
      clearInterval(this.#heartbeat);
      this.#heartbeat = undefined;
    }
  }
}

function encodeBatch(firstId: number, tails: string[]): string {
  let frames = "";
  for (let i = 0; i < tails.length; i++) {
    const id = firstId + i;
    frames += encodeLogEvent(id, withId(id, tails[i] as string));
  }
  return frames;
}
