// The pattern table reads message, level and time from stored JSON without parsing it: it must agree with JSON.parse.
import fc from "fast-check";
import { expect, it } from "vitest";
import { LEVELS } from "../../lib/levels.js";
import { tailOf, withId } from "../../src/stream/stored";
import { messageOf, patternOf, timeOf } from "../../src/stream/tail-fields";

const draft = fc.record({
  time: fc.integer({ min: 0, max: 4_102_444_800_000 }),
  level: fc.constantFrom(null, ...LEVELS),
  message: fc.oneof(fc.string(), fc.string({ unit: "binary" }), fc.constantFrom('a"b', "\\", '\\"', 'x\\\\"y', "")),
  fields: fc.option(fc.dictionary(fc.constantFrom("pattern", "message", "a"), fc.string()), { nil: undefined }),
});

it("reads what JSON.parse reads, from a tail and from its wire form, and finds the pattern id withId adds", () => {
  fc.assert(
    fc.property(draft, fc.stringMatching(/^p[0-9a-z]{1,6}$/), (d, id) => {
      const tail = tailOf(d);
      for (const json of [tail, withId(7, tail), withId(7, tail, id)]) {
        expect(messageOf(json)).toBe(d.message);
        expect(timeOf(json)).toBe(d.time);
      }
      expect(patternOf(withId(7, tail))).toBeUndefined();
      const stamped = withId(7, tail, id);
      expect(patternOf(stamped)).toBe(id);
      expect(JSON.parse(stamped)).toEqual({ ...JSON.parse(withId(7, tail)), pattern: id });
    }),
    { numRuns: 500 },
  );
});
