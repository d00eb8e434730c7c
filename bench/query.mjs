// Micro-benchmark of the query evaluator: nanoseconds per entry over 100,000 varied entries.
// Usage: node bench/query.mjs [--entries N] [--rounds N]
import { parseQuery } from "../lib/query.js";

/** @typedef {import("../lib/types").LogEntry} LogEntry */

const args = process.argv.slice(2);
/** @param {string} name @param {number} fallback */
function option(name, fallback) {
  const index = args.indexOf(name);
  const value = index >= 0 ? Number(args[index + 1]) : fallback;
  return Number.isFinite(value) && value > 0 ? value : fallback;
}
const ENTRIES = option("--entries", 100_000);
const ROUNDS = option("--rounds", 7);

const QUERIES = [
  ["simple field", "status:>=500"],
  ["regex", "/time(d)? ?out/i"],
  ["five terms", 'level:>=warn -route:/healthz (timeout OR "connection reset") user.plan:pro'],
  ["free text", "timeout"],
  ["empty (baseline)", ""],
];

/** A small deterministic PRNG (mulberry32), so every run sees the same entries. @param {number} seed */
function random(seed) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** @param {number} count @returns {LogEntry[]} */
function makeEntries(count) {
  const next = random(42);
  /** @template T @param {readonly T[]} items @returns {T} */
  const pick = (items) => /** @type {T} */ (items[Math.floor(next() * items.length)]);
  const levels = /** @type {const} */ (["trace", "debug", "info", "info", "info", "warn", "error", "fatal"]);
  const messages = [
    "GET /api/orders/{id} 200",
    "upstream request timed out after 30s",
    "Connection reset by peer",
    "\u001b[31merror\u001b[0m: database timeout while reading orders",
    "cache miss for key user:{id}",
    "health check ok",
    "payment accepted for order {id} (card ending 4242, 3DS not required, retry budget 3, region eu-west-1)",
    "worker started",
  ];
  const routes = ["/api/orders", "/api/orders/{id}", "/healthz", "/metrics", "/api/users/{id}/plan"];
  const plans = ["free", "pro", "Pro", "enterprise"];
  /** @type {LogEntry[]} */
  const entries = [];
  for (let id = 1; id <= count; id++) {
    const n = String(Math.floor(next() * 100_000));
    /** @type {Record<string, unknown>} */
    const fields = {
      status: pick([200, 200, 200, 201, 304, 404, 500, 503, "503"]),
      route: pick(routes).replace("{id}", n),
      ms: Math.round(next() * 500 * 10) / 10,
    };
    if (next() < 0.7) fields.user = { id: n, plan: pick(plans), name: pick(["Ann Lee", "Bob", "Chen Wei"]) };
    if (next() < 0.5) fields.trace_id = n.padStart(32, "0");
    if (next() < 0.2) fields.tags = ["blue", pick(["canary", "stable"])];
    entries.push({
      id,
      time: 1_700_000_000_000 + id,
      level: next() < 0.05 ? null : pick(levels),
      message: pick(messages).replaceAll("{id}", n),
      fields,
    });
  }
  return entries;
}

const entries = makeEntries(ENTRIES);
/** @type {Array<[string, string, number, number, number]>} */
const rows = [];
let sink = 0;
for (const [name, text] of QUERIES) {
  const parsed = parseQuery(/** @type {string} */ (text));
  if (!parsed.ok) throw new Error(`${text}: ${parsed.error.message}`);
  const { query } = parsed;
  let matched = 0;
  for (const entry of entries) if (query.match(entry, "api")) matched++; // warm-up, and the match count
  /** @type {number[]} */
  const times = [];
  for (let round = 0; round < ROUNDS; round++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < entries.length; i++) if (query.match(/** @type {LogEntry} */ (entries[i]), "api")) sink++;
    times.push(Number(process.hrtime.bigint() - start) / entries.length);
  }
  times.sort((a, b) => a - b);
  rows.push([
    /** @type {string} */ (name),
    query.text,
    times[Math.floor(times.length / 2)] ?? 0,
    times[0] ?? 0,
    matched,
  ]);
}

console.log(`${ENTRIES.toLocaleString("en")} entries, median and best of ${ROUNDS} rounds, Node ${process.version}\n`);
console.log("| query | text | ns/entry (median) | ns/entry (best) | matches |");
console.log("| --- | --- | ---: | ---: | ---: |");
for (const [name, text, median, best, matched] of rows) {
  const shown = text === "" ? "" : `\`${text}\``;
  console.log(`| ${name} | ${shown} | ${median.toFixed(0)} | ${best.toFixed(0)} | ${matched.toLocaleString("en")} |`);
}
if (sink < 0) console.log(sink); // keeps the timed loops from being optimised away
