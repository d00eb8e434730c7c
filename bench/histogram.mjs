// npm run bench:histogram: time of `GET /api/streams/{s}/histogram` over a full ring (RING_SIZE, 100,000 lines)
// against wrangler dev, unfiltered (from the stored marks) and with a query (a bounded scan), and of
// `/entries?around=ID`. Prints one row per case: the median and p95 of 20 requests, round trip from Node, and the
// median of the route's Server-Timing (the Worker's wait for the Durable Object), which leaves out the dev proxy.
import { startViewer } from "../scripts/wrangler-dev.mjs";

const LINES = 100_000;
const RUNS = 20;

/** @param {number} i */
const entry = (i) =>
  JSON.stringify({
    time: Date.UTC(2026, 11, 6) + i * 10,
    level: i % 50 === 0 ? "error" : i % 7 === 0 ? "warn" : "info",
    msg: `GET /api/orders/${i} 200`,
    status: i % 50 === 0 ? 503 : 200,
    user: { id: `u_${i % 977}` },
  });

/**
 * Fills a stream with LINES entries in POSTs of `batch` lines, one after another (so each is a row of its own).
 * @param {import("../scripts/wrangler-dev.mjs").Viewer} viewer @param {string} stream @param {number} batch
 */
async function fill(viewer, stream, batch) {
  for (let start = 0; start < LINES; start += batch) {
    const lines = [];
    for (let i = start; i < Math.min(LINES, start + batch); i++) lines.push(entry(i));
    await viewer.post(stream, lines.join("\n"), "application/x-ndjson");
  }
}

/** @param {string} url */
async function time(url) {
  /** @type {number[]} */
  const samples = [];
  /** @type {number[]} */
  const server = [];
  let body = "";
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    const response = await fetch(url);
    body = await response.text();
    samples.push(performance.now() - started);
    const timing = /dur=([\d.]+)/.exec(response.headers.get("server-timing") ?? "");
    if (timing) server.push(Number(timing[1]));
    if (!response.ok) throw new Error(`${url} answered ${response.status}: ${body}`);
  }
  samples.sort((a, b) => a - b);
  server.sort((a, b) => a - b);
  const at = (/** @type {number[]} */ values, /** @type {number} */ p) =>
    values[Math.min(values.length - 1, Math.floor((p / 100) * values.length))] ?? Number.NaN;
  return { median: at(samples, 50), p95: at(samples, 95), server: at(server, 50), body: JSON.parse(body) };
}

const viewer = await startViewer({ vars: { RATE_LIMIT_PER_SECOND: "0" } });
try {
  console.log("| case | round trip median | p95 | Worker → object, median (Server-Timing) | check |");
  console.log("| --- | --- | --- | --- | --- |");
  for (const batch of [1000, 100]) {
    const stream = `hist-${batch}-${Date.now()}`;
    console.error(`· filling ${stream}: ${LINES} lines in ${LINES / batch} POSTs of ${batch}`);
    await fill(viewer, stream, batch);
    const rows = `${LINES / batch} rows`;
    const base = `${viewer.url}/api/streams/${stream}`;
    const all = await time(`${base}/histogram?buckets=100`);
    const total = all.body.buckets.reduce(
      (/** @type {number} */ sum, /** @type {{count:number}} */ b) => sum + b.count,
      0,
    );
    console.log(
      `| histogram, ${LINES} lines in ${rows}, unfiltered, 100 buckets | ${all.median.toFixed(1)} ms | ${all.p95.toFixed(1)} ms | ${all.server.toFixed(1)} ms | ${total} lines counted |`,
    );
    const q = await time(`${base}/histogram?buckets=100&q=${encodeURIComponent("status:>=500")}`);
    const matched = q.body.buckets.reduce(
      (/** @type {number} */ sum, /** @type {{count:number}} */ b) => sum + b.count,
      0,
    );
    console.log(
      `| histogram, ${rows}, \`q=status:>=500\` (scan bound ${q.body.scanned} lines) | ${q.median.toFixed(1)} ms | ${q.p95.toFixed(1)} ms | ${q.server.toFixed(1)} ms | ${matched} matches, complete: ${q.body.complete} |`,
    );
    const around = await time(`${base}/entries?around=${LINES / 2}&before=50&after=50`);
    console.log(
      `| entries?around=ID&before=50&after=50, ${rows} | ${around.median.toFixed(1)} ms | ${around.p95.toFixed(1)} ms | – | ${around.body.entries.length} entries |`,
    );
  }
  const health = await time(`${viewer.url}/api/health`);
  console.log(
    `| GET /api/health (the round trip alone, no Durable Object) | ${health.median.toFixed(1)} ms | ${health.p95.toFixed(1)} ms | – | |`,
  );
} finally {
  await viewer.stop();
}
