// Pure helpers of the page: no DOM, no network.

/** @typedef {import("../lib/types").LogEntry} LogEntry */
/** @typedef {import("../lib/types").Gap} Gap */

/** @param {number} n @param {number} width */
const pad = (n, width = 2) => String(n).padStart(width, "0");

/** Local wall-clock time with milliseconds, the precision engineers read logs at. */
export function formatTime(/** @type {number} */ ms) {
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** `key=value` pairs on one line, values as compact JSON unless they are plain strings. */
export function compactFields(/** @type {Record<string, unknown>} */ fields) {
  return Object.entries(fields)
    .map(
      ([key, value]) => `${key}=${typeof value === "string" && !/[\s"]/.test(value) ? value : JSON.stringify(value)}`,
    )
    .join(" ");
}

/**
 * A search box value as a matcher. `/re/flags` is a regular expression, checked in the page only;
 * anything else is a case-insensitive substring, which the server filters too.
 * @param {string} q
 * @returns {{ regex: RegExp | null, server: string, error: string | null }}
 */
export function compileSearch(q) {
  if (q === "") return { regex: null, server: "", error: null };
  const literal = /^\/(.+)\/([a-z]*)$/.exec(q);
  if (literal) {
    try {
      const flags = literal[2]?.includes("i") ? "gi" : "g";
      return { regex: new RegExp(literal[1] ?? "", flags), server: "", error: null };
    } catch (error) {
      return { regex: null, server: "", error: error instanceof Error ? error.message : String(error) };
    }
  }
  return { regex: new RegExp(q.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "gi"), server: q, error: null };
}

/** Whether an entry passes a search: its message or its fields' JSON. */
export function entryMatches(/** @type {LogEntry} */ entry, /** @type {RegExp | null} */ regex) {
  if (regex === null) return true;
  regex.lastIndex = 0;
  if (regex.test(entry.message)) return true;
  regex.lastIndex = 0;
  return entry.fields !== undefined && regex.test(JSON.stringify(entry.fields));
}

/**
 * Splits text into plain and matching runs, for highlighting without ever parsing HTML.
 * @param {string} text
 * @param {RegExp | null} regex
 * @returns {{ text: string, match: boolean }[]}
 */
export function splitMatches(text, regex) {
  if (regex === null || text === "") return [{ text, match: false }];
  /** @type {{ text: string, match: boolean }[]} */
  const parts = [];
  let last = 0;
  regex.lastIndex = 0;
  for (const found of text.matchAll(regex)) {
    const start = found.index ?? 0;
    if (found[0] === "") continue;
    if (start > last) parts.push({ text: text.slice(last, start), match: false });
    parts.push({ text: found[0], match: true });
    last = start + found[0].length;
  }
  if (last < text.length) parts.push({ text: text.slice(last), match: false });
  return parts;
}
