// `npm run profile`: the Worker's own per-request code for an NDJSON body (body read, decode, serialise to the
// stored batch), timed in Node on the esbuild-bundled TypeScript (the ingest code is runtime-free), and a
// `.cpuprofile` of it to open in Chrome DevTools (Performance → Load profile). `--out <file>` names it.
import { mkdtempSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { objectMicrosPerLine, patternMicrosPerLine, workerdMicrosPerLine } from "./object-cost.mjs";
import { median } from "./stats.mjs";

const ROOT = new URL("..", import.meta.url).pathname;

// What the POST /api/streams/{stream}/logs handler runs for a body, minus the Durable Object call.
const ENTRY = `
import { readBody } from "./src/http/body";
import { decoderFor } from "./src/ingest/formats";
import { toBatches } from "./src/ingest/groups";
const utf8 = new TextDecoder();
export async function handle(body, contentType) {
  const request = new Request("http://bench/api/streams/s/logs", { method: "POST", body, headers: { "content-type": contentType } });
  const text = utf8.decode(await readBody(request, 10 * 1024 * 1024));
  const drafts = decoderFor(contentType)(text, Date.now());
  return toBatches([{ stream: "s", drafts, source: "the path" }], { maxEntries: 10000, maxLength: 16384 });
}
`;

/** The bench's NDJSON body of `lines` lines (the same as bench/run.mjs sends). @param {number} lines */
export const ndjson = (lines) =>
  `${Array.from({ length: lines }, (_, i) => JSON.stringify({ level: "info", msg: `line ${i}`, user: "u_1", ms: i })).join("\n")}\n`;

/** @returns {Promise<(body: string, contentType: string) => Promise<unknown>>} */
async function loadHandler() {
  const out = await build({
    stdin: { contents: ENTRY, resolveDir: ROOT, loader: "ts" },
    bundle: true,
    format: "esm",
    platform: "neutral",
    write: false,
    logLevel: "silent",
  });
  // A file rather than a data: URL, so the profile names the functions' source.
  const file = join(mkdtempSync(join(tmpdir(), "edge-tail-profile-")), "ingest.mjs");
  writeFileSync(file, out.outputFiles[0]?.text ?? "");
  const module = await import(pathToFileURL(file).href);
  return module.handle;
}

/**
 * Milliseconds of the Worker's own code per request for a `lines`-line NDJSON body: median of `runs` timed
 * batches of requests after a warm-up (one thread, so wall time is CPU time).
 * @param {number} lines @param {number} [runs]
 */
export async function workerMsPerBody(lines, runs = 7) {
  const handle = await loadHandler();
  const body = ndjson(lines);
  const reps = Math.max(5, Math.round(200_000 / lines));
  for (let i = 0; i < reps; i++) await handle(body, "application/x-ndjson");
  /** @type {number[]} */
  const times = [];
  for (let run = 0; run < runs; run++) {
    const start = performance.now();
    for (let i = 0; i < reps; i++) await handle(body, "application/x-ndjson");
    times.push((performance.now() - start) / reps);
  }
  return median(times);
}

/**
 * A CPU profiler on workerd's inspector (serveBundle's `inspectorPort`), attached to the Worker's isolate,
 * which also runs its Durable Objects.
 * @param {number} port
 */
export async function inspectWorkerd(port) {
  /** @type {{ title: string, webSocketDebuggerUrl: string }[]} */
  const targets = await (await fetch(`http://127.0.0.1:${port}/json`)).json();
  const target = targets.find((t) => t.title.includes("edge-tail")) ?? targets[0];
  if (target === undefined) throw new Error(`no inspector target on port ${port}`);
  const socket = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    socket.addEventListener("open", resolve);
    socket.addEventListener("error", reject);
  });
  let id = 0;
  /** @type {Map<number, (result: any) => void>} */
  const pending = new Map();
  socket.addEventListener("message", (event) => {
    const message = JSON.parse(String(event.data));
    pending.get(message.id)?.(message.result);
    pending.delete(message.id);
  });
  /** @param {string} method @param {object} [params] @returns {Promise<any>} */
  const post = (method, params = {}) =>
    new Promise((resolve) => {
      pending.set(++id, resolve);
      socket.send(JSON.stringify({ id, method, params }));
    });
  await post("Profiler.enable");
  await post("Profiler.setSamplingInterval", { interval: 200 });
  return {
    start: () => post("Profiler.start"),
    /** @returns {Promise<CpuProfile>} */
    async stop() {
      const { profile } = await post("Profiler.stop");
      socket.close();
      return profile;
    },
  };
}

/**
 * @typedef {{ nodes: { id: number, callFrame: { functionName: string }, children?: number[] }[],
 *   samples: number[], startTime: number, endTime: number }} CpuProfile
 */

// Frames that only run in the Durable Object: its RPC methods, the group commit and the broadcast.
const OBJECT_FRAMES = new Set(["append", "admit", "refund", "#commit", "#committed", "broadcast", "webSocketMessage"]);

/**
 * Milliseconds of a workerd profile spent in the Worker's JavaScript, in the Durable Object's (any sample
 * under one of OBJECT_FRAMES), and in the runtime outside JavaScript (HTTP, RPC, GC: not split by side).
 * @param {CpuProfile} profile
 */
export function splitSides(profile) {
  /** @type {Map<number, number>} */
  const parent = new Map();
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  /** @type {Map<number, "worker" | "object" | "runtime" | "idle">} */
  const side = new Map();
  const sideOf = (/** @type {number} */ id) => {
    const known = side.get(id);
    if (known !== undefined) return known;
    const name = byId.get(id)?.callFrame.functionName ?? "";
    /** @type {"worker" | "object" | "runtime" | "idle"} */
    let result = "worker";
    if (name === "(idle)") result = "idle";
    else if (name === "(program)" || name === "(garbage collector)") result = "runtime";
    else {
      for (let at = /** @type {number | undefined} */ (id); at !== undefined; at = parent.get(at)) {
        if (OBJECT_FRAMES.has(byId.get(at)?.callFrame.functionName ?? "")) result = "object";
      }
    }
    side.set(id, result);
    return result;
  };
  const msPerSample = (profile.endTime - profile.startTime) / 1000 / profile.samples.length;
  const ms = { worker: 0, object: 0, runtime: 0, idle: 0 };
  for (const sample of profile.samples) ms[sideOf(sample)] += msPerSample;
  return ms;
}

async function main() {
  const outAt = process.argv.indexOf("--out");
  const file = (outAt > 0 ? process.argv[outAt + 1] : undefined) ?? join(tmpdir(), "edge-tail-ingest.cpuprofile");
  for (const lines of [1, 1000, 10000]) {
    console.log(`Worker CPU per ${lines}-line NDJSON body: ${(await workerMsPerBody(lines)).toFixed(3)} ms`);
  }
  const handle = await loadHandler();
  const body = ndjson(1000);
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 100 });
  await session.post("Profiler.start");
  const until = performance.now() + 3000;
  while (performance.now() < until) await handle(body, "application/x-ndjson");
  const { profile } = await session.post("Profiler.stop");
  writeFileSync(file, JSON.stringify(profile));
  console.log(`3 s of 1,000-line bodies profiled: ${file} (open in Chrome DevTools)`);
  const { fields, total, parse } = await patternMicrosPerLine();
  console.log(
    `Pattern work per stored line (Node): ${total.toFixed(2)} µs, reading the lines and storing ids ${fields.toFixed(2)} µs of it (a JSON.parse of the line: ${parse.toFixed(2)} µs)`,
  );
  /** @type {[string, Record<string, string>][]} */
  const runs = [
    ["PATTERN_LIMIT=0", { PATTERN_LIMIT: "0" }],
    ["patterns on", {}],
  ];
  for (const [label, vars] of runs) {
    const { object, lines } = await objectMicrosPerLine(vars, { inspectWorkerd, splitSides });
    console.log(
      `Durable Object CPU per line, varied 1,000-line batches, ${label} (workerd profile, ${lines} lines): ${object.toFixed(2)} µs`,
    );
  }
  /** @type {number[][]} */
  const cpu = [[], []];
  for (let round = 0; round < 3; round++) {
    for (const [i, [, vars]] of runs.entries()) cpu[i]?.push(await workerdMicrosPerLine(vars));
  }
  const [off = 0, on = 0] = cpu.map((values) => median(values));
  console.log(
    `workerd process CPU per line (Worker, object and runtime; medians of 3 alternating runs of 300,000 lines): PATTERN_LIMIT=0 ${off.toFixed(2)} µs, patterns on ${on.toFixed(2)} µs: patterns add ${(on - off).toFixed(2)} µs`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
