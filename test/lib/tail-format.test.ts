// The CLI's tail line in colour: the level painted once, even when the message starts with its own.
import { describe, expect, it } from "vitest";
import { formatEntry } from "../../bin/tail.mjs";
import { stripAnsi } from "../../lib/ansi.js";
import { lineText } from "../../lib/format.js";
import type { LogEntry } from "../../lib/types";

const entry = (message: string, level: LogEntry["level"]): LogEntry => ({
  id: 1,
  time: 1_700_000_000_000,
  level,
  message,
});

describe("formatEntry in colour", () => {
  it("prints a level the message shows already once, as the page's copy does", () => {
    for (const message of ["INFO server started", "[warn] disk low", "2026-01-01 ERROR boom"]) {
      const level = message.includes("INFO") ? "info" : message.includes("warn") ? "warn" : "error";
      const line = formatEntry(entry(message, level), "1", true);
      expect(stripAnsi(line)).toBe(lineText(entry(message, level)));
    }
  });

  it("paints the level in front of a message that does not show it", () => {
    const line = formatEntry(entry("server started", "info"), "1", true);
    expect(line).toContain("\u001b[32mINFO\u001b[0m server started");
    expect(stripAnsi(line)).toBe(lineText(entry("server started", "info")));
  });
});
