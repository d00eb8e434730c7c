// The limits every ingest route shares, applied to a whole request's stream groups before anything is stored.
import { streamNameProblem } from "../../lib/names.js";
import { ClientError } from "../errors";
import type { Batch, EntryDraft } from "../stream/stored";
import { type IngestLimits, toBatch } from "./batch";

/** What every ingest route's decoder produces: the drafts bound for one stream. */
export interface StreamGroup {
  stream: string;
  drafts: EntryDraft[];
  /** Where the name came from, for errors: "the path", "streams[2], label job", "resourceLogs[0], service.name". */
  source: string;
}

/** Streams one request may write to: each costs the Worker a call to that stream's Durable Object. */
export const MAX_STREAMS_PER_REQUEST = 100;

/** A group checked and serialised, ready to store. */
export interface StreamBatch {
  stream: string;
  batch: Batch;
}

/**
 * Applies the limits every route shares to a whole request: at most MAX_STREAMS_PER_REQUEST streams, valid
 * stream names wherever they came from, at most `maxEntries` entries across all its streams (413), entries
 * cut to `maxLength`. Throws before anything is stored.
 */
export function toBatches(groups: readonly StreamGroup[], limits: IngestLimits): StreamBatch[] {
  if (groups.length > MAX_STREAMS_PER_REQUEST) {
    throw new ClientError(
      413,
      `This request writes to ${groups.length} streams, at most ${MAX_STREAMS_PER_REQUEST}: split it into smaller pushes`,
    );
  }
  let total = 0;
  for (const group of groups) {
    // A name from a label can be as long as the body: cut (still invalid past 64) so the answer stays short.
    const problem = streamNameProblem(group.stream.length > 100 ? `${group.stream.slice(0, 100)}…` : group.stream);
    if (problem !== null) throw new ClientError(400, `${problem} (from ${group.source})`);
    total += group.drafts.length;
  }
  if (total > limits.maxEntries) {
    throw new ClientError(
      413,
      `Too many entries: ${total} in one request, at most ${limits.maxEntries}; split the batch`,
    );
  }
  return groups.map((group) => ({ stream: group.stream, batch: toBatch(group.drafts, limits) }));
}
