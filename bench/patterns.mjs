// `npm run bench:patterns`: grouping accuracy (GA) of the pattern miner on the Loghub-2k samples beside
// Drain's and a replace-every-digit-token baseline's, and what assignment costs per line.
// The miner's one setting, the similarity threshold, is also chosen leave-one-out (on seven samples, scored on
// the eighth) to estimate GA on systems it was not tuned on. `--quick` times briefly.

import { DEFAULT_SIMILARITY, DEFAULT_VARIETY, PatternMiner } from "../lib/patterns/miner.js";
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

// Leave-one-out, for every setting tuned on these samples (the similarity threshold and the variety): for each
// system, the pair that does best on the other seven, scored on the one left out, beside the defaults' score.
const GRID = [0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9].flatMap((similarity) =>
  [2, 3, 4, 6, Number.POSITIVE_INFINITY].map((variety) => ({ similarity, variety })),
);
const names = [...systems.keys()];
const scores = GRID.map((options) =>
  names.map((name) => {
    const lines = systems.get(name) ?? [];
    const miner = new PatternMiner(options);
    return groupingAccuracy(
      lines,
      lines.map((line, i) => miner.assign(line.message, i)),
    );
  }),
);
/** @param {number[]} values */
const mean = (values) => values.reduce((a, b) => a + b, 0) / values.length;
/** @param {{ similarity: number, variety: number }} o */
const setting = (o) => `${o.similarity}/${o.variety === Number.POSITIVE_INFINITY ? "off" : o.variety}`;
const ranked = GRID.map((o, g) => ({ o, ga: mean(scores[g] ?? []) })).sort((a, b) => b.ga - a.ga);
console.log(
  `mean GA by similarity/variety, best ten: ${ranked
    .slice(0, 10)
    .map((r) => `${setting(r.o)} → ${r.ga.toFixed(3)}`)
    .join(", ")}`,
);
/**
 * Each system scored with the setting, among `choices` (indices into GRID), that does best on the other seven.
 * @param {string} what @param {number[]} choices
 */
const leaveOneOut = (what, choices) => {
  const held = names.map((name, k) => {
    const others = (/** @type {number} */ g) => mean((scores[g] ?? []).filter((_, j) => j !== k));
    const best = choices.reduce((a, g) => (others(g) > others(a) ? g : a));
    return { name, ga: scores[best]?.[k] ?? 0, options: GRID[best] ?? { similarity: 0, variety: 0 } };
  });
  const each = held.map((h) => `${h.name} ${h.ga.toFixed(3)} (${setting(h.options)})`).join(", ");
  console.log(`leave-one-out, ${what}: ${each}; mean ${mean(held.map((h) => h.ga)).toFixed(3)}`);
};
const everyIndex = GRID.map((_, g) => g);
leaveOneOut("similarity and variety chosen on the other seven", everyIndex);
leaveOneOut(
  `similarity alone (variety ${DEFAULT_VARIETY})`,
  everyIndex.filter((g) => GRID[g]?.variety === DEFAULT_VARIETY),
);
leaveOneOut(
  `variety alone (similarity ${DEFAULT_SIMILARITY})`,
  everyIndex.filter((g) => GRID[g]?.similarity === DEFAULT_SIMILARITY),
);

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
