import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stripAnsi } from "../../lib/ansi.js";

const ESC = "\u001b";
const withoutEscapeBytes = (text: string) => text.replaceAll(ESC, "").replaceAll("\u009b", "");

describe("stripAnsi", () => {
  const cases: Array<[string, string, string]> = [
    ["SGR colour", `${ESC}[31mred${ESC}[0m`, "red"],
    ["SGR reset without parameters", `a${ESC}[mb`, "ab"],
    ["256 colours", `${ESC}[38;5;208morange${ESC}[39m`, "orange"],
    ["true colour", `${ESC}[38;2;1;2;3mrgb${ESC}[0m`, "rgb"],
    ["bold and underline", `${ESC}[1;4mx${ESC}[22;24m`, "x"],
    ["cursor movement", `a${ESC}[2Kb${ESC}[1Ac${ESC}[10;20H`, "abc"],
    ["private CSI", `${ESC}[?25lhidden cursor${ESC}[?25h`, "hidden cursor"],
    ["CSI with intermediate byte", `a${ESC}[1 qb`, "ab"],
    ["8-bit CSI", "\u009b31mred\u009b0m", "red"],
    ["OSC title ended by BEL", `${ESC}]0;my title\u0007text`, "text"],
    ["OSC 8 hyperlink ended by ST", `${ESC}]8;;https://example.com${ESC}\\link${ESC}]8;;${ESC}\\`, "link"],
    ["OSC cut off by another sequence", `${ESC}]0;title${ESC}[31mred`, "red"],
    ["OSC without a terminator", `before${ESC}]0;title`, "before"],
    ["DCS", `${ESC}Pq#0;2;0;0;0${ESC}\\after`, "after"],
    ["two-byte: charset", `${ESC}(Bplain`, "plain"],
    ["two-byte: save cursor", `${ESC}7a${ESC}8`, "a"],
    ["two-byte: reset", `${ESC}cclear`, "clear"],
    ["keypad", `${ESC}=x${ESC}>`, "x"],
    ["CSI cut off at the end", `text${ESC}[31`, "text"],
    ["lone ESC", `a${ESC}`, "a"],
    ["ESC ESC", `a${ESC}${ESC}[1mb`, "ab"],
    ["lone 8-bit CSI", "a\u009b", "a"],
    ["unicode kept", `${ESC}[32m✓ café 😀${ESC}[0m`, "✓ café 😀"],
    ["newlines kept", `${ESC}[31mline 1\nline 2${ESC}[0m\n`, "line 1\nline 2\n"],
    ["brackets without ESC kept", "[31m not a sequence", "[31m not a sequence"],
  ];
  it.each(cases)("%s", (_name, input, expected) => {
    expect(stripAnsi(input)).toBe(expected);
  });

  it("returns text without escapes as it is", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (text) => {
        const clean = withoutEscapeBytes(text);
        expect(stripAnsi(clean)).toBe(clean);
      }),
      { numRuns: 500 },
    );
  });

  it("leaves no ESC or 8-bit CSI behind", () => {
    const pieces = fc.constantFrom(
      ESC,
      "\u009b",
      "[",
      "]",
      ";",
      "31",
      "m",
      "\u0007",
      "\\",
      "P",
      "(",
      "B",
      "?",
      " ",
      "a",
      "é",
    );
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: pieces }), fc.string({ unit: "binary" })), (text) => {
        const out = stripAnsi(text);
        expect(out.includes(ESC) || out.includes("\u009b")).toBe(false);
        expect(out.length).toBeLessThanOrEqual(text.length);
        expect(stripAnsi(out)).toBe(out);
      }),
      { numRuns: 1000 },
    );
  });

  it("keeps the text around sequences", () => {
    const sgr = fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 5 }).map((n) => `${ESC}[${n.join(";")}m`);
    const plain = fc.string().map((s) => withoutEscapeBytes(s));
    fc.assert(
      fc.property(fc.array(fc.tuple(sgr, plain), { maxLength: 8 }), (pairs) => {
        const input = pairs.map(([code, text]) => code + text).join("");
        expect(stripAnsi(input)).toBe(pairs.map(([, text]) => text).join(""));
      }),
    );
  });
});
