import { DurableObject } from "cloudflare:workers";
import { positiveInteger } from "./config";
import { compileFilter } from "./filter";
import { TokenBucket } from "./rate-limit";
import { planReplay, RingBuffer, withId } from "./ring-buffer";
import { encodeComment, encodeEvent, encodeLogEvent, encodeRetry } from "./sse";
import { parseSubscribeOptions, type SubscribeOptions } from "./subscribe-options";
import type { Batch, IngestResult, LogEntry, RateLimited } from "./types";

const encoder = new TextEncoder();

/** What EventSource waits before reconnecting: short, because a live tail should come back fast. */
const RETRY_MS = 1000;

/** Backfill is sent in WebSocket messages of at most this size. */
const MAX_MESSAGE_CHARS = 256 * 1024;

/** An accepted batch waiting for the next group commit. */
interface Pending extends Batch {
  resolve: (result: IngestResult) => void;
  reject: (error: unknown) => void;
}

type Filter = ((entry: LogEntry) => boolean) | null;

/** What a subscriber's socket keeps across hibernation. */
interface Attachment {
  options: SubscribeOptions;
  /** Whether its backfill went out; until then broadcasts skip it. */
  started: boolean;
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
  /** When this instance of the object started: a later value after an idle spell means it hibernated. */
  startedAt: number;
}

/**
 * One log stream: its ring buffer, its id sequence and its subscribers. Each subscriber is a hibernatable
 * WebSocket from the Worker that holds the viewer's SSE response, so between batches the object can leave
 * memory and stop billing, however many viewers are open.
 */
export class LogStream extends DurableObject<Env> {
  readonly #ring: RingBuffer;
  readonly #maxSubscribers: number;
  readonly #bucket: TokenBucket | null;
  /** Each socket's compiled filter; rebuilt from its attachment after the object wakes up. */
  readonly #filters = new WeakMap<WebSocket, Filter>();
  readonly #startedAt = Date.now();
  #pending: Pending[] = [];
  /** Keyed batches waiting for their commit, so a resend while waiting gets the same answer. */
  readonly #keyed = new Map<string, Promise<IngestResult>>();
  /** The stream's name, learnt from its first append, for reports to the stream index. */
  #name: string | undefined;
  #report: { timer?: ReturnType<typeof setTimeout>; at: number; lastId: number } = { at: 0, lastId: 0 };

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#ring = new RingBuffer(ctx.storage.sql, positiveInteger(env.RING_SIZE, 10_000));
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
      subscribers: this.ctx.getWebSockets().length,
      rowsWritten: this.#ring.rowsWritten,
      startedAt: this.#startedAt,
    };
  }

  /**
   * Accepts a subscriber's WebSocket; the Worker has already validated the query (see `toQuery`). The
   * backfill follows the Worker's "start" message, so nothing is sent before the Worker listens.
   */
  override fetch(request: Request): Response {
    if (this.ctx.getWebSockets().length >= this.#maxSubscribers) {
      return Response.json(
        { error: `This stream already has ${this.#maxSubscribers} viewers, its limit: close a tab or retry later` },
        { status: 503, headers: { "Retry-After": "10" } },
      );
    }
    const options = parseSubscribeOptions(new URL(request.url).searchParams, null);
    const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
    this.ctx.acceptWebSocket(server);
    server.serializeAttachment({ options, started: false } satisfies Attachment);
    return new Response(null, { status: 101, webSocket: client });
  }

  /** The Worker's "start": send the backfill and mark the socket live, in one turn, so no batch slips between. */
  override webSocketMessage(socket: WebSocket): void {
    const attachment = socket.deserializeAttachment() as Attachment;
    if (attachment.started) return;
    const { options } = attachment;
    const filter = compileFilter(options);
    const plan = planReplay(this.#ring.oldestId, this.#ring.lastId, options);
    const frames: string[] = [];
    let after = plan.after;
    if (filter === null) {
      for (const [id, json] of this.#ring.since(after)) frames.push(encodeLogEvent(id, json));
    } else {
      const matches: [number, string][] = [];
      const resuming = options.lastEventId !== undefined;
      for (const match of this.#ring.since(resuming ? after : this.#ring.oldestId - 1)) {
        if (filter(JSON.parse(match[1]) as LogEntry)) matches.push(match);
      }
      const chosen = resuming ? matches : matches.slice(Math.max(0, matches.length - options.tail));
      if (!resuming) after = chosen[0] ? chosen[0][0] - 1 : this.#ring.lastId;
      for (const [id, json] of chosen) frames.push(encodeLogEvent(id, json));
    }
    // An id-only event dispatches nothing but sets EventSource's last id, so a reconnect resumes here.
    let message = `${encodeRetry(RETRY_MS).slice(0, -1)}id: ${after}\n\n${encodeComment("connected")}`;
    if (plan.gap) message += encodeEvent({ id: plan.gap.to, event: "gap", data: JSON.stringify(plan.gap) });
    // The backfill goes as text, live batches as binary: the relay lets only the backfill exceed its lag limit.
    for (const frame of frames) {
      if (message.length + frame.length > MAX_MESSAGE_CHARS) {
        send(socket, message);
        message = "";
      }
      message += frame;
    }
    send(socket, message);
    socket.serializeAttachment({ options, started: true } satisfies Attachment);
    this.#filters.set(socket, filter);
  }

  override webSocketClose(socket: WebSocket): void {
    socket.close();
  }

  override webSocketError(socket: WebSocket): void {
    socket.close();
  }

  /** A live socket's filter; undefined while its backfill has not been sent. */
  #filterOf(socket: WebSocket): Filter | undefined {
    if (this.#filters.has(socket)) return this.#filters.get(socket);
    const attachment = socket.deserializeAttachment() as Attachment | null;
    if (!attachment?.started) return undefined;
    const filter = compileFilter(attachment.options);
    this.#filters.set(socket, filter);
    return filter;
  }

  #broadcast(firstId: number, tails: string[]): void {
    const sockets = this.ctx.getWebSockets();
    if (sockets.length === 0) return;
    let unfiltered: Uint8Array | undefined;
    let entries: LogEntry[] | undefined;
    for (const socket of sockets) {
      const filter = this.#filterOf(socket);
      if (filter === undefined) continue;
      if (filter === null) {
        unfiltered ??= encoder.encode(encodeBatch(firstId, tails));
        send(socket, unfiltered);
        continue;
      }
      entries ??= tails.map((tail, i) => JSON.parse(withId(firstId + i, tail)) as LogEntry);
      const parsed = entries;
      const frames = encodeBatch(firstId, tails, (i) => filter(parsed[i] as LogEntry));
      if (frames !== "") send(socket, encoder.encode(frames));
    }
  }
}

/** One subscriber's failure never reaches the others: a socket that cannot take a message is closed. */
function send(socket: WebSocket, chunk: Uint8Array | string): void {
  try {
    socket.send(chunk);
  } catch {
    try {
      socket.close(1011, "send failed");
    } catch {
      // Already closed.
    }
  }
}

/** SSE frames for a batch, or for the entries of it that `keep` (given the index) lets through. */
function encodeBatch(firstId: number, tails: string[], keep?: (index: number) => boolean): string {
  let frames = "";
  for (let i = 0; i < tails.length; i++) {
    if (keep && !keep(i)) continue;
    const id = firstId + i;
    frames += encodeLogEvent(id, withId(id, tails[i] as string));
  }
  return frames;
}
