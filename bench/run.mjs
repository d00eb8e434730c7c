// `npm run bench`: one table comparing the platform's ceiling, edge-tail and a hand-written Node peer,
// all measured in this run on this machine. `--quick` runs a few seconds and checks correctness only.
import { execFileSync, fork } from "node:child_process";
import { setMaxListeners } from "node:events";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { cpus, totalmem } from "node:os";
import autocannon from "autocannon";
import { deliver } from "./deliver.mjs";
import { featureRows } from "./features.mjs";
import { inspectWorkerd, splitSides, workerMsPerBody } from "./profile.mjs";
import { serveBundle } from "./serve.mjs";
import { median } from "./stats.mjs";

const QUICK = process.argv.includes("--quick");
const SECONDS = QUICK ? 1 : 3;
const RUNS = QUICK ? 1 : 3;
const LATENCY_SECONDS = QUICK ? 2 : 5;
const LINES_PER_SECOND = 1000;
const ROOT = new URL("..", import.meta.url).pathname;
let failures = 0;

/** @param {string} message */
const log = (message) => console.error("·", message);

/** @typedef {import("autocannon").Options} CannonOptions */

/**
 * @param {CannonOptions} options
 * @returns {Promise<import("autocannon").Result>}
 */
function cannon(options) {
  return new Promise((resolve, reject) => {
    autocannon({ duration: SECONDS, ...options }, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

/**
 * Median requests/s over RUNS runs after a warm-up; fails the bench on any non-2xx answer.
 * @param {CannonOptions} options
 */
async function requestsPerSecond(options) {
  await cannon({ ...options, duration: 1 });
  /** @type {number[]} */
  const rates = [];
  for (let run = 0; run < RUNS; run++) {
    const result = await cannon(options);
    if (result.non2xx > 0 || result.errors > 0) {
      failures++;
      log(`FAIL ${options.url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
    }
    rates.push(result.requests.average);
  }
  return median(rates);
}

/** @param {number} lines */
const ndjson = (lines) =>
  `${Array.from({ length: lines }, (_, i) => JSON.stringify({ level: "info", msg: `line ${i}`, user: "u_1", ms: i })).join("\n")}\n`;

/** @param {string} base @param {number} batch @param {string} stream */
async function ingest(base, batch, stream) {
  const connections = batch === 1 ? 32 : batch === 100 ? 8 : 4;
  const rps = await requestsPerSecond({
    url: `${base}/api/streams/${stream}/logs`,
    method: "POST",
    headers: { "content-type": "application/x-ndjson" },
    body: ndjson(batch),
    connections,
  });
  return { rps, linesPerSecond: rps * batch };
}

/**
 * Our descendant processes whose command name contains `name`.
 * @param {string} name
 */
function childPids(name) {
  const out = execFileSync("ps", ["-eo", "pid,ppid,comm"], { encoding: "utf8" });
  const rows = out
    .trim()
    .split("\n")
    .slice(1)
    .map((line) => /** @type {[string, string, string]} */ (line.trim().split(/\s+/)));
  const mine = new Set([String(process.pid)]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, ppid] of rows) {
      if (mine.has(ppid) && !mine.has(pid)) {
        mine.add(pid);
        grew = true;
      }
    }
  }
  return rows.filter(([pid, , comm]) => mine.has(pid) && comm.includes(name)).map(([pid]) => pid);
}

/** @param {string} name */
function rssMiB(name) {
  let kib = 0;
  for (const pid of childPids(name)) {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    kib += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  }
  return kib / 1024;
}

/** @param {string} base @param {string} stream @param {number} count */
async function openIdle(base, stream, count) {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  const responses = await Promise.all(
    Array.from({ length: count }, () =>
      fetch(`${base}/api/streams/${stream}/events?tail=0`, { signal: controller.signal }),
    ),
  );
  const readers = responses.map((response) => bodyOf(response).getReader());
  await Promise.all(readers.map((reader) => reader.read()));
  return () => controller.abort();
}

/** @param {string} base @param {string} processName */
async function memory(base, processName) {
  global.gc?.();
  await new Promise((resolve) => setTimeout(resolve, 500));
  const idle = rssMiB(processName);
  const close = await openIdle(base, `memory-${Date.now()}`, 1000);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const withSubscribers = rssMiB(processName);
  close();
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const beforeRing = rssMiB(processName);
  const stream = `ring-${Date.now()}`;
  for (let i = 0; i < 10; i++) {
    await fetch(`${base}/api/streams/${stream}/logs`, {
      method: "POST",
      headers: { "content-type": "application/x-ndjson" },
      body: ndjson(1000),
    });
  }
  // Reading the full ring back (a backfill) is what brings it into memory.
  const response = await fetch(`${base}/api/streams/${stream}/events?tail=10000`);
  const reader = bodyOf(response).getReader();
  await reader.read();
  await new Promise((resolve) => setTimeout(resolve, 500));
  const afterRing = rssMiB(processName);
  await reader.cancel();
  return { perSubscriberKiB: ((withSubscribers - idle) * 1024) / 1000, fullRingMiB: afterRing - beforeRing };
}

/**
 * Whether a stream's Durable Object leaves memory while viewers stay connected and nothing is logged.
 * @param {string} base @param {number} seconds
 */
async function idle(base, seconds) {
  const stream = `idle-${Date.now()}`;
  const viewers = 10;
  let delivered = 0;
  const controller = new AbortController();
  await Promise.all(
    Array.from({ length: viewers }, async () => {
      const response = await fetch(`${base}/api/streams/${stream}/events?tail=0`, { signal: controller.signal });
      const reader = bodyOf(response).getReader();
      await reader.read();
      (async () => {
        for (;;) {
          const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
          if (done) return;
          delivered += (new TextDecoder().decode(value).match(/event: log/g) ?? []).length;
        }
      })();
    }),
  );
  const post = (/** @type {string} */ body) =>
    fetch(`${base}/api/streams/${stream}/logs`, { method: "POST", headers: { "content-type": "text/plain" }, body });
  await post("before the quiet spell");
  const before = await stats(base, stream);
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  await post("after the quiet spell");
  await new Promise((resolve) => setTimeout(resolve, 500));
  const after = await stats(base, stream);
  controller.abort();
  return {
    hibernated: after.startedAt !== before.startedAt,
    viewers: after.subscribers,
    delivered,
    expected: viewers * 2,
  };
}

/**
 * SQLite rows written per line on a fresh stream, 2,000 batches posted 16 at a time.
 * @param {string} base @param {number} batch
 */
async function rowsWrittenPerLine(base, batch) {
  const stream = `rows-${batch}-${Date.now()}`;
  const body = ndjson(batch);
  const batches = batch === 1 ? 2000 : 40;
  let next = 0;
  const worker = async () => {
    while (next++ < batches) {
      await fetch(`${base}/api/streams/${stream}/logs`, {
        method: "POST",
        headers: { "content-type": "application/x-ndjson" },
        body,
      });
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  const s = await stats(base, stream);
  return s.rowsWritten / s.lastId;
}

/**
 * A stream's statistics (GET /api/streams/{stream}).
 * @param {string} base @param {string} stream
 * @returns {Promise<{ lastId: number, subscribers: number, rowsWritten: number, startedAt: number }>}
 */
async function stats(base, stream) {
  const response = await fetch(`${base}/api/streams/${stream}`);
  return /** @type {Promise<{ lastId: number, subscribers: number, rowsWritten: number, startedAt: number }>} */ (
    response.json()
  );
}

/** A streaming response's body, which an events or ring read always has. @param {Response} response */
function bodyOf(response) {
  if (response.body === null) throw new Error(`${response.url} answered ${response.status} without a body`);
  return response.body;
}

/** @returns {Promise<{ url: string, stop: () => void }>} */
function startPeer() {
  return new Promise((resolve) => {
    const child = fork(new URL("./peer/server.mjs", import.meta.url).pathname, ["0"], { stdio: "ignore" });
    child.on("message", (/** @type {{ ready: number }} */ message) =>
      resolve({ url: `http://127.0.0.1:${message.ready}`, stop: () => child.kill() }),
    );
  });
}

/** @param {number} n @param {number} [digits] */
const fmt = (n, digits = 0) =>
  Number.isFinite(n) ? n.toLocaleString("en-US", { maximumFractionDigits: digits }) : "–";
/** @param {number} n */
const ms = (n) => (Number.isFinite(n) ? `${n.toFixed(1)} ms` : "–");

/** @returns {Promise<number>} a port free now */
function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address !== null ? address.port : 0));
    });
  });
}

/**
 * CPU per 1,000 lines on each side, from a workerd profile while 1,000-line batches are posted.
 * @param {string} base @param {number} inspectorPort
 */
async function cpuPerThousandLines(base, inspectorPort) {
  const stream = `profiled-${Date.now()}`;
  const profiler = await inspectWorkerd(inspectorPort);
  await profiler.start();
  await cannon({
    url: `${base}/api/streams/${stream}/logs`,
    method: "POST",
    headers: { "content-type": "application/x-ndjson" },
    body: ndjson(1000),
    connections: 4,
  });
  const sides = splitSides(await profiler.stop());
  const thousands = (await stats(base, stream)).lastId / 1000;
  return {
    worker: sides.worker / thousands,
    object: sides.object / thousands,
    runtime: sides.runtime / thousands,
  };
}

/**
 * CPU per delivered event on each side while 100 subscribers take 1,000 lines/s: the object's broadcast (its
 * `send` per viewer included), the Worker's relays, and the runtime outside JavaScript (WebSocket and HTTP I/O).
 * @param {string} base @param {number} inspectorPort
 */
async function cpuPerDeliveredEvent(base, inspectorPort) {
  const profiler = await inspectWorkerd(inspectorPort);
  await profiler.start();
  const result = await deliver(base, 100, LATENCY_SECONDS, LINES_PER_SECOND);
  const sides = splitSides(await profiler.stop());
  const micros = (/** @type {number} */ ms) => (ms * 1000) / result.events;
  return { object: micros(sides.object), worker: micros(sides.worker), runtime: micros(sides.runtime) };
}

/** The bench's settings for every server it starts: no rate limit, no viewer cap, the default heartbeat. */
const BENCH_VARS = {
  RATE_LIMIT_PER_SECOND: "0",
  MAX_SUBSCRIBERS: "100000",
  MAX_SUBSCRIBERS_PER_CLIENT: "100000",
  HEARTBEAT_MS: "15000",
};

async function main() {
  log(`bench ${QUICK ? "(quick)" : ""}: bundling and starting workerd`);
  const inspectorPort = await freePort();
  const server = await serveBundle(BENCH_VARS, { inspectorPort });
  const peer = await startPeer();
  const base = server.url;
  const rows = [];
  let featureTable = "";
  try {
    let mem;
    let peerMem;
    let directMem;
    if (!QUICK) {
      log("memory, on a fresh server");
      mem = await memory(base, "workerd");
      peerMem = await memory(peer.url, "node");
      log("memory, on a fresh server reached directly (no Miniflare entry worker in front)");
      const direct = await serveBundle(BENCH_VARS, { direct: true });
      try {
        directMem = await memory(direct.url, "workerd");
      } finally {
        await direct.dispose();
      }
    }
    log("ceiling: GET /api/health");
    const ceiling = await requestsPerSecond({ url: `${base}/api/health`, connections: 32 });
    const peerCeiling = await requestsPerSecond({ url: `${peer.url}/api/health`, connections: 32 });
    rows.push(["Ceiling: GET /api/health, requests/s", fmt(ceiling), fmt(peerCeiling)]);

    let ingest1 = 0;
    let peerIngest1 = 0;
    for (const batch of [1, 100, 1000]) {
      log(`ingest: batches of ${batch}`);
      const ours = await ingest(base, batch, `ingest-${batch}`);
      const theirs = await ingest(peer.url, batch, `ingest-${batch}`);
      if (batch === 1) {
        ingest1 = ours.rps;
        peerIngest1 = theirs.rps;
      }
      rows.push([`Ingest, ${batch}-line batches: requests/s`, fmt(ours.rps), fmt(theirs.rps)]);
      rows.push([`Ingest, ${batch}-line batches: lines/s`, fmt(ours.linesPerSecond), fmt(theirs.linesPerSecond)]);
    }
    log("CPU per side: a workerd profile of 1000-line batches, and the Worker's code timed alone");
    const cpu = await cpuPerThousandLines(base, inspectorPort);
    rows.push([
      "CPU per 1,000 lines in 1000-line batches (workerd profile): Worker / Durable Object / runtime outside JS",
      `${cpu.worker.toFixed(2)} ms / ${cpu.object.toFixed(2)} ms / ${cpu.runtime.toFixed(2)} ms`,
      "",
    ]);
    rows.push([
      "Lines/s one stream's Durable Object sustains, estimated (1 s ÷ its CPU per line)",
      fmt(Math.round(1_000_000 / cpu.object / 1000) * 1000),
      "",
    ]);
    const [perBody1k, perBody10k] = [await workerMsPerBody(1000), await workerMsPerBody(10_000)];
    rows.push([
      "Worker CPU per request, 1,000-line / 10,000-line NDJSON body (body read, decode, batch; timed in Node)",
      `${perBody1k.toFixed(2)} ms / ${perBody10k.toFixed(2)} ms`,
      "",
    ]);
    rows.push([
      "Single-line ingest as a fraction of the ceiling",
      fmt(ingest1 / ceiling, 2),
      fmt(peerIngest1 / peerCeiling, 2),
    ]);

    for (const subscribers of QUICK ? [1, 10] : [1, 100, 1000]) {
      log(`delivery: ${subscribers} subscribers at ${LINES_PER_SECOND} lines/s`);
      const ours = await deliver(base, subscribers, LATENCY_SECONDS, LINES_PER_SECOND);
      const theirs = await deliver(peer.url, subscribers, LATENCY_SECONDS, LINES_PER_SECOND);
      if (!ours.correct || ours.errors > 0) failures++;
      const late = (/** @type {{ behind: number }} */ result) =>
        result.behind > 0 ? ` (${result.behind} still catching up after 15 s)` : "";
      rows.push([
        `Delivery latency, ${subscribers} subscriber${subscribers === 1 ? "" : "s"} at ${LINES_PER_SECOND} lines/s: p50 / p99 / max`,
        `${ms(ours.p50)} / ${ms(ours.p99)} / ${ms(ours.max)}${late(ours)}`,
        `${ms(theirs.p50)} / ${ms(theirs.p99)} / ${ms(theirs.max)}${late(theirs)}`,
      ]);
    }

    if (!QUICK) {
      log("CPU per side: a workerd profile while 100 subscribers take 1,000 lines/s");
      const fan = await cpuPerDeliveredEvent(base, inspectorPort);
      rows.push([
        "CPU per delivered event, 100 subscribers at 1,000 lines/s (workerd profile): Durable Object / Worker relay / runtime outside JS",
        `${fan.object.toFixed(1)} µs / ${fan.worker.toFixed(1)} µs / ${fan.runtime.toFixed(1)} µs`,
        "",
      ]);
      rows.push([
        "Events/s one stream's Durable Object sends, estimated (1 s ÷ its CPU per event)",
        fmt(1e6 / fan.object),
        "",
      ]);
      // At 1,000 lines/s the client cannot parse 1,000 × 1,000 events/s on this machine (the peer fails the
      // same way), so capacity is probed at 100 lines/s.
      const capacityOf = async (/** @type {string} */ target) => {
        let capacity = 0;
        for (const subscribers of [500, 1000, 2000, 4000]) {
          log(`fan-out capacity: ${subscribers} subscribers at 100 lines/s`);
          const result = await deliver(target, subscribers, 3, 100);
          log(`  p99 ${ms(result.p99)}, correct ${result.correct}, behind ${result.behind}, errors ${result.errors}`);
          if (target === base && !result.correct) failures++;
          if (result.p99 >= 100 || !result.correct || result.behind > 0 || result.errors > 0) break;
          capacity = subscribers;
        }
        return capacity ? `≥ ${fmt(capacity)}` : "< 500";
      };
      rows.push([
        "Fan-out: most subscribers on one stream with p99 < 100 ms at 100 lines/s (tried 500 / 1,000 / 2,000 / 4,000)",
        await capacityOf(base),
        await capacityOf(peer.url),
      ]);

      log("idle: 10 viewers, no lines for 20 s");
      const quiet = await idle(base, 20);
      if (quiet.delivered !== quiet.expected) failures++;
      rows.push([
        "Idle stream with 10 viewers: Durable Object left memory during 20 s without lines (viewers kept, lines delivered)",
        `${quiet.hibernated ? "yes" : "no"} (${quiet.viewers}/10, ${quiet.delivered}/${quiet.expected})`,
        "n/a (process stays up)",
      ]);
      // An object that cannot hibernate bills 128 MB of duration all month: 0.125 GB × 2,592,000 s × $12.50/M GB-s.
      rows.push([
        "Durable Object duration billed per always-watched idle stream, per month",
        quiet.hibernated ? "≈ $0 (hibernated between batches)" : "≈ $4.05",
        "",
      ]);

      if (mem !== undefined && peerMem !== undefined) {
        rows.push([
          "Resident memory per open subscriber (1,000 opened)",
          `${fmt(mem.perSubscriberKiB, 1)} KiB`,
          `${fmt(peerMem.perSubscriberKiB, 1)} KiB`,
        ]);
        if (directMem !== undefined) {
          rows.push([
            "… the same with workerd reached directly (no Miniflare entry worker, as on Cloudflare)",
            `${fmt(directMem.perSubscriberKiB, 1)} KiB`,
            "",
          ]);
        }
        rows.push([
          "Resident memory for a full ring (10,000 entries, read back once)",
          `${fmt(mem.fullRingMiB, 1)} MiB`,
          `${fmt(peerMem.fullRingMiB, 1)} MiB`,
        ]);
      }
    }

    for (const batch of [1, 1000]) {
      const rowsPerLine = await rowsWrittenPerLine(base, batch);
      rows.push([`SQLite rows written per line, ${batch}-line batches`, fmt(rowsPerLine, 4), "none (memory only)"]);
      // Prices: Workers $0.30/M requests; Durable Objects $0.15/M requests; SQLite $1.00/M rows written.
      const dollars = ((1e6 / batch) * (0.3 + 0.15)) / 1e6 + rowsPerLine * 1e6 * (1.0 / 1e6);
      rows.push([
        `Cost per million lines, ${batch}-line batches (requests + rows written)`,
        `$${dollars.toFixed(4)}`,
        "",
      ]);
    }
    log("queries, history, ring and merged views");
    const features = await featureRows(base, QUICK);
    failures += features.failures;
    featureTable = [
      "| Measure (edge-tail) | Result |",
      "| --- | --- |",
      ...features.rows.map((row) => `| ${row.join(" | ")} |`),
    ].join("\n");
    log("query evaluation per entry (lib/query.js, the evaluator the object, the page and the CLI share)");
    const entries = QUICK ? ["--entries", "5000", "--rounds", "1"] : [];
    featureTable += `\n\n${execFileSync(process.execPath, [`${ROOT}bench/query.mjs`, ...entries], { encoding: "utf8" }).trim()}`;
  } finally {
    peer.stop();
    await server.dispose();
  }

  const table = [
    "| Measure | edge-tail (workerd) | Node peer (better-sse) |",
    "| --- | --- | --- |",
    ...rows.map((row) => `| ${row.join(" | ")} |`),
  ].join("\n");
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? "CPU"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  console.log(
    `\n${table}\n\n${featureTable}\n\nMachine: ${machine}. ${new Date().toISOString()}${QUICK ? " (quick run)" : ""}`,
  );
  if (!QUICK) {
    mkdirSync(`${ROOT}bench/results`, { recursive: true });
    writeFileSync(
      `${ROOT}bench/results/latest.md`,
      `${table}\n\n${featureTable}\n\nMachine: ${machine}. ${new Date().toISOString()}\n`,
    );
  }
  if (failures > 0) {
    console.error(`\n${failures} check(s) failed: see the lines marked FAIL above`);
    process.exit(1);
  }
}

await main();
