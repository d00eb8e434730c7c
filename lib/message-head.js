// The head of a log line: a syslog `<PRI>`, a leading timestamp and a syslog header, then perhaps the line's own
// level word. One rule for the Worker (which reads a text line's time and level from it), the page (which
// colours that word and dims that timestamp) and the copied or printed line (which then prints the level once).
import { levelOf } from "./levels.js";
import { leadingTime } from "./time.js";

// syslog's `<PRI>` (RFC 3164), with RFC 5424's version `1 ` after it; PRI's low three bits are the severity.
export const PRI = /^<(\d{1,3})>(1 )?/;
// What syslog puts between the time and the message: `host prog[pid]: ` (RFC 3164, and rsyslog's files).
export const SYSLOG_TAG = /^\s+[^\s:]+\s+[^\s:[\]]{1,64}(?:\[\d+\])?:\s/;
// RFC 5424: ` HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA `, the data `-` or one or more `[id k="v"]`.
export const RFC5424_HEADER = /^ \S+ \S+ \S+ \S+ (?:-|(?:\[(?:[^\]"]|"(?:[^"\\]|\\.)*")*\])+)(?: |$)/;

// A word that is a time or a date the server does not read (`08:12:01.5`, `2026/12/07`): a head may start with two.
const TIME_WORD = /^\s*\[?\d+[-/:.]\d+[\d:./,+TZ-]*\]?(?=\s)/;
// A level word as a line writes one: `INFO`, `[warn]`, `(error)`, `<debug>`, `ERROR:`, `warning|`, `crit:`
// (not every alias of lib/levels.js: "information …" starts a sentence).
const WORD =
  /^\s*[[(<]?(trace|debug|dbug|verbose|info|notice|warning|warn|error|err|critical|crit|alert|emerg|fatal|panic)[\])>:|]?(?![\w-])/i;
/** A head is looked for in this many characters of a message at most. */
const HEAD_CHARS = 200;

/**
 * Where a message's timestamp is when it starts with one (behind a `<PRI>`), as the Worker reads it; null when
 * it starts with none.
 * @param {string} plain the message without colour codes
 * @param {number} now
 * @returns {{ start: number; end: number; time: number } | null}
 */
export function leadingStamp(plain, now) {
  const start = plain.charCodeAt(0) === 60 ? (PRI.exec(plain)?.[0].length ?? 0) : 0;
  const stamp = leadingTime(start === 0 ? plain : plain.slice(start), now);
  if (stamp === null) return null;
  const end = start + plain.slice(start, start + stamp.length).trimEnd().length;
  return { start, end, time: stamp.time };
}

/**
 * Where the message states its level `level` itself: its first word, or the first after a leading timestamp (one
 * the Worker reads, or one or two time words), or after such a timestamp and a syslog header; each also in
 * brackets or with a colon (`[warn]`, `ERROR:`). A level word further on is an ordinary word ("unhandled error
 * …"). Null when the message does not state it there.
 * @param {string} plain the message without colour codes
 * @param {unknown} level
 * @returns {{ start: number; end: number } | null}
 */
export function levelWordAt(plain, level) {
  const wanted = levelOf(level);
  if (wanted === null) return null;
  const text = plain.length > HEAD_CHARS ? plain.slice(0, HEAD_CHARS) : plain;
  const pri = text.charCodeAt(0) === 60 ? PRI.exec(text) : null;
  let at = pri ? pri[0].length : 0;
  const found = word(text, at, wanted);
  if (found !== null) return found;
  const stamp = leadingTime(text.slice(at), 0);
  if (stamp !== null) at += stamp.length;
  else {
    // Up to two time words the Worker does not read as a time (`12:00:01.5 INFO`, `2026/12/07 10:00:00 INFO`).
    for (let n = 0; n < 2; n++) {
      const time = TIME_WORD.exec(text.slice(at));
      if (time === null) break;
      at += time[0].length;
    }
    if (at === (pri ? pri[0].length : 0)) return null;
  }
  const after = word(text, at, wanted);
  if (after !== null) return after;
  const header = (pri?.[2] ? RFC5424_HEADER : SYSLOG_TAG).exec(text.slice(at));
  return header ? word(text, at + header[0].length, wanted) : null;
}

/**
 * The level word at `at`, if it names `wanted`.
 * @param {string} text @param {number} at @param {string} wanted
 */
function word(text, at, wanted) {
  const found = WORD.exec(at === 0 ? text : text.slice(at));
  if (found === null || levelOf(found[1]) !== wanted) return null;
  const name = /** @type {string} */ (found[1]);
  const start = at + found[0].indexOf(name);
  return { start, end: start + name.length };
}
