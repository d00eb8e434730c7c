import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { levelOf } from "../../lib/levels.js";
import { ClientError } from "../../src/errors";
import { decoderFor } from "../../src/ingest/formats";
import { parseJson, parseNdjson } from "../../src/ingest/json";
import { timeOf } from "../../src/ingest/normalise";
import { parseText } from "../../src/ingest/text";

const NOW = 1_700_000_000_000;

describe("parseText", () => {
  it("makes one entry per non-empty line and drops a trailing CR", () => {
    expect(parseText("first\r\n\nsecond\n\r\nthird", NOW)).toEqual([
      { time: NOW, level: null, message: "first" },
      { time: NOW, level: null, message: "second" },
      { time: NOW, level: null, message: "third" },
    ]);
  });

  it("reads a leading level word in any case, optionally in brackets, and keeps the line whole", () => {
    const levels = parseText("TRACE a\ndebug b\n[Info] c\nWARNING: d\n[ERROR] e\nfatal\nerrors f\n  WARN g", NOW);
    expect(levels.map((entry) => entry.level)).toEqual([
      "trace",
      "debug",
      "info",
      "warn",
      "error",
      "fatal",
      null,
      "warn",
    ]);
    expect(levels[2]?.message).toBe("[Info] c");
  });
});

describe("JSON mapping", () => {
  it("takes message, level and time from their first known key and keeps the rest as fields", () => {
    const [entry] = parseNdjson(
      '{"msg":"hi","text":"kept","severity":"WARNING","ts":"2024-01-02T03:04:05.678Z","user":{"id":7}}',
      Date.UTC(2024, 0, 2),
    );
    expect(entry).toEqual({
      time: Date.UTC(2024, 0, 2, 3, 4, 5, 678),
      level: "warn",
      message: "hi",
      fields: { text: "kept", user: { id: 7 } },
    });
  });

  it("maps pino's numeric levels and epoch milliseconds", () => {
    const body = [10, 20, 30, 40, 50, 60].map((level) => JSON.stringify({ level, time: NOW + level, msg: "m" }));
    const entries = parseNdjson(body.join("\n"), NOW);
    expect(entries.map((entry) => entry.level)).toEqual(["trace", "debug", "info", "warn", "error", "fatal"]);
    expect(entries.map((entry) => entry.time)).toEqual([10, 20, 30, 40, 50, 60].map((n) => NOW + n));
    expect(entries[0]?.fields).toBeUndefined();
  });

  it("keeps a time before 1970 or more than a day ahead of receipt in fields, and uses the time of receipt", () => {
    const entries = parseNdjson(
      [{ time: NOW + 2 * 86_400_000 }, { time: "1969-12-31T23:59:59Z" }, { ts: 1e23 }]
        .map((object) => JSON.stringify({ msg: "m", ...object }))
        .join("\n"),
      NOW,
    );
    expect(entries.map((entry) => entry.time)).toEqual([NOW, NOW, NOW]);
    expect(entries.map((entry) => entry.fields)).toEqual([
      { time: NOW + 2 * 86_400_000 },
      { time: "1969-12-31T23:59:59Z" },
      { ts: 1e23 },
    ]);
  });

  it("falls back to the time of receipt and keeps an invalid time or unknown level in fields", () => {
    const [entry] = parseJson('{"message":"x","time":"not a date","level":"loud"}', NOW);
    expect(entry).toEqual({ time: NOW, level: null, message: "x", fields: { time: "not a date", level: "loud" } });
  });

  it("accepts one object or an array of objects", () => {
    expect(parseJson('{"log":"one"}', NOW)).toHaveLength(1);
    expect(parseJson('[{"log":"one"},{"message":"two","@timestamp":1}]', NOW).map((e) => e.message)).toEqual([
      "one",
      "two",
    ]);
  });

  it("turns a non-string message into its JSON text", () => {
    expect(parseJson('{"message":{"a":1}}', NOW)[0]?.message).toBe('{"a":1}');
    expect(parseJson('{"other":1}', NOW)[0]).toEqual({ time: NOW, level: null, message: "", fields: { other: 1 } });
  });

  it("names the malformed line", () => {
    expect(() => parseNdjson('{"msg":"ok"}\n\n{"msg":', NOW)).toThrowError(/line 3/);
    expect(() => parseNdjson('{"msg":"ok"}\n42', NOW)).toThrowError(/Expected a JSON object in line 2, got a number/);
    expect(() => parseJson('[{"msg":"ok"}, "x"]', NOW)).toThrowError(/element 1/);
  });
});

describe("levelOf and timeOf", () => {
  it("normalises aliases", () => {
    expect(["WARNING", "err", "critical", "notice", "Fatal", 35, 5, true].map(levelOf)).toEqual([
      "warn",
      "error",
      "fatal",
      "info",
      "fatal",
      "info",
      null,
      null,
    ]);
  });

  it("reads ISO-8601 and epoch numbers in any common unit", () => {
    expect(timeOf("2024-01-02T03:04:05Z")).toBe(Date.UTC(2024, 0, 2, 3, 4, 5));
    expect(timeOf(NOW)).toBe(NOW);
    expect(timeOf(NOW / 1000)).toBe(NOW);
    expect(timeOf(NOW * 1e6)).toBe(NOW);
    expect(timeOf(String(NOW))).toBe(NOW);
    expect([null, {}, "", "yesterday", Number.NaN, 1e300].map(timeOf)).toEqual([null, null, null, null, null, null]);
  });
});

describe("decoderFor", () => {
  it("accepts the three content types, with parameters", () => {
    expect(decoderFor("text/plain; charset=utf-8")).toBe(parseText);
    expect(decoderFor("application/x-ndjson")).toBe(parseNdjson);
    expect(decoderFor("Application/JSON")).toBe(parseJson);
  });

  it("refuses others with 415 and names the accepted ones", () => {
    for (const type of ["application/x-www-form-urlencoded", null, "text/html"]) {
      const error = (() => {
        try {
          decoderFor(type);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(ClientError);
      expect((error as ClientError).status).toBe(415);
      expect((error as ClientError).message).toMatch(/application\/x-ndjson/);
    }
  });
});

describe("properties", () => {
  it("text without multiline: every non-empty line becomes exactly one entry with its text intact", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: "grapheme" })), (lines) => {
        const clean = lines.map((line) => line.replace(/[\r\n]/g, ""));
        const entries = parseText(clean.join("\n"), NOW, { multiline: false });
        expect(entries.map((entry) => entry.message)).toEqual(clean.filter((line) => line !== ""));
      }),
    );
  });

  it("NDJSON and JSON: any input either parses or throws an ClientError with status 400", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.array(fc.json()).map((a) => a.join("\n")),
        ),
        (body) => {
          for (const parse of [parseNdjson, parseJson]) {
            try {
              for (const entry of parse(body, NOW)) {
                expect(typeof entry.message).toBe("string");
                expect(Number.isFinite(entry.time)).toBe(true);
              }
            } catch (error) {
              expect(error).toBeInstanceOf(ClientError);
              expect((error as ClientError).status).toBe(400);
            }
          }
        },
      ),
    );
  });

  it("deeply nested JSON is refused or accepted, never crashes", () => {
    const deep = `${'{"a":'.repeat(100_000)}1${"}".repeat(100_000)}`;
    try {
      parseJson(deep, NOW);
    } catch (error) {
      expect(error).toBeInstanceOf(ClientError);
    }
  });
});
