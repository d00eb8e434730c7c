// How entries are stored and handed around before they are sent: the one module that builds or splits them.
import type { LogEntry } from "../../lib/types";

/** An entry as the ingest decoders produce it, before the stream assigns its id. */
export type EntryDraft = Omit<LogEntry, "id">;

/**
 * One entry's JSON without its opening `{`: `"time":…}`. The stream prefixes `{"id":N,` when it sends it, so
 * storing a batch never re-serialises it. JSON never contains a raw line break, so tails join with "\n".
 */
export type Tail = string & { readonly __tail: true };

/** Tails joined by "\n", in id order. */
export type Tails = string & { readonly __tails: true };

/** One request's entries on their way to the stream. */
export interface Batch {
  tails: Tails;
  count: number;
  /** Each entry's message's `patternShape` (lib/patterns), worked out where the message is at hand, so the
   * stream's object finds a known pattern without reading the message back out of the JSON. */
  shapes?: Float64Array;
  /** The client's Idempotency-Key: a resent batch with the same key is answered, not stored again. */
  key?: string;
}

/** The stored form of a draft: what `JSON.stringify(draft).slice(1)` gives, without the copy of the object. */
export function tailOf(draft: EntryDraft): Tail {
  const { time, level, message, fields, truncated } = draft;
  let tail = `"time":${Number.isFinite(time) ? time : "null"},"level":${level === null ? "null" : `"${level}"`},"message":${JSON.stringify(message)}`;
  if (fields !== undefined) tail += `,"fields":${JSON.stringify(fields)}`;
  if (truncated === true) tail += `,"truncated":true`;
  return `${tail}}` as Tail;
}

/** Joins tails in order. */
export function joinTails(tails: readonly (Tail | Tails)[]): Tails {
  return (tails.length === 1 ? tails[0] : tails.join("\n")) as Tails;
}

/** The tails of `count` joined entries. */
export function splitTails(tails: Tails, count: number): Tail[] {
  return (count === 1 ? [tails] : tails.split("\n")) as Tail[];
}

/**
 * An entry's wire JSON (a LogEntry) from its id, its tail and its pattern id, which is stored beside the tails
 * (not in them) so a commit never copies its batch. Ids are `[a-z0-9]` only, so nothing needs escaping.
 */
export function withId(id: number, tail: Tail, pattern?: string): string {
  return pattern === undefined ? `{"id":${id},${tail}` : `{"id":${id},${tail.slice(0, -1)},"pattern":"${pattern}"}`;
}

/** A commit's pattern ids as stored beside its tails, in id order; null when patterns are off. */
export type PatternIds = readonly string[] | null;

/** A stored row's pattern ids (its `pats` column), one per entry; undefined where none were stored. */
export function storedIds(pats: string | null | undefined): string[] | undefined {
  return pats == null ? undefined : pats.split(",");
}
