// The landing list's words for a stream: "line" in the singular, and a rate only while the stream is active.
import { describe, expect, it } from "vitest";
import type { StreamSummary } from "../../lib/types";
import { summaryText } from "../../page/stream-summary";

const now = 1_800_000_000_000;
const stream = (entries: number, rate: number, secondsAgo: number): StreamSummary => ({
  name: "s",
  entries,
  rate,
  lastActivity: now - secondsAgo * 1000,
  lastId: entries,
});

describe("summaryText", () => {
  it("says one line in the singular and others in the plural", () => {
    expect(summaryText(stream(1, 0.2, 3), now)).toBe("1 line · 0.2/s · 3 s ago");
    expect(summaryText(stream(1204, 12.5, 10), now)).toBe("1,204 lines · 12.5/s · 10 s ago");
  });

  it("shows a quiet stream as idle, not at the rate it last reported", () => {
    expect(summaryText(stream(90000, 1179.5, 300), now)).toBe("90,000 lines · idle · 5 min ago");
    expect(summaryText(stream(5, 3, 7200), now)).toBe("5 lines · idle · 2 h ago");
  });
});
