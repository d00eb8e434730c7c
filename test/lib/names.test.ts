// The stream-name and stream-prefix rules that the Worker, the page and the CLI share.
import { describe, expect, it } from "vitest";
import { isStreamName, isStreamPrefix } from "../../lib/names.js";

describe("isStreamPrefix", () => {
  it("takes name characters followed by one *, and a lone * for every stream", () => {
    for (const part of ["*", "team-a.*", "a*", `${"x".repeat(63)}*`]) expect(isStreamPrefix(part), part).toBe(true);
  });

  it("refuses what is not a prefix: no *, a * inside, other characters, more than 63 characters before it", () => {
    for (const part of ["team-a", "a**", "a*b", "team a.*", "a/b*", `${"x".repeat(64)}*`, ""]) {
      expect(isStreamPrefix(part), part).toBe(false);
    }
  });

  it("never takes a stream name for a prefix, nor a prefix for a name", () => {
    expect(isStreamName("team-a.*")).toBe(false);
    expect(isStreamPrefix("team-a.web")).toBe(false);
  });
});
