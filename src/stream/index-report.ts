// Reports one stream's summary (newest line, size, rate) to its shard of the stream index, off the hot path.
import type { Config } from "../config";
import { shardName, shardOf } from "./index-shards";
import type { RingBuffer } from "./ring-buffer";

/** Sends at most one report per INDEX_REPORT_MS, each computing the rate since the previous one. */
export class IndexReporter {
  #timer: ReturnType<typeof setTimeout> | undefined;
  #sent: Promise<void> | undefined;
  #at = 0;
  #lastId = 0;

  constructor(
    private readonly ctx: DurableObjectState,
    private readonly env: Env,
    private readonly config: Config,
    private readonly ring: RingBuffer,
    private readonly alertCount: () => number,
  ) {}

  /** Tells the stream index about the stream `name` (undefined: not yet known, nothing to tell). */
  schedule(name: string | undefined): void {
    if (this.#timer !== undefined || name === undefined) return;
    const { indexReportMs: interval, streamIndexShards: shards } = this.config;
    this.#timer = setTimeout(
      () => {
        const now = Date.now();
        const seconds = this.#at === 0 ? interval / 1000 : (now - this.#at) / 1000;
        const rate = Math.round(((this.ring.lastId - this.#lastId) / seconds) * 10) / 10;
        this.#timer = undefined;
        this.#at = now;
        this.#lastId = this.ring.lastId;
        const index = this.env.STREAM_INDEX.get(this.env.STREAM_INDEX.idFromName(shardName(shardOf(name, shards))));
        const ring = this.ring;
        const summary = { name, lastActivity: ring.newestAt, entries: ring.size, lastId: ring.lastId, rate };
        // A lost report only leaves the list a little stale; the next batch sends a fresh one.
        const sent = index
          .report(summary, this.alertCount())
          .catch((error: unknown) => console.error("index report failed", error));
        this.#sent = sent;
        this.ctx.waitUntil(sent);
      },
      Math.max(0, this.#at + interval - Date.now()),
    );
  }

  /** Cancels a pending report (the stream is being deleted); answers the one already on its way, if any. */
  reset(): Promise<void> | undefined {
    const inFlight = this.#sent;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#sent = undefined;
    this.#at = 0;
    this.#lastId = this.ring.lastId;
    return inFlight;
  }
}
