// Builds one row of the log from one item. Log text only ever reaches the DOM as text nodes, never as HTML;
// a row that cannot be built becomes a visible fallback row, so one odd entry never stops the ones after it.
// An entry row reads message first: time, level, any chosen columns, then the message and its fields on one
// quiet line; the rest (a stack trace, every field as a tree) is in the row's expansion (detail.ts).
import { stripAnsi } from "../../lib/ansi.js";
import { levelOf } from "../../lib/levels.js";
import { leadingStamp, levelWordAt } from "../../lib/message-head.js";
import { isStreamPrefix } from "../../lib/names.js";
import { formatTime } from "../../lib/time.js";
import { element } from "../dom";
import type { EntryItem, Item, OutageItem } from "../state";
import { ansiRuns, dimRange, type Run } from "./ansi";
import { detailPanel } from "./detail";
import { type FieldView, flattenFields, messageText, safeJson } from "./fields";
import { appendRuns, type Highlighter } from "./runs";
import { timeLabel } from "./time-label";

export type { Highlighter } from "./runs";

export interface RowOptions {
  highlights: Highlighter | null;
  /** Fields the query names (`http.status:>=500`): their values are marked like the message's matches. */
  queryFields?: ReadonlySet<string>;
  expanded: boolean;
  /** Dotted field paths shown as columns. */
  columns?: readonly string[];
  /** Times in UTC instead of local time. */
  utc?: boolean;
  /** The time of the entry in the row above: a row on another day shows its date. */
  above?: number;
  /** A merged view's streams, in order: each gets its own tag colour. */
  streams?: readonly string[];
}

/** Stream tags take one of this many hues (styles.css: `.tag.h0`…). */
const TAG_HUES = 8;

/** Each stream's place in the page's view: the selection's names first, then streams as they appear. */
const places = new Map<string, number>();

/**
 * The hue class of a stream's tag: its place in the view, so the first TAG_HUES streams (those a prefix such as
 * `team-a.*` brings in too) differ; a prefix's own tag, or a tag without a view, FNV-1a of its name.
 */
export function tagClass(stream: string, streams?: readonly string[]): string {
  if (streams !== undefined && !isStreamPrefix(stream)) {
    if (places.size === 0) for (const name of streams) if (!isStreamPrefix(name)) places.set(name, places.size);
    let place = places.get(stream);
    if (place === undefined) {
      place = places.size;
      places.set(stream, place);
    }
    return `h${place % TAG_HUES}`;
  }
  let hash = 0x811c9dc5;
  for (let i = 0; i < stream.length; i++) hash = Math.imul(hash ^ stream.charCodeAt(i), 0x01000193);
  return `h${(hash >>> 0) % TAG_HUES}`;
}

/** A stream's tag; clicking it in the log filters to that stream. */
export function streamTag(stream: string, streams?: readonly string[]): HTMLElement {
  const tag = element("span", `tag ${tagClass(stream, streams)}`, stream);
  tag.dataset.stream = stream;
  tag.title = `Show only ${stream} (adds stream:${stream})`;
  return tag;
}

/** A row renders no more than this much of its message until expanded: the rest is out of sight anyway. */
const CLAMPED_TEXT = 4000;
/** At most this many fields on a row's line; all of them are in its expansion. */
const LINE_FIELDS = 40;
/** Whether the text at `offset` of the runs has no style of its own. */
function plainAt(runs: Run[], offset: number): boolean {
  let at = 0;
  for (const run of runs) {
    if (offset < at + run.text.length) return run.classes.length === 0 && run.color === undefined;
    at += run.text.length;
  }
  return true;
}

/** A column's cell shows at most this many characters; the full value is its tooltip. */
const CELL_CHARS = 200;
/** A value that reads as a number (`12.5`, `-3`, `1e6`): its cell is right-aligned, so digits line up. */
const NUMBER = /^-?\d+(?:\.\d+)?(?:e[+-]?\d+)?$/i;

/** Called once, when the first row that shows its level in the pill is built (the log's level column shows). */
let onFirstPill: (() => void) | null = null;

/** Calls `show` when a row first needs the level column: until then the log leaves it out. */
export function whenLevelPillShows(show: () => void) {
  onFirstPill = show;
}

export function buildRow(item: Item, options: RowOptions): HTMLElement {
  try {
    if (item.kind === "entry") return entryRow(item, options);
    if (item.kind === "gap") {
      const count = item.gap.to - item.gap.from + 1;
      const of = item.stream === undefined ? "" : ` of ${item.stream}`;
      const row = markRow(
        `⚠ ${count.toLocaleString()} line${count === 1 ? "" : "s"}${of} missed (ids ${item.gap.from}–${item.gap.to}): they left the buffer before this view could read them`,
        "gap",
      );
      if (item.stream !== undefined) row.prepend(streamTag(item.stream, options.streams), " ");
      return row;
    }
    if (item.kind === "skipped") {
      const count = item.to - item.from + 1;
      return markRow(
        `⚠ ${count.toLocaleString()} line${count === 1 ? "" : "s"} not loaded here (ids ${item.from}–${item.to}): the filter before this one left them out, and they are too many to load at once`,
        "gap",
      );
    }
    return markRow(outageText(item), item.gap === null ? "outage" : "gap");
  } catch (error) {
    return fallbackRow(item, error);
  }
}

export function outageText(item: OutageItem): string {
  const span = `disconnected ${formatTime(item.from).slice(0, 8)}–${formatTime(item.to).slice(0, 8)}`;
  // A merged view's streams each resume where they stopped, and each announces its own missed lines below.
  if (item.merged) return `${span}; every stream resumed where it stopped`;
  if (item.gap === null) return `${span}, nothing missed`;
  const count = item.gap.to - item.gap.from + 1;
  return `${span}: ${count.toLocaleString()} line${count === 1 ? "" : "s"} missed (ids ${item.gap.from}–${item.gap.to}), they left the buffer meanwhile`;
}

function markRow(text: string, kind: string): HTMLElement {
  const row = element("li", `row mark ${kind}`);
  row.textContent = text;
  return row;
}

function fallbackRow(item: Item, error: unknown): HTMLElement {
  const id = item.kind === "entry" ? `entry ${String(item.entry?.id)}` : "a marker";
  const reason = error instanceof Error ? error.message : String(error);
  return markRow(`⚠ ${id} could not be shown (${reason}): ${safeJson(item).slice(0, 300)}`, "broken");
}

function entryRow(item: EntryItem, options: RowOptions): HTMLElement {
  const { entry } = item;
  const { expanded } = options;
  const row = element("li", "row entry");
  row.dataset.id = String(entry.id);
  const level = levelOf(entry.level);
  if (level) row.dataset.level = level;
  /** Whether the row holds text its line does not show, whatever the width (a reason for "show more"). */
  let hides = false;

  const time = element("time", "time");
  const label = timeLabel(entry.time, options.utc === true, options.above);
  time.textContent = label.text;
  if (label.iso !== null) time.dateTime = label.iso;
  time.title = label.title;

  const message = messageText(entry.message);
  const plain = stripAnsi(message);
  let runs = ansiRuns(message.length > CLAMPED_TEXT && !expanded ? message.slice(0, CLAMPED_TEXT) : message);
  // A level word the line colours itself (ANSI) is shown as it is.
  const found = level ? levelWordAt(plain, level) : null;
  const word = found && level && plainAt(runs, found.start) ? { ...found, level } : null;
  const pill = element("span", "level");
  // The level shows once: as the message's own word, coloured, or here.
  if (level && found === null) {
    pill.textContent = level;
    pill.dataset.level = level;
    if (onFirstPill !== null) {
      onFirstPill();
      onFirstPill = null;
    }
  }
  // The timestamp the entry's time was read from is in the time column already: in the message it is dimmed.
  const stamp = leadingStamp(plain, entry.time);
  if (stamp !== null && stamp.time === entry.time) runs = dimRange(runs, stamp.start, stamp.end);

  const fields = entry.fields && typeof entry.fields === "object" ? flattenFields(entry.fields) : [];
  const cells = (options.columns ?? []).map((column) => cell(column, fields));

  const body = element("div", "body");
  const text = element("span", "message");
  if (!expanded && message.length > CLAMPED_TEXT) hides = true;
  appendRuns(text, runs, options.highlights, word ?? undefined);
  if (item.stream !== undefined) body.append(streamTag(item.stream, options.streams));
  body.append(text);
  if (fields.length > 0 && !expanded) hides = appendFields(body, fields, options) || hides;
  if (entry.truncated) body.append(element("span", "truncated", "[truncated]"));
  if (expanded) {
    row.classList.add("expanded");
    if (entry.fields && typeof entry.fields === "object") body.append(detailPanel(entry.fields));
  }
  if (hides) row.dataset.more = "";

  const more = element("button", "more", expanded ? "show less" : "show more");
  more.type = "button";
  more.tabIndex = -1;
  // Its action buttons are added when it is first hovered or marked (actions.ts withActions).
  row.append(time, pill, ...cells, body, more);
  return row;
}

/** A column's cell: the value at its path, or nothing. */
function cell(column: string, fields: FieldView[]): HTMLElement {
  const found = fields.find((field) => field.path.join(".") === column);
  const text = found === undefined ? "" : found.text;
  const numeric = typeof found?.value === "number" || (typeof found?.value === "string" && NUMBER.test(found.value));
  const node = element(
    "span",
    numeric ? "col num" : "col",
    text.length > CELL_CHARS ? `${text.slice(0, CELL_CHARS)}…` : text,
  );
  if (text.length > 0) node.title = `${column}: ${text.slice(0, 2000)}`;
  return node;
}

/**
 * The fields on the row's line, those the search matched first; a multi-line value (a stack trace) waits for
 * the expansion unless the search matched in it. Returns whether some field is left off the line.
 */
function appendFields(body: HTMLElement, fields: FieldView[], options: RowOptions): boolean {
  const inline = element("span", "fields");
  const blocks: HTMLElement[] = [];
  const hit: Node[] = [];
  const rest: Node[] = [];
  let hides = fields.length > LINE_FIELDS;
  for (const field of fields.slice(0, LINE_FIELDS)) {
    const name = field.path.join(".");
    // A field shown as a column is not repeated on the line.
    if (options.columns?.includes(name)) continue;
    const value = element("span", "value");
    value.dataset.path = JSON.stringify(field.path);
    const shown = field.text.length > CLAMPED_TEXT ? field.text.slice(0, CLAMPED_TEXT) : field.text;
    let marked: boolean;
    if (options.queryFields?.has(name)) {
      value.append(element("mark", "", stripAnsi(shown)));
      marked = true;
    } else marked = appendRuns(value, ansiRuns(shown), options.highlights);
    if (field.multiline) {
      if (!marked) {
        hides = true;
        continue;
      }
      const block = element("div", "block");
      block.append(element("span", "key", name), value);
      blocks.push(block);
      continue;
    }
    // The key as text, not an element: a row of fields stays a few nodes for the firehose to build.
    (marked ? hit : rest).push(document.createTextNode(` ${name}=`), value);
  }
  inline.append(...hit, ...rest);
  if (inline.childNodes.length > 0) body.append(inline);
  body.append(...blocks);
  return hides;
}
