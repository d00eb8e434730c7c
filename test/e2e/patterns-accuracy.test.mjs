// Grouping accuracy of the pattern miner on the Loghub-2k samples beside the worktrees (../shared/corpora),
// the measure issue 24 sets: mean GA of at least 0.9, above Drain's. Skipped, saying so, where they are absent.
import assert from "node:assert/strict";
import { test } from "node:test";
import { drain } from "../../bench/drain.mjs";
import { CORPUS_DIR, groupingAccuracy, loadCorpora } from "../../bench/loghub.mjs";
import { matchesTemplate, PatternMiner } from "../../lib/patterns/miner.js";

const systems = loadCorpora();
const skip = systems.size === 0 ? `no Loghub samples in ${CORPUS_DIR}` : false;

test("mean grouping accuracy on the Loghub samples is at least 0.9 and above Drain's", { skip }, () => {
  let ours = 0;
  let theirs = 0;
  for (const [name, lines] of systems) {
    const miner = new PatternMiner();
    const ids = lines.map((line, i) => miner.assign(line.message, i));
    const add = drain();
    const ga = groupingAccuracy(lines, ids);
    ours += ga;
    theirs += groupingAccuracy(
      lines,
      lines.map((line) => String(add(line.message))),
    );
    console.log(`${name}: GA ${ga.toFixed(3)}, ${miner.size} patterns`);
    lines.forEach((line, i) => {
      const template = miner.get(ids[i] ?? "")?.template ?? "";
      assert.ok(matchesTemplate(template, line.message), `${name} line ${i + 1} fits ${template}`);
    });
  }
  ours /= systems.size;
  theirs /= systems.size;
  console.log(`mean GA ${ours.toFixed(3)}; Drain (defaults) ${theirs.toFixed(3)}`);
  assert.ok(ours >= 0.9, `mean GA ${ours.toFixed(3)} is below 0.9`);
  assert.ok(ours > theirs, `mean GA ${ours.toFixed(3)} is not above Drain's ${theirs.toFixed(3)}`);
});
