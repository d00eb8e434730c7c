import { describe, expect, it } from "vitest";
import { DEFAULTS, readConfig } from "../src/config";

describe("readConfig", () => {
  it("takes the defaults for empty settings", () => {
    const config = readConfig({});
    expect(config).toMatchObject({ ringSize: DEFAULTS.RING_SIZE, maxBodyBytes: DEFAULTS.MAX_BODY_BYTES });
    expect(config.lokiStreamLabels).toEqual(["stream", "service_name", "job"]);
    expect(config.problems).toEqual([]);
    expect(config.unusable).toBeNull();
  });

  it("names a malformed number once and falls back to its default", () => {
    const config = readConfig({ RING_SIZE: "-5", MAX_ENTRIES: "lots", RATE_LIMIT_PER_SECOND: "0" });
    expect(config.ringSize).toBe(DEFAULTS.RING_SIZE);
    expect(config.maxEntries).toBe(DEFAULTS.MAX_ENTRIES);
    expect(config.rateLimitPerSecond).toBe(0);
    expect(config.problems).toHaveLength(2);
    expect(config.problems[0]).toMatch(/RING_SIZE="-5" is not a positive integer/);
    expect(config.unusable).toBeNull();
  });

  it("refuses to serve with tokens it cannot read, rather than serve every stream openly", () => {
    const config = readConfig({ STREAM_TOKENS: "{not json" });
    expect(config.unusable).toMatch(/STREAM_TOKENS is not JSON/);
    expect(readConfig({ STREAM_TOKENS: '{"team-a.": 5}' }).unusable).toMatch(/STREAM_TOKENS\["team-a."\]/);
  });
});
