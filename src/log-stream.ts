import { DurableObject } from "cloudflare:workers";
import { positiveInteger } from "./config";
import { compileFilter } from "./filter";
import { TokenBucket } from "./rate-limit";
import { planReplay, RingBuffer } from "./ring-buffer";
import { encodeComment, encodeEvent, encodeLogEvent, encodeRetry } from "./sse";
import { parseSubscribeOptions } from "./subscribe-options";
import type { IngestResult, LogEntry } from "./types";

const encoder = new TextEncoder();

/** What EventSource waits before reconnecting: short, because a live tail should come back fast. */
const RETRY_MS = 1000;

/** A subscriber with more unread bytes than this is dropped: its queue stops growing, and it resumes on reconnect. */
export const MAX_QUEUED_BYTES = 1 << 20;

const HEARTBEAT = encoder.encode(encodeComment("heartbeat"));

interface Subscriber {
  controller: ReadableStreamDefaultController<Uint8Array>;
  filter: ((entry: LogEntry) => boolean) | null;
}

/** The answer to an append over the stream's request rate: nothing was stored. */
export interface RateLimited {
  retryAfterMs: number;
}

/** Stream statistics, as `GET /api/streams/{stream}` reports them. */
export interface StreamStats {
  lastId: number;
  oldestId: number;
  entries: number;
  capacity: number;
  subscribers: number;
}

/** One log stream: its ring buffer, its id sequence and its open SSE responses. */
export class LogStream extends DurableObject<Env> {
  readonly #ring: RingBuffer;
  readonly #subscribers = new Set<Subscriber>();
  readonly #heartbeatMs: number;
  readonly #maxSubscribers: number;
  readonly #bucket: TokenBucket | null;
  #heartbeat: ReturnType<typeof setInterval> | undefined;

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
   * Stores a batch of entries serialised without their id (`"time":…}`) and sends it to every
   * subscriber. The caller's answer waits for the write to be durable (the output gate).
   */
  append(tails: string[]): IngestResult | RateLimited {
    const wait = this.#bucket?.take(Date.now()) ?? 0;
    if (wait > 0) return { retryAfterMs: wait };
    if (tails.length === 0) return { accepted: 0, firstId: null, lastId: null };
    const { firstId, json } = this.#ring.append(tails);
    this.#broadcast(firstId, json);
    return { accepted: json.length, firstId, lastId: firstId + json.length - 1 };
  }

  stats(): StreamStats {
    return {
      lastId: this.#ring.lastId,
      oldestId: this.#ring.oldestId,
      entries: this.#ring.size,
      capacity: this.#ring.capacity,
      subscribers: this.#subscribers.size,
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

  #broadcast(firstId: number, json: string[]): void {
    if (this.#subscribers.size === 0) return;
    let unfiltered: Uint8Array | undefined;
    let entries: LogEntry[] | undefined;
    for (const subscriber of this.#subscribers) {
      if (subscriber.filter === null) {
        unfiltered ??= encoder.encode(encodeBatch(firstId, json));
        this.#send(subscriber, unfiltered);
        continue;
      }
      entries ??= json.map((entry) => JSON.parse(entry) as LogEntry);
      let frames = "";
      for (let i = 0; i < json.length; i++) {
        if (subscriber.filter(entries[i] as LogEntry)) frames += encodeLogEvent(firstId + i, json[i] as string);
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

function encodeBatch(firstId: number, json: string[]): string {
  let frames = "";
  for (let i = 0; i < json.length; i++) frames += encodeLogEvent(firstId + i, json[i] as string);
  return frames;
}
