import { describe, expect, it } from "vitest";
import { fill, MAX_CAPTURE_CHARS, type OpenCapture, takeBefore } from "../../src/alerts/capture";

const line = (id: number) => `{"id":${id},"time":0,"level":null,"message":"m${id}"}`;
/** Entries below `id`, newest first, as the ring yields them. */
const below = (id: number, oldest = 1) =>
  Array.from({ length: Math.max(0, id - oldest) }, (_, i): [number, string] => [id - 1 - i, line(id - 1 - i)]);

describe("takeBefore", () => {
  it("takes the nearest lines below the match, oldest first", () => {
    expect(takeBefore(below(10), 3, MAX_CAPTURE_CHARS)).toEqual([line(7), line(8), line(9)]);
  });

  it("takes what there is when the stream is younger than the window", () => {
    expect(takeBefore(below(3), 20, MAX_CAPTURE_CHARS)).toEqual([line(1), line(2)]);
    expect(takeBefore(below(3), 0, MAX_CAPTURE_CHARS)).toEqual([]);
  });

  it("stops at the budget, keeping the nearest lines", () => {
    expect(takeBefore(below(10), 5, line(9).length + line(8).length)).toEqual([line(8), line(9)]);
  });
});

describe("fill", () => {
  const open = (wanted: number, chars = 0): OpenCapture => ({ id: "i", after: [], wanted, chars, until: 0 });

  it("completes once the wanted lines arrived, across commits", () => {
    const capture = open(3);
    expect(fill(capture, [line(11), line(12)])).toEqual({ taken: 2, complete: false });
    expect(fill(capture, [line(13), line(14)])).toEqual({ taken: 1, complete: true });
    expect(capture.after).toEqual([line(11), line(12), line(13)]);
  });

  it("is complete at once when no line after is wanted", () => {
    expect(fill(open(0), [line(1)])).toEqual({ taken: 0, complete: true });
  });

  it("completes early when the next line would not fit in the budget", () => {
    const capture = open(5, MAX_CAPTURE_CHARS - line(11).length);
    expect(fill(capture, [line(11), line(12)])).toEqual({ taken: 1, complete: true });
    expect(capture.after).toEqual([line(11)]);
  });
});
