import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { leadingTime, parseText, textEntry } from "../../src/ingest/text";

const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);

describe("text lines", () => {
  it("makes one entry per non-empty line, kept whole", () => {
    expect(parseText("first\r\n\nsecond\n", NOW).map((entry) => entry.message)).toEqual(["first", "second"]);
  });

  it.each([
    ["2026-11-25T10:11:12.345Z INFO started", Date.UTC(2026, 10, 25, 10, 11, 12, 345), "info"],
    ["2026-11-25T10:11:12+02:00 started", Date.UTC(2026, 10, 25, 8, 11, 12), null],
    ["2026-11-25 10:11:12 status installed libc6:amd64 2.36", Date.UTC(2026, 10, 25, 10, 11, 12), null],
    ["2026-11-25 10:11:12,250 WARNING disk almost full", Date.UTC(2026, 10, 25, 10, 11, 12, 250), "warn"],
    ["[2026-11-25 10:11:12.5] [error] boom", Date.UTC(2026, 10, 25, 10, 11, 12, 500), "error"],
    ["Nov 25 08:12:01 host sshd[12]: Accepted key", Date.UTC(2026, 10, 25, 8, 12, 1), null],
    ["Dec 31 23:59:59 host cron: late", Date.UTC(2025, 11, 31, 23, 59, 59), null],
    ['127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200', Date.UTC(2000, 9, 10, 20, 55, 36), null],
    ["ERROR no time here", NOW, "error"],
    ["\u001b[31mERROR\u001b[0m coloured", NOW, "error"],
    ["\u001b[2m2026-11-25T10:11:12Z\u001b[0m \u001b[33mWARN\u001b[0m both", Date.UTC(2026, 10, 25, 10, 11, 12), "warn"],
    ["2026-02-31 10:11:12 not a date", NOW, null],
    ["information is not a level", NOW, null],
    ["<11>Nov 25 08:12:01 host app[7]: disk gone", Date.UTC(2026, 10, 25, 8, 12, 1), "error"],
    ["<30>Nov 25 08:12:01 host app: WARNING: the word wins", Date.UTC(2026, 10, 25, 8, 12, 1), "warn"],
    [
      "<165>1 2026-11-25T10:11:12.003Z host.example app - ID47 - started",
      Date.UTC(2026, 10, 25, 10, 11, 12, 3),
      "info",
    ],
    [
      '<165>1 2026-11-25T10:11:12Z host app 42 - [id@1 a="x]y"] error: failed',
      Date.UTC(2026, 10, 25, 10, 11, 12),
      "error",
    ],
    ["Nov 25 08:12:01 host kernel: error: out of memory", Date.UTC(2026, 10, 25, 8, 12, 1), "error"],
    [
      "2026-11-25T08:12:01.123456+00:00 host systemd[1]: Warning: unit failed",
      Date.UTC(2026, 10, 25, 8, 12, 1, 123),
      "warn",
    ],
    ["2026-11-25 10:11:12 status installed libc6:amd64 2.36", Date.UTC(2026, 10, 25, 10, 11, 12), null],
    ["WARNING:root:Python's default format", NOW, "warn"],
    ["error: no header", NOW, "error"],
    ["<999>not a priority", NOW, null],
  ])("%j", (line, time, level) => {
    expect(textEntry(line, NOW)).toEqual({ time, level, message: line });
  });

  it("never throws and keeps every line whole, whatever it starts with", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 80 }), (line) => {
        const entry = textEntry(line, NOW);
        expect(entry.message).toBe(line);
        expect(Number.isFinite(entry.time)).toBe(true);
        const stamp = leadingTime(line, NOW);
        if (stamp !== null) expect(stamp.length).toBeLessThanOrEqual(line.length);
      }),
    );
  });
});
