// `npm run bench:alerts`: what alert rules cost ingest, and how long a firing takes to reach a webhook, with
// 0, 1 and 20 rules on a stream. The production bundle runs in workerd (bench/serve.mjs); the webhook is a
// node:http receiver on loopback. `--quick` runs briefly, to check that the bench works.

import autocannon from "autocannon";
import { jsonReceiver } from "../scripts/json-receiver.mjs";
import { serveBundle } from "./serve.mjs";
import { Histogram, median } from "./stats.mjs";

const QUICK = process.argv.includes("--quick");
const SECONDS = QUICK ? 1 : 3;
const RUNS = QUICK ? 1 : 5;
const PROBES = QUICK ? 10 : 100;
const BATCH = 100;

/** @param {string} message */
const log = (message) => console.error("·", message);

/** When each notification arrived, by the probe's message. @type {Map<string, number>} */
const arrivals = new Map();
/** @type {Map<string, () => void>} */
const waiting = new Map();

const receiver = jsonReceiver((_request, body) => {
  const message = body.entry.message;
  arrivals.set(message, performance.now());
  waiting.get(message)?.();
  return [200];
});

/** @param {number} i */
const quietRule = (i) => {
  // Queries of every kind the language has, none matching the bench's lines: the cost of evaluating them.
  const queries = [`level:error payment-${i}`, `status:>=500 service:svc-${i}`, `/timeout-${i}/i`, `-level:info`];
  return { query: queries[i % queries.length], cooldownSeconds: 0, after: 0 };
};

/**
 * @param {string} base
 * @param {string} stream
 * @param {number} rules
 * @param {string} hook
 */
async function putRules(base, stream, rules, hook) {
  for (let i = 0; i < rules; i++) {
    const rule = i === 0 ? { query: "probe", cooldownSeconds: 0, before: 20, after: 0 } : quietRule(i);
    const response = await fetch(`${base}/api/streams/${stream}/alerts/rule-${i}`, {
      method: "PUT",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ ...rule, webhook: { url: hook } }),
    });
    if (response.status !== 201) throw new Error(`PUT rule-${i} answered ${response.status}: ${await response.text()}`);
  }
}

/** @param {import("autocannon").Options} options @returns {Promise<import("autocannon").Result>} */
function cannon(options) {
  return new Promise((resolve, reject) => {
    autocannon({ duration: SECONDS, ...options }, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

/** The NDJSON body of one ingest request: BATCH info lines. */
const body = `${Array.from({ length: BATCH }, (_, i) => JSON.stringify({ level: "info", msg: `line ${i}`, user: "u_1", ms: i })).join("\n")}\n`;

/** Lines/s of one run of batches of BATCH lines. @param {string} url @param {number} [duration] */
async function linesPerSecond(url, duration = SECONDS) {
  const headers = { "content-type": "application/x-ndjson" };
  const result = await cannon({ url, method: "POST", headers, body, connections: 4, duration });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${result.non2xx} non-2xx answers, ${result.errors} errors`);
  return result.requests.average * BATCH;
}

/**
 * Milliseconds from posting a matching line to its notification arriving, one probe at a time.
 * @param {string} base
 * @param {string} stream
 */
async function deliveryLatency(base, stream) {
  const histogram = new Histogram();
  for (let i = 0; i < PROBES; i++) {
    const message = `ERROR probe ${stream} ${i}`;
    const arrived = new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no notification for "${message}" within 10 s`)), 10_000);
      waiting.set(message, () => {
        clearTimeout(timer);
        resolve(undefined);
      });
    });
    const start = performance.now();
    const response = await fetch(`${base}/api/streams/${stream}/logs`, { method: "POST", body: message });
    if (response.status !== 202) throw new Error(`POST answered ${response.status}`);
    await arrived;
    histogram.record((arrivals.get(message) ?? Number.NaN) - start);
    waiting.delete(message);
  }
  return histogram;
}

await new Promise((resolve) => receiver.listen(0, "127.0.0.1", () => resolve(undefined)));
const { port } = /** @type {import("node:net").AddressInfo} */ (receiver.address());
const server = await serveBundle({ ALERT_WEBHOOK_HOSTS: `127.0.0.1:${port}`, RATE_LIMIT_PER_SECOND: "0" });
const rows = [];
try {
  const configs = [0, 1, 20].map((rules) => ({
    rules,
    stream: `bench-alerts-${rules}-${crypto.randomUUID().slice(0, 6)}`,
  }));
  for (const { rules, stream } of configs) await putRules(server.url, stream, rules, `http://127.0.0.1:${port}/hook`);
  // The first stream measured would otherwise pay for the isolate's warm-up.
  log("warm-up");
  await linesPerSecond(`${server.url}/api/streams/bench-alerts-warm-up/logs`, 2);
  /** @type {Map<number, number[]>} */
  const rates = new Map(configs.map(({ rules }) => [rules, []]));
  // Rounds alternate the configurations, so a busy spell on the machine weighs on all of them alike.
  for (let run = 0; run < RUNS; run++) {
    for (const { rules, stream } of configs) {
      log(`round ${run + 1}/${RUNS}: ${rules} rules`);
      rates.get(rules)?.push(await linesPerSecond(`${server.url}/api/streams/${stream}/logs`));
    }
  }
  for (const { rules, stream } of configs) {
    let latency = "—";
    if (rules > 0) {
      log(`${rules} rules: delivery`);
      const histogram = await deliveryLatency(server.url, stream);
      latency = `${histogram.percentile(50).toFixed(1)} / ${histogram.percentile(99).toFixed(1)} ms`;
    }
    const rate = median(rates.get(rules) ?? []);
    rows.push(`| ${rules} | ${Math.round(rate).toLocaleString("en")} | ${latency} |`);
  }
} finally {
  await server.dispose();
  receiver.close();
}
console.log(
  `Ingest: median of ${RUNS} rounds of ${SECONDS} s, configurations alternating, with ${BATCH}-line NDJSON batches on 4 connections; no line matches a rule.`,
);
console.log(`Delivery: ${PROBES} matching lines posted one at a time; POST sent → webhook received, "after": 0.\n`);
console.log("| rules on the stream | ingest lines/s | delivery p50 / p99 |");
console.log("| --- | --- | --- |");
for (const row of rows) console.log(row);
