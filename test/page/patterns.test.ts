// The Patterns view's state: counts, shares, levels, sparklines and the new mark from the lines the page holds;
// in a merged view, patterns per stream and the query terms that pick one stream's pattern.
import { describe, expect, it } from "vitest";
import { parseQuery } from "../../lib/query.js";
import type { LogEntry } from "../../lib/types";
import { type HeldLine, NEW_MS, PatternModel, patternTerm, SPARK_SLICES } from "../../page/patterns";
import { LogState, passes } from "../../page/state";

const line = (id: number, pattern: string | undefined, level: LogEntry["level"], time: number): HeldLine => ({
  entry: { id, time, level, message: `m${id}`, ...(pattern === undefined ? {} : { pattern }) },
});

describe("PatternModel", () => {
  const opened = 1_000_000;
  const entries = [
    line(1, "p1", "info", 0),
    line(2, "p1", "warn", 500),
    line(3, "p2", "debug", 600),
    line(4, "p1", null, 999),
    line(5, undefined, "info", 999),
  ];

  it("counts the held lines per pattern, most first, with share, highest level and a sparkline over time", () => {
    const model = new PatternModel(opened);
    model.learn([{ id: "p1", template: "a <*>", firstSeen: 0 }]);
    const { rows, lines } = model.rows(entries, opened);
    expect(lines).toBe(5);
    expect(rows.map((row) => [row.id, row.template, row.count, row.share, row.level])).toEqual([
      ["p1", "a <*>", 3, 0.6, "warn"],
      ["p2", undefined, 1, 0.2, "debug"],
    ]);
    const spark = rows[0]?.spark ?? [];
    expect(spark).toHaveLength(SPARK_SLICES);
    expect(spark[0]).toBe(1);
    expect(spark[Math.floor(SPARK_SLICES / 2)]).toBe(1);
    expect(spark[SPARK_SLICES - 1]).toBe(1);
    expect(spark.reduce((a, b) => a + b, 0)).toBe(3);
  });

  it("marks a pattern new when the stream first had it after the page opened or within ten minutes", () => {
    const model = new PatternModel(opened);
    model.learn([
      { id: "p1", template: "old", firstSeen: opened - NEW_MS - 1 },
      { id: "p2", template: "recent", firstSeen: opened - 1000 },
    ]);
    const now = opened + 1000;
    expect(model.rows(entries, now).rows.map((row) => [row.id, row.isNew])).toEqual([
      ["p1", false],
      ["p2", true],
    ]);
    model.learn([{ id: "p3", template: "after", firstSeen: opened + 10 }]);
    expect(model.rows([line(9, "p3", null, 0)], opened + 2 * NEW_MS).rows[0]?.isNew).toBe(true);
  });

  it("asks for an unnamed id once: ids an answer did not name are not asked for again", () => {
    const model = new PatternModel(opened);
    expect(model.rows(entries, opened).unknown).toEqual(["p1", "p2"]);
    model.learn([{ id: "p1", template: "a <*>", firstSeen: 0 }], ["p1", "p2"]);
    expect(model.rows(entries, opened).unknown).toEqual([]);
    expect(model.rows([...entries, line(6, "p7", null, 1)], opened).unknown).toEqual(["p7"]);
  });
});

describe("PatternModel in a merged view", () => {
  const of = (stream: string, id: number, pattern: string): HeldLine => ({ ...line(id, pattern, "info", id), stream });

  it("keeps one stream's pattern apart from another's with the same id, named by the merged answer", () => {
    const model = new PatternModel(0);
    const held = [of("api", 1, "p1"), of("web", 1, "p1"), of("api", 2, "p1"), of("web", 2, "p2")];
    const first = model.rows(held, 0);
    expect(first.rows.map((row) => [row.stream, row.id, row.count])).toEqual([
      ["api", "p1", 2],
      ["web", "p1", 1],
      ["web", "p2", 1],
    ]);
    expect(first.unknown).toEqual(["api\np1", "web\np1", "web\np2"]);
    model.learn(
      [
        { stream: "api", id: "p1", template: "GET <*>", firstSeen: 0 },
        { stream: "web", id: "p1", template: "render <*>", firstSeen: 0 },
      ],
      first.unknown,
    );
    const named = model.rows(held, 0);
    expect(named.rows.map((row) => row.template)).toEqual(["GET <*>", "render <*>", undefined]);
    expect(named.unknown).toEqual([]);
  });

  it("writes terms that pick or leave out exactly one stream's pattern, in the page's own filter", () => {
    const state = new LogState(100, { merged: true });
    state.add([
      { kind: "entry", entry: { id: 1, time: 1, level: null, message: "a", pattern: "p1" }, stream: "api" },
      { kind: "entry", entry: { id: 1, time: 2, level: null, message: "b", pattern: "p1" }, stream: "web" },
      { kind: "entry", entry: { id: 2, time: 3, level: null, message: "c", pattern: "p2" }, stream: "web" },
    ]);
    const shown = (term: string) => {
      const parsed = parseQuery(term);
      if (!parsed.ok) throw new Error(parsed.error.message);
      const filter = { query: parsed.query, level: null };
      return state
        .entryItems()
        .filter((item) => passes(filter, item))
        .map((item) => item.entry.message);
    };
    const row = { stream: "web", id: "p1" };
    expect(patternTerm(row, false)).toBe("stream:web pattern:p1");
    expect(patternTerm(row, true)).toBe("-(stream:web pattern:p1)");
    expect(shown(patternTerm(row, false))).toEqual(["b"]);
    expect(shown(patternTerm(row, true))).toEqual(["a", "c"]);
    expect(shown(`c OR ${patternTerm(row, false)}`)).toEqual(["b", "c"]);
    // One stream's view keeps the plain terms.
    expect(patternTerm({ stream: undefined, id: "p1" }, false)).toBe("pattern:p1");
    expect(patternTerm({ stream: undefined, id: "p1" }, true)).toBe("-pattern:p1");
  });
});
