// Multi-line entries from text shipped line by line: a stack trace is one entry, not thirty. One rule for the
// Worker's text ingest and the CLI's `pipe`, which cuts its batches only where an entry starts.
import { stripAnsi } from "./ansi.js";
import { leadingTime } from "./time.js";

const PRI = /^<\d{1,3}>(?:1 )?/;

/** Lines an entry may gather before the next line starts a new one. */
export const MAX_GROUP_LINES = 500;

/** Characters an entry may gather before the next line starts a new one: MAX_ENTRY_LENGTH's default. */
export const MAX_GROUP_LENGTH = 32_768;

/**
 * Lines that continue the entry before them, whatever the body: Java, Node and .NET frames (`\tat …`),
 * elisions (`... 3 more`, `... 12 common frames omitted`, `... 2 lines matching cause stack trace ...`),
 * `Caused by:`, Java's indented `Suppressed:`, Node's `[cause]:` and the `}` closing an error printed with its
 * properties, Python's chaining sentences, an exception line with a qualified or prefixed class name
 * (`java.lang.IllegalStateException: …`, `TypeError: …`; a bare `Error:` is too common a message to join),
 * Go's nested `\tpanic:` and `[signal …]` lines, and Node's `Node.js v22.1.0` after a crash.
 */
// One anchor for all the alternatives, so a line that matches none fails at its first characters.
const CONTINUATION = new RegExp(
  `^(?:${[
    /\s+at /,
    /\s*\.\.\. \d+ /,
    /\s*Caused by: /,
    /\s+Suppressed: /,
    /\s+\[\w+\]: /,
    /\}$/,
    /During handling of the above exception, another exception occurred:$/,
    /The above exception was the direct cause of the following exception:$/,
    /(?:[A-Za-z_$][\w$]*\.)+[A-Z][\w$]*(?:Exception|Error|Throwable)(?::\s|$)/,
    /[A-Z][\w$]*[a-z0-9](?:Exception|Error)(?: \[[\w-]+\])?(?::\s|$)/,
    /\s+panic: /,
    /\[signal /,
    /Node\.js v\d+\.\d+\.\d+$/,
  ]
    .map((pattern) => pattern.source)
    .join("|")})`,
);

const TRACEBACK = /^Traceback \(most recent call last\):$/;
const GOROUTINE = /^goroutine \d+ \[[^\]]*\]:$/;
// A goroutine's lines: `pkg.fn(args)`, its indented file:line, `created by …`, and `go run`'s exit status.
const GO_FRAME = /^(?:\s|created by |\.\.\.additional frames elided\.\.\.$|exit status \d+$|\S+\(.*\)$)/;
// Where an uncaught Node error was thrown (`file:///app/x.mjs:9`), printed above its source line and a caret.
const NODE_LOCATION = /^(?:file:\/\/|node:)?[^\s:]+\.[cm]?[jt]sx?:\d+$/;
const ERROR_LINE = /^(?:[A-Z][\w$]*)?(?:Error|Exception)\b/;

/**
 * Inside a block whose lines join without shapes of their own: none, a Python traceback (indented lines up to
 * the exception), a Go goroutine (its frames, up to a blank line), a Node crash's location (its source line
 * and caret, then after a blank line the error).
 */
const NONE = 0;
const PYTHON = 1;
const GO = 2;
const NODE = 3;

/**
 * Decides, line by line, which lines start an entry and which join the one before. Blank lines are held:
 * they join only when a later line joins too, so an entry never starts or ends with one.
 */
export class LineGrouper {
  /** @param {{ maxLines?: number; maxLength?: number; now?: number }} [options] */
  constructor(options = {}) {
    this.maxLines = options.maxLines ?? MAX_GROUP_LINES;
    this.maxLength = options.maxLength ?? MAX_GROUP_LENGTH;
    this.now = options.now ?? Date.now();
    /** Once a line began with a timestamp, every line without one continues the entry before it. */
    this.stamped = false;
    this.block = NONE;
    this.open = false;
    this.lines = 0;
    this.length = 0;
    this.blanks = 0;
    /** The timestamp the last line pushed begins with, as leadingTime reads it after stripping colour codes. */
    this.stamp = /** @type {{ time: number; length: number } | null} */ (null);
  }

  /**
   * Takes the next line (without its line break; an empty string is a blank line) and says whether it starts
   * an entry (true) or joins the open one, or is held as a blank (false).
   * @param {string} line
   * @returns {boolean}
   */
  push(line) {
    if (line === "") {
      if (this.open) this.blanks++;
      return false;
    }
    // Colour codes may wrap the timestamp (tracing, pino-pretty); a syslog `<PRI>` (RFC 5424: `<PRI>1 `) leads it.
    const plain = stripAnsi(line);
    const pri = plain.charCodeAt(0) === 60 ? PRI.exec(plain) : null;
    this.stamp = leadingTime(pri ? plain.slice(pri[0].length) : plain, this.now);
    const stamped = this.stamp !== null;
    if (stamped) this.stamped = true;
    const joins = this.open && !stamped && this.joins(line);
    if (joins) {
      this.lines += this.blanks + 1;
      this.length += this.blanks + 1 + line.length;
    } else {
      this.open = true;
      this.lines = 1;
      this.length = line.length;
      this.block = blockOf(line);
    }
    this.blanks = 0;
    return !joins;
  }

  /** @param {string} line */
  joins(line) {
    const span = this.blanks + 1;
    if (this.lines + span > this.maxLines || this.length + span + line.length > this.maxLength) return false;
    if (this.block === GO && (this.blanks === 0 ? GO_FRAME.test(line) : GOROUTINE.test(line))) return true;
    if (this.block === NODE && (this.blanks === 0 || ERROR_LINE.test(line))) {
      if (this.blanks > 0) this.block = NONE;
      return true;
    }
    if (this.block === PYTHON && this.blanks === 0) {
      // Indented: a frame or its source line; the first line flush left is the exception, which ends the block.
      if (!/^\s/.test(line)) this.block = NONE;
      return true;
    }
    // In a timestamped body every line without a timestamp joins: no shape needs testing, no block matters.
    if (this.stamped) {
      this.block = NONE;
      return true;
    }
    this.block = blockOf(line);
    return this.block !== NONE || CONTINUATION.test(line);
  }
}

/** The block a line opens, if any; its first and last characters rule out most lines without a regex. */
/** @param {string} line */
function blockOf(line) {
  const first = line.charCodeAt(0);
  if (first === 84 && TRACEBACK.test(line)) return PYTHON; // T
  if (first === 103 && GOROUTINE.test(line)) return GO; // g
  const last = line.charCodeAt(line.length - 1);
  return last >= 48 && last <= 57 && NODE_LOCATION.test(line) ? NODE : NONE;
}

/** @typedef {{ message: string; stamp: { time: number; length: number } | null }} Group */

/**
 * A text body's lines grouped into entries: each non-empty line (a trailing `\r` dropped) either starts an
 * entry or joins the one before it, with any blank lines between, kept exactly as sent. Each group carries its
 * first line's timestamp, already read, so the hot path reads it once.
 * @param {string} body
 * @param {{ maxLines?: number; maxLength?: number; now?: number }} [options]
 * @returns {Group[]}
 */
export function groupLines(body, options) {
  const grouper = new LineGrouper(options);
  /** @type {Group[]} */
  const groups = [];
  /** @type {Group | null} */
  let group = null;
  let blanks = 0;
  for (const raw of body.split("\n")) {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (line === "") {
      blanks++;
      grouper.push(line);
      continue;
    }
    if (grouper.push(line) || group === null) {
      group = { message: line, stamp: grouper.stamp };
      groups.push(group);
    } else group.message += `${"\n".repeat(blanks + 1)}${line}`;
    blanks = 0;
  }
  return groups;
}
