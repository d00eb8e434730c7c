// The plain line a following frame shows for a row it had no time to build: time and the message's first line.
import { describe, expect, it } from "vitest";
import type { EntryItem, Item } from "../../page/items";
import { sketchLine } from "../../page/view/sketch";

const at = Date.UTC(2026, 11, 7, 9, 5, 7, 42);
const entry = (message: string): EntryItem => ({
  kind: "entry",
  seq: 1,
  version: 0,
  entry: { id: 1, time: at, level: null, message },
});

describe("sketchLine", () => {
  it("reads the time and the message's first line, with no colour codes", () => {
    expect(sketchLine(entry("\u001b[31mboom\u001b[0m at a\n    at b (b.js:1:1)"), true)).toBe(
      "09:05:07.042  boom at a",
    );
    expect(sketchLine(entry("one\r\ntwo"), true)).toBe("09:05:07.042  one");
  });

  it("keeps a long line to its first 300 characters", () => {
    expect(sketchLine(entry("x".repeat(5000)), true)).toBe(`09:05:07.042  ${"x".repeat(300)}`);
  });

  it("shows a message that is not a string (an odd server's) as JSON", () => {
    const odd = entry("");
    Object.assign(odd.entry, { message: 42 });
    expect(sketchLine(odd, true)).toBe("09:05:07.042  42");
    Object.assign(odd.entry, { message: { a: [1] } });
    expect(sketchLine(odd, true)).toBe('09:05:07.042  {"a":[1]}');
  });

  it("has nothing for a mark (a gap, a note)", () => {
    expect(
      sketchLine({ kind: "gap", seq: 2, version: 0, after: 1, gap: { from: 3, to: 4 } } satisfies Item, true),
    ).toBe("");
  });
});
