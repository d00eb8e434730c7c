// The Patterns view's state: the templates the server named (GET …/patterns) and, counted from the lines
// the page holds, each pattern's lines, share, highest level and rate over time. Pure: the view draws it.
import { LEVELS, type Level } from "../lib/levels.js";
import type { LogEntry } from "../lib/types";

/** What the server says of a pattern: its template and when the stream first had it. */
export interface PatternInfo {
  id: string;
  template: string;
  firstSeen: number;
}

/** One row of the view. */
export interface PatternRow {
  id: string;
  /** Undefined until the server has named the pattern. */
  template: string | undefined;
  count: number;
  /** Of the lines held, 0–1. */
  share: number;
  level: Level | null;
  /** Lines per time slice, oldest slice first, over the time the held lines span. */
  spark: number[];
  /** First seen after the page opened, or within the last NEW_MS. */
  isNew: boolean;
}

/** A pattern the stream first had this recently is marked new. */
export const NEW_MS = 10 * 60_000;
/** Time slices of a sparkline. */
export const SPARK_SLICES = 24;

export class PatternModel {
  readonly #known = new Map<string, PatternInfo>();
  /** Ids still unnamed after the last answer (they left the server's ring): not asked for again. */
  readonly #unnamed = new Set<string>();

  constructor(readonly openedAt: number) {}

  /** Takes a `GET …/patterns` answer; `asked` are the ids it was fetched for. */
  learn(patterns: readonly PatternInfo[], asked: Iterable<string> = []): void {
    for (const { id, template, firstSeen } of patterns) this.#known.set(id, { id, template, firstSeen });
    for (const id of asked) if (!this.#known.has(id)) this.#unnamed.add(id);
  }

  /**
   * The rows for the held entries, most lines first (lines without a pattern are left out of the rows), and
   * `unknown`: the ids the server has not named yet and was not asked about.
   */
  rows(entries: readonly LogEntry[], now: number): { rows: PatternRow[]; lines: number; unknown: string[] } {
    let from = Number.POSITIVE_INFINITY;
    let to = Number.NEGATIVE_INFINITY;
    for (const { time } of entries) {
      if (time < from) from = time;
      if (time > to) to = time;
    }
    const span = Math.max(1, to - from);
    const byId = new Map<string, { count: number; rank: number; spark: number[] }>();
    for (const entry of entries) {
      if (entry.pattern === undefined) continue;
      let tally = byId.get(entry.pattern);
      if (tally === undefined) {
        tally = { count: 0, rank: -1, spark: new Array<number>(SPARK_SLICES).fill(0) };
        byId.set(entry.pattern, tally);
      }
      tally.count++;
      const rank = entry.level === null ? -1 : LEVELS.indexOf(entry.level);
      if (rank > tally.rank) tally.rank = rank;
      const slice = Math.min(SPARK_SLICES - 1, Math.floor(((entry.time - from) / span) * SPARK_SLICES));
      tally.spark[slice] = (tally.spark[slice] as number) + 1;
    }
    const rows: PatternRow[] = [];
    const unknown: string[] = [];
    for (const [id, { count, rank, spark }] of byId) {
      const info = this.#known.get(id);
      if (info === undefined && !this.#unnamed.has(id)) unknown.push(id);
      rows.push({
        id,
        template: info?.template,
        count,
        share: count / entries.length,
        level: LEVELS[rank] ?? null,
        spark,
        isNew: info !== undefined && (info.firstSeen >= this.openedAt || info.firstSeen >= now - NEW_MS),
      });
    }
    rows.sort((a, b) => b.count - a.count || (a.id < b.id ? -1 : 1));
    return { rows, lines: entries.length, unknown };
  }
}
