// Times: epoch milliseconds everywhere, converted once from what shippers send.

/** Latest and earliest time an entry may carry: ±100,000,000 days, what Date can represent. */
export const MAX_TIME = 8.64e15;

/**
 * Epoch nanoseconds (OTLP, Loki; a decimal string or a number) to milliseconds; null when unset (0), negative,
 * malformed or out of Date's range.
 * @param {unknown} nanos
 * @returns {number | null}
 */
export function nanosToMillis(nanos) {
  let ms;
  if (typeof nanos === "string") {
    if (!/^\d{1,30}$/.test(nanos)) return null;
    ms = Number(BigInt(nanos) / 1_000_000n);
  } else if (typeof nanos === "number" && Number.isFinite(nanos)) ms = Math.round(nanos / 1e6);
  else if (typeof nanos === "bigint") ms = Number(nanos / 1_000_000n);
  else return null;
  return ms > 0 && ms <= MAX_TIME ? ms : null;
}

/** @param {number} n @param {number} [width] */
const pad = (n, width = 2) => String(n).padStart(width, "0");

/**
 * Local wall-clock time with milliseconds, the precision engineers read logs at; "??:??:??.???" for a time
 * Date cannot show, so one odd entry never breaks a view.
 * @param {number} ms
 */
export function formatTime(ms) {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return "??:??:??.???";
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/**
 * ISO 8601 in UTC, or null for a time Date cannot show.
 * @param {number} ms
 */
export function isoTime(ms) {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** @type {Record<string, number>} */
const MONTHS = {
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
 * judges whether the time is plausible). Times without a zone are read as UTC; a syslog time (no year) is
 * placed in the year that puts it nearest `now`.
 * @param {string} line
 * @param {number} now
 * @returns {{ time: number; length: number } | null}
 */
export function leadingTime(line, now) {
  const first = line.charCodeAt(0);
  // Most lines start with neither a digit, a bracket nor a capital: one comparison and out.
  if (!((first >= 48 && first <= 57) || first === 91 || (first >= 65 && first <= 90))) return null;
  let match = ISO.exec(line);
  if (match) {
    const [, y, mo, d, h, mi, s, frac, zone] = match;
    const time = utc(Number(y), Number(mo) - 1, Number(d), h, mi, s, frac) - zoneOffset(zone);
    return sane(time, match[0].length);
  }
  match = SYSLOG.exec(line);
  if (match) {
    const [, mon, d, h, mi, s, frac] = match;
    const month = MONTHS[/** @type {string} */ (mon).toLowerCase()];
    if (month === undefined) return null;
    const year = new Date(now).getUTCFullYear();
    let time = utc(year, month, Number(d), h, mi, s, frac);
    // A December line read in January belongs to last year.
    if (time - now > 31 * 86_400_000) time = utc(year - 1, month, Number(d), h, mi, s, frac);
    return sane(time, match[0].length);
  }
  match = CLF.exec(line);
  if (match) {
    const [, d, mon, y, h, mi, s, sign, zh, zm] = match;
    const month = MONTHS[/** @type {string} */ (mon).toLowerCase()];
    if (month === undefined) return null;
    const offset = (sign === "-" ? -1 : 1) * (Number(zh) * 60 + Number(zm)) * 60_000;
    return sane(utc(Number(y), month, Number(d), h, mi, s, undefined) - offset, match[0].length);
  }
  return null;
}

/**
 * @param {number} year @param {number} month @param {number} day
 * @param {string | undefined} h @param {string | undefined} mi @param {string | undefined} s
 * @param {string | undefined} frac
 * @returns {number}
 */
function utc(year, month, day, h, mi, s, frac) {
  const ms = frac === undefined ? 0 : Math.floor(Number(`0.${frac}`) * 1000);
  const date = new Date(Date.UTC(year, month, day, Number(h), Number(mi), Number(s), ms));
  // Date.UTC reads years 0–99 as 1900–1999: the year is set again as written.
  if (year < 100) date.setUTCFullYear(year);
  // Date.UTC rolls 2024-02-31 over to March: such a date is not a timestamp.
  return date.getUTCDate() === day ? date.getTime() : Number.NaN;
}

/** @param {string | undefined} zone */
function zoneOffset(zone) {
  if (zone === undefined || zone.toUpperCase() === "Z") return 0;
  const digits = zone.replace(":", "");
  const minutes = Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5) || "0");
  return (zone.startsWith("-") ? -1 : 1) * minutes * 60_000;
}

/** @param {number} time @param {number} length */
function sane(time, length) {
  return Number.isFinite(time) && Math.abs(time) <= MAX_TIME ? { time, length } : null;
}
