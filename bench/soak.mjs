// `npm run soak`: producers and subscribers against `wrangler dev` for a while, with random disconnects, a
// slow reader and restarts of the Worker. Every subscriber must see every acknowledged line once, in order,
// or be told by a `gap` event which ids it missed. Exits 1 on any unannounced loss, duplicate or reordering.
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { EventSourceParserStream } from "eventsource-parser/stream";
import { startViewer } from "../test/e2e/harness.mjs";
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
  },
});
const DURATION_S = Number(values.duration);
const STREAMS = Number(values.streams);
const SUBSCRIBERS = Number(values.subscribers);
const RATE = Number(values.rate);
const RESTARTS = Number(values.restarts);
const CUT_EVERY_S = Number(values["cut-every"]);
const SLOW_FOR_S = Number(values["slow-for"]);
const TICK_MS = 100;

const log = (message) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${message}`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const viewer = await startViewer({ vars: { RATE_LIMIT_PER_SECOND: "0", HEARTBEAT_MS: "5000" } });
const names = Array.from({ length: STREAMS }, (_, i) => `soak-${i}-${randomUUID().slice(0, 6)}`);
let running = true;
let serverUp = true;

/** Per stream: every id acknowledged with 202, and when its POST started. */
const acked = new Map(names.map((name) => [name, new Map()]));
const producerStats = new Map(names.map((name) => [name, { lines: 0, retries: 0 }]));

async function produce(stream) {
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
          const { firstId, lastId } = await response.json();
          for (let id = firstId; id <= lastId; id++) acked.get(stream).set(id, stamp);
          producerStats.get(stream).lines += lines.length;
          break;
        }
      } catch {
        // The server is down: retry below.
      }
      producerStats.get(stream).retries++;
      await sleep(Math.min(2000, 100 * 2 ** attempt));
    }
    tick++;
    const next = started + tick * TICK_MS;
    await sleep(Math.max(0, next - performance.now()));
  }
}

class Subscriber {
  constructor(stream, index, slow) {
    this.stream = stream;
    this.index = index;
    this.slow = slow;
    this.lastId = null;
    this.firstId = null;
    this.seen = new Set();
    this.missing = 0;
    this.duplicated = 0;
    this.outOfOrder = 0;
    this.gaps = 0;
    this.gapIds = 0;
    this.announced = new Set();
    this.reconnects = 0;
    this.latency = new Histogram();
    this.controller = null;
    this.nextCut = Date.now() + Math.random() * 2 * CUT_EVERY_S * 1000;
  }

  async run() {
    while (running) {
      this.controller = new AbortController();
      try {
        const headers = this.lastId === null ? {} : { "Last-Event-ID": String(this.lastId) };
        const response = await fetch(`${viewer.url}/api/streams/${this.stream}/events?tail=0`, {
          headers,
          signal: this.controller.signal,
        });
        if (response.status !== 200) throw new Error(`status ${response.status}`);
        const reader = response.body
          .pipeThrough(new TextDecoderStream())
          .pipeThrough(new EventSourceParserStream())
          .getReader();
        for (;;) {
          if (this.slow && this.slow.from <= Date.now() && Date.now() < this.slow.until) {
            await sleep(this.slow.until - Date.now());
          }
          const { done, value } = await reader.read();
          if (done) break;
          this.onEvent(value);
        }
      } catch {
        // Cut by us, by a restart or by the server dropping a slow reader: reconnect below.
      }
      if (!running) break;
      this.reconnects++;
      await sleep(100 + Math.random() * 900);
    }
  }

  cut() {
    this.nextCut = Date.now() + Math.random() * 2 * CUT_EVERY_S * 1000;
    this.controller?.abort();
  }

  onEvent(event) {
    if (event.event === "gap") {
      const gap = JSON.parse(event.data);
      this.gaps++;
      this.gapIds += gap.to - gap.from + 1;
      for (let id = gap.from; id <= gap.to; id++) this.announced.add(id);
      this.lastId = Math.max(this.lastId ?? 0, gap.to);
      return;
    }
    if (event.event !== "log") return;
    const id = Number(event.id);
    const now = performance.timeOrigin + performance.now();
    if (this.firstId === null) this.firstId = id;
    if (this.seen.has(id)) this.duplicated++;
    else if (this.lastId !== null && id < this.lastId) this.outOfOrder++;
    else if (this.lastId !== null && id > this.lastId + 1) {
      for (let missed = this.lastId + 1; missed < id; missed++) if (!this.announced.has(missed)) this.missing++;
    }
    this.seen.add(id);
    this.lastId = Math.max(this.lastId ?? 0, id);
    const message = JSON.parse(event.data).message;
    this.latency.record(now - Number(message.slice(message.indexOf(":") + 1)));
  }
}

const subscribers = Array.from({ length: SUBSCRIBERS }, (_, i) => {
  const stream = names[i % STREAMS];
  // One subscriber stops reading for a while in the middle of the run.
  const slow =
    i === 0 ? { from: Date.now() + DURATION_S * 250, until: Date.now() + DURATION_S * 250 + SLOW_FOR_S * 1000 } : null;
  return new Subscriber(stream, i, slow);
});

log(
  `soak: ${DURATION_S} s, ${STREAMS} streams, ${SUBSCRIBERS} subscribers, ${RATE} lines/s, ${RESTARTS} restart(s) at ${viewer.url}`,
);
const subscriberRuns = subscribers.map((s) => s.run());
await sleep(1000);
const producerRuns = names.map((name) => produce(name));

const started = Date.now();
const restartAt = Array.from({ length: RESTARTS }, (_, i) => started + ((i + 1) * DURATION_S * 1000) / (RESTARTS + 1));
while (Date.now() - started < DURATION_S * 1000) {
  await sleep(250);
  for (const subscriber of subscribers) if (Date.now() > subscriber.nextCut && serverUp) subscriber.cut();
  if (restartAt.length > 0 && Date.now() >= restartAt[0]) {
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
// Let every subscriber catch up with the last acknowledged id, then stop.
const finalIds = new Map(names.map((name) => [name, Math.max(0, ...acked.get(name).keys())]));
const deadline = Date.now() + 30_000;
running = true;
while (subscribers.some((s) => (s.lastId ?? 0) < finalIds.get(s.stream)) && Date.now() < deadline) await sleep(100);
running = false;
for (const subscriber of subscribers) subscriber.controller?.abort();
await Promise.all(subscriberRuns);
await viewer.stop();

let failures = 0;
const rows = [];
for (const name of names) {
  const ids = acked.get(name);
  const mine = subscribers.filter((s) => s.stream === name);
  const latency = new Histogram();
  let missing = 0;
  let duplicated = 0;
  let outOfOrder = 0;
  let gaps = 0;
  let gapIds = 0;
  let reconnects = 0;
  let delivered = 0;
  for (const s of mine) {
    // Every acknowledged id from the subscriber's first one on must be seen or announced as missed.
    let unseen = 0;
    for (const id of ids.keys()) if (id >= (s.firstId ?? 1) && !s.seen.has(id) && !s.announced.has(id)) unseen++;
    missing += Math.max(unseen, s.missing);
    duplicated += s.duplicated;
    outOfOrder += s.outOfOrder;
    gaps += s.gaps;
    gapIds += s.gapIds;
    reconnects += s.reconnects;
    delivered += s.seen.size;
    latency.add(s.latency);
  }
  if (missing + duplicated + outOfOrder > 0) failures++;
  rows.push([
    name,
    ids.size,
    `${delivered} (${mine.length} × ~${Math.round(delivered / Math.max(1, mine.length))})`,
    missing,
    duplicated,
    outOfOrder,
    `${gaps} (${gapIds} ids)`,
    reconnects,
    `${latency.percentile(50).toFixed(1)} / ${latency.percentile(99).toFixed(1)} ms`,
  ]);
}

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
    `producer retries ${retries}, one subscriber paused ${SLOW_FOR_S} s. ${failures === 0 ? "PASS" : "FAIL"}`,
);
process.exit(failures === 0 ? 0 : 1);
