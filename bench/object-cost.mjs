// The Durable Object's CPU per stored line, from a workerd profile while varied 1,000-line batches are posted:
// run with PATTERN_LIMIT=0 and with patterns on, it prices the pattern miner (issue 24: at most 1 µs a line).
import { readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import { build } from "esbuild";
import { serveBundle } from "./serve.mjs";
import { median } from "./stats.mjs";

const ROOT = new URL("..", import.meta.url).pathname;

/** Shapes of real logs, each with variable parts, so the miner sees many patterns and widenings. */
/** @type {((i: number) => string)[]} */
const SHAPES = [
  (i) => `GET /api/orders/${i % 977} 200 ${i % 300} ms`,
  (i) => `POST /api/users/${i % 613}/sessions 201 ${i % 90} ms`,
  (i) => `user ${i % 4001} logged in from 10.0.${i % 256}.${(i * 7) % 256}`,
  (i) => `cache miss for key session:${(i * 31) % 9973}`,
  (i) => `connection reset by peer 10.1.${i % 200}.${i % 250}:${4000 + (i % 1000)}`,
  (i) => `job ${i} finished in ${(i % 1000) / 10}s with status ${i % 3 === 0 ? "ok" : "retry"}`,
  (i) => `worker-${i % 16} heartbeat queue=${i % 50} inflight=${i % 8}`,
  () => `payment ${crypto.randomUUID()} declined: card expired`,
  (i) => `disk usage ${60 + (i % 40)}% on /dev/sd${"abcd"[i % 4]}1`,
  (i) => `slow query took ${i % 5000} ms: SELECT * FROM orders WHERE id = ${i}`,
  (i) => `upstream timeout after 30s talking to ${["auth", "billing", "search", "mail"][i % 4]}`,
  (i) => `retrying request ${i % 97} attempt ${1 + (i % 5)} of 5`,
];
const LEVELS = ["debug", "info", "info", "info", "warn", "error"];

/** A 1,000-line NDJSON body of SHAPES, offset so each batch has fresh values. @param {number} offset */
export function variedBody(offset) {
  const lines = [];
  for (let i = 0; i < 1000; i++) {
    const n = offset + i;
    const shape = /** @type {(i: number) => string} */ (SHAPES[(n * 7) % SHAPES.length]);
    const msg = shape(n);
    lines.push(JSON.stringify({ level: LEVELS[n % LEVELS.length], msg, user: `u_${n % 50}`, ms: n % 700 }));
  }
  return `${lines.join("\n")}\n`;
}

function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address !== null ? address.port : 0));
    });
  });
}

/**
 * Microseconds of the object's JavaScript per stored line (and the Worker's, for scale) while 4 clients post
 * varied 1,000-line batches for `ms`. The profiler helpers come from profile.mjs, which imports this module.
 * @param {Record<string, string>} vars
 * @param {{ inspectWorkerd: typeof import("./profile.mjs").inspectWorkerd, splitSides: typeof import("./profile.mjs").splitSides }} profiler
 * @param {number} [ms]
 */
export async function objectMicrosPerLine(vars, { inspectWorkerd, splitSides }, ms = 4000) {
  const inspectorPort = await freePort();
  const server = await serveBundle({ RATE_LIMIT_PER_SECOND: "0", ...vars }, { inspectorPort });
  try {
    const stream = `cost-${Date.now()}`;
    const url = `${server.url}/api/streams/${stream}/logs`;
    const post = (/** @type {number} */ offset) =>
      fetch(url, { method: "POST", headers: { "content-type": "application/x-ndjson" }, body: variedBody(offset) });
    for (let i = 0; i < 20; i++) await (await post(i * 1000)).arrayBuffer();
    const profiler = await inspectWorkerd(inspectorPort);
    await profiler.start();
    const until = performance.now() + ms;
    let offset = 20_000;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (performance.now() < until) {
          offset += 1000;
          await (await post(offset)).arrayBuffer();
        }
      }),
    );
    const sides = splitSides(await profiler.stop());
    const stats = await (await fetch(`${server.url}/api/streams/${stream}`)).json();
    const profiled = stats.lastId - 20_000;
    return { object: (sides.object * 1000) / profiled, worker: (sides.worker * 1000) / profiled, lines: profiled };
  } finally {
    await server.dispose();
  }
}

/** CPU milliseconds (user + system) so far of the workerd processes this Node process started; Linux /proc. */
function workerdCpuMs() {
  let ticks = 0;
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    let stat;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    } catch {
      continue;
    }
    // Fields after the command's closing parenthesis: state, ppid, … utime (12th), stime (13th), in ticks.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (stat.includes("(workerd)") && Number(fields[1]) === process.pid)
      ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks * 10;
}

/**
 * Microseconds of workerd's process CPU (Worker, object and runtime together: SQLite, RPC, GC) per stored line
 * while 4 clients post 300 varied 1,000-line batches. Unlike a profile's samples, process CPU time does not
 * grow when other jobs take the cores, so the difference between two settings holds on a busy machine.
 * @param {Record<string, string>} vars
 */
export async function workerdMicrosPerLine(vars) {
  const server = await serveBundle({ RATE_LIMIT_PER_SECOND: "0", ...vars });
  try {
    const url = `${server.url}/api/streams/cpu-${Date.now()}/logs`;
    const post = async (/** @type {number} */ offset) => {
      const init = { method: "POST", headers: { "content-type": "application/x-ndjson" }, body: variedBody(offset) };
      await (await fetch(url, init)).arrayBuffer();
    };
    for (let i = 0; i < 20; i++) await post(i * 1000);
    const before = workerdCpuMs();
    let next = 20;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < 320) await post(next++ * 1000);
      }),
    );
    return ((workerdCpuMs() - before) * 1000) / 300_000;
  } finally {
    await server.dispose();
  }
}

/**
 * The pattern work a commit adds per line, timed in Node on the bundled modules (one thread: wall time is CPU
 * time): splitting the batch, reading each message from the stored JSON, the miner, and joining the ids stored
 * beside the tails. Each run does it with and without the miner, back to back, over the same 40,000
 * varied lines; medians of 5.
 */
export async function patternMicrosPerLine() {
  const out = await build({
    stdin: {
      contents: `export { messageOf } from "./src/stream/tail-fields";
        export { marksOf } from "./src/stream/histogram";
        export { joinTails, splitTails, tailOf } from "./src/stream/stored";
        export { PatternMiner } from "./lib/patterns/miner.js";`,
      resolveDir: ROOT,
      loader: "ts",
    },
    bundle: true,
    format: "esm",
    platform: "neutral",
    write: false,
    logLevel: "silent",
  });
  const m = await import(
    `data:text/javascript;base64,${Buffer.from(out.outputFiles[0]?.text ?? "").toString("base64")}`
  );
  const batches = Array.from({ length: 40 }, (_, k) =>
    m.joinTails(
      variedBody(k * 1000)
        .trim()
        .split("\n")
        .map((line) => {
          const { level, msg: message, user, ms } = JSON.parse(line);
          return m.tailOf({ time: Date.now(), level, message, fields: { user, ms } });
        }),
    ),
  );
  const miner = new m.PatternMiner();
  // The lines' times are read for the stored row's marks with patterns on or off: not the miner's cost.
  const times = batches.map((tails) => m.marksOf(tails, 1000).times);
  /** @param {boolean} mine */
  const run = (mine) => {
    const start = performance.now();
    for (const [k, tails] of batches.entries()) {
      const lines = m.splitTails(tails, 1000);
      const ids = new Array(lines.length);
      for (let i = 0; i < lines.length; i++) {
        const message = m.messageOf(lines[i]);
        ids[i] = mine ? miner.assign(message, times[k][i], null) : "p1";
      }
      ids.join(",");
    }
    return ((performance.now() - start) * 1000) / 40_000;
  };
  // A yardstick timed in the same turns, since a shared machine's speed drifts: one JSON.parse of each line.
  const parse = () => {
    const start = performance.now();
    for (const tails of batches) for (const tail of m.splitTails(tails, 1000)) JSON.parse(`{${tail}`);
    return ((performance.now() - start) * 1000) / 40_000;
  };
  run(true);
  const without = [];
  const all = [];
  const parses = [];
  for (let i = 0; i < 5; i++) {
    without.push(run(false));
    all.push(run(true));
    parses.push(parse());
  }
  return { fields: median(without), total: median(all), parse: median(parses) };
}
