// Plain-text bodies to drafts: one entry per line, its own leading time and level word read when present.
import { stripAnsi } from "../../lib/ansi.js";
import { type Level, levelOf } from "../../lib/levels.js";
import { MAX_TIME } from "../../lib/time.js";
import type { EntryDraft } from "../stream/stored";
import { isSaneTime } from "./normalise";

/** Every non-empty line is one entry; its own leading timestamp and level word, when it has them, are read. */
export function parseText(body: string, now: number): EntryDraft[] {
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
 */
export function textEntry(message: string, now: number): EntryDraft {
  let rest = stripAnsi(message);
  let severity: Level | null = null;
  // One comparison for the lines that do not start with `<`, nearly all of them.
  const pri = rest.charCodeAt(0) === 60 ? PRI.exec(rest) : null;
  if (pri && Number(pri[1]) <= 191) {
    severity = SEVERITY[Number(pri[1]) % 8] ?? null;
    rest = rest.slice(pri[0].length);
  }
  const stamp = leadingTime(rest, now);
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

// syslog's `<PRI>` (RFC 3164), with RFC 5424's version `1 ` after it; PRI's low three bits are the severity.
const PRI = /^<(\d{1,3})>(1 )?/;
const SEVERITY: readonly Level[] = ["fatal", "fatal", "fatal", "error", "warn", "info", "info", "debug"];
// What syslog puts between the time and the message: `host prog[pid]: ` (RFC 3164, and rsyslog's files).
const SYSLOG_TAG = /^\s+[^\s:]+\s+[^\s:[\]]{1,64}(?:\[\d+\])?:\s/;
// RFC 5424: ` HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA `, the data `-` or one or more `[id k="v"]`.
const RFC5424_HEADER = /^ \S+ \S+ \S+ \S+ (?:-|(?:\[(?:[^\]"]|"(?:[^"\\]|\\.)*")*\])+)(?: |$)/;

const MONTHS: Record<string, number> = {
  jan: 0,
  feb: 1,
  mar: 2,
  apr: 3,
  may: 4,
  jun: 5,
  jul: 6,
  aug: 7,
  sep: 8,
  oct: 9,
  nov: 10,
  dec: 11,
};

// ISO 8601 / RFC 3339, and `YYYY-MM-DD HH:MM:SS[.fff]` (dpkg, Python's logging), optionally in brackets.
const ISO = /^\[?(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?\s?(Z|[+-]\d{2}(?::?\d{2})?)?\]?/i;
// syslog (RFC 3164): `Nov  5 08:12:01`, no year.
const SYSLOG = /^([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?/;
// Common and combined log format: `host ident user [10/Oct/2000:13:55:36 -0700]`.
const CLF = /^(?:\S+ \S+ \S+ )?\[(\d{2})\/([A-Z][a-z]{2})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})\]/;

/**
 * The time a line starts with, and how many characters it took; null when it starts with none (the caller
 * judges whether the time is plausible). Times without a zone are read as UTC; a syslog time (no year) is placed in the year that puts it nearest `now`.
 */
export function leadingTime(line: string, now: number): { time: number; length: number } | null {
  const first = line.charCodeAt(0);
  // Most lines start with neither a digit, a bracket nor a capital: one comparison and out.
  if (!((first >= 48 && first <= 57) || first === 91 || (first >= 65 && first <= 90))) return null;
  let match = ISO.exec(line);
  if (match) {
    const [, y, mo, d, h, mi, s, frac, zone] = match;
    const time = utc(+(y as string), +(mo as string) - 1, +(d as string), h, mi, s, frac) - zoneOffset(zone);
    return sane(time, match[0].length);
  }
  match = SYSLOG.exec(line);
  if (match) {
    const [, mon, d, h, mi, s, frac] = match;
    const month = MONTHS[(mon as string).toLowerCase()];
    if (month === undefined) return null;
    const year = new Date(now).getUTCFullYear();
    let time = utc(year, month, +(d as string), h, mi, s, frac);
    // A December line read in January belongs to last year.
    if (time - now > 31 * 86_400_000) time = utc(year - 1, month, +(d as string), h, mi, s, frac);
    return sane(time, match[0].length);
  }
  match = CLF.exec(line);
  if (match) {
    const [, d, mon, y, h, mi, s, sign, zh, zm] = match;
    const month = MONTHS[(mon as string).toLowerCase()];
    if (month === undefined) return null;
    const offset = (sign === "-" ? -1 : 1) * (+(zh as string) * 60 + +(zm as string)) * 60_000;
    return sane(utc(+(y as string), month, +(d as string), h, mi, s, undefined) - offset, match[0].length);
  }
  return null;
}

function utc(
  year: number,
  month: number,
  day: number,
  h: string | undefined,
  mi: string | undefined,
  s: string | undefined,
  frac: string | undefined,
): number {
  const ms = frac === undefined ? 0 : Math.floor(Number(`0.${frac}`) * 1000);
  const date = new Date(Date.UTC(year, month, day, Number(h), Number(mi), Number(s), ms));
  // Date.UTC reads years 0–99 as 1900–1999: the year is set again as written.
  if (year < 100) date.setUTCFullYear(year);
  // Date.UTC rolls 2024-02-31 over to March: such a date is not a timestamp.
  return date.getUTCDate() === day ? date.getTime() : Number.NaN;
}

function zoneOffset(zone: string | undefined): number {
  if (zone === undefined || zone.toUpperCase() === "Z") return 0;
  const digits = zone.replace(":", "");
  const minutes = Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5) || "0");
  return (zone.startsWith("-") ? -1 : 1) * minutes * 60_000;
}

function sane(time: number, length: number): { time: number; length: number } | null {
  return Number.isFinite(time) && Math.abs(time) <= MAX_TIME ? { time, length } : null;
}
