// Plain-text bodies to drafts: one entry per line or per multi-line group (lib/multiline.js), its own leading
// time and level word read when present.
import { stripAnsi } from "../../lib/ansi.js";
import { type Level, levelOf } from "../../lib/levels.js";
import { PRI, RFC5424_HEADER, SYSLOG_TAG } from "../../lib/message-head.js";
import { groupLines } from "../../lib/multiline.js";
import { leadingTime } from "../../lib/time.js";
import type { EntryDraft } from "../stream/stored";
import { isSaneTime } from "./normalise";

// The recogniser lives in lib/ so the CLI groups lines by the same rule; re-exported for its tests here.
export { leadingTime };

/** How a text body becomes entries: `multiline` groups stack traces and the like (lib/multiline.js). */
export interface TextOptions {
  multiline?: boolean;
  /** An entry gathers lines up to this many characters (MAX_ENTRY_LENGTH). */
  maxLength?: number;
}

/**
 * Each non-empty line starts an entry or, with `multiline` (the default), may join the one before it; each
 * entry's leading timestamp and level word, when it has them, are read from its first line.
 */
export function parseText(body: string, now: number, options: TextOptions = {}): EntryDraft[] {
  if (options.multiline !== false) {
    const groups = groupLines(body, { now, maxLength: options.maxLength });
    return groups.map((group) => textEntry(group.message, now, group.stamp));
  }
  const entries: EntryDraft[] = [];
  for (const raw of body.split("\n")) {
    const message = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (message.length > 0) entries.push(textEntry(message, now));
  }
  return entries;
}

/**
 * One line of text as an entry, kept whole as the message. A leading timestamp becomes its time (else the time
 * of receipt `now`), and a level word at the start, just after the timestamp or after a syslog header's
 * `host prog[pid]:` its level, else a syslog `<PRI>`'s severity; colour codes around either are looked past.
 * `known` is the timestamp already read from its first line (as lib/multiline.js does), if it was.
 */
export function textEntry(message: string, now: number, known?: ReturnType<typeof leadingTime>): EntryDraft {
  let rest = stripAnsi(message);
  let severity: Level | null = null;
  // One comparison for the lines that do not start with `<`, nearly all of them.
  const pri = rest.charCodeAt(0) === 60 ? PRI.exec(rest) : null;
  if (pri && Number(pri[1]) <= 191) {
    severity = SEVERITY[Number(pri[1]) % 8] ?? null;
    rest = rest.slice(pri[0].length);
  }
  // The grouper read the time at the very start of the line, so behind a `<PRI>` it is read here.
  const stamp = known === undefined || pri ? leadingTime(rest, now) : known;
  const entry: EntryDraft = { time: now, level: severity, message };
  if (stamp !== null) {
    // The rule of every route: a time before 1970 or over a day ahead gives way to the time of receipt.
    if (isSaneTime(stamp.time, now)) entry.time = stamp.time;
    else entry.fields = { _time: rest.slice(0, stamp.length).trim() };
    rest = rest.slice(stamp.length);
  }
  let word = LEVEL_WORD.exec(rest)?.[1];
  if (word === undefined && stamp !== null) {
    const header = (pri?.[2] ? RFC5424_HEADER : SYSLOG_TAG).exec(rest);
    if (header) word = LEVEL_WORD.exec(rest.slice(header[0].length))?.[1];
  }
  if (word) entry.level = levelOf(word);
  return entry;
}

const LEVEL_WORD = /^\s*[[(<]?(trace|debug|info|warn|warning|error|fatal)[\])>:]?(?![\w-])/i;

// A `<PRI>`'s low three bits are the severity (lib/message-head.js reads the `<PRI>` and the syslog headers).
const SEVERITY: readonly Level[] = ["fatal", "fatal", "fatal", "error", "warn", "info", "info", "debug"];
