// Numbers for the query language, history search, the ring's size and merged views (edge-tail only).
import { SseClient } from "../lib/sse-client.js";
import { deliver } from "./deliver.mjs";
import { Histogram } from "./stats.mjs";

/** @param {string} message */
const log = (message) => console.error("·", message);
/** @param {number} n */
const ms = (n) => (Number.isFinite(n) ? `${n.toFixed(1)} ms` : "–");
/** @param {number} n @param {number} [digits] */
const fmt = (n, digits = 0) =>
  Number.isFinite(n) ? n.toLocaleString("en-US", { maximumFractionDigits: digits }) : "–";

/** @param {string} base @param {string} stream @param {string} body */
async function post(base, stream, body) {
  const response = await fetch(`${base}/api/streams/${stream}/logs`, {
    method: "POST",
    headers: { "content-type": "application/x-ndjson" },
    body,
  });
  if (response.status !== 202) throw new Error(`POST answered ${response.status}: ${await response.text()}`);
}

/**
 * Fills a stream with `lines` realistic entries, one of which (the middle one) carries `needle`.
 * @param {string} base @param {string} stream @param {number} lines @param {string} needle
 */
async function fill(base, stream, lines, needle) {
  for (let start = 0; start < lines; start += 1000) {
    const batch = [];
    for (let i = start; i < Math.min(lines, start + 1000); i++) {
      batch.push(
        JSON.stringify({
          level: i % 50 === 0 ? "error" : "info",
          msg: i === Math.floor(lines / 2) ? `payment ${needle} declined` : `GET /api/orders/${i} 200`,
          status: i % 50 === 0 ? 503 : 200,
          ms: i % 300,
          user: { id: `u_${i % 977}`, plan: i % 3 ? "free" : "pro" },
        }),
      );
    }
    await post(base, stream, batch.join("\n"));
  }
}

/** @param {string} base @param {string} stream */
async function stats(base, stream) {
  return /** @type {{ entries: number, storageBytes: number }} */ (
    await (await fetch(`${base}/api/streams/${stream}`)).json()
  );
}

/**
 * Time until a new viewer has received `tail` entries of the backfill.
 * @param {string} base @param {string} stream @param {number} tail
 */
async function replay(base, stream, tail) {
  const controller = new AbortController();
  const started = performance.now();
  let received = 0;
  let done = () => {};
  const finished = new Promise((resolve) => {
    done = () => resolve(undefined);
  });
  const client = new SseClient(`${base}/api/streams/${stream}/events?tail=${tail}`, {
    signal: controller.signal,
    onLogData: () => {
      if (++received >= tail) done();
    },
  });
  const running = client.run();
  await finished;
  const elapsed = performance.now() - started;
  controller.abort();
  await running;
  return elapsed;
}

/**
 * Pages through the history with `q` until `next` is null; returns the time, the requests and what was found.
 * @param {string} base @param {string} stream @param {string} q
 */
async function searchAll(base, stream, q) {
  const started = performance.now();
  let requests = 0;
  let found = 0;
  /** @type {number | null} */
  let before = null;
  do {
    const query = new URLSearchParams({ q, limit: "100" });
    if (before !== null) query.set("before", String(before));
    const response = await fetch(`${base}/api/streams/${stream}/entries?${query}`);
    const page = /** @type {{ entries: unknown[], next: number | null }} */ (await response.json());
    requests++;
    found += page.entries.length;
    before = page.next;
  } while (before !== null);
  return { elapsed: performance.now() - started, requests, found };
}

/**
 * Lines posted to `streams` streams at `rate` lines/s each, read either by one merged view or by one viewer
 * per stream; latency from each POST's start to the line's arrival, every stream's ids checked.
 * @param {string} base @param {number} streams @param {number} rate @param {number} seconds @param {boolean} merged
 */
async function mergedDelivery(base, streams, rate, seconds, merged) {
  const run = `m${Date.now()}`;
  const names = Array.from({ length: streams }, (_, i) => `${run}-${i}`);
  const histogram = new Histogram();
  /** @type {Map<string, number>} */
  const lastIds = new Map();
  let wrong = 0;
  const controller = new AbortController();
  /** @param {string} data @param {string} fallback */
  const onData = (data, fallback) => {
    const now = performance.timeOrigin + performance.now();
    const stream = merged ? data.slice(11, data.indexOf('"', 11)) : fallback;
    const id = Number(data.slice(data.indexOf('"id":') + 5, data.indexOf(",", data.indexOf('"id":'))));
    if (id !== (lastIds.get(stream) ?? 0) + 1) wrong++;
    lastIds.set(stream, id);
    const stamp = Number(data.slice(data.indexOf('"message":"') + 11).split('"')[0]);
    if (Number.isFinite(stamp) && stamp > 0) histogram.record(now - stamp);
  };
  let opened = 0;
  const expectOpen = merged ? 1 : streams;
  const allOpen = new Promise((resolve) => {
    const onState = (/** @type {{ state: string }} */ change) => {
      if (change.state === "open" && ++opened === expectOpen) resolve(undefined);
    };
    const clients = merged
      ? [
          new SseClient(`${base}/api/events?streams=${names.join(",")}&tail=0`, {
            signal: controller.signal,
            onState,
            onLogData: (data) => onData(data, ""),
          }),
        ]
      : names.map(
          (name) =>
            new SseClient(`${base}/api/streams/${name}/events?tail=0`, {
              signal: controller.signal,
              onState,
              onLogData: (data) => onData(data, name),
            }),
        );
    for (const client of clients) client.run().catch(() => wrong++);
  });
  await allOpen;
  const perPost = Math.max(1, Math.round(rate / 20));
  const started = performance.now();
  /** @type {Promise<void>[]} */
  const posts = [];
  let sent = 0;
  while (performance.now() - started < seconds * 1000) {
    const stamp = performance.timeOrigin + performance.now();
    for (const name of names)
      posts.push(
        post(base, name, Array.from({ length: perPost }, () => JSON.stringify({ msg: String(stamp) })).join("\n")),
      );
    sent += perPost;
    await new Promise((resolve) => setTimeout(resolve, 1000 / 20));
  }
  await Promise.all(posts);
  const deadline = Date.now() + 10_000;
  while (names.some((name) => (lastIds.get(name) ?? 0) < sent) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const complete = names.every((name) => lastIds.get(name) === sent);
  controller.abort();
  return { p50: histogram.percentile(50), p99: histogram.percentile(99), correct: wrong === 0 && complete };
}

/**
 * The rows of the second table.
 * @param {string} base the server under test
 * @param {boolean} quick a few seconds, correctness only
 * @returns {Promise<{ rows: string[][], failures: number }>}
 */
export async function featureRows(base, quick) {
  const rows = [];
  let failures = 0;

  const ringLines = quick ? 2000 : 100_000;
  log(`ring: ${ringLines} lines, then replays and a history search`);
  const stream = `ring-${Date.now()}`;
  await fill(base, stream, ringLines, "needle-4f2a");
  const filled = await stats(base, stream);
  rows.push([
    `Ring storage per line (${fmt(filled.entries)} entries of ~180 bytes of JSON)`,
    `${fmt(filled.storageBytes / filled.entries, 0)} bytes`,
  ]);
  for (const tail of quick ? [100] : [100, 1000, 10_000, 100_000]) {
    rows.push([
      `Replay for a new viewer, tail=${fmt(tail)}: time until the last entry arrives`,
      ms(await replay(base, stream, tail)),
    ]);
  }
  const search = await searchAll(base, stream, "needle-4f2a");
  if (search.found !== 1) failures++;
  rows.push([
    `History search for one match in ${fmt(ringLines)} lines (\`needle-4f2a\`): total time, requests`,
    `${ms(search.elapsed)}, ${search.requests} requests (found ${search.found})`,
  ]);
  const errors = await searchAll(base, stream, "level:error status:>=500");
  rows.push([
    `History search for every \`level:error status:>=500\` in ${fmt(ringLines)} lines: total time, requests`,
    `${ms(errors.elapsed)}, ${errors.requests} requests (found ${fmt(errors.found)})`,
  ]);

  const subscribers = quick ? 10 : 100;
  for (const [label, queryOf] of /** @type {const} */ ([
    ["no query", undefined],
    // Queries that every line passes, so each subscriber still receives everything and is checked.
    ["each with its own query", (/** @type {number} */ i) => `-message:absent-${i}`],
    ["all with the same query", () => "-message:absent"],
  ])) {
    log(`delivery: ${subscribers} subscribers, ${label}`);
    const result = await deliver(base, subscribers, quick ? 2 : 5, 1000, queryOf);
    if (!result.correct || result.errors > 0) failures++;
    rows.push([
      `Delivery, ${subscribers} subscribers at 1000 lines/s, ${label}: p50 / p99`,
      `${ms(result.p50)} / ${ms(result.p99)}`,
    ]);
  }

  for (const merged of [true, false]) {
    log(`merged view: ${merged ? "one merged view" : "ten single-stream views"} of 10 streams at 100 lines/s each`);
    const result = await mergedDelivery(base, 10, 100, quick ? 2 : 5, merged);
    if (!result.correct) failures++;
    rows.push([
      `10 streams at 100 lines/s each, ${merged ? "one merged view (one connection)" : "10 single-stream views"}: p50 / p99`,
      `${ms(result.p50)} / ${ms(result.p99)}${result.correct ? "" : " (FAIL: ids missing or out of order)"}`,
    ]);
  }
  return { rows, failures };
}
