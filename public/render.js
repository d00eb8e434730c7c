// Builds rows for the log view. Log text only ever reaches the DOM as text nodes, never as HTML.
import { compactFields, formatTime, splitMatches } from "./format.js";

/** @typedef {import("../lib/types").LogEntry} LogEntry */
/** @typedef {import("../lib/types").Gap} Gap */

const template = /** @type {HTMLTemplateElement} */ (document.getElementById("row"));

/**
 * Appends `text` to `parent`, wrapping search matches in <mark>.
 * @param {HTMLElement} parent
 * @param {string} text
 * @param {RegExp | null} regex
 */
function appendHighlighted(parent, text, regex) {
  for (const part of splitMatches(text, regex)) {
    if (part.match) {
      const mark = document.createElement("mark");
      mark.textContent = part.text;
      parent.append(mark);
    } else parent.append(part.text);
  }
}

/**
 * One log line: time, level label, message and, when present, its fields (a button that expands them).
 * @param {LogEntry} entry
 * @param {RegExp | null} regex
 */
export function createRow(entry, regex) {
  const row = /** @type {HTMLElement} */ (/** @type {Element} */ (template.content.firstElementChild).cloneNode(true));
  row.dataset.id = String(entry.id);
  const time = /** @type {HTMLTimeElement} */ (row.querySelector(".time"));
  time.textContent = formatTime(entry.time);
  time.dateTime = new Date(entry.time).toISOString();
  time.title = time.dateTime;
  const level = /** @type {HTMLElement} */ (row.querySelector(".level"));
  level.textContent = entry.level ?? "";
  if (entry.level) level.dataset.level = entry.level;
  appendHighlighted(/** @type {HTMLElement} */ (row.querySelector(".message")), entry.message, regex);
  if (entry.fields) {
    const fields = document.createElement("button");
    fields.type = "button";
    fields.className = "fields";
    fields.setAttribute("aria-expanded", "false");
    fields.title = "Show the fields as JSON";
    appendHighlighted(fields, compactFields(entry.fields), regex);
    /** @type {HTMLElement} */ (row.querySelector(".body")).append(fields);
  }
  return row;
}

/**
 * Shows or hides the pretty-printed fields under a row.
 * @param {HTMLElement} button the row's `.fields` button
 * @param {LogEntry} entry
 */
export function toggleFields(button, entry) {
  const body = /** @type {HTMLElement} */ (button.parentElement);
  const open = body.querySelector(".fields-json");
  button.setAttribute("aria-expanded", String(!open));
  if (open) {
    open.remove();
    return;
  }
  const pre = document.createElement("pre");
  pre.className = "fields-json";
  pre.textContent = JSON.stringify(entry.fields, null, 2);
  body.append(pre);
}

/** A marker where the server said lines were missed. */
export function createGapRow(/** @type {Gap} */ gap) {
  const row = document.createElement("div");
  row.className = "gap";
  row.setAttribute("role", "separator");
  const count = gap.to - gap.from + 1;
  row.textContent = `⚠ ${count} line${count === 1 ? "" : "s"} missed (ids ${gap.from}–${gap.to}): they left the buffer before this view could read them`;
  return row;
}

/** The text a "copy" puts on the clipboard: one line, as a reader would paste it into a ticket. */
export function lineText(/** @type {LogEntry} */ entry) {
  const fields = entry.fields ? ` ${compactFields(entry.fields)}` : "";
  return `${new Date(entry.time).toISOString()} ${(entry.level ?? "-").toUpperCase()} ${entry.message}${fields}`;
}
