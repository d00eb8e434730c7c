// One line of a row's context, read like a compact row: the time as the rows show it (local or UTC), the level
// coloured as rows colour it, the message, then its fields as key=value on one line cut at its end. The marked
// line shows whole: every field, a stack trace as lines. Log text reaches the DOM as text nodes only.
import { stripAnsi } from "../../lib/ansi.js";
import { levelOf } from "../../lib/levels.js";
import { levelWordAt } from "../../lib/message-head.js";
import type { LogEntry } from "../../lib/types";
import { element } from "../dom";
import { ansiRuns } from "./ansi";
import { type FieldView, flattenFields, messageText } from "./fields";
import { appendRuns } from "./runs";
import { timeLabel } from "./time-label";

/** A context line other than the marked one shows this much of its message or of a field: the rest is out of sight. */
const LINE_TEXT = 2000;
/** At most this many fields on a context line other than the marked one. */
const LINE_FIELDS = 40;

/** `above`: the time of the line above, so a line on another day shows its date, as rows do. */
export function contextLine(entry: LogEntry, self: boolean, utc: boolean, above?: number): HTMLElement {
  const line = element("li", self ? "context-line self" : "context-line");
  const level = levelOf(entry.level);
  if (level) line.dataset.level = level;
  const label = timeLabel(entry.time, utc, above);
  const time = element("time", "ctx-time", label.text);
  if (label.iso !== null) time.dateTime = label.iso;
  time.title = label.title;
  line.append(time, " ");

  const whole = messageText(entry.message);
  const message = self ? whole : whole.slice(0, LINE_TEXT);
  const at = level ? levelWordAt(stripAnsi(message), level) : null;
  const word = level && at ? { ...at, level } : null;
  // The level shows once: as the message's own word, coloured, or before it.
  if (level && word === null) {
    const pill = element("span", "lvl ctx-level", level);
    pill.dataset.level = level;
    line.append(pill, " ");
  }
  const text = element("span", "ctx-message");
  appendRuns(text, ansiRuns(message), null, word ?? undefined);
  line.append(text);

  const fields = entry.fields && typeof entry.fields === "object" ? flattenFields(entry.fields) : [];
  if (fields.length > 0) line.append(" ", ...(self ? wholeFields(fields) : [oneLine(fields)]));
  if (entry.truncated) line.append(" ", element("span", "ctx-key", "[truncated]"));
  return line;
}

/** A space between fields, none before the first (the line's own gap is before it). */
const gap = (inline: HTMLElement) => (inline.firstChild === null ? "" : " ");

/** Fields as `key=value` on one line; a multi-line value by its first line and "…". */
function oneLine(fields: FieldView[]): HTMLElement {
  const inline = element("span", "ctx-fields");
  for (const field of fields.slice(0, LINE_FIELDS)) {
    let value = stripAnsi(field.text.slice(0, LINE_TEXT));
    if (field.multiline) value = `${value.split(/\r\n?|\n/, 1)[0] ?? ""} …`;
    inline.append(`${gap(inline)}${field.path.join(".")}=`, element("span", "ctx-value", value));
  }
  if (fields.length > LINE_FIELDS) inline.append(` …${fields.length - LINE_FIELDS} more`);
  return inline;
}

/** Every field: the short ones as `key=value` wrapping freely, a multi-line value (a stack) as its own lines. */
function wholeFields(fields: FieldView[]): HTMLElement[] {
  const inline = element("span", "ctx-fields");
  const blocks: HTMLElement[] = [];
  for (const field of fields) {
    const name = field.path.join(".");
    const value = stripAnsi(field.text);
    if (!field.multiline) {
      inline.append(`${gap(inline)}${name}=`, element("span", "ctx-value", value));
      continue;
    }
    const block = element("div", "ctx-block");
    block.append(element("span", "ctx-key", name), "\n", element("span", "ctx-value", value.replace(/\r\n?/g, "\n")));
    blocks.push(block);
  }
  return inline.childNodes.length > 0 ? [inline, ...blocks] : blocks;
}
