// The stream list's pure sharding: placement, what a token's prefixes leave of a request, and merging pages.
import { describe, expect, it } from "vitest";
import type { StreamSummary } from "../../lib/types";
import { effectivePrefixes, mergePages, prefixEnd, shardOf } from "../../src/stream/index-shards";

const row = (name: string): StreamSummary => ({ name, lastActivity: 0, entries: 0, lastId: 0, rate: 0 });

describe("shardOf", () => {
  it("places a name always on the same shard, and spreads many names evenly", () => {
    expect(shardOf("my-app", 32)).toBe(shardOf("my-app", 32));
    const counts = new Array(32).fill(0);
    for (let i = 0; i < 32_000; i++) counts[shardOf(`team-${i % 7}.service-${i}`, 32)]++;
    expect(Math.min(...counts)).toBeGreaterThan(800);
    expect(Math.max(...counts)).toBeLessThan(1200);
  });
});

describe("effectivePrefixes", () => {
  it("keeps the request's prefix for every-stream readers, and narrows it to what a team token reads", () => {
    expect(effectivePrefixes("", null)).toEqual([""]);
    expect(effectivePrefixes("", ["team-a.", "team-b."])).toEqual(["team-a.", "team-b."]);
    expect(effectivePrefixes("team-a.web", ["team-a."])).toEqual(["team-a.web"]);
    expect(effectivePrefixes("team-", ["team-a.", "team-a.x", "other."])).toEqual(["team-a."]);
    expect(effectivePrefixes("team-b.", ["team-a."])).toEqual([]);
  });

  it("bounds a prefix's names from above with a character above every name character", () => {
    for (const name of ["a", "a.b", "a-z", "a_Z9"]) expect(name < prefixEnd("a")).toBe(true);
    expect("b" < prefixEnd("a")).toBe(false);
  });
});

describe("mergePages", () => {
  it("merges the shards' pages by name and sets next only when a name beyond the limit exists", () => {
    const pages = [[row("b"), row("e")], [row("a"), row("d")], [row("c")]];
    expect(mergePages(pages, 3)).toEqual({ streams: [row("a"), row("b"), row("c")], next: "c" });
    expect(mergePages(pages, 5)).toEqual({ streams: ["a", "b", "c", "d", "e"].map(row), next: null });
    expect(mergePages([[], []], 10)).toEqual({ streams: [], next: null });
  });
});
