// One stream's Durable Object: it holds the ring, the subscribers and the alerts, and wires them up.
import { DurableObject } from "cloudflare:workers";
import type { Level } from "../lib/levels.js";
import type { IngestResult } from "../lib/types";
import { Alerts } from "./alerts/alerts";
import type { AlertRule } from "./alerts/rule";
import { type Config, loadConfig } from "./config";
import { Commit } from "./stream/commit";
import { entriesAround } from "./stream/context";
import { compileFilter, type EntryFilter } from "./stream/filter";
import { GroupCommit } from "./stream/group-commit";
import type { Histogram } from "./stream/histogram";
import { type HistoryPage, searchHistory } from "./stream/history";
import { IdempotencyKeys } from "./stream/idempotency";
import { IndexReporter } from "./stream/index-report";
import { type PatternList, PatternTable } from "./stream/patterns";
import { TokenBucket } from "./stream/rate-limit";
import { RingBuffer } from "./stream/ring-buffer";
import type { Batch, PatternIds, Tail } from "./stream/stored";
import { parseSubscribeOptions } from "./stream/subscribe-options";
import { type Attachment, Subscribers } from "./stream/subscribers";
import { liveSockets, refuseViewer } from "./stream/viewer-slots";
import { countLines, timeSpan, type VolumeWindow, windowGrid } from "./stream/volume";

/**
 * What `append` answers: the ids given, how long to wait when the stream's rate is exceeded, or that the
 * batch's Idempotency-Key was used for other entries.
 */
export type AppendResult =
  | { ok: true; result: IngestResult }
  | { ok: false; refused: "rate"; retryAfterMs: number }
  | { ok: false; refused: "key-reused" };

/** How the Worker hands a batch over. */
export interface AppendOptions {
  /** The request already took its rate-limit token with `admit` (a request bound for several streams). */
  admitted?: boolean;
  /** SHA-256 of the batch's entries, kept with its Idempotency-Key. */
  digest?: string;
  /** The wire format it arrived in ("loki-protobuf", "otlp-json"…), counted in `stats().received`. */
  format?: string;
}

/** Names the internal subscribe request's header that carries the viewer's client key. */
export const CLIENT_HEADER = "X-Edge-Tail-Client";

/** Stream statistics, as `GET /api/streams/{stream}` reports them. */
export interface StreamStats {
  lastId: number;
  oldestId: number;
  entries: number;
  capacity: number;
  subscribers: number;
  /** SQLite rows written since the object last started. */
  rowsWritten: number;
  /** Bytes of the object's SQLite database: the ring, its keys and anything else it stores. */
  storageBytes: number;
  /** Requests accepted since the object last started, by wire format. */
  received: Record<string, number>;
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
  readonly #report: IndexReporter;
  readonly #received: Record<string, number> = {};
  readonly #alerts: Alerts;
  /** Whether the test-only fault (TEST_FAIL_FIRST_APPEND) may still fire in this instance. */
  #faultArmed = true;
  readonly #keys: IdempotencyKeys;
  /** Null when PATTERN_LIMIT is 0. */
  readonly #patterns: PatternTable | null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#config = loadConfig(env);
    this.#ring = new RingBuffer(ctx.storage.sql, this.#config.ringSize, this.#config.ringMaxAgeMs);
    this.#subscribers = new Subscribers(this.#ring);
    const { alertWebhookHosts: hosts, incidentTtlMs } = this.#config;
    this.#alerts = new Alerts(ctx.storage, this.#ring, { hosts, incidentTtlMs });
    this.#keys = new IdempotencyKeys(ctx.storage.sql);
    const patterns =
      this.#config.patternLimit === 0 ? null : new PatternTable(ctx.storage.sql, this.#ring, this.#config.patternLimit);
    this.#patterns = patterns;
    this.#commits = new GroupCommit(
      this.#ring,
      this.#keys,
      (firstId, tails, ids) => this.#committed(firstId, tails, ids),
      patterns === null ? undefined : (tails, times, shapes) => patterns.assign(tails, times, shapes),
    );
    this.#report = new IndexReporter(ctx, env, this.#config, this.#ring, () => this.#alerts.count());
    const { rateLimitPerSecond: rate, rateLimitBurst: burst } = this.#config;
    this.#bucket = rate === 0 ? null : new TokenBucket(rate, burst, Date.now());
  }

  /**
   * Stores one request's batch and sends it to every subscriber. Batches that arrive together are committed
   * together as one row; the answer waits for that write to be durable (the output gate).
   */
  async append(batch: Batch, name: string, options: AppendOptions = {}): Promise<AppendResult> {
    this.#name = name;
    const fault = this.#config.testFailFirstAppend;
    if (fault !== "" && this.#faultArmed && name.startsWith(fault)) {
      this.#faultArmed = false;
      throw new Error(`injected fault (TEST_FAIL_FIRST_APPEND): the first append to ${name} fails`);
    }
    const known = batch.key === undefined ? undefined : this.#commits.recall(batch.key);
    if (known) {
      const same = known.digest === null || options.digest === undefined || known.digest === options.digest;
      if (options.admitted) this.#bucket?.refund();
      return same ? { ok: true, result: await known.result } : { ok: false, refused: "key-reused" };
    }
    const wait = options.admitted ? 0 : this.admit();
    if (wait > 0) return { ok: false, refused: "rate", retryAfterMs: wait };
    if (options.format !== undefined) this.#received[options.format] = (this.#received[options.format] ?? 0) + 1;
    if (batch.count === 0) return { ok: true, result: { accepted: 0, firstId: null, lastId: null } };
    return { ok: true, result: await this.#commits.add(batch, options.digest ?? null) };
  }

  /**
   * Takes one request's rate-limit token ahead of `append(…, {admitted: true})`: 0 when admitted, else the
   * milliseconds to wait. A request bound for several streams is admitted on all before it is stored on any.
   */
  admit(): number {
    return this.#bucket?.take(Date.now()) ?? 0;
  }

  /** Returns a token `admit` took for a request that another stream then refused. */
  refund(): void {
    this.#bucket?.refund();
  }

  #committed(firstId: number, tails: Tail[], patterns: PatternIds): void {
    const sockets = this.ctx.getWebSockets();
    // Parsed once, matched once per distinct query, for the viewers and the alert rules alike.
    const commit = new Commit(firstId, tails, patterns);
    if (sockets.length > 0) this.#subscribers.broadcast(sockets, commit);
    this.#patterns?.committed(firstId);
    this.#alerts.committed(commit, this.#patterns?.fresh ?? []);
    this.#report.schedule(this.#name);
  }

  /** Alerts (src/alerts/): late captures, notification deliveries and retries, incident expiry. */
  override async alarm(): Promise<void> {
    await this.#alerts.alarm();
  }

  /** Saves a rule the Worker has checked; `{limit}` when the stream already has the most rules it may. */
  putAlert(stream: string, name: string, rule: AlertRule) {
    this.#name ??= stream;
    const saved = this.#alerts.put(stream, name, rule);
    // The list keeps a stream with rules after its lines age out: the index learns of them.
    this.#report.schedule(this.#name);
    return saved;
  }

  deleteAlert(name: string): boolean {
    const deleted = this.#alerts.delete(name);
    this.#report.schedule(this.#name);
    return deleted;
  }

  /**
   * Deletes the stream's lines, rules, incidents and idempotency keys, and tells its viewers, whose responses
   * end. The newest id is kept, so the stream's next line gets an id no viewer has seen.
   */
  async erase(stream: string): Promise<void> {
    const inFlight = this.#report.reset();
    this.#subscribers.deleted(this.ctx.getWebSockets(), stream);
    this.#ring.clear();
    this.#keys.clear();
    await this.#alerts.clear();
    // A report already on its way lands before the Worker takes the stream off the list.
    await inFlight;
  }

  alert(name: string) {
    return this.#alerts.rule(name);
  }

  alerts() {
    return this.#alerts.rules();
  }

  /** An incident's JSON, or null. */
  incident(id: string): string | null {
    return this.#alerts.incident(id);
  }

  incidents(limit: number, alert?: string) {
    return this.#alerts.incidents(limit, alert);
  }

  /** A page of a history search: matching entries' wire JSON, newest first, below `before`. */
  history(q: string | undefined, level: Level | undefined, before: number, limit: number, stream: string): HistoryPage {
    this.#ring.expire(Date.now());
    return searchHistory(this.#ring, compileFilter({ q, level }, stream), before, limit);
  }

  /** Lines per time bucket (volume.ts): from the stored marks, or a bounded scan under a filter. */
  histogram(window: VolumeWindow, filter: EntryFilter, stream: string): Histogram {
    this.#ring.expire(Date.now());
    return countLines(this.#ring, compileFilter(filter, stream), windowGrid(this.#ring, window, Date.now()));
  }

  /** The oldest and newest line's time, so a merged view can plan one grid for all its streams. */
  timeSpan(): { min: number; max: number } | null {
    this.#ring.expire(Date.now());
    return timeSpan(this.#ring);
  }

  /** The wire JSON of the entries around `id`, oldest first (context.ts); null when `id` is not in the ring. */
  around(id: number, before: number, after: number, filter: EntryFilter, stream: string): string[] | null {
    this.#ring.expire(Date.now());
    return entriesAround(this.#ring, compileFilter(filter, stream), id, before, after);
  }

  /** The patterns of the held lines (of those the query matches), most lines first. */
  patterns(q: string | undefined, level: Level | undefined, stream: string): PatternList {
    this.#ring.expire(Date.now());
    return this.#patterns?.list(compileFilter({ q, level }, stream)) ?? { patterns: [], lines: 0, searched: 0 };
  }

  stats(): StreamStats {
    return {
      lastId: this.#ring.lastId,
      oldestId: this.#ring.oldestId,
      entries: this.#ring.size,
      capacity: this.#ring.capacity,
      subscribers: liveSockets(this.ctx, this.#config.heartbeatMs).length,
      rowsWritten: this.#ring.rowsWritten,
      storageBytes: this.ctx.storage.sql.databaseSize,
      received: this.#received,
      startedAt: this.#startedAt,
    };
  }

  /**
   * Accepts a subscriber's WebSocket; the Worker has already validated the query (see `toQuery`). The
   * backfill follows the Worker's "start" message, so nothing is sent before the Worker listens.
   */
  override fetch(request: Request): Response {
    const clientTag = `client:${request.headers.get(CLIENT_HEADER) ?? "unknown"}`;
    const refused = refuseViewer(this.ctx, this.#config, clientTag);
    if (refused) return refused;
    const query = new URL(request.url).searchParams;
    const options = parseSubscribeOptions(query, null);
    const stream = query.get("stream") ?? "";
    this.#name ??= stream;
    const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
    this.ctx.acceptWebSocket(server, [clientTag, `opened:${Date.now()}`]);
    server.serializeAttachment({ options, stream, started: false } satisfies Attachment);
    return new Response(null, { status: 101, webSocket: client });
  }

  /** The Worker's "start": send the backfill and mark the socket live, in one turn, so no batch slips between. */
  override webSocketMessage(socket: WebSocket, message: string | ArrayBuffer): void {
    const attachment = socket.deserializeAttachment() as Attachment;
    if (!attachment.started) {
      this.#ring.expire(Date.now());
      // "start+" comes from a merged view, which needs to know where the backfill ends.
      this.#subscribers.start(socket, attachment, message === "start+");
    }
  }

  override webSocketClose(socket: WebSocket): void {
    socket.close();
  }

  override webSocketError(socket: WebSocket): void {
    socket.close();
  }
}
