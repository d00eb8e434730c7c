// Line formatting shared by the page and the CLI: the same entry reads the same everywhere.
import { isoTime } from "./time.js";

/** @typedef {import("./types").LogEntry} LogEntry */

/**
 * `key=value` pairs on one line, values as compact JSON unless they are plain strings.
 * @param {Record<string, unknown>} fields
 */
export function compactFields(fields) {
  return Object.entries(fields)
    .map(([key, value]) => `${key}=${typeof value === "string" && !/[\s"]/.test(value) ? value : safeJson(value)}`)
    .join(" ");
}

/**
 * One entry as one line of text, as a reader would paste it into a ticket.
 * @param {LogEntry} entry
 */
export function lineText(entry) {
  const fields = entry.fields ? ` ${compactFields(entry.fields)}` : "";
  return `${isoTime(entry.time) ?? String(entry.time)} ${(entry.level ?? "-").toUpperCase()} ${entry.message}${fields}`;
}

/** @param {unknown} value */
function safeJson(value) {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
