// `npm run bench:patterns`: grouping accuracy (GA) of the pattern miner on the Loghub-2k samples beside
// Drain's and a replace-every-digit-token baseline's, and what assignment costs per line.
// `--loo` adds nothing new per system (the miner has no per-system settings); `--quick` times briefly.

import { PatternMiner } from "../lib/patterns/miner.js";
import { drain } from "./drain.mjs";
import { CORPUS_DIR, groupingAccuracy, loadCorpora } from "./loghub.mjs";

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
  const drain_ = groupingAccuracy(lines, lines.map((line) => String(add(line.message))));
  const digits_ = groupingAccuracy(lines, lines.map((line) => digitsMasked(line.message)));
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

// Cost: every sample's lines through one fresh miner per round, timed together.
const all = [...systems.values()].flat().map((l) => l.message);
const rounds = QUICK ? 3 : 30;
/** @type {number[]} */
const perLine = [];
for (let r = 0; r < rounds; r++) {
  const miner = new PatternMiner();
  const start = performance.now();
  for (let i = 0; i < all.length; i++) miner.assign(all[i] ?? "", i);
  perLine.push(((performance.now() - start) * 1000) / all.length);
}
perLine.sort((a, b) => a - b);
console.log(
  `assign: ${all.length} lines x ${rounds} rounds, median ${(perLine[rounds >> 1] ?? 0).toFixed(3)} µs/line` +
    ` (best ${(perLine[0] ?? 0).toFixed(3)}, first round ${(perLine.at(-1) ?? 0).toFixed(3)})`,
);
