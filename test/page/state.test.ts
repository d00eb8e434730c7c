// The page's state with plain values: ordering, duplicates, the ring bound, pause and filters.
import { describe, expect, it } from "vitest";
import { parseQuery } from "../../lib/query.js";
import type { LogEntry } from "../../lib/types";
import { type Incoming, LogState } from "../../page/state";

const entry = (id: number, message = `line ${id}`, level: LogEntry["level"] = "info"): Incoming => ({
  kind: "entry",
  entry: { id, time: 1_700_000_000_000 + id, level, message },
});
const ids = (state: LogState) => state.shown.map((item) => (item.kind === "entry" ? item.entry.id : `${item.kind}`));
const query = (text: string) => {
  const parsed = parseQuery(text);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.query;
};

describe("LogState", () => {
  it("keeps entries in id order and drops duplicates", () => {
    const state = new LogState(10);
    state.add([entry(1), entry(2), entry(2), entry(3)]);
    state.add([entry(1), entry(3)]);
    expect(ids(state)).toEqual([1, 2, 3]);
    expect(state.lastId).toBe(3);
  });

  it("says when it is full", () => {
    const state = new LogState(3);
    state.add([entry(1), entry(2)]);
    expect(state.full).toBe(false);
    state.add([entry(3), entry(4)]);
    expect(state.full).toBe(true);
  });

  it("places an older entry from a backfill between the ones it holds", () => {
    const state = new LogState(10);
    state.add([entry(1), entry(5)]);
    const change = state.add([entry(3)]);
    expect(change.reset).toBe(true);
    expect(ids(state)).toEqual([1, 3, 5]);
  });

  it("holds at most its capacity, evicting the oldest, and says how many shown rows left the top", () => {
    const state = new LogState(3);
    state.add([entry(1), entry(2), entry(3)]);
    const change = state.add([entry(4), entry(5)]);
    expect(ids(state)).toEqual([3, 4, 5]);
    expect(state.size).toBe(3);
    expect(change).toEqual({ removedFromTop: 2, appended: 2, reset: false });
  });

  it("while paused, holds the shown rows still and counts what matches; resuming shows it", () => {
    const state = new LogState(100);
    state.add([entry(1)]);
    state.pause("button");
    state.add([entry(2), entry(3)]);
    expect(ids(state)).toEqual([1]);
    expect(state.newWhilePaused).toBe(2);
    state.resume();
    expect(ids(state)).toEqual([1, 2, 3]);
    expect(state.newWhilePaused).toBe(0);
  });

  it("a filter changed while paused shows every held line that matches, also those that came meanwhile", () => {
    const state = new LogState(100);
    state.add([entry(1, "alpha"), entry(2, "beta")]);
    state.pause("scroll");
    state.add([entry(3, "alpha again")]);
    state.setFilter({ query: query("alpha"), level: null });
    expect(ids(state)).toEqual([1, 3]);
    expect(state.paused).toBe("scroll");
  });

  it("applies a regex and a level over everything held", () => {
    const state = new LogState(100);
    state.add([entry(1, "libc6 installed", "info"), entry(2, "libc5", "warn"), entry(3, "libc6 failed", "error")]);
    state.setFilter({ query: query("/libc6/"), level: null });
    expect(ids(state)).toEqual([1, 3]);
    state.setFilter({ query: query("/libc6/"), level: "warn" });
    expect(ids(state)).toEqual([3]);
    state.setFilter({ query: null, level: null });
    expect(ids(state)).toEqual([1, 2, 3]);
  });

  it("an outage is marked where it happened, and a gap announced right after it says what it cost", () => {
    const state = new LogState(100);
    state.add([entry(1), { kind: "outage", from: 10, to: 20 }, { kind: "gap", gap: { from: 2, to: 4 } }, entry(5)]);
    expect(ids(state)).toEqual([1, "outage", 5]);
    const outage = state.shown[1];
    expect(outage?.kind === "outage" && outage.gap).toEqual({ from: 2, to: 4 });
    expect(state.lastId).toBe(5);
  });

  it("a gap on its own is a row of its own", () => {
    const state = new LogState(100);
    state.add([entry(1), { kind: "gap", gap: { from: 2, to: 9 } }, entry(10)]);
    expect(ids(state)).toEqual([1, "gap", 10]);
  });

  it("clear empties the view but keeps the resume point", () => {
    const state = new LogState(100);
    state.add([entry(1), entry(2)]);
    state.clear();
    state.add([entry(2), entry(3)]);
    expect(ids(state)).toEqual([3]);
    expect(state.lastId).toBe(3);
  });
});

describe("LogState counts", () => {
  it("counts shown entries without the marks, through eviction, pause and filters", () => {
    const state = new LogState(4);
    state.add([entry(1), { kind: "gap", gap: { from: 2, to: 3 } }, entry(4)]);
    expect(state.shownEntries).toBe(2);
    state.add([entry(5), entry(6)]);
    expect(ids(state)).toEqual(["gap", 4, 5, 6]);
    expect(state.shownEntries).toBe(3);
    state.add([entry(7)]);
    expect(state.shownEntries).toBe(4);
    state.pause("button");
    state.add([entry(8, "other")]);
    expect(state.newWhilePaused).toBe(1);
    state.resume();
    expect(state.shownEntries).toBe(4);
    state.setFilter({ query: query("other"), level: null });
    expect(state.shownEntries).toBe(1);
  });
});

describe("LogState, several streams", () => {
  const from = (stream: string, id: number): Incoming => ({
    kind: "entry",
    stream,
    entry: { id, time: 1_700_000_000_000, level: "info", message: `${stream} ${id}` },
  });
  const keys = (state: LogState) =>
    state.shown.map((item) => (item.kind === "entry" ? `${item.stream}:${item.entry.id}` : item.kind));

  it("keys entries by stream and id, keeps arrival order, and resumes each stream from its own last id", () => {
    const state = new LogState(10, { merged: true });
    state.add([from("a", 1), from("b", 1), from("a", 2), from("b", 1), from("a", 2)]);
    expect(keys(state)).toEqual(["a:1", "b:1", "a:2"]);
    expect(state.positions).toBe("a:2,b:1");
  });

  it("marks each stream's gap on its own, and an outage without claiming nothing was missed", () => {
    const state = new LogState(10, { merged: true });
    state.add([
      from("a", 1),
      { kind: "outage", from: 1, to: 2 },
      { kind: "gap", gap: { from: 2, to: 4 }, stream: "a" },
    ]);
    expect(keys(state)).toEqual(["a:1", "outage", "gap"]);
    const [, outage, gap] = state.shown;
    expect(outage?.kind === "outage" && outage.merged).toBe(true);
    expect(gap?.kind === "gap" && gap.stream).toBe("a");
    expect(state.positions).toBe("a:4");
  });

  it("filters by stream with the query language, and a clear keeps every stream's cleared lines away", () => {
    const state = new LogState(10, { merged: true });
    state.add([from("a", 1), from("b", 1)]);
    state.setFilter({ query: query("stream:b"), level: null });
    expect(keys(state)).toEqual(["b:1"]);
    state.setFilter({ query: null, level: null });
    state.clear();
    state.add([from("a", 1), from("b", 2)]);
    expect(keys(state)).toEqual(["b:2"]);
  });
});

describe("LogState, lines a filter change could not load", () => {
  it("marks the skipped ids just before the first entry after them, and keeps the entries around them in order", () => {
    const state = new LogState(100);
    state.add([entry(1), entry(2), entry(9), entry(10)]);
    const change = state.add([{ kind: "skipped", from: 3, to: 6 }, entry(7), entry(8)]);
    expect(change.reset).toBe(true);
    expect(
      state.shown.map((item) =>
        item.kind === "entry" ? item.entry.id : item.kind === "skipped" ? `${item.from}–${item.to}` : "?",
      ),
    ).toEqual([1, 2, "3–6", 7, 8, 9, 10]);
    expect(state.shownEntries).toBe(6);
  });
});
