// The plain line a following frame shows for a row it left unbuilt: time, the message's first line, and its level
// when it is a warning or worse.
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
    expect(sketchLine(entry("\u001b[31mboom\u001b[0m at a\n    at b (b.js:1:1)"), true).text).toBe(
      "09:05:07.042  boom at a",
    );
    expect(sketchLine(entry("one\r\ntwo"), true).text).toBe("09:05:07.042  one");
  });

  it("keeps a long line to its first 300 characters", () => {
    expect(sketchLine(entry("x".repeat(5000)), true).text).toBe(`09:05:07.042  ${"x".repeat(300)}`);
  });

  it("shows a message that is not a string (an odd server's) as JSON", () => {
    const odd = entry("");
    Object.assign(odd.entry, { message: 42 });
    expect(sketchLine(odd, true).text).toBe("09:05:07.042  42");
    Object.assign(odd.entry, { message: { a: [1] } });
    expect(sketchLine(odd, true).text).toBe('09:05:07.042  {"a":[1]}');
  });

  it("has nothing for a mark (a gap, a note)", () => {
    expect(
      sketchLine({ kind: "gap", seq: 2, version: 0, after: 1, gap: { from: 3, to: 4 } } satisfies Item, true),
    ).toEqual({ text: "", level: null });
  });

  it("keeps the level of a warning or worse, so it stands out in a firehose; info and below stay plain", () => {
    const with_ = (level: unknown) => {
      const line = entry("x");
      Object.assign(line.entry, { level });
      return sketchLine(line, true).level;
    };
    expect([with_("warn"), with_("error"), with_("fatal"), with_("info"), with_("debug"), with_(null)]).toEqual([
      "warn",
      "error",
      "fatal",
      null,
      null,
      null,
    ]);
    // An odd server's level (a number, an alias) reads as the rows read it.
    expect([with_(50), with_("ERR"), with_({ a: 1 })]).toEqual(["error", "error", null]);
  });
});
