// How well the pattern miner should do on systems it was not tuned on, for bench/patterns.mjs and alone
// (`node bench/patterns-loo.mjs`): leave-one-out over the Loghub-2k samples (each setting tuned on these
// samples chosen on seven, scored on the eighth), GA by similarity per sample (a flat row is a robust one), GA
// with the lines in random orders, and GA on synthetic families written from common formats
// (bench/synthetic-logs.mjs), which no rule was fitted to.

import { fileURLToPath } from "node:url";
import { DEFAULT_SIMILARITY, DEFAULT_VARIETY, PatternMiner } from "../lib/patterns/miner.js";
import { CORPUS_DIR, groupingAccuracy, loadCorpora } from "./loghub.mjs";
import { syntheticCorpora } from "./synthetic-logs.mjs";

/** @typedef {import("./loghub.mjs").LabelledLine} LabelledLine */
/** @typedef {{ similarity: number, variety: number }} Setting */

const SIMILARITIES = [0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9];
/** Every pair of settings tuned on the samples. @type {Setting[]} */
const GRID = SIMILARITIES.flatMap((similarity) =>
  [2, 3, 4, 6, Number.POSITIVE_INFINITY].map((variety) => ({ similarity, variety })),
);

/** @param {number[]} values */
const mean = (values) => values.reduce((a, b) => a + b, 0) / values.length;
/** @param {Setting} o */
const setting = (o) => `${o.similarity}/${o.variety === Number.POSITIVE_INFINITY ? "off" : o.variety}`;

/** GA of one fresh miner over the lines. @param {LabelledLine[]} lines @param {Partial<Setting>} [options] */
export function minerAccuracy(lines, options = {}) {
  const miner = new PatternMiner(options);
  return groupingAccuracy(
    lines,
    lines.map((line, i) => miner.assign(line.message, i)),
  );
}

/**
 * The leave-one-out report as text lines, and its mean with both settings chosen on the other systems.
 * @param {Map<string, LabelledLine[]>} systems
 * @returns {{ report: string[], mean: number }}
 */
export function leaveOneOut(systems) {
  const names = [...systems.keys()];
  const scores = GRID.map((options) => names.map((name) => minerAccuracy(systems.get(name) ?? [], options)));
  const ranked = GRID.map((o, g) => ({ o, ga: mean(scores[g] ?? []) })).sort((a, b) => b.ga - a.ga);
  const report = [
    `mean GA by similarity/variety, best ten: ${ranked
      .slice(0, 10)
      .map((r) => `${setting(r.o)} → ${r.ga.toFixed(3)}`)
      .join(", ")}`,
  ];
  /**
   * Each system scored with the setting, among `choices` (indices into GRID), that does best on the others;
   * when several tie there, the mean of their scores (nothing on the others tells them apart).
   * @param {string} what @param {number[]} choices
   */
  const held = (what, choices) => {
    const each = names.map((name, k) => {
      const others = (/** @type {number} */ g) => mean((scores[g] ?? []).filter((_, j) => j !== k));
      const top = Math.max(...choices.map(others));
      const best = choices.filter((g) => others(g) > top - 1e-9);
      const chosen = best.map((g) => setting(GRID[g] ?? { similarity: 0, variety: 0 }));
      const shown = chosen.length > 3 ? `${chosen.slice(0, 3).join(" ")} …` : chosen.join(" ");
      return { name, ga: mean(best.map((g) => scores[g]?.[k] ?? 0)), shown };
    });
    const text = each.map((h) => `${h.name} ${h.ga.toFixed(3)} (${h.shown})`).join(", ");
    const m = mean(each.map((h) => h.ga));
    report.push(`leave-one-out, ${what}: ${text}; mean ${m.toFixed(3)}`);
    return m;
  };
  const everyIndex = GRID.map((_, g) => g);
  const both = held("similarity and variety chosen on the others", everyIndex);
  held(
    `similarity alone (variety ${DEFAULT_VARIETY})`,
    everyIndex.filter((g) => GRID[g]?.variety === DEFAULT_VARIETY),
  );
  held(
    `variety alone (similarity ${DEFAULT_SIMILARITY})`,
    everyIndex.filter((g) => GRID[g]?.similarity === DEFAULT_SIMILARITY),
  );
  return { report, mean: both };
}

/**
 * GA of each system at each similarity (the default variety), one row a system, and the mean row: how much
 * a system's score hangs on the threshold.
 * @param {Map<string, LabelledLine[]>} systems
 */
export function bySimilarity(systems) {
  const width = Math.max(...[...systems.keys()].map((n) => n.length), 4) + 2;
  const rows = [`${"".padEnd(width)}${SIMILARITIES.map((s) => String(s).padStart(7)).join("")}`];
  const sums = SIMILARITIES.map(() => 0);
  for (const [name, lines] of systems) {
    const row = SIMILARITIES.map((similarity, k) => {
      const ga = minerAccuracy(lines, { similarity });
      sums[k] = (sums[k] ?? 0) + ga / systems.size;
      return ga.toFixed(3).padStart(7);
    });
    rows.push(`${name.padEnd(width)}${row.join("")}`);
  }
  rows.push(`${"mean".padEnd(width)}${sums.map((s) => s.toFixed(3).padStart(7)).join("")}`);
  return rows;
}

/**
 * GA at the defaults with each system's lines in `rounds` seeded random orders, one text line: a live stream's
 * first lines decide which patterns exist, so a score that holds in any order is one that does not hang on luck.
 * @param {Map<string, LabelledLine[]>} systems @param {number} [rounds]
 */
export function shuffledReport(systems, rounds = 10) {
  let seed = 99;
  const random = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 4294967296;
  };
  const each = [...systems].map(([name, lines]) => {
    const scores = Array.from({ length: rounds }, () => {
      const order = [...lines];
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [/** @type {LabelledLine} */ (order[j]), /** @type {LabelledLine} */ (order[i])];
      }
      return minerAccuracy(order);
    });
    return { name, ga: mean(scores), min: Math.min(...scores) };
  });
  const text = each.map((s) => `${s.name} ${s.ga.toFixed(3)} (min ${s.min.toFixed(3)})`).join(", ");
  return `GA in ${rounds} random orders (defaults): ${text}; mean ${mean(each.map((s) => s.ga)).toFixed(3)}`;
}

/** The synthetic families' GA at the defaults, one text line. */
export function syntheticReport() {
  const families = syntheticCorpora();
  const each = [...families].map(([name, lines]) => ({ name, ga: minerAccuracy(lines) }));
  const text = each.map((f) => `${f.name} ${f.ga.toFixed(3)}`).join(", ");
  return `synthetic families (defaults): ${text}; mean ${mean(each.map((f) => f.ga)).toFixed(3)}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const systems = loadCorpora();
  if (systems.size === 0) console.error(`No samples in ${CORPUS_DIR}: Loghub skipped.`);
  else {
    console.log(`GA by similarity (variety ${DEFAULT_VARIETY}):`);
    for (const row of bySimilarity(systems)) console.log(row);
    for (const line of leaveOneOut(systems).report) console.log(line);
    console.log(shuffledReport(systems));
  }
  console.log(syntheticReport());
  for (const row of bySimilarity(syntheticCorpora())) console.log(row);
}
