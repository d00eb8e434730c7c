// The stream list's pure sharding: placement, what a token's prefixes leave of a request, and merging pages.
import { describe, expect, it } from "vitest";
import type { StreamSummary } from "../../lib/types";
import {
  effectivePrefixes,
  firstAsk,
  mergePages,
  prefixEnd,
  shardOf,
  shardsToRefill,
} from "../../src/stream/index-shards";

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

describe("asking each shard for its share, then refilling the shards that held more", () => {
  it("asks for about twice a shard's share, never more than a page and one", () => {
    expect(firstAsk(100, 32)).toBe(9);
    expect(firstAsk(100, 1)).toBe(101);
    expect(firstAsk(1000, 32)).toBe(65);
  });

  it("gives exactly the page a full scan gives, for random names, shard counts, limits and cursors", () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let round = 0; round < 300; round++) {
      const shards = 1 + Math.floor(random() * 40);
      const limit = 1 + Math.floor(random() * 120);
      const skew = random() < 0.3;
      const names = [...new Set(Array.from({ length: Math.floor(random() * 400) }, () => `n${random()}`))].sort();
      // Skewed: a few shards hold most names, as a prefix can make happen.
      const place = (name: string) => (skew && random() < 0.7 ? 0 : shardOf(name, shards));
      const held: string[][] = Array.from({ length: shards }, () => []);
      for (const name of names) held[place(name)]?.push(name);
      const after = random() < 0.5 ? "" : (names[Math.floor(random() * names.length)] ?? "");
      const ask = (i: number, from: string, n: number) =>
        (held[i] ?? [])
          .filter((name) => name > from)
          .slice(0, n)
          .map(row);
      const asked = firstAsk(limit, shards);
      const pages = Array.from({ length: shards }, (_, i) => ask(i, after, asked));
      for (const [i, last] of shardsToRefill(pages, asked, limit))
        pages[i] = [...(pages[i] ?? []), ...ask(i, last, limit + 1)];
      const expected = names.filter((name) => name > after);
      const page = mergePages(pages, limit);
      expect(page.streams.map((s) => s.name)).toEqual(expected.slice(0, limit));
      expect(page.next).toBe(expected.length > limit ? (expected[limit - 1] ?? null) : null);
    }
  });
});
