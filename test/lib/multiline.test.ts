// The line grouper: real traces from Java, Python, Node and Go, each rule on its own, the caps, and the
// property that grouping never loses, invents or reorders a line.
/// <reference types="vite/client" />
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { groupLines, LineGrouper } from "../../lib/multiline.js";
import go from "../fixtures/traces/go.txt?raw";
import java from "../fixtures/traces/java.txt?raw";
import node from "../fixtures/traces/node.txt?raw";
import python from "../fixtures/traces/python.txt?raw";

const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);
const group = (body: string, options = {}) => groupLines(body, { now: NOW, ...options }).map((g) => g.message);
/** Each entry's first line and line count: enough to say where the cuts fell. */
const shape = (messages: string[]) => messages.map((m) => [m.split("\n")[0], m.split("\n").length]);

describe("real traces", () => {
  it("Java: a logged exception with its Caused by is one entry, so is an uncaught one", () => {
    const entries = group(java);
    expect(shape(entries)).toEqual([
      ["INFO  Shop - starting", 1],
      ["ERROR Shop - order failed", 11],
      ["INFO  Shop - next order", 1],
      ['Exception in thread "main" java.lang.IllegalStateException: cannot load order y7', 10],
    ]);
    expect(entries.join("\n")).toBe(java.trimEnd());
  });

  it("Python: chained tracebacks, with the blank lines and sentences between them, stay with their log line", () => {
    const entries = group(python);
    expect(shape(entries)).toEqual([
      ["INFO:shop:starting", 1],
      ["ERROR:shop:order failed", 19],
      ["WARNING:shop:retrying without fallback", 29],
    ]);
    expect(entries[1]).toContain("\n\nDuring handling of the above exception, another exception occurred:\n\n");
    expect(entries[2]).toContain("\n\nThe above exception was the direct cause of the following exception:\n\n");
    expect(entries[2]?.endsWith("RuntimeError: checkout failed")).toBe(true);
    expect(entries.join("\n")).toBe(python.trimEnd());
  });

  it("Node: an error with its [cause], a TypeError under the line that logged it, and a crash", () => {
    const entries = group(node);
    expect(shape(entries)).toEqual([
      ["INFO starting", 1],
      ["ERROR order failed", 1],
      ["Error: cannot load order", 14],
      ["WARN retrying as a TypeError", 6],
      ["INFO next order", 21],
    ]);
    expect(entries[4]?.endsWith("}\n\nNode.js v20.20.2")).toBe(true);
    expect(entries.join("\n")).toBe(node.trimEnd());
  });

  it("Go: a panic with all its goroutine blocks is one entry; the restart after it is not", () => {
    const entries = group(go);
    expect(shape(entries)).toEqual([
      ["starting shop on :8080", 1],
      ["loading order 42", 1],
      ["panic: order 42: cannot load [recovered]", 25],
      ["starting shop on :8080", 1],
      ["panic: runtime error: invalid memory address or nil pointer dereference", 9],
    ]);
    expect(entries.join("\n")).toBe(go.trimEnd());
  });
});

describe("rules", () => {
  it.each([
    ["a line with no shape", "hello\nworld", 2],
    ["frames", "boom\n\tat A.b(A.java:1)\n    at c (x.js:1:2)", 1],
    ["elisions", "boom\n\t... 3 more\n  ... 12 common frames omitted", 1],
    ["Caused by", "boom\nCaused by: java.io.IOException: gone", 1],
    ["a qualified exception line", "failed\njava.lang.IllegalStateException: x", 1],
    ["a prefixed error class", "failed\nTypeError [ERR_X]: x", 1],
    ["a bare Error: is a message of its own", "hello\nError: connection refused", 2],
    ["an indented line without a shape", "a\n  WARN b", 2],
    [
      "a Python block ends at its exception line",
      'Traceback (most recent call last):\n  File "x", line 1\nKeyError: 1\nnext',
      2,
    ],
    ["a Go block ends at a blank line", "panic: x\n\ngoroutine 1 [running]:\nmain.main()\n\tx.go:1\n\nnext", 2],
    ["blank lines between entries are dropped", "a\n\n\nb\n", 2],
  ])("%s", (_, body, count) => {
    expect(group(body)).toHaveLength(count);
  });

  it("in a body of timestamped lines, a line without one joins; a line with one always starts", () => {
    const body = "plain\n2026-11-25T10:00:00Z INFO a\nsecond line of a\n2026-11-25 10:00:01 ERROR b\n  detail\n\nmore";
    expect(group(body)).toEqual([
      "plain",
      "2026-11-25T10:00:00Z INFO a\nsecond line of a",
      "2026-11-25 10:00:01 ERROR b\n  detail\n\nmore",
    ]);
    expect(group("ERROR a\n\tat x\n2026-11-25T10:00:00Z b\n\tat y")).toHaveLength(2);
  });

  it("a syslog line's timestamp behind its <PRI> counts as one (RFC 3164 and 5424)", () => {
    const body =
      "2026-12-06 10:00:03 INFO a\n<11>Dec  6 10:00:04 host app[7]: disk gone\nmore\n<165>1 2026-12-06T10:00:05Z h a - - - c";
    expect(group(body)).toEqual([
      "2026-12-06 10:00:03 INFO a",
      "<11>Dec  6 10:00:04 host app[7]: disk gone\nmore",
      "<165>1 2026-12-06T10:00:05Z h a - - - c",
    ]);
  });

  it("a coloured timestamp counts as one", () => {
    expect(group("\u001b[2m2026-11-25T10:00:00Z\u001b[0m a\nb\n\u001b[2m2026-11-25T10:00:01Z\u001b[0m c")).toEqual([
      "\u001b[2m2026-11-25T10:00:00Z\u001b[0m a\nb",
      "\u001b[2m2026-11-25T10:00:01Z\u001b[0m c",
    ]);
  });

  it("a trailing \\r is dropped from each line", () => {
    expect(group("boom\r\n\tat x\r\n")).toEqual(["boom\n\tat x"]);
  });

  it("an entry gathers at most maxLines lines and maxLength characters", () => {
    const frames = Array.from({ length: 12 }, (_, i) => `\tat f${i}(A.java:${i})`);
    const body = ["boom", ...frames].join("\n");
    expect(group(body, { maxLines: 5 }).map((m) => m.split("\n").length)).toEqual([5, 5, 3]);
    const cut = group(body, { maxLength: 50 });
    expect(cut.every((m) => m.length <= 50)).toBe(true);
    expect(cut.join("\n")).toBe(body);
    // The default: 500 lines.
    const long = ["boom", ...Array.from({ length: 1200 }, () => "\tat x")].join("\n");
    expect(group(long).map((m) => m.split("\n").length)).toEqual([500, 500, 201]);
  });

  it("says per line whether it starts an entry, as the CLI reads it", () => {
    const grouper = new LineGrouper({ now: NOW });
    expect(["ERROR a", "\tat x", "", "Caused by: y", "next", ""].map((line) => grouper.push(line))).toEqual([
      true,
      false,
      false,
      false,
      true,
      false,
    ]);
  });
});

/** The shapes the rules look for, mixed with plain text, blank lines and timestamps, so that every rule fires. */
const line = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 12 }).map((s) => s.replace(/[\r\n]/g, "")),
  fc.constantFrom(
    "",
    "\tat A.b(A.java:1)",
    "    at c (x.js:1:2)",
    "\t... 2 more",
    "Caused by: java.io.IOException: x",
    "java.lang.IllegalStateException: x",
    "TypeError: x",
    "Traceback (most recent call last):",
    '  File "x.py", line 1, in f',
    "KeyError: 'k'",
    "During handling of the above exception, another exception occurred:",
    "goroutine 1 [running]:",
    "main.main()",
    "file:///app/x.mjs:9",
    "Error: x",
    "}",
    "2026-11-25T10:00:00Z INFO x",
    "\u001b[2m2026-11-25 10:00:00\u001b[0m y",
    " ",
  ),
);

describe("properties", () => {
  it("every entry is a run of the input's lines, in order; only blank lines between entries are left out", () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 60 }), fc.integer({ min: 1, max: 8 }), (lines, maxLines) => {
        const entries = group(lines.join("\n"), { maxLines, maxLength: 80 });
        let at = 0;
        for (const message of entries) {
          const own = message.split("\n");
          while (lines[at] === "") at++;
          expect(own[0]).not.toBe("");
          expect(own.at(-1)).not.toBe("");
          expect(own.length).toBeLessThanOrEqual(maxLines);
          expect(lines.slice(at, at + own.length)).toEqual(own);
          at += own.length;
        }
        expect(lines.slice(at).every((rest) => rest === "")).toBe(true);
      }),
    );
  });

  it("the grouper and groupLines agree on every cut", () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 40 }), (lines) => {
        const grouper = new LineGrouper({ now: NOW });
        const starts = lines.filter((l) => grouper.push(l)).length;
        expect(group(lines.join("\n"))).toHaveLength(starts);
      }),
    );
  });
});
