import { DurableObject } from "cloudflare:workers";
import type { Level } from "../../lib/levels.js";
import type { IngestResult } from "../../lib/types";
import { type Config, loadConfig } from "../config";
import { compileFilter } from "../viewer/filter";
import { parseSubscribeOptions } from "../viewer/subscribe-options";
import { GroupCommit } from "./group-commit";
import { type HistoryPage, searchHistory } from "./history";
import { IdempotencyKeys } from "./idempotency";
import { TokenBucket } from "./rate-limit";
import { RingBuffer } from "./ring-buffer";
import type { Batch, Tail } from "./stored";
import { type Attachment, Subscribers } from "./subscribers";

/** What `append` answers: the ids given, or how long to wait when the stream's rate is exceeded. */
export type AppendResult = { ok: true; result: IngestResult } | { ok: false; retryAfterMs: number };

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
  readonly #config: Config;
  readonly #ring: RingBuffer;
  readonly #commits: GroupCommit;
  readonly #subscribers: Subscribers;
  readonly #bucket: TokenBucket | null;
  readonly #startedAt = Date.now();
  /** The stream's name, learnt from its first append, for reports to the stream index. */
  #name: string | undefined;
  #report: { timer?: ReturnType<typeof setTimeout>; at: number; lastId: number } = { at: 0, lastId: 0 };

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#config = loadConfig(env);
    this.#ring = new RingBuffer(ctx.storage.sql, this.#config.ringSize, this.#config.ringMaxAgeMs);
    this.#subscribers = new Subscribers(this.#ring);
    const keys = new IdempotencyKeys(ctx.storage.sql);
    this.#commits = new GroupCommit(this.#ring, keys, (firstId, tails) => this.#committed(firstId, tails));
    const { rateLimitPerSecond: rate, rateLimitBurst: burst } = this.#config;
    this.#bucket = rate === 0 ? null : new TokenBucket(rate, burst, Date.now());
  }

  /**
   * Stores one request's batch and sends it to every subscriber. Batches that arrive together are committed
   * together as one row; the answer waits for that write to be durable (the output gate).
   */
  async append(batch: Batch, name: string): Promise<AppendResult> {
    this.#name = name;
    const known = batch.key === undefined ? undefined : this.#commits.recall(batch.key);
    if (known) return { ok: true, result: await known };
    const wait = this.#bucket?.take(Date.now()) ?? 0;
    if (wait > 0) return { ok: false, retryAfterMs: wait };
    if (batch.count === 0) return { ok: true, result: { accepted: 0, firstId: null, lastId: null } };
    return { ok: true, result: await this.#commits.add(batch) };
  }

  #committed(firstId: number, tails: Tail[]): void {
    const sockets = this.ctx.getWebSockets();
    if (sockets.length > 0) this.#subscribers.broadcast(sockets, firstId, tails);
    this.#scheduleReport();
  }

  /** Tells the stream index about this stream, at most once per INDEX_REPORT_MS and never on the hot path. */
  #scheduleReport(): void {
    if (this.#report.timer !== undefined || this.#name === undefined) return;
    const interval = this.#config.indexReportMs;
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

  /** A page of a history search: matching entries' wire JSON, newest first, below `before`. */
  history(q: string | undefined, level: Level | undefined, before: number, limit: number, stream: string): HistoryPage {
    this.#ring.expire(Date.now());
    return searchHistory(this.#ring, compileFilter({ q, level }, stream), before, limit);
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
    const max = this.#config.maxSubscribers;
    if (this.ctx.getWebSockets().length >= max) {
      return Response.json(
        { error: `This stream already has ${max} viewers, its limit: close a tab or retry later` },
        { status: 503, headers: { "Retry-After": "10" } },
      );
    }
    const query = new URL(request.url).searchParams;
    const options = parseSubscribeOptions(query, null);
    const stream = query.get("stream") ?? "";
    this.#name ??= stream;
    const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
    this.ctx.acceptWebSocket(server);
    server.serializeAttachment({ options, stream, started: false } satisfies Attachment);
    return new Response(null, { status: 101, webSocket: client });
  }

  /** The Worker's "start": send the backfill and mark the socket live, in one turn, so no batch slips between. */
  override webSocketMessage(socket: WebSocket): void {
    const attachment = socket.deserializeAttachment() as Attachment;
    if (!attachment.started) {
      this.#ring.expire(Date.now());
      this.#subscribers.start(socket, attachment);
    }
  }

  override webSocketClose(socket: WebSocket): void {
    socket.close();
  }

  override webSocketError(socket: WebSocket): void {
    socket.close();
  }
}
