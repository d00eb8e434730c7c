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
 * The shards' pages as one page of `limit`, and the cursor of the next: each shard is asked for `limit + 1`
 * names, so a row beyond `limit` says exactly whether more follow.
 */
export function mergePages(
  pages: readonly StreamSummary[][],
  limit: number,
): { streams: StreamSummary[]; next: string | null } {
  const all = pages.flat().sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const streams = all.slice(0, limit);
  return { streams, next: all.length > limit ? (streams.at(-1) as StreamSummary).name : null };
}
