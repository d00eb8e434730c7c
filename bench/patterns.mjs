// `npm run bench:patterns`: grouping accuracy (GA) of the pattern miner on the Loghub-2k samples beside
// Drain's and a replace-every-digit-token baseline's, and what assignment costs per line.
// Its settings are also chosen leave-one-out (on seven samples, scored on the eighth) to estimate GA on systems
// it was not tuned on, and it is scored on synthetic families (bench/patterns-loo.mjs). `--quick` times briefly.

import { PatternMiner } from "../lib/patterns/miner.js";
import { drain } from "./drain.mjs";
import { CORPUS_DIR, groupingAccuracy, loadCorpora } from "./loghub.mjs";
import { leaveOneOut, syntheticReport } from "./patterns-loo.mjs";

const QUICK = process.argv.includes("--quick");
const systems = loadCorpora();
if (systems.size === 0) {
  console.error(`No samples in ${CORPUS_DIR}: nothing to measure.`);
  process.exit(0);
}

/** @param {string} message */
const digitsMasked = (message) =>
  message
    .trim()
    .split(/\s+/)
    .map((t) => (/\d/.test(t) ? "<*>" : t))
    .join(" ");

/** @type {Array<Record<string, string>>} */
const table = [];
const sums = { miner: 0, drain: 0, digits: 0 };
for (const [name, lines] of systems) {
  const miner = new PatternMiner();
  const add = drain();
  const ours = lines.map((line, i) => miner.assign(line.message, i));
  const miner_ = groupingAccuracy(lines, ours);
  const drain_ = groupingAccuracy(
    lines,
    lines.map((line) => String(add(line.message))),
  );
  const digits_ = groupingAccuracy(
    lines,
    lines.map((line) => digitsMasked(line.message)),
  );
  sums.miner += miner_;
  sums.drain += drain_;
  sums.digits += digits_;
  const truth = new Set(lines.map((l) => l.event)).size;
  table.push({
    system: name,
    miner: miner_.toFixed(3),
    "Drain (defaults)": drain_.toFixed(3),
    "digit tokens": digits_.toFixed(3),
    patterns: `${miner.size} / ${truth}`,
  });
}
const n = systems.size;
table.push({
  system: "mean",
  miner: (sums.miner / n).toFixed(3),
  "Drain (defaults)": (sums.drain / n).toFixed(3),
  "digit tokens": (sums.digits / n).toFixed(3),
  patterns: "",
});
console.table(table);

// Leave-one-out, for every setting tuned on these samples (bench/patterns-loo.mjs, which prints more alone),
// and the synthetic families no rule was fitted to.
for (const line of leaveOneOut(systems).report) console.log(line);
console.log(syntheticReport());

// Cost: every sample's lines through one fresh miner per round, timed together, beside the cost of only
// splitting them on spaces, a yardstick for how loaded the machine is. Flat strings, as JSON.parse gives.
/** @type {string[]} */
const all = JSON.parse(JSON.stringify([...systems.values()].flat().map((l) => l.message)));
const rounds = QUICK ? 3 : 30;
/** @type {number[]} */
const cold = [];
/** @type {number[]} */
const warm = [];
/** @type {number[]} */
const split = [];
let words = 0;
/** CPU time, not wall time: the machine may be shared, and CPU is what a Durable Object is billed and limited by.
 * @param {() => void} run @returns {number} µs per line */
const timed = (run) => {
  const start = process.cpuUsage();
  run();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / all.length;
};
for (let r = 0; r < rounds; r++) {
  const miner = new PatternMiner();
  // Cold: a fresh miner learning the patterns; warm: the same lines again, once the patterns are known.
  const learn = () => {
    for (let i = 0; i < all.length; i++) miner.assign(all[i] ?? "", i);
  };
  cold.push(timed(learn));
  warm.push(timed(learn));
  split.push(
    timed(() => {
      for (const message of all) words += message.split(" ").length;
    }),
  );
}
/** @param {number[]} values */
const median = (values) => values.sort((a, b) => a - b)[values.length >> 1] ?? 0;
console.log(
  `assign (CPU µs/line, median of ${rounds} rounds of ${all.length} lines): cold ${median(cold).toFixed(3)}, warm ` +
    `${median(warm).toFixed(3)}; split(" ") alone ${median(split).toFixed(3)} (${(words / all.length / rounds).toFixed(1)} words a line)`,
);

// Hostile streams: distinct lines of random words (no shape repeats, so no cache), 32 KiB lines, binary noise;
// flat strings, as JSON.parse gives them.
let seed = 1;
const random = () => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 4294967296;
};
/** @param {number} n */
const randomWord = (n) => Array.from({ length: n }, () => String.fromCharCode(97 + Math.floor(random() * 26))).join("");
const hostile = {
  "distinct lines": Array.from({ length: QUICK ? 20_000 : 200_000 }, () =>
    Array.from({ length: 3 + Math.floor(random() * 6) }, () => randomWord(2 + Math.floor(random() * 6))).join(" "),
  ),
  "32 KiB lines": Array.from({ length: 2_000 }, () => `${randomWord(40)} `.repeat(800)),
  "binary noise": Array.from({ length: 20_000 }, () =>
    String.fromCharCode(...Array.from({ length: 200 }, () => Math.floor(random() * 256))),
  ),
};
for (const [name, built] of Object.entries(hostile)) {
  /** @type {string[]} */
  const lines = JSON.parse(JSON.stringify(built));
  const miner = new PatternMiner();
  const start = process.cpuUsage();
  for (let i = 0; i < lines.length; i++) miner.assign(lines[i] ?? "", i);
  const used = process.cpuUsage(start);
  console.log(
    `${name}: ${lines.length} lines, ${((used.user + used.system) / lines.length).toFixed(2)} CPU µs/line, ${miner.size} patterns`,
  );
}
