// What a subscriber or a rule asked to see, compiled once per query; a stored entry read back tolerantly.
import { type Level, levelRank } from "../../lib/levels.js";
import { formatQueryError, parseQuery } from "../../lib/query.js";
import type { LogEntry } from "../../lib/types";
import { ClientError } from "../errors";

/** What a subscriber asked to see; the same names as the page's URL (`level`, `q`). */
export interface EntryFilter {
  /** Minimum level; entries without a level are then left out. */
  level?: Level;
  /** A query in the language of lib/query.js (`timeout`, `status:>=500`, `/re/i`, `-a OR b`…). */
  q?: string;
}

/** A compiled filter; subscribers whose filters have the same `key` share one evaluation per batch. */
export interface CompiledFilter {
  key: string;
  match: (entry: LogEntry) => boolean;
}

/** Throws a 400 pointing at the position when `q` is not a valid query; the normalised query otherwise. */
export function checkQuery(q: string): string {
  const parsed = parseQuery(q);
  if (!parsed.ok) throw new ClientError(400, formatQueryError(q, parsed.error));
  return parsed.query.text;
}

/** A stored entry's wire JSON read back; null when it cannot be read (it then matches no filter). */
export function readEntry(json: string): LogEntry | null {
  try {
    return JSON.parse(json) as LogEntry;
  } catch {
    return null;
  }
}

/** Whether an entry's wire JSON passes the filter; an entry that cannot be read passes nothing. */
export function matches(filter: CompiledFilter, json: string): boolean {
  const entry = readEntry(json);
  return entry !== null && filter.match(entry);
}

/** Compiled filters by key: a stream's subscribers with one query share one compiled matcher. */
const compiled = new Map<string, CompiledFilter>();
const MAX_COMPILED = 256;

/** The filter's predicate over entries of `stream`, or null when it lets everything through. */
export function compileFilter(filter: EntryFilter, stream: string): CompiledFilter | null {
  const minRank = levelRank(filter.level);
  const parsed = filter.q === undefined ? null : parseQuery(filter.q);
  const query = parsed?.ok && !parsed.query.isEmpty ? parsed.query : null;
  if (minRank < 0 && query === null) return null;
  const key = `${filter.level ?? ""}\n${stream}\n${query?.text ?? ""}`;
  let result = compiled.get(key);
  if (result === undefined) {
    const byLevel = (entry: LogEntry) => minRank < 0 || levelRank(entry.level) >= minRank;
    const match = query === null ? byLevel : (entry: LogEntry) => byLevel(entry) && query.match(entry, stream);
    result = { key, match };
    if (compiled.size >= MAX_COMPILED) compiled.delete(compiled.keys().next().value as string);
    compiled.set(key, result);
  }
  return result;
}
