// Drafts serialised into the batch a stream stores, long messages and fields cut and marked.
import { patternShape } from "../../lib/patterns/miner.js";
import { type Batch, type EntryDraft, joinTails, type Tail, tailOf } from "../stream/stored";

/** Bounds on one request's entries. */
export interface IngestLimits {
  /** Most entries in one request; more is a 413. */
  maxEntries: number;
  /** Longest message, and longest fields JSON, in characters; longer ones are cut and marked `truncated`. */
  maxLength: number;
}

/** Serialises drafts into the batch a stream stores, cut to `limits.maxLength` (toBatches counts the entries). */
export function toBatch(entries: EntryDraft[], limits: IngestLimits): Batch {
  const tails: Tail[] = new Array(entries.length);
  const shapes = new Float64Array(entries.length);
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i] as EntryDraft;
    tails[i] = serialize(entry, limits);
    // After serialize: the message as stored, cut if it was too long.
    shapes[i] = patternShape(entry.message);
  }
  return { tails: joinTails(tails), count: entries.length, shapes };
}

/** One entry's tail, its message and fields cut to `maxLength`. */
function serialize(entry: EntryDraft, limits: IngestLimits): Tail {
  const tail = tailOf(entry);
  // Shorter than the limit as a whole means neither part can be over it: one stringify on the hot path.
  return tail.length <= limits.maxLength || !truncate(entry, limits.maxLength) ? tail : tailOf(entry);
}

/** Cuts an over-long message or fields to `maxLength` characters and marks the entry, so no cut is silent. */
function truncate(entry: EntryDraft, maxLength: number): boolean {
  if (entry.message.length > maxLength) {
    entry.message = entry.message.slice(0, maxLength);
    entry.truncated = true;
  }
  const json = entry.fields === undefined ? "" : JSON.stringify(entry.fields);
  if (json.length > maxLength) {
    entry.fields = { _truncated: json.slice(0, maxLength) };
    entry.truncated = true;
  }
  return entry.truncated === true;
}
