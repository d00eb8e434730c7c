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
  if (isDottedValue(token) || token.includes("://")) return wrapped(token);
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
        // A sign or bound before a number belongs to it: blk_-42 and blk_42, <1 and 1 read the same.
        const last = out.charCodeAt(out.length - 1);
        if (last === 45 || last === 43 || last === 60 || last === 62 || last === 126) out = out.slice(0, -1);
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

/**
 * A host, file or path with a number in it (`host-12.example.net`, `/var/log/app.1`) is one value.
 * @param {string} token
 */
function isDottedValue(token) {
  let digit = false;
  let dot = false;
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (isDigit(c)) digit = true;
    else if ((c === 46 || c === 47) && i > 0 && isWordChar(token.charCodeAt(i - 1))) dot = true;
    else if (c === 61 || c < 32 || c === 127) return false;
  }
  return digit && dot;
}

/** `<*>` inside the brackets and before the punctuation that surround the token. @param {string} token */
function wrapped(token) {
  let start = 0;
  let end = token.length;
  while (start < end && OPENING.includes(token.charAt(start))) start++;
  while (end > start && CLOSING.includes(token.charAt(end - 1))) end--;
  return `${token.slice(0, start)}${WILDCARD}${token.slice(end)}`;
}
const OPENING = "([{<'\"";
const CLOSING = ")]}>'\",;:.";

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
  let digit = false;
  for (let i = 0; i < n; i++) {
    const c = message.charCodeAt(i);
    if (c <= 32) {
      if (start !== -1) {
        pushToken(tokens, word(message, start, i, digit));
        start = -1;
        if (tokens.length === MAX_TOKENS - 1) return restIfAny(tokens, message, i, n);
      }
    } else {
      if (start === -1) {
        start = i;
        digit = false;
      }
      if (c >= 48 && c <= 57) digit = true;
    }
  }
  if (start !== -1 && n === message.length) pushToken(tokens, word(message, start, n, digit));
  else if (n < message.length) pushRest(tokens);
  return tokens;
}

/**
 * A 53-bit hash of what decides tokenize's result for a message of at most MAX_CHARS: its tokens with each run
 * of digits read as one digit, and whether each token is longer than MAX_TOKEN_CHARS. One pass, no strings:
 * the cache key of the fast path. Two messages with different results share a hash with a chance of 2^-53.
 * @param {string} message
 * @returns {number}
 */
export function shapeHash(message) {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  let length = 0;
  let digits = false;
  for (let i = 0; i <= message.length; i++) {
    let c = i < message.length ? message.charCodeAt(i) : 32;
    if (c <= 32) {
      if (length === 0) continue;
      c = length > MAX_TOKEN_CHARS ? 1 : 32;
      length = 0;
      digits = false;
    } else {
      length++;
      const digit = c >= 48 && c <= 57;
      if (digit && digits) continue;
      digits = digit;
      if (digit) c = 48;
    }
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  return (mix(a) >>> 0) * 0x200000 + (mix(b) >>> 11);
}

/** Murmur3's finaliser: every input bit moves every output bit. @param {number} h */
function mix(h) {
  let x = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return x ^ (x >>> 16);
}

/** Names that make a date or time inside a message, hence variable. */
const CALENDAR = new Set(
  "Mon Tue Wed Thu Fri Sat Sun Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec AM PM".split(" "),
);
/** Units that, after a number, are part of the value: sizes and durations. */
const UNITS = new Set(
  "b kb mb gb tb kib mib gib tib byte bytes ns us µs ms s sec secs second seconds min mins minute minutes h hr hrs hour hours day days %".split(
    " ",
  ),
);

/**
 * The masked token at message[start, end): most tokens hold no digit and are taken as they are, unless they
 * name a weekday or month (part of a date), are a URL or an e-mail address, or are too long to be a word.
 * @param {string} message @param {number} start @param {number} end @param {boolean} digit
 */
function word(message, start, end, digit) {
  const token = message.slice(start, end);
  if (digit) return maskToken(token);
  const length = end - start;
  if (length === 3) return CALENDAR.has(token) ? WILDCARD : token;
  if (length > MAX_TOKEN_CHARS) return WILDCARD;
  return length > 5 && (token.includes("://") || isEmail(token) || isPath(token)) ? wrapped(token) : token;
}

/** @param {string} token */
function isPath(token) {
  let start = 0;
  while (start < token.length && OPENING.includes(token.charAt(start))) start++;
  const c = token.charCodeAt(start);
  const root = c === 47 || c === 126 || (token.charCodeAt(start + 1) === 58 && token.charCodeAt(start + 2) === 92);
  if (!root) return false;
  let separators = 0;
  for (let i = start; i < token.length; i++) if (token.charCodeAt(i) === 47 || token.charCodeAt(i) === 92) separators++;
  return separators >= 2;
}

/** @param {string} token */
function isEmail(token) {
  const at = token.indexOf("@");
  return at > 0 && token.indexOf(".", at + 2) !== -1;
}

/**
 * Joins a value's unit to it (`5 ms`, `(1.2 KB)`), and drops a bracketed value that only restates the one
 * before it (`1024 (1 KB)`), so a value written in one or two tokens reads the same.
 * @param {string[]} tokens the masked tokens so far, the previous one last
 * @param {string} token the next masked token
 */
function pushToken(tokens, token) {
  const previous = tokens[tokens.length - 1];
  if (previous?.endsWith(WILDCARD)) {
    let end = token.length;
    while (end > 0 && isClosing(token.charCodeAt(end - 1))) end--;
    if (end > 0 && UNITS.has(token.slice(0, end).toLowerCase())) {
      tokens.pop();
      pushToken(tokens, previous + token.slice(end));
      return;
    }
  }
  if (previous !== undefined && (token === "(<*>)" || token === "[<*>]" || token === "()" || token === "[]")) {
    if (!previous.endsWith(WILDCARD)) tokens[tokens.length - 1] = WILDCARD;
    return;
  }
  // A run of like values is one list, however long: `delete blk_1 blk_2 blk_3` reads `delete blk_<*>`.
  if (token !== previous || !token.includes(WILDCARD)) tokens.push(token);
}

/** @param {number} c */
const isClosing = (c) => c === 41 || c === 93 || c === 44 || c === 59 || c === 46;

/**
 * Ends the tokens with `<*>` when the message goes on: past `n`, or with more than whitespace before it.
 * @param {string[]} tokens @param {string} message @param {number} from @param {number} n
 */
function restIfAny(tokens, message, from, n) {
  let more = n < message.length;
  for (let i = from; i < n && !more; i++) more = message.charCodeAt(i) > 32;
  if (more) pushRest(tokens);
  return tokens;
}

/**
 * The `<*>` for the part of a message not read, unless a value ends the tokens: its `<*>` covers the rest too
 * (`delete blk_1 blk_2 …` cut anywhere reads `delete blk_<*>`).
 * @param {string[]} tokens
 */
function pushRest(tokens) {
  if (!tokens[tokens.length - 1]?.endsWith(WILDCARD)) tokens.push(WILDCARD);
}

/**
 * Whether a message fits a template: the message's whitespace runs read as one space, and each `<*>` stands
 * for any run of characters, spaces included (a trailing `<*>` covers what a cut message left out).
 * @param {string} template
 * @param {string} message
 */
export function matchesTemplate(template, message) {
  const text = spaced(message);
  const parts = template.split(WILDCARD);
  const first = parts[0] ?? "";
  if (parts.length === 1) return text === first;
  const last = parts[parts.length - 1] ?? "";
  if (!text.startsWith(first) || text.length < first.length + last.length || !text.endsWith(last)) return false;
  // Each middle part at its leftmost place after the previous one: leftmost is never worse for what follows.
  let at = first.length;
  const end = text.length - last.length;
  for (let i = 1; i < parts.length - 1; i++) {
    const part = parts[i] ?? "";
    const found = text.indexOf(part, at);
    if (found === -1 || found + part.length > end) return false;
    at = found + part.length;
  }
  return true;
}

/** The message's tokens joined by single spaces, as tokenize splits them. @param {string} message */
function spaced(message) {
  let text = "";
  let start = -1;
  for (let i = 0; i <= message.length; i++) {
    const c = i < message.length ? message.charCodeAt(i) : 32;
    if (c > 32) {
      if (start === -1) start = i;
    } else if (start !== -1) {
      text += (text === "" ? "" : " ") + message.slice(start, i);
      start = -1;
    }
  }
  return text;
}
