// Splits a log message into the tokens the pattern miner compares, each variable part already written `<*>`:
// one pass over the characters, no regular expressions, and a bounded amount of work however long the line.

/** The Loghub/Drain mark of a variable part. */
export const WILDCARD = "<*>";

/** Only this many characters of a message are read; the rest is one trailing `<*>`. */
export const MAX_CHARS = 1024;
/** Only this many tokens are kept; the rest is one trailing `<*>`. */
export const MAX_TOKENS = 48;
/** A longer token (a hash, base64, a blob) is taken for a variable. */
export const MAX_TOKEN_CHARS = 120;

/** @param {number} c */
const isDigit = (c) => c >= 48 && c <= 57;
/** @param {number} c */
const isWordChar = (c) => isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c >= 128;
/** Characters that join numbers into one value: 10.0.0.1, 12:30:01, 1,024, 2024-01-02, 3_000. @param {number} c */
const isNumberJoin = (c) => c === 46 || c === 58 || c === 44 || c === 45 || c === 95 || c === 47 || c === 43;

/**
 * One whitespace-free token with its variable parts masked: every word holding a digit (numbers, ids, hex,
 * IPs, versions, sizes, durations) and the value of `key=value` become `<*>`, and numbers joined by
 * punctuation collapse to one `<*>`, so `10.0.0.1:80` and `3.5` both read `<*>`.
 * @param {string} token
 * @returns {string}
 */
export function maskToken(token) {
  const n = token.length;
  if (n > MAX_TOKEN_CHARS) return WILDCARD;
  let out = "";
  let i = 0;
  let lastWild = false;
  while (i < n) {
    const c = token.charCodeAt(i);
    if (c < 32 || c === 127) return WILDCARD;
    if (!isWordChar(c)) {
      // A join character between two variable words is swallowed by the <*> that follows.
      if (lastWild && isNumberJoin(c) && i + 1 < n && startsVariableWord(token, i + 1)) {
        i++;
        continue;
      }
      out += token[i];
      lastWild = false;
      i++;
      continue;
    }
    let end = i;
    let digit = false;
    while (end < n && isWordChar(token.charCodeAt(end))) {
      if (isDigit(token.charCodeAt(end))) digit = true;
      end++;
    }
    if (digit) {
      if (!lastWild) {
        // A sign before a number belongs to it: blk_-42 and blk_42 read the same.
        if (out.endsWith("-") || out.endsWith("+")) out = out.slice(0, -1);
        out += WILDCARD;
      }
      lastWild = true;
    } else {
      out += token.slice(i, end);
      lastWild = false;
    }
    i = end;
  }
  return out;
}

/** @param {string} token @param {number} at */
function startsVariableWord(token, at) {
  for (let j = at; j < token.length; j++) {
    const c = token.charCodeAt(j);
    if (isDigit(c)) return true;
    if (!isWordChar(c)) return false;
  }
  return false;
}

/**
 * The masked tokens of a message, split on whitespace and control characters. A message cut at MAX_CHARS
 * or MAX_TOKENS ends with one `<*>` standing for the rest (a token cut in the middle is dropped into it).
 * @param {string} message
 * @returns {string[]}
 */
export function tokenize(message) {
  /** @type {string[]} */
  const tokens = [];
  const n = Math.min(message.length, MAX_CHARS);
  let start = -1;
  for (let i = 0; i < n; i++) {
    if (message.charCodeAt(i) <= 32) {
      if (start !== -1) {
        tokens.push(maskToken(message.slice(start, i)));
        start = -1;
        if (tokens.length === MAX_TOKENS - 1) return restIfAny(tokens, message, i);
      }
    } else if (start === -1) start = i;
  }
  if (start !== -1) {
    if (n < message.length) tokens.push(WILDCARD);
    else tokens.push(maskToken(message.slice(start, n)));
  } else if (n < message.length) tokens.push(WILDCARD);
  return tokens;
}

/** @param {string[]} tokens @param {string} message @param {number} from */
function restIfAny(tokens, message, from) {
  for (let i = from; i < message.length; i++) {
    if (message.charCodeAt(i) > 32) {
      tokens.push(WILDCARD);
      break;
    }
  }
  return tokens;
}
