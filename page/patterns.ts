// The Patterns view's state: the templates the server named (GET …/patterns) and, counted from the lines
// the page holds, each pattern's lines, share, highest level and rate over time. Pure: the view draws it. In a
// merged view ids are per stream, so a pattern is its stream and its id.
import { LEVELS, type Level } from "../lib/levels.js";
import { fieldTerm } from "../lib/query.js";
import type { LogEntry } from "../lib/types";

/** What the server says of a pattern: its template and when the stream first had it (`stream`: a merged view's). */
export interface PatternInfo {
  stream?: string;
  id: string;
  template: string;
  firstSeen: number;
}

/** A held line, with its stream in a merged view. */
export interface HeldLine {
  entry: LogEntry;
  stream?: string;
}

/** One row of the view. */
export interface PatternRow {
  /** The id, led by the stream in a merged view: unique among the rows. */
  key: string;
  stream: string | undefined;
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
  /** Keys still unnamed after the last answer (they left the server's ring): not asked for again. */
  readonly #unnamed = new Set<string>();

  constructor(readonly openedAt: number) {}

  /** Takes a `GET …/patterns` answer; `asked` are the keys it was fetched for. */
  learn(patterns: readonly PatternInfo[], asked: Iterable<string> = []): void {
    for (const { stream, id, template, firstSeen } of patterns) {
      this.#known.set(patternKey(id, stream), { id, template, firstSeen });
    }
    for (const key of asked) if (!this.#known.has(key)) this.#unnamed.add(key);
  }

  /**
   * The rows for the held entries, most lines first (lines without a pattern are left out of the rows), and
   * `unknown`: the keys the server has not named yet and was not asked about.
   */
  rows(held: readonly HeldLine[], now: number): { rows: PatternRow[]; lines: number; unknown: string[] } {
    let from = Number.POSITIVE_INFINITY;
    let to = Number.NEGATIVE_INFINITY;
    for (const { entry } of held) {
      if (entry.time < from) from = entry.time;
      if (entry.time > to) to = entry.time;
    }
    const span = Math.max(1, to - from);
    type Tally = { id: string; stream: string | undefined; count: number; rank: number; spark: number[] };
    const byKey = new Map<string, Tally>();
    for (const { entry, stream } of held) {
      if (entry.pattern === undefined) continue;
      const key = patternKey(entry.pattern, stream);
      let tally = byKey.get(key);
      if (tally === undefined) {
        tally = { id: entry.pattern, stream, count: 0, rank: -1, spark: new Array<number>(SPARK_SLICES).fill(0) };
        byKey.set(key, tally);
      }
      tally.count++;
      const rank = entry.level === null ? -1 : LEVELS.indexOf(entry.level);
      if (rank > tally.rank) tally.rank = rank;
      const slice = Math.min(SPARK_SLICES - 1, Math.floor(((entry.time - from) / span) * SPARK_SLICES));
      tally.spark[slice] = (tally.spark[slice] as number) + 1;
    }
    const rows: PatternRow[] = [];
    const unknown: string[] = [];
    for (const [key, { id, stream, count, rank, spark }] of byKey) {
      const info = this.#known.get(key);
      if (info === undefined && !this.#unnamed.has(key)) unknown.push(key);
      rows.push({
        key,
        stream,
        id,
        template: info?.template,
        count,
        share: count / held.length,
        level: LEVELS[rank] ?? null,
        spark,
        isNew: info !== undefined && (info.firstSeen >= this.openedAt || info.firstSeen >= now - NEW_MS),
      });
    }
    rows.sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : 1));
    return { rows, lines: held.length, unknown };
  }
}

/** A pattern's key: its id, led by its stream in a merged view (a newline: in no stream name nor id). */
export const patternKey = (id: string, stream?: string) => (stream === undefined ? id : `${stream}\n${id}`);

/**
 * The query term that shows (or, `exclude`, hides) a row's lines. Ids are per stream, so in a merged view the
 * term names the stream too: `stream:NAME pattern:ID`, hidden as `-(stream:NAME pattern:ID)`.
 */
export function patternTerm(row: Pick<PatternRow, "id" | "stream">, exclude: boolean): string {
  if (row.stream === undefined) return fieldTerm("pattern", row.id, exclude);
  const both = `${fieldTerm("stream", row.stream)} ${fieldTerm("pattern", row.id)}`;
  return exclude ? `-(${both})` : both;
}
