// Assembling a firing's capture: the lines before the match from the ring, the lines after as they commit.

/** How long a capture waits for its "after" lines before it is sent with what it has. */
export const CAPTURE_WAIT_MS = 10_000;

/**
 * Most characters of entries one capture holds, so an incident stays one SQLite row (2 MB at most) whatever
 * the entries' sizes: nearer lines are kept first, and a full capture completes early.
 */
export const MAX_CAPTURE_CHARS = 500_000;

/** A capture still waiting for lines after its match. */
export interface OpenCapture {
  id: string;
  after: string[];
  wanted: number;
  /** Characters of entries held so far, the match and the "before" lines included. */
  chars: number;
  /** When it completes with whatever it has. */
  until: number;
}

/**
 * The up-to-`count` entries nearest below the match, oldest first, within `budget` characters. `newestFirst`
 * yields the entries below an id, newest first, as [id, wire JSON].
 */
export function takeBefore(newestFirst: Iterable<[number, string]>, count: number, budget: number): string[] {
  const lines: string[] = [];
  if (count === 0) return lines;
  for (const [, json] of newestFirst) {
    if (json.length > budget) break;
    budget -= json.length;
    lines.push(json);
    if (lines.length >= count) break;
  }
  return lines.reverse();
}

/**
 * Adds committed entries to an open capture, in order, until it has what it wants or its budget is spent.
 * Returns how many of `lines` it took and whether it is complete.
 */
export function fill(capture: OpenCapture, lines: readonly string[]): { taken: number; complete: boolean } {
  let taken = 0;
  for (const json of lines) {
    if (capture.after.length >= capture.wanted) break;
    if (capture.chars + json.length > MAX_CAPTURE_CHARS) return { taken, complete: true };
    capture.after.push(json);
    capture.chars += json.length;
    taken++;
  }
  return { taken, complete: capture.after.length >= capture.wanted };
}
