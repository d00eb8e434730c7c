// A merged view's history lines among the held ones (page/merge-by-time.ts through LogState.insertByTime): each
// stream in id order, streams by time, duplicates and cleared lines dropped, lines ahead of the connection
// dropped once when they come live, unloaded ids marked before their stream's next line.
import { describe, expect, it } from "vitest";
import { type Incoming, LogState } from "../../page/state";

const T = 1_700_000_000_000;
const line = (stream: string, id: number, time: number): Incoming => ({
  kind: "entry",
  stream,
  entry: { id, time: T + time, level: "info", message: `${stream}${id}` },
});
const shown = (state: LogState) =>
  state.shown.map((item) =>
    item.kind === "entry"
      ? `${item.stream}${item.entry.id}`
      : item.kind === "skipped"
        ? `skip:${item.stream}:${item.from}-${item.to}`
        : item.kind,
  );

describe("LogState.insertByTime (merged view)", () => {
  it("places each stream's lines in id order and the streams by time, even where times tie", () => {
    const state = new LogState(100, { merged: true });
    // Arrival order: a's errors (all at time 10), then b's (all at 20).
    state.add([line("a", 2, 10), line("a", 4, 10), line("b", 2, 20), line("b", 4, 20)]);
    state.insertByTime([line("b", 3, 20), line("a", 1, 10), line("a", 3, 10), line("b", 1, 20)]);
    expect(shown(state)).toEqual(["a1", "a2", "a3", "a4", "b1", "b2", "b3", "b4"]);
  });

  it("keeps a stream's back-filled line after its held lower ids even when held lines of another stream are later", () => {
    const state = new LogState(100, { merged: true });
    // Arrival: a's errors (time 10, 30), then b's (15, 35), as a filter let them through.
    state.add([line("a", 2, 10), line("a", 4, 30), line("b", 2, 15), line("b", 4, 35)]);
    state.insertByTime([line("a", 1, 5), line("a", 3, 20), line("b", 1, 8), line("b", 3, 25), line("b", 5, 40)]);
    const order = shown(state);
    for (const stream of ["a", "b"]) {
      const own = order.filter((name) => name.startsWith(stream));
      expect(own).toEqual([...own].sort());
    }
    expect(order.indexOf("b1")).toBeLessThan(order.indexOf("a2"));
    expect(order).toHaveLength(9);
  });

  it("interleaves a moment's lines of two streams by time before the lines held", () => {
    const state = new LogState(100, { merged: true });
    state.add([line("a", 50, 500), line("b", 50, 505)]);
    state.insertByTime([line("a", 1, 0), line("a", 2, 10), line("b", 1, 5), line("b", 2, 15)]);
    expect(shown(state)).toEqual(["a1", "b1", "a2", "b2", "a50", "b50"]);
  });

  it("drops lines it holds or the reader cleared, and a line from ahead when it then comes live", () => {
    const state = new LogState(100, { merged: true });
    state.add([line("a", 5, 50)]);
    state.clear();
    state.add([line("a", 6, 60)]);
    state.insertByTime([line("a", 4, 40), line("a", 6, 60), line("b", 7, 70)]);
    expect(shown(state)).toEqual(["a6", "b7"]);
    state.add([line("b", 7, 70), line("b", 8, 80)]);
    expect(shown(state)).toEqual(["a6", "b7", "b8"]);
    expect(state.positions).toBe("a:6,b:8");
  });

  it("marks unloaded ids of a stream just before that stream's next line", () => {
    const state = new LogState(100, { merged: true });
    state.add([line("a", 1, 0), line("b", 1, 1), line("a", 100, 100)]);
    state.insertByTime([{ kind: "skipped", from: 2, to: 49, stream: "a" }, line("a", 50, 50), line("b", 2, 40)]);
    expect(shown(state)).toEqual(["a1", "b1", "b2", "skip:a:2-49", "a50", "a100"]);
  });
});
