// The page's connection to its stream, through lib/sse-client.js (the same resuming reader as the CLI): it
// resumes from the last id after a drop, asks for a read token when the server wants one, reports outages
// with their times, yields the main thread while it hands a large backlog to the page, and stops following a
// stream the server says was deleted (`event: deleted`).
import { SseClient, SseRefusedError } from "../lib/sse-client.js";
import type { Gap, LogEntry } from "../lib/types";
import { apiUrl, streamPath } from "./api";
import { joinPositions } from "./positions";

export type ConnectionState = "connecting" | "live" | "reconnecting" | "deleted";

export interface ConnectionOptions {
  /** One stream's name, or several (names and `team-a.*` prefixes, comma-separated) for a merged view. */
  stream: string;
  merged: boolean;
  /** Entries the server backfills on a fresh connect. */
  tail: number;
  /** Where a reconnect resumes: the highest entry id held (`a:12,b:40` in a merged view); "" or "0" for none. */
  resumeFrom: () => string;
  /** `stream` is the entry's own stream in a merged view. */
  onEntry: (entry: LogEntry, stream?: string) => void;
  onGap: (gap: Gap, stream?: string) => void;
  onOutage: (from: number, to: number) => void;
  onState: (state: ConnectionState, reason?: string) => void;
  onNeedToken: () => void;
}

/** What the server filters by: the query text (already valid) and the minimum level. */
export interface ServerFilter {
  q: string;
  level: string;
}

/** Handing entries to the page pauses for a frame's other work after this long. */
const SLICE_MS = 8;

export class Connection {
  private controller: AbortController | null = null;
  private client: SseClient | null = null;
  private filter: ServerFilter = { q: "", level: "" };
  /** When the live connection was lost; null while connected. */
  private lostAt: number | null = null;
  private wasLive = false;
  private sliceStart = 0;
  private inSlice = false;
  /** The stream was deleted: the view follows it no more, whatever the filter. */
  private gone = false;

  constructor(private readonly options: ConnectionOptions) {}

  /** First connect (and again after signing in). */
  start(filter: ServerFilter) {
    this.filter = filter;
    this.connect(true);
  }

  /**
   * Reconnects with another filter: a fresh backfill of its matches, then live entries. A merged view resumes
   * instead: its entries are ordered by arrival, so an older backfilled match would have no place.
   */
  refilter(filter: ServerFilter) {
    this.filter = filter;
    if (!this.gone) this.connect(this.options.merged, true);
  }

  /** `deliberate`: the reader changed the filter, no outage. */
  private connect(resume: boolean, deliberate = false) {
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    const { stream, tail } = this.options;
    const params = new URLSearchParams({ tail: String(tail) });
    if (this.filter.level) params.set("level", this.filter.level);
    if (this.filter.q) params.set("q", this.filter.q);
    // A merged view resumes every stream the server named, also those with no line held (none matched so far).
    const from = this.options.merged
      ? joinPositions(this.options.resumeFrom(), this.client?.lastEventId)
      : this.options.resumeFrom();
    // A deliberate reconnect with a new filter is no outage: the badge keeps its state.
    if ((resume && !deliberate) || !this.wasLive) this.options.onState(this.wasLive ? "reconnecting" : "connecting");
    if (this.options.merged) params.set("streams", stream);
    const path = this.options.merged ? "/api/events" : streamPath(stream, "/events");
    const client: SseClient = new SseClient(apiUrl(path, params), {
      signal: controller.signal,
      onDeleted: (name) => this.deleted(controller, name),
      ...(resume && from !== "" && from !== "0" ? { lastEventId: from } : {}),
      onLog: (entry) => {
        if (typeof entry.id === "number") this.options.onEntry(entry, streamOf(entry));
        return this.yieldSometimes();
      },
      onGap: (gap) => this.options.onGap(gap, streamOf(gap)),
      onState: (state) => {
        if (controller.signal.aborted) return;
        if (state.state === "open") {
          if (this.lostAt !== null) this.options.onOutage(this.lostAt, Date.now());
          this.lostAt = null;
          this.wasLive = true;
          this.options.onState("live");
        } else if (state.state === "waiting") {
          if (this.wasLive && this.lostAt === null) this.lostAt = Date.now();
          this.options.onState("reconnecting", `${state.reason}; retrying in ${Math.ceil(state.retryInMs / 1000)} s`);
        }
      },
    });
    this.client = client;
    client.run().catch((error: unknown) => {
      if (controller.signal.aborted) return;
      if (error instanceof SseRefusedError && error.status === 401) {
        this.options.onState("reconnecting", "a read token is needed");
        this.options.onNeedToken();
        return;
      }
      this.options.onState("reconnecting", error instanceof Error ? error.message : String(error));
    });
  }

  /** A merged view's position in every stream it reads (`a:12,b:40`), as the server last said it and the page holds it. */
  positions(): string {
    return joinPositions(this.options.resumeFrom(), this.client?.lastEventId);
  }

  /** A stream of the view was deleted: a single stream's view stops following, a merged view goes on. */
  private deleted(controller: AbortController, name: string) {
    if (controller.signal.aborted) return;
    if (this.options.merged) {
      this.options.onState("live", `the stream ${name} was deleted; the others go on`);
      return;
    }
    this.gone = true;
    controller.abort();
    this.options.onState("deleted", "this stream was deleted; no longer following");
  }

  /**
   * Lets the page paint between slices of a backlog: the reader reads on once the promise settles. A slice starts
   * with the first entry of a task and ends with that task or after SLICE_MS.
   */
  private yieldSometimes(): Promise<void> | undefined {
    const now = performance.now();
    if (!this.inSlice) {
      this.inSlice = true;
      this.sliceStart = now;
      setTimeout(() => {
        this.inSlice = false;
      }, 0);
      return undefined;
    }
    if (now - this.sliceStart < SLICE_MS) return undefined;
    this.inSlice = false;
    return new Promise((resolve) => setTimeout(resolve, 0));
  }
}

/** The `stream` a merged view's event data carries; undefined on a single stream's events. */
function streamOf(data: object): string | undefined {
  const stream = (data as { stream?: unknown }).stream;
  return typeof stream === "string" ? stream : undefined;
}
