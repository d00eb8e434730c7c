// One commit's entries as the read path sees them: each entry's wire JSON built once, parsed once (only when a
// filter needs it), and the matches of each distinct filter found once for all who ask (viewers, alert rules).
import type { LogEntry } from "../../lib/types";
import { type CompiledFilter, readEntry } from "./filter";
import { type PatternIds, type Tail, withId } from "./stored";

export class Commit {
  #lines: string[] | undefined;
  #entries: (LogEntry | null)[] | undefined;
  readonly #matches = new Map<string, number[]>();

  constructor(
    readonly firstId: number,
    readonly tails: readonly Tail[],
    readonly patterns: PatternIds = null,
  ) {}

  /** Each entry's wire JSON, its id included. */
  get lines(): string[] {
    this.#lines ??= this.tails.map((tail, i) => withId(this.firstId + i, tail, this.patterns?.[i]));
    return this.#lines;
  }

  /** The indexes of the entries `filter` lets through; filters with the same key share one evaluation. */
  matching(filter: CompiledFilter): number[] {
    let matched = this.#matches.get(filter.key);
    if (matched === undefined) {
      this.#entries ??= this.lines.map(readEntry);
      matched = [];
      for (let i = 0; i < this.#entries.length; i++) {
        const entry = this.#entries[i];
        if (entry && filter.match(entry)) matched.push(i);
      }
      this.#matches.set(filter.key, matched);
    }
    return matched;
  }
}
