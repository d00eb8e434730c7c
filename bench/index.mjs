// The stream list at scale: registers 100,000 streams straight into the index shards (a driver Worker beside
// the production bundle calls each shard's `report` as a stream would), then times the list's first page and
// prefix resolutions over HTTP, and how many reports one shard takes per second.
//   node bench/index.mjs [--streams 100000] [--shards 32]
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { build } from "esbuild";
import { serveBundle } from "./serve.mjs";
import { Histogram } from "./stats.mjs";

const { values } = parseArgs({
  options: { streams: { type: "string", default: "100000" }, shards: { type: "string", default: "32" } },
});
const STREAMS = Number(values.streams);
const SHARDS = Number(values.shards);
const TEAMS = 100;
const REPORT_MS = 5000;

// The driver places names with the Worker's own shardOf, and reports with bounded concurrency.
const driver = await build({
  stdin: {
    contents: `
import { shardName, shardOf } from "./src/stream/index-shards.ts";
const summary = (name) => ({ name, lastActivity: Date.now(), entries: 10, lastId: 10, rate: 1 });
async function pooled(items, width, task) {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => { while (next < items.length) await task(items[next++]); }));
}
export default {
  async fetch(request, env) {
    const { names, shards, width, only } = await request.json();
    const mine = only === undefined ? names : names.filter((name) => shardOf(name, shards) === only);
    const stub = (name) => env.INDEX.get(env.INDEX.idFromName(shardName(shardOf(name, shards))));
    const started = Date.now();
    await pooled(mine, width, (name) => stub(name).report(summary(name)));
    return Response.json({ ms: Date.now() - started, reports: mine.length });
  },
};`,
    resolveDir: new URL("..", import.meta.url).pathname,
    loader: "js",
  },
  bundle: true,
  format: "esm",
  write: false,
});

const server = await serveBundle(
  { STREAM_INDEX_SHARDS: String(SHARDS) },
  {
    workers: [
      {
        name: "index-driver",
        modules: true,
        script: driver.outputFiles[0]?.text,
        compatibilityDate: "2026-11-01",
        durableObjects: { INDEX: { className: "StreamIndex", scriptName: "edge-tail" } },
        routes: ["*/__index-driver"],
      },
    ],
  },
);

/**
 * Reports `names` (those on shard `only`, when given) through the driver: the driver's own time, and how many.
 * @param {string[]} names
 * @param {number} width concurrent reports
 * @param {number} [only]
 */
async function report(names, width, only) {
  const response = await fetch(`${server.url}/__index-driver`, {
    method: "POST",
    body: JSON.stringify({ names, shards: SHARDS, width, only }),
  });
  if (!response.ok) throw new Error(`driver answered ${response.status}: ${await response.text()}`);
  return /** @type {{ ms: number, reports: number }} */ (await response.json());
}

/** CPU seconds workerd (Miniflare's child process: every shard, the driver and the Worker) has used so far. */
function workerdCpuSeconds() {
  const pids = execFileSync("ps", ["-o", "pid=,comm=", "--ppid", String(process.pid)], { encoding: "utf8" })
    .split("\n")
    .filter((line) => line.includes("workerd"))
    .map((line) => line.trim().split(/\s+/)[0]);
  let ticks = 0;
  for (const pid of pids) {
    // utime and stime, fields 14 and 15 of /proc/PID/stat, counted after the command's closing parenthesis.
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks / 100;
}

/**
 * Median and p95 of `runs` timed GETs, after one warm-up; checks the answer with `check`.
 * @param {string} path
 * @param {(body: { streams: { name: string }[], next: string | null }) => void} check
 */
async function timeGet(path, check, runs = 30) {
  const times = new Histogram();
  for (let i = 0; i <= runs; i++) {
    const started = performance.now();
    const response = await fetch(`${server.url}${path}`);
    const body = await response.json();
    const ms = performance.now() - started;
    if (response.status !== 200) throw new Error(`${path} answered ${response.status}: ${JSON.stringify(body)}`);
    check(body);
    if (i > 0) times.record(ms);
  }
  return { median: times.percentile(50), p95: times.percentile(95) };
}

try {
  const names = Array.from({ length: STREAMS }, (_, i) => `team-${i % TEAMS}.svc-${Math.floor(i / TEAMS)}`);
  let fillMs = 0;
  for (let i = 0; i < names.length; i += 10_000) fillMs += (await report(names.slice(i, i + 10_000), 256)).ms;
  console.log(
    `registered ${STREAMS.toLocaleString("en")} streams over ${SHARDS} shards in ${(fillMs / 1000).toFixed(1)} s`,
  );

  // One shard's capacity: its own streams re-reported as fast as it takes them.
  const cpuBefore = workerdCpuSeconds();
  const one = await report(names, 64, 0);
  const cpuPerReport = ((workerdCpuSeconds() - cpuBefore) * 1000) / one.reports;
  const perShard = (one.reports / one.ms) * 1000;

  const perTeam = STREAMS / TEAMS;
  const first = await timeGet("/api/streams", (body) => {
    if (body.streams.length !== 100 || body.next === null) throw new Error("the first page is not 100 rows and a next");
  });
  const middle = await timeGet("/api/streams?cursor=team-50.svc-500&limit=100", (body) => {
    if (body.streams.length !== 100) throw new Error("a middle page is not 100 rows");
  });
  const prefix = await timeGet("/api/streams?prefix=team-42.&limit=100", (body) => {
    if (!body.streams.every((s) => s.name.startsWith("team-42."))) throw new Error("a name outside the prefix");
  });
  const wholeTeam = await timeGet(`/api/streams?prefix=team-42.&limit=1000`, (body) => {
    if (body.streams.length !== Math.min(1000, perTeam)) throw new Error(`team-42. is not ${perTeam} streams`);
  });
  const narrow = await timeGet("/api/streams?prefix=team-42.svc-1", (body) => {
    if (body.streams.length === 0) throw new Error("team-42.svc-1 matched nothing");
  });
  const load = STREAMS / (REPORT_MS / 1000) / SHARDS;
  const ms = (/** @type {{ median: number, p95: number }} */ t) => `${t.median.toFixed(1)} | ${t.p95.toFixed(1)}`;
  console.log(`
| ${STREAMS.toLocaleString("en")} streams, ${SHARDS} shards | median ms | p95 ms |
| --- | ---: | ---: |
| first page (\`GET /api/streams\`, 100 rows) | ${ms(first)} |
| a page from a cursor (\`?cursor=team-50.svc-500\`) | ${ms(middle)} |
| prefix resolution, a merged view's \`team-42.*\` (\`?prefix=team-42.&limit=100\`) | ${ms(prefix)} |
| a whole team (\`?prefix=team-42.&limit=1000\`, ${Math.min(1000, perTeam)} rows) | ${ms(wholeTeam)} |
| a narrow prefix (\`?prefix=team-42.svc-1\`) | ${ms(narrow)} |

Reports: one shard took ${one.reports.toLocaleString("en")} reports in ${one.ms} ms, ${Math.round(perShard).toLocaleString("en")}/s (64 in flight, one local workerd process for every object, load average ${(await import("node:os")).loadavg()[0]?.toFixed(1)});
workerd spent ${cpuPerReport.toFixed(2)} ms of CPU per report (the driver's call, the RPC and the shard's upsert): ${Math.round(1000 / cpuPerReport).toLocaleString("en")} reports/s per core;
with every stream active, each shard gets ${Math.round(load).toLocaleString("en")}/s (${STREAMS.toLocaleString("en")} streams / INDEX_REPORT_MS ${REPORT_MS} ms / ${SHARDS} shards); Cloudflare's guidance is about 1,000/s per object.`);
} finally {
  await server.dispose();
}
