// A line's head (lib/message-head.js): where it states its own level, where its timestamp is, and the copied
// line that prints the level once; one rule with the Worker's reading of text lines.
import { describe, expect, it } from "vitest";
import { lineText, showsLevel } from "../../lib/format.js";
import { leadingStamp, levelWordAt } from "../../lib/message-head.js";
import type { LogEntry } from "../../lib/types";
import { dimRange } from "../../page/view/ansi";
import { textEntry } from "../../src/ingest/text";

const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);

/** The word levelWordAt finds, or null. */
const wordOf = (line: string, level: string) => {
  const found = levelWordAt(line, level);
  return found === null ? null : line.slice(found.start, found.end);
};

describe("levelWordAt", () => {
  it.each([
    ["ERROR disk full", "error", "ERROR"],
    ["  info started", "info", "info"],
    ["[warn] disk low", "warn", "warn"],
    ["ERROR: boom", "error", "ERROR"],
    ["(debug) cache", "debug", "debug"],
    ["<error> boom", "error", "error"],
    ["WARNING:root:Python's default format", "warn", "WARNING"],
    ["NOTICE: an alias", "info", "NOTICE"],
    ["2026-11-25 10:11:12,250 WARNING disk almost full", "warn", "WARNING"],
    ["[2026-11-25 10:11:12.5] [error] boom", "error", "error"],
    ["2026-11-25T10:11:12Z ERROR boom", "error", "ERROR"],
    ["12:00:01.5 INFO a clock the server does not read", "info", "INFO"],
    ["2026/11/25 10:11:12 WARN two time words", "warn", "WARN"],
    ["Nov 25 08:12:01 host kernel: error: out of memory", "error", "error"],
    ["<30>Nov 25 08:12:01 host app: WARNING: the word wins", "warn", "WARNING"],
    ['<165>1 2026-11-25T10:11:12Z host app 42 - [id@1 a="x]y"] error: failed', "error", "error"],
  ])("%j states its level %s", (line, level, word) => {
    expect(wordOf(line, level)).toBe(word);
  });

  it.each([
    ["unhandled error rendering order history", "error"],
    ["request failed: error 500", "error"],
    ["GET /a 500 error", "error"],
    ["2026-11-25 10:11:12 request failed with error", "error"],
    ["Nov 25 08:12:01 host app[7]: disk error", "error"],
    ["information is not a level", "info"],
    ["errors: 3", "error"],
    ["error-prone code", "error"],
    ["INFO but the level is another", "error"],
    ["", "info"],
  ])("%j does not state %s where a level is written", (line, level) => {
    expect(levelWordAt(line, level)).toBeNull();
  });

  it("finds every level word the Worker reads from a text line, so the page never shows it twice", () => {
    const lines = [
      "INFO started",
      "2026-11-25T10:11:12.345Z INFO started",
      "2026-11-25 10:11:12,250 WARNING disk almost full",
      "[2026-11-25 10:11:12.5] [error] boom",
      "Nov 25 08:12:01 host kernel: error: out of memory",
      "2026-11-25T08:12:01.123456+00:00 host systemd[1]: Warning: unit failed",
      "<30>Nov 25 08:12:01 host app: WARNING: the word wins",
      '<165>1 2026-11-25T10:11:12Z host app 42 - [id@1 a="x]y"] error: failed',
      "WARNING:root:Python's default format",
      "error: no header",
      "  debug indented",
    ];
    for (const line of lines) {
      const { level } = textEntry(line, NOW);
      expect(level, line).not.toBeNull();
      expect(levelWordAt(line, level), line).not.toBeNull();
    }
  });
});

describe("the copied line", () => {
  const entry = (message: string, level: LogEntry["level"]): LogEntry => ({ id: 1, time: NOW, level, message });

  it("prints the level of a message that only mentions it as an ordinary word", () => {
    const message = "unhandled error rendering order history";
    expect(showsLevel(message, "error")).toBe(false);
    expect(lineText(entry(message, "error"))).toBe(`2026-11-25T12:00:00.000Z ERROR ${message}`);
  });

  it("prints it once when the message starts with it, behind its timestamp or a colour code", () => {
    for (const message of ["INFO up", "2026-11-25 10:11:12 INFO up", "\u001b[32mINFO\u001b[0m up"])
      expect(lineText(entry(message, "info"))).toBe(`2026-11-25T12:00:00.000Z ${message}`);
  });
});

describe("leadingStamp", () => {
  it("is the timestamp a text line starts with, behind a <PRI>, without the space after it", () => {
    const line = "2026-11-25 10:11:12,250 WARNING disk";
    expect(leadingStamp(line, NOW)).toEqual({ start: 0, end: 23, time: Date.UTC(2026, 10, 25, 10, 11, 12, 250) });
    const syslog = "<11>Nov 25 08:12:01 host app[7]: disk gone";
    expect(leadingStamp(syslog, NOW)).toEqual({ start: 4, end: 19, time: Date.UTC(2026, 10, 25, 8, 12, 1) });
    // The Worker's time is the stamp's: the page compares the two to know it read the entry's time from it.
    expect(leadingStamp(line, NOW)?.time).toBe(textEntry(line, NOW).time);
    expect(leadingStamp("started at 10:11:12", NOW)).toBeNull();
  });
});

describe("dimRange", () => {
  it("puts the range of plain runs in the muted class, text unchanged; runs the line styles keep their style", () => {
    const runs = [
      { text: "2026-11-25 10:11:12 ", classes: [] },
      { text: "INFO", classes: ["ansi-green-fg"] },
      { text: " up", classes: [] },
    ];
    const dimmed = dimRange(runs, 0, 19);
    expect(dimmed).toEqual([
      { text: "2026-11-25 10:11:12", classes: ["stamp"] },
      { text: " ", classes: [] },
      { text: "INFO", classes: ["ansi-green-fg"] },
      { text: " up", classes: [] },
    ]);
    expect(dimmed.map((run) => run.text).join("")).toBe(runs.map((run) => run.text).join(""));
    expect(dimRange([{ text: "<11>Nov 25 08:12:01 x", classes: [] }], 4, 19)).toEqual([
      { text: "<11>", classes: [] },
      { text: "Nov 25 08:12:01", classes: ["stamp"] },
      { text: " x", classes: [] },
    ]);
  });
});
