// Builds one row of the log from one item. Log text only ever reaches the DOM as text nodes, never as HTML;
// a row that cannot be built becomes a visible fallback row, so one odd entry never stops the ones after it.
import { stripAnsi } from "../../lib/ansi.js";
import { levelOf } from "../../lib/levels.js";
import { formatTime, isoTime } from "../../lib/time.js";
import type { LogEntry } from "../../lib/types";
import type { EntryItem, Item, OutageItem } from "../state";
import { ansiRuns, type Run } from "./ansi";
import { type FieldView, flattenFields, safeJson } from "./fields";

export type Highlighter = (text: string) => Array<[number, number]>;

export interface RowOptions {
  highlights: Highlighter | null;
  expanded: boolean;
}

/** Stream tags take one of this many hues (styles.css: `.tag.h0`…), the same for the same name everywhere. */
const TAG_HUES = 8;

/** The hue class of a stream's tag: FNV-1a of its name. */
export function tagClass(stream: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < stream.length; i++) hash = Math.imul(hash ^ stream.charCodeAt(i), 0x01000193);
  return `h${(hash >>> 0) % TAG_HUES}`;
}

/** A stream's tag; clicking it in the log filters to that stream. */
export function streamTag(stream: string): HTMLElement {
  const tag = element("span", `tag ${tagClass(stream)}`, stream);
  tag.dataset.stream = stream;
  tag.title = `Show only ${stream} (adds stream:${stream})`;
  return tag;
}

/** A row taller than this many lines, or longer than this many characters, is clamped with "show more". */
const CLAMP_LINES = 6;
const CLAMP_CHARS = 480;
/** A clamped row renders no more than this much of its message: the rest is out of sight anyway. */
const CLAMPED_TEXT = 4000;

/** How many leading words of a message may hold its level word (after a timestamp of one or two words). */
const LEVEL_WORDS = 3;

/** Whether the message shows its level already, as one of its first words: "INFO x", "[warn] x", "2026-… ERROR x". */
function showsLevel(plain: string, level: string): boolean {
  const words = plain.slice(0, 80).trim().split(/\s+/, LEVEL_WORDS);
  return words.some((word) => levelOf(word.replace(/^\[|[\]:|]+$/g, "")) === level);
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
      if (item.stream !== undefined) row.prepend(streamTag(item.stream), " ");
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
  const row = markRow(`⚠ ${id} could not be shown (${reason}): ${safeJson(item).slice(0, 300)}`, "broken");
  return row;
}

function entryRow(item: EntryItem, options: RowOptions): HTMLElement {
  const { entry } = item;
  const row = element("li", "row entry");
  row.dataset.id = String(entry.id);
  const level = levelOf(entry.level);
  if (level) row.dataset.level = level;

  const time = element("time", "time");
  time.textContent = formatTime(entry.time);
  const iso = isoTime(entry.time);
  if (iso !== null) time.dateTime = iso;
  time.title = iso ?? `time out of range: ${String(entry.time)}`;

  const message = typeof entry.message === "string" ? entry.message : safeJson(entry.message);
  const plain = stripAnsi(message);
  const label = element("span", "level");
  // The level word is shown once: a message that starts with it carries it already.
  if (level && !showsLevel(plain, level)) {
    label.textContent = level;
    label.dataset.level = level;
  }

  const body = element("div", "body");
  const text = element("span", "message");
  const fields = entry.fields && typeof entry.fields === "object" ? flattenFields(entry.fields) : [];
  const long = isLong(fields.length === 0 ? plain : `${plain}\n${fields.map((field) => field.text).join("\n")}`);
  const clamp = !options.expanded && long;
  const cut = (value: string) => (clamp && value.length > CLAMPED_TEXT ? value.slice(0, CLAMPED_TEXT) : value);
  appendRuns(text, ansiRuns(cut(message)), options.highlights);
  if (item.stream !== undefined) body.append(streamTag(item.stream), " ");
  body.append(text);
  if (fields.length > 0) appendFields(body, fields, options, cut);
  if (entry.truncated) body.append(element("span", "truncated", " [truncated]"));
  if (long) {
    body.classList.toggle("clamped", clamp);
    const more = element("button", "more", clamp ? "show more" : "show less");
    more.type = "button";
    more.tabIndex = -1;
    body.append(more);
  }
  if (options.expanded) {
    row.classList.add("expanded");
    if (entry.fields) body.append(detail(entry));
  }

  const copy = element("button", "copy", "Copy");
  copy.type = "button";
  copy.tabIndex = -1;
  copy.setAttribute("aria-label", "Copy this line");
  row.append(time, label, body, copy);
  return row;
}

function isLong(text: string): boolean {
  if (text.length > CLAMP_CHARS) return true;
  let lines = 1;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) if (++lines > CLAMP_LINES) return true;
  return false;
}

function appendFields(body: HTMLElement, fields: FieldView[], options: RowOptions, cut: (text: string) => string) {
  const inline = element("span", "fields");
  const blocks: HTMLElement[] = [];
  for (const field of fields) {
    const name = field.path.join(".");
    const value = element("span", "value");
    value.dataset.path = JSON.stringify(field.path);
    appendRuns(value, ansiRuns(cut(field.text)), options.highlights);
    if (field.multiline) {
      const block = element("div", "block");
      block.append(element("span", "key", name), value);
      blocks.push(block);
    } else {
      // The key as text, not an element: a row of fields stays a few nodes for the firehose to build.
      inline.append(` ${name}=`, value);
    }
  }
  if (inline.childNodes.length > 0) body.append(inline);
  for (const block of blocks) body.append(block);
}

/** The expanded view: the fields as pretty JSON. */
function detail(entry: LogEntry): HTMLElement {
  const pre = element("pre", "detail");
  pre.textContent = stripAnsi(safeJson(entry.fields, 2));
  return pre;
}

/** Appends styled runs, wrapping the ranges the search found in <mark>. */
function appendRuns(parent: HTMLElement, runs: Run[], highlights: Highlighter | null) {
  const plain = runs.length === 1 ? (runs[0] as Run).text : runs.map((run) => run.text).join("");
  const ranges = highlights === null ? [] : highlights(plain);
  let offset = 0;
  let r = 0;
  for (const run of runs) {
    const target = styled(run);
    const end = offset + run.text.length;
    let at = offset;
    while (at < end) {
      while (r < ranges.length && (ranges[r] as [number, number])[1] <= at) r++;
      const range = ranges[r];
      if (range === undefined || range[0] >= end) {
        target.append(run.text.slice(at - offset));
        at = end;
      } else if (range[0] > at) {
        target.append(run.text.slice(at - offset, range[0] - offset));
        at = range[0];
      } else {
        const stop = Math.min(range[1], end);
        target.append(element("mark", "", run.text.slice(at - offset, stop - offset)));
        at = stop;
      }
    }
    if (target !== parent && target.childNodes.length > 0) parent.append(target);
    offset = end;
  }

  function styled(run: Run): HTMLElement {
    if (run.classes.length === 0 && run.color === undefined && run.background === undefined) return parent;
    const span = element("span", run.classes.join(" "));
    if (run.color !== undefined) span.style.color = run.color;
    if (run.background !== undefined) span.style.backgroundColor = run.background;
    return span;
  }
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}
