// The query language's lexical layer: a cursor over the text that reads quoted strings, bare words and regular
// expression literals, and fails with the position of what is wrong.
import { RE2JS } from "re2js";

/** @typedef {import("./syntax.js").RegexNode} RegexNode */

export class Failure {
  /** @param {number} position @param {string} message */
  constructor(position, message) {
    this.position = position;
    this.message = message;
  }
}

/** @param {string | undefined} c */
export function isSpace(c) {
  return c !== undefined && /\s/.test(c);
}

/** A character that ends a bare word or value. @param {string | undefined} c */
export function endsBare(c) {
  return c === undefined || c === "(" || c === ")" || c === '"' || /\s/.test(c);
}

/** A cursor over a query's text; the grammar (syntax.js) builds on it. */
export class Scanner {
  /** @param {string} src */
  constructor(src) {
    this.src = src;
    this.pos = 0;
    this.depth = 0;
  }

  /** @param {number} position @param {string} message @returns {never} */
  fail(position, message) {
    throw new Failure(position, message);
  }

  skipSpace() {
    while (isSpace(this.src[this.pos])) this.pos++;
  }

  /** Whether an upper-case keyword stands at the current position as a token of its own. @param {string} word */
  atKeyword(word) {
    if (!this.src.startsWith(word, this.pos)) return false;
    return endsBare(this.src[this.pos + word.length]);
  }

  /**
   * A quoted string at the current position, split at its unescaped `*`. `\"`, `\\` and `\*` are escapes;
   * any other backslash is itself.
   * @returns {string[]}
   */
  parseQuoted() {
    const open = this.pos;
    const escaped = (/** @type {string | undefined} */ c) => c === '"' || c === "\\" || c === "*";
    const { parts, end } = splitAtStars(this.src, open + 1, (c) => c === undefined || c === '"', escaped);
    if (this.src[end] === undefined) this.fail(this.src.length, `expected '"' to close the quote at ${open}`);
    this.pos = end + 1;
    return parts;
  }

  /** @returns {RegexNode} */
  parseRegex() {
    const { src } = this;
    const open = this.pos;
    let i = open + 1;
    while (i < src.length && src[i] !== "/") i += src[i] === "\\" ? 2 : 1;
    if (i >= src.length) this.fail(src.length, `expected "/" to close the regular expression at ${open}`);
    const source = src.slice(open + 1, i);
    if (source === "") this.fail(open + 1, "expected a regular expression between the slashes");
    i++;
    let flagBits = 0;
    /** @type {Set<string>} */
    const flags = new Set();
    while (!endsBare(src[i])) {
      const flag = /** @type {string} */ (src[i]);
      const bit =
        flag === "i" ? RE2JS.CASE_INSENSITIVE : flag === "m" ? RE2JS.MULTILINE : flag === "s" ? RE2JS.DOTALL : 0;
      if (bit === 0) this.fail(i, `unknown regular expression flag ${JSON.stringify(flag)}: expected i, m or s`);
      flagBits |= bit;
      flags.add(flag);
      i++;
    }
    /** @type {RE2JS} */
    let re;
    try {
      re = RE2JS.compile(source, flagBits);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.fail(open + 1, `invalid regular expression: ${reason}`);
    }
    this.pos = i;
    return { kind: "regex", source, flags: ["i", "m", "s"].filter((f) => flags.has(f)).join(""), re };
  }

  /**
   * A bare run of characters up to the end of the token, backslash escaping any character; split at
   * unescaped `*`.
   * @returns {string[]}
   */
  readBare() {
    const { parts, end } = splitAtStars(this.src, this.pos, endsBare, (c) => c !== undefined);
    this.pos = end;
    return parts;
  }
}

/**
 * The text from `i` up to where `stops` says, split at unescaped `*`; a backslash escapes the character after
 * it when `escaped` takes that character (and is itself otherwise).
 * @param {string} src @param {number} i
 * @param {(c: string | undefined) => boolean} stops @param {(c: string | undefined) => boolean} escaped
 * @returns {{ parts: string[], end: number }}
 */
function splitAtStars(src, i, stops, escaped) {
  /** @type {string[]} */
  const parts = [];
  let current = "";
  while (!stops(src[i])) {
    const c = /** @type {string} */ (src[i]);
    if (c === "\\" && escaped(src[i + 1])) {
      current += src[i + 1];
      i += 2;
      continue;
    }
    if (c === "*") {
      parts.push(current);
      current = "";
    } else {
      current += c;
    }
    i++;
  }
  parts.push(current);
  return { parts, end: i };
}
