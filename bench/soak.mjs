// `npm run soak`: producers and subscribers against `wrangler dev` for a while, with random disconnects, a
// slow reader and restarts of the Worker. Every subscriber must see every acknowledged line once, in order,
// or be told by a `gap` event which ids it missed. Exits 1 on any unannounced loss, duplicate or reordering.
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { SseClient } from "../lib/sse-client.js";
import { startViewer } from "../scripts/wrangler-dev.mjs";
import { checkLokiResends, lokiResends } from "./loki-resend.mjs";
import { Histogram } from "./stats.mjs";

const { values } = parseArgs({
  options: {
    duration: { type: "string", default: "600" },
    streams: { type: "string", default: "5" },
    subscribers: { type: "string", default: "50" },
    rate: { type: "string", default: "500" },
    restarts: { type: "string", default: "1" },
    "cut-every": { type: "string", default: "30" },
    "slow-for": { type: "string", default: "30" },
    merged: { type: "string", default: "2" },
  },
});
const DURATION_S = Number(values.duration);
const STREAMS = Number(values.streams);
const SUBSCRIBERS = Number(values.subscribers);
const RATE = Number(values.rate);
const RESTARTS = Number(values.restarts);
const CUT_EVERY_S = Number(values["cut-every"]);
const SLOW_FOR_S = Number(values["slow-for"]);
const MERGED = Number(values.merged);
const TICK_MS = 100;

/** @param {string} message */
const log = (message) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${message}`);
/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const viewer = await startViewer({ vars: { RATE_LIMIT_PER_SECOND: "0", HEARTBEAT_MS: "5000" } });
const names = Array.from({ length: STREAMS }, (_, i) => `soak-${i}-${randomUUID().slice(0, 6)}`);
let running = true;
let serverUp = true;
/** Ends every subscriber once the run is over and they have caught up. */
const done = new AbortController();

/** Per stream: every id acknowledged with 202, and when its POST started. */
const acked = new Map(names.map((name) => [name, /** @type {Map<number, number>} */ (new Map())]));
const producerStats = new Map(names.map((name) => [name, { lines: 0, retries: 0 }]));

/** @param {string} stream */
async function produce(stream) {
  const ids = /** @type {Map<number, number>} */ (acked.get(stream));
  const stats = /** @type {{ lines: number, retries: number }} */ (producerStats.get(stream));
  const perTick = Math.max(1, Math.round((RATE / STREAMS) * (TICK_MS / 1000)));
  let seq = 0;
  const started = performance.now();
  let tick = 0;
  while (running) {
    const stamp = performance.timeOrigin + performance.now();
    const lines = Array.from({ length: perTick }, () => JSON.stringify({ msg: `${seq++}:${stamp}` }));
    const key = randomUUID();
    // One batch at a time, retried with the same key until acknowledged: a resend is never stored twice.
    for (let attempt = 0; ; attempt++) {
      try {
        const response = await fetch(`${viewer.url}/api/streams/${stream}/logs`, {
          method: "POST",
          headers: { "Content-Type": "application/x-ndjson", "Idempotency-Key": key },
          body: lines.join("\n"),
        });
        if (response.status === 202) {
          const { firstId, lastId } = /** @type {import("../lib/types").IngestResult} */ (await response.json());
          for (let id = firstId ?? 1; id <= (lastId ?? 0); id++) ids.set(id, stamp);
          stats.lines += lines.length;
          break;
        }
      } catch {
        // The server is down: retry below.
      }
      stats.retries++;
      await sleep(Math.min(2000, 100 * 2 ** attempt));
    }
    tick++;
    const next = started + tick * TICK_MS;
    await sleep(Math.max(0, next - performance.now()));
  }
}

/** One reader's accounting for one stream: every id once, in order, or announced as missed. */
class Tracker {
  constructor() {
    /** @type {number | null} */
    this.lastId = null;
    /** @type {number | null} */
    this.firstId = null;
    /** @type {Set<number>} */
    this.seen = new Set();
    this.missing = 0;
    this.duplicated = 0;
    this.outOfOrder = 0;
    this.gaps = 0;
    this.gapIds = 0;
    /** @type {Set<number>} */
    this.announced = new Set();
    this.latency = new Histogram();
  }

  /** @param {import("../lib/types").Gap} gap */
  onGap(gap) {
    this.gaps++;
    this.gapIds += gap.to - gap.from + 1;
    for (let id = gap.from; id <= gap.to; id++) this.announced.add(id);
    this.lastId = Math.max(this.lastId ?? 0, gap.to);
  }

  /** @param {import("../lib/types").LogEntry} entry @param {number} now */
  onLog(entry, now) {
    const { id } = entry;
    if (this.firstId === null) this.firstId = id;
    if (this.seen.has(id)) this.duplicated++;
    else if (this.lastId !== null && id < this.lastId) this.outOfOrder++;
    else if (this.lastId !== null && id > this.lastId + 1) {
      for (let missed = this.lastId + 1; missed < id; missed++) if (!this.announced.has(missed)) this.missing++;
    }
    this.seen.add(id);
    this.lastId = Math.max(this.lastId ?? 0, id);
    this.latency.record(now - Number(entry.message.slice(entry.message.indexOf(":") + 1)));
  }
}

/**
 * One reader through lib/sse-client.js: of one stream, or of several in one merged view
 * (`/api/events?streams=…`), where each entry names its stream and is checked against that stream alone.
 */
class Subscriber {
  /**
   * @param {string[]} streams one, or several for a merged view
   * @param {{ from: number, until: number } | null} slow when it stops reading for a while
   */
  constructor(streams, slow) {
    this.streams = streams;
    this.merged = streams.length > 1;
    this.slow = slow;
    /** @type {Map<string, Tracker>} */
    this.trackers = new Map(streams.map((stream) => [stream, new Tracker()]));
    this.reconnects = 0;
    this.nextCut = Date.now() + Math.random() * 2 * CUT_EVERY_S * 1000;
    const url = this.merged
      ? `${viewer.url}/api/events?streams=${streams.join(",")}&tail=0`
      : `${viewer.url}/api/streams/${streams[0]}/events?tail=0`;
    this.client = new SseClient(url, {
      signal: done.signal,
      // Quick retries: a restart of wrangler dev takes a few seconds.
      maxRetryMs: 2000,
      onLog: (entry) => this.onLog(entry),
      onGap: (gap) => this.#tracker(gap)?.onGap(gap),
      onState: (state) => {
        if (state.state === "waiting") this.reconnects++;
      },
    });
  }

  run() {
    return this.client.run();
  }

  cut() {
    this.nextCut = Date.now() + Math.random() * 2 * CUT_EVERY_S * 1000;
    this.client.drop();
  }

  /** @param {object} event an entry or a gap; a merged view's carry their `stream` */
  #tracker(event) {
    const stream = /** @type {{ stream?: string }} */ (event).stream;
    return this.trackers.get(this.merged ? (stream ?? "") : (this.streams[0] ?? ""));
  }

  /**
   * @param {import("../lib/types").LogEntry & { stream?: string }} entry
   * @returns {Promise<unknown> | undefined} while this subscriber plays the slow reader, the time it stalls
   */
  onLog(entry) {
    const tracker = this.#tracker(entry);
    if (tracker === undefined) unknownStream++;
    else tracker.onLog(entry, performance.timeOrigin + performance.now());
    if (this.slow && this.slow.from <= Date.now() && Date.now() < this.slow.until) {
      return sleep(this.slow.until - Date.now());
    }
    return undefined;
  }
}

/** Entries a merged view delivered for a stream it did not ask for: must stay 0. */
let unknownStream = 0;

const subscribers = Array.from({ length: SUBSCRIBERS }, (_, i) => {
  const stream = /** @type {string} */ (names[i % STREAMS]);
  // One subscriber stops reading for a while in the middle of the run.
  const slow =
    i === 0 ? { from: Date.now() + DURATION_S * 250, until: Date.now() + DURATION_S * 250 + SLOW_FOR_S * 1000 } : null;
  return new Subscriber([stream], slow);
});
// Merged views of every stream, cut and restarted like the others, accounted per stream.
for (let i = 0; i < MERGED; i++) subscribers.push(new Subscriber(names, null));

log(
  `soak: ${DURATION_S} s, ${STREAMS} streams, ${SUBSCRIBERS} subscribers, ${RATE} lines/s, ${RESTARTS} restart(s) at ${viewer.url}`,
);
const subscriberRuns = subscribers.map((s) => s.run());
await sleep(1000);
const producerRuns = names.map((name) => produce(name));
const lokiRun = lokiResends(
  () => viewer.url,
  () => running,
);

const started = Date.now();
const restartAt = Array.from({ length: RESTARTS }, (_, i) => started + ((i + 1) * DURATION_S * 1000) / (RESTARTS + 1));
while (Date.now() - started < DURATION_S * 1000) {
  await sleep(250);
  for (const subscriber of subscribers) if (Date.now() > subscriber.nextCut && serverUp) subscriber.cut();
  if (restartAt[0] !== undefined && Date.now() >= restartAt[0]) {
    restartAt.shift();
    log("restarting wrangler dev");
    serverUp = false;
    await viewer.restart();
    serverUp = true;
    log("wrangler dev is back");
  }
}

running = false;
await Promise.all(producerRuns);
const loki = await checkLokiResends(viewer.url, await lokiRun);
// Let every subscriber catch up with the last acknowledged id, then stop.
const finalIds = new Map(names.map((name) => [name, Math.max(0, ...(acked.get(name)?.keys() ?? []))]));
const deadline = Date.now() + 30_000;
const behind = () =>
  subscribers.some((s) => [...s.trackers].some(([name, t]) => (t.lastId ?? 0) < (finalIds.get(name) ?? 0)));
while (behind() && Date.now() < deadline) await sleep(100);
done.abort();
await Promise.all(subscriberRuns);
await viewer.stop();

let failures = 0;
const rows = [];
for (const name of names) {
  const ids = /** @type {Map<number, number>} */ (acked.get(name));
  const mine = subscribers.filter((s) => s.trackers.has(name));
  const latency = new Histogram();
  let missing = 0;
  let duplicated = 0;
  let outOfOrder = 0;
  let gaps = 0;
  let gapIds = 0;
  let reconnects = 0;
  let delivered = 0;
  for (const s of mine) {
    const t = /** @type {Tracker} */ (s.trackers.get(name));
    // Every acknowledged id from the subscriber's first one on must be seen or announced as missed.
    let unseen = 0;
    for (const id of ids.keys()) if (id >= (t.firstId ?? 1) && !t.seen.has(id) && !t.announced.has(id)) unseen++;
    missing += Math.max(unseen, t.missing);
    duplicated += t.duplicated;
    outOfOrder += t.outOfOrder;
    gaps += t.gaps;
    gapIds += t.gapIds;
    if (!s.merged) reconnects += s.reconnects;
    delivered += t.seen.size;
    latency.add(t.latency);
  }
  if (missing + duplicated + outOfOrder > 0) failures++;
  const merged = mine.filter((s) => s.merged).length;
  rows.push([
    name,
    ids.size,
    `${delivered} (${mine.length} × ~${Math.round(delivered / Math.max(1, mine.length))}, ${merged} of them merged views)`,
    missing,
    duplicated,
    outOfOrder,
    `${gaps} (${gapIds} ids)`,
    reconnects,
    `${latency.percentile(50).toFixed(1)} / ${latency.percentile(99).toFixed(1)} ms`,
  ]);
}
if (unknownStream > 0) failures++;
if (!loki.ok) failures++;

const header = [
  "stream",
  "acked",
  "delivered (subscribers × each)",
  "missing",
  "duplicated",
  "out of order",
  "gaps announced",
  "reconnects",
  "latency p50 / p99",
];
console.log(`\n| ${header.join(" | ")} |\n|${header.map(() => " --- ").join("|")}|`);
for (const row of rows) console.log(`| ${row.join(" | ")} |`);
const retries = [...producerStats.values()].reduce((sum, s) => sum + s.retries, 0);
console.log(
  `\n${DURATION_S} s, ${STREAMS} streams, ${SUBSCRIBERS} subscribers, ${RATE} lines/s, ${RESTARTS} restart(s) of wrangler dev, ` +
    `${MERGED} merged view(s) of all streams (reconnects ${subscribers.filter((s) => s.merged).reduce((sum, s) => sum + s.reconnects, 0)}), ` +
    `producer retries ${retries}, one subscriber paused ${SLOW_FOR_S} s; a Loki client's pushes to two streams without a key, ` +
    `resent until answered (${(await lokiRun).resends} resends): ${loki.rows.map((r) => `${r.name} pushed ${r.pushed}, stored ${r.stored}`).join("; ")}. ` +
    `${failures === 0 ? "PASS" : "FAIL"}`,
);
process.exit(failures === 0 ? 0 : 1);
