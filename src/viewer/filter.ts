import { LEVELS, type Level } from "../../lib/levels.js";
import type { LogEntry } from "../../lib/types";

/** What a subscriber asked to see; the same names as the page's URL (`level`, `q`). */
export interface EntryFilter {
  /** Minimum level; entries without a level are then left out. */
  level?: Level;
  /** Case-insensitive substring of the message or of the fields' JSON. */
  q?: string;
}

/** A predicate over wire JSON, or null when the filter lets everything through. */
export function compileFilter(filter: EntryFilter): ((entry: LogEntry) => boolean) | null {
  const minRank = filter.level === undefined ? -1 : LEVELS.indexOf(filter.level);
  const needle = filter.q?.toLowerCase() ?? "";
  if (minRank < 0 && needle === "") return null;
  return (entry) => {
    if (minRank >= 0 && (entry.level === null || LEVELS.indexOf(entry.level) < minRank)) return false;
    if (needle === "") return true;
    if (entry.message.toLowerCase().includes(needle)) return true;
    return entry.fields !== undefined && JSON.stringify(entry.fields).toLowerCase().includes(needle);
  };
}
