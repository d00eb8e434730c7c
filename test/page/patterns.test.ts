// The Patterns view's state: counts, shares, levels, sparklines and the new mark from the lines the page holds.
import { describe, expect, it } from "vitest";
import type { LogEntry } from "../../lib/types";
import { NEW_MS, PatternModel, SPARK_SLICES } from "../../page/patterns";

const line = (id: number, pattern: string | undefined, level: LogEntry["level"], time: number): LogEntry => ({
  id,
  time,
  level,
  message: `m${id}`,
  ...(pattern === undefined ? {} : { pattern }),
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
