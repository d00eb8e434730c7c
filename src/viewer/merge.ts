/** The k-way merge of per-stream backfills by time, each stream's own order kept. */

import type { Frame } from "./frames";

/**
 * Merges per-stream backfills by time, each stream's own order kept (a k-way merge, so a stream whose
 * clients' clocks disagree still reads in id order); keeps the newest `tail` entries when `tail` is set.
 */
export function mergeBackfills(backfills: ReadonlyMap<string, Frame[]>, tail: number | null): [string, Frame][] {
  const heads = [...backfills].map(([name, frames]) => ({ name, frames, at: 0 }));
  const merged: [string, Frame][] = [];
  for (;;) {
    let best: (typeof heads)[number] | undefined;
    for (const head of heads) {
      const frame = head.frames[head.at];
      if (frame && (best === undefined || frame.time < (best.frames[best.at] as Frame).time)) best = head;
    }
    if (best === undefined) break;
    merged.push([best.name, best.frames[best.at++] as Frame]);
  }
  return tail === null ? merged : merged.slice(Math.max(0, merged.length - tail));
}
