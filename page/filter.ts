// What the view shows of the held items, pure: the filter (a query and a minimum level) and whether an item
// passes it.
import { levelRank } from "../lib/levels.js";
import type { Query } from "../lib/query.js";
import type { Level } from "../lib/types";
import type { Item } from "./items";

/** What the view shows of the held items: a query (null for none) and a minimum level (null for all). */
export interface Filter {
  query: Query | null;
  level: Level | null;
}

export function passes(filter: Filter, item: Item): boolean {
  if (item.kind !== "entry") return true;
  if (filter.level !== null && levelRank(item.entry.level) < levelRank(filter.level)) return false;
  return filter.query === null || filter.query.match(item.entry, item.stream);
}

export function isFiltering(filter: Filter): boolean {
  return filter.level !== null || (filter.query !== null && !filter.query.isEmpty);
}
