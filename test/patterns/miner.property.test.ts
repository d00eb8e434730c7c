// Properties of the pattern miner over arbitrary input: every line gets a pattern whose template fits it, the
// cap holds, and a miner restored from its rows assigns as the original does.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { matchesTemplate, PatternMiner, patternShape } from "../../lib/patterns/miner.js";
import { shapeHash, tokenize } from "../../lib/patterns/tokens.js";

const RUNS = { numRuns: 150 };

/** Lines like logs: words, numbers, punctuation and spaces, often repeating in shape. */
const logish = fc
  .array(
    fc.oneof(
      fc.constantFrom("user", "GET", "failed", "for", "from", "id=", "Jun", "ms", "KB)", "(", "[ok]", "<*>", "a.b"),
      fc.integer({ min: -5, max: 100000 }).map(String),
      fc.stringMatching(/^[a-z0-9.:_/-]{1,12}$/),
    ),
    { maxLength: 14 },
  )
  .chain((words) => fc.constantFrom(" ", "  ", "\t").map((space) => words.join(space)));

const anyLine = fc.oneof(
  logish,
  fc.string({ maxLength: 80 }),
  fc.string({ unit: "binary", maxLength: 80 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
);

describe("shapeHash", () => {
  it("differs wherever tokenize's result differs (the cache key misses nothing that matters)", () => {
    // Tails alike but for a token's length: past MAX_TOKEN_CHARS a token is one value, whatever it holds.
    const tails = fc.constantFrom(["", ""], ["x".repeat(121), "x".repeat(120)], [`ab-${"1".repeat(130)}`, "ab-1"]);
    fc.assert(
      fc.property(logish, logish, tails, (a, b, [tailA, tailB]) => {
        const [x, y] = [`${a} ${tailA}`, `${b} ${tailB}`];
        if (tokenize(x).join(" ") !== tokenize(y).join(" ")) expect(shapeHash(x)).not.toBe(shapeHash(y));
      }),
      { numRuns: 1000 },
    );
  });

  it("is the same for lines differing only in their numbers' digits and in whitespace", () => {
    fc.assert(
      fc.property(logish, fc.integer({ min: 0, max: 9 }), (line, digit) => {
        const other = line.replace(/[0-9]+/g, String(digit).repeat(3)).replace(/\s+/g, "\t ");
        expect(shapeHash(other)).toBe(shapeHash(line));
      }),
      RUNS,
    );
  });
});

describe("PatternMiner properties", () => {
  it("gives the same ids from a shape worked out elsewhere (the Worker's) as from the message alone", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(logish, logish, anyLine, fc.constant("x".repeat(1100))), { maxLength: 60 }),
        (lines) => {
          const plain = new PatternMiner();
          const shaped = new PatternMiner();
          for (const line of lines) {
            const shape = patternShape(line);
            const id = shaped.assignCached(shape, 0) ?? shaped.assign(line, 0, null, shape);
            expect(id).toBe(plain.assign(line, 0));
          }
          expect(shaped.rows()).toEqual(plain.rows());
        },
      ),
      RUNS,
    );
  });

  it("gives any line a pattern whose final template fits every line it was given", () => {
    fc.assert(
      fc.property(fc.array(anyLine, { maxLength: 60 }), fc.integer({ min: 1, max: 30 }), (lines, limit) => {
        const miner = new PatternMiner({ limit });
        const given = lines.map((line, i) => miner.assign(line, i));
        expect(miner.size).toBeLessThanOrEqual(limit);
        given.forEach((id, i) => {
          const template = miner.get(id)?.template;
          expect(template, `pattern ${id} exists`).toBeTypeOf("string");
          expect(matchesTemplate(template ?? "", lines[i] ?? ""), `${template} fits ${JSON.stringify(lines[i])}`).toBe(
            true,
          );
        });
        expect(miner.rows().reduce((sum, row) => sum + row.count, 0)).toBe(lines.length);
      }),
      RUNS,
    );
  });

  it("leaves a line's pattern fitting it, whatever lines come after", () => {
    fc.assert(
      fc.property(logish, fc.array(logish, { maxLength: 30 }), (line, between) => {
        const miner = new PatternMiner();
        const id = miner.assign(line, 0);
        for (const [i, other] of between.entries()) miner.assign(other, i + 1);
        const template = miner.get(id)?.template ?? "";
        // Widening only ever generalises a template, so it still fits the lines it was given.
        expect(matchesTemplate(template, line)).toBe(true);
        const again = miner.assign(line, 99);
        expect(matchesTemplate(miner.get(again)?.template ?? "", line)).toBe(true);
      }),
      RUNS,
    );
  });

  it("assigns after a restore from its rows as it would have without one", () => {
    fc.assert(
      fc.property(fc.array(logish, { maxLength: 40 }), fc.array(logish, { maxLength: 40 }), (first, then) => {
        const original = new PatternMiner({ limit: 20 });
        for (const [i, line] of first.entries()) original.assign(line, i);
        const restored = new PatternMiner({ limit: 20, rows: original.rows() });
        expect(restored.rows()).toEqual(original.rows());
        const a = then.map((line, i) => original.assign(line, 100 + i));
        const b = then.map((line, i) => restored.assign(line, 100 + i));
        expect(b).toEqual(a);
        expect(restored.rows()).toEqual(original.rows());
      }),
      RUNS,
    );
  });
});
