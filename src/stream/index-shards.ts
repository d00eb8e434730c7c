// The stream list's sharding, pure: which shard holds a stream, what a list request asks each shard, and how
// the shards' pages merge into one.
import type { StreamSummary } from "../../lib/types";

/** Rows a list page holds unless `limit` says otherwise. */
export const DEFAULT_LIST_LIMIT = 100;
/** Most rows one list page may hold. */
export const MAX_LIST_LIMIT = 1000;

/** The shard that holds `name`: FNV-1a of the name, so every Worker and stream agrees without asking. */
export function shardOf(name: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    hash ^= name.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % shards;
}

/** The Durable Object name of shard `i`. */
export function shardName(i: number): string {
  return `index-${i}`;
}

/** One shard's part of a list request: names after `after` that start with one of `prefixes`, in name order. */
export interface ShardQuery {
  /** Non-empty; [""] for every name. */
  prefixes: string[];
  /** Only names greater than this ("" for the first page). */
  after: string;
  limit: number;
}

/**
 * The prefixes a list asks for: where `wanted` meets what the token may read (`readable`, null for every
 * stream). Empty when the two never meet: the answer is an empty list, without asking any shard.
 */
export function effectivePrefixes(wanted: string, readable: readonly string[] | null): string[] {
  if (readable === null) return [wanted];
  const prefixes = new Set<string>();
  for (const allowed of readable) {
    if (wanted.startsWith(allowed)) prefixes.add(wanted);
    else if (allowed.startsWith(wanted)) prefixes.add(allowed);
  }
  // A prefix that another in the set already covers adds nothing.
  return [...prefixes].filter((p) => ![...prefixes].some((q) => q !== p && p.startsWith(q)));
}

/**
 * The first bound no name under `prefix` reaches: names use only A-Z a-z 0-9 . _ -, all below "~", so
 * `prefix <= name < prefix + "~"` is exactly the names that start with it, and an index range in SQLite.
 */
export function prefixEnd(prefix: string): string {
  return `${prefix}~`;
}

/**
 * Rows to ask each shard for first: about twice its share of a page, so one round usually fills the page
 * without every shard sending a whole page (`shardsToRefill` finds the shards that held more than that).
 */
export function firstAsk(limit: number, shards: number): number {
  return Math.min(limit + 1, Math.ceil((2 * (limit + 1)) / shards) + 2);
}

/**
 * The shards that may hold names among the page's first `limit + 1` beyond what they sent: those that sent all
 * `asked` rows and whose last is below the (limit + 1)-th name sent (every shard's rows up to there are in).
 * Each is to be asked again after its last name.
 */
export function shardsToRefill(pages: readonly StreamSummary[][], asked: number, limit: number): Map<number, string> {
  const names = pages
    .flat()
    .map((row) => row.name)
    .sort();
  const cutoff = names[limit];
  const refill = new Map<number, string>();
  for (const [i, page] of pages.entries()) {
    const last = page.at(-1)?.name;
    if (page.length >= asked && last !== undefined && (cutoff === undefined || last < cutoff)) refill.set(i, last);
  }
  return refill;
}

/**
 * The shards' pages as one page of `limit`, and the cursor of the next: the pages hold every shard's names up
 * to the (limit + 1)-th (see `shardsToRefill`), so a row beyond `limit` says exactly whether more follow.
 */
export function mergePages(
  pages: readonly StreamSummary[][],
  limit: number,
): { streams: StreamSummary[]; next: string | null } {
  const all = pages.flat().sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const streams = all.slice(0, limit);
  return { streams, next: all.length > limit ? (streams.at(-1) as StreamSummary).name : null };
}
