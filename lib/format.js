// Line formatting shared by the page and the CLI: the same entry reads the same everywhere.
import { stripAnsi } from "./ansi.js";
import { levelWordAt } from "./message-head.js";
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
 * Whether a message states its level itself, as its first word or just after its timestamp ("INFO x",
 * "[warn] x", "2026-… ERROR x"; lib/message-head.js): then a line prints the level once, the message's own.
 * @param {unknown} message
 * @param {unknown} level
 */
export function showsLevel(message, level) {
  return typeof message === "string" && levelWordAt(stripAnsi(message.slice(0, 1000)), level) !== null;
}

/**
 * One entry as one line of text, as a reader would paste it into a ticket: the level once.
 * @param {LogEntry} entry
 */
export function lineText(entry) {
  const fields = entry.fields ? ` ${compactFields(entry.fields)}` : "";
  const level = showsLevel(entry.message, entry.level) ? "" : `${(entry.level ?? "-").toUpperCase()} `;
  return `${isoTime(entry.time) ?? String(entry.time)} ${level}${entry.message}${fields}`;
}

/** @param {unknown} value */
function safeJson(value) {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
