// The query language's syntax: a recursive-descent parser from text to a tree, with positions in its errors.
import { LEVELS, levelOf, levelRank } from "../levels.js";
import { endsBare, isSpace, Scanner } from "./scanner.js";

/** @typedef {import("re2js").RE2JS} RE2JS */

/** Parentheses nested deeper than this are refused. */
export const MAX_QUERY_DEPTH = 32;

/** Field names that mean a property of the entry rather than a key of `entry.fields`. */
export const RESERVED = new Set(["message", "level", "id", "stream", "pattern"]);
export const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * @typedef {{ kind: "and" | "or", children: Node[] }} GroupNode
 * @typedef {{ kind: "not", child: Node }} NotNode
 * @typedef {{ kind: "text", value: string }} TextNode value lower-cased
 * @typedef {{ kind: "regex", source: string, flags: string, re: RE2JS }} RegexNode
 * @typedef {"exists" | "eq" | "glob" | ">" | ">=" | "<" | "<="} FieldOp
 * @typedef {{ kind: "field", path: string[], op: FieldOp, parts: string[], num: number, rank: number }} FieldNode
 *   parts: the value lower-cased, split at its wildcards (one part without); num: the value as a number,
 *   NaN when it is none; rank: for `level`, the level's rank (-1 otherwise)
 * @typedef {GroupNode | NotNode | TextNode | RegexNode | FieldNode} Node
 */

/** The grammar: OR of ANDs of (negated) terms, groups, quoted text, regular expressions and field terms. */
export class Parser extends Scanner {
  /** @returns {Node | null} null for an empty query */
  parseQuery() {
    this.skipSpace();
    if (this.pos >= this.src.length) return null;
    const node = this.parseOr("expected a term");
    this.skipSpace();
    if (this.pos < this.src.length) this.fail(this.pos, 'unexpected ")": there is no "(" to close');
    return node;
  }

  /** @param {string} missing the message when no term follows @returns {Node} */
  parseOr(missing) {
    const children = [this.parseAnd(missing)];
    for (;;) {
      this.skipSpace();
      if (!this.atKeyword("OR")) break;
      this.pos += 2;
      children.push(this.parseAnd('expected a term after "OR"'));
    }
    return group("or", children);
  }

  /** @param {string} missing @returns {Node} */
  parseAnd(missing) {
    /** @type {Node[]} */
    const children = [];
    for (;;) {
      this.skipSpace();
      const c = this.src[this.pos];
      if (c === undefined || c === ")") break;
      if (this.atKeyword("OR")) {
        if (children.length === 0) this.fail(this.pos, 'expected a term before "OR"');
        break;
      }
      if (this.atKeyword("AND")) {
        if (children.length === 0) this.fail(this.pos, 'expected a term before "AND"');
        this.pos += 3;
        this.skipSpace();
        const next = this.src[this.pos];
        if (next === undefined || next === ")" || this.atKeyword("OR") || this.atKeyword("AND")) {
          this.fail(this.pos, 'expected a term after "AND"');
        }
        continue;
      }
      children.push(this.parseUnary());
    }
    if (children.length === 0) this.fail(this.pos, missing);
    return group("and", children);
  }

  /** @returns {Node} */
  parseUnary() {
    if (this.src[this.pos] !== "-") return this.parsePrimary();
    this.pos++;
    const c = this.src[this.pos];
    if (c === undefined || c === ")" || isSpace(c)) this.fail(this.pos, 'expected a term right after "-"');
    return { kind: "not", child: this.parsePrimary() };
  }

  /** @returns {Node} */
  parsePrimary() {
    const c = this.src[this.pos];
    if (c === "(") return this.parseGroup();
    if (c === '"') {
      const start = this.pos;
      const parts = this.parseQuoted();
      const value = parts.join("*");
      if (value === "") this.fail(start, 'expected text between the quotes of ""');
      return { kind: "text", value: value.toLowerCase() };
    }
    if (c === "/") return this.parseRegex();
    return this.parseBare();
  }

  /** @returns {Node} */
  parseGroup() {
    const open = this.pos;
    if (++this.depth > MAX_QUERY_DEPTH) {
      this.fail(open, `parentheses are nested too deeply: more than ${MAX_QUERY_DEPTH} levels`);
    }
    this.pos++;
    const node = this.parseOr('expected a term after "("');
    this.skipSpace();
    if (this.src[this.pos] !== ")") this.fail(this.pos, `expected ")" to close the "(" at ${open}`);
    this.pos++;
    this.depth--;
    return node;
  }

  /** A word, or a field term when the word starts with `path:`. @returns {Node} */
  parseBare() {
    const { src } = this;
    const start = this.pos;
    /** @type {string[]} */
    const path = [];
    let segment = "";
    let i = start;
    let colon = -1;
    while (!endsBare(src[i])) {
      const c = /** @type {string} */ (src[i]);
      if (c === "\\" && i + 1 < src.length) {
        segment += src[i + 1];
        i += 2;
        continue;
      }
      if (c === ":") {
        colon = i;
        break;
      }
      if (c === ".") {
        path.push(segment);
        segment = "";
      } else {
        segment += c;
      }
      i++;
    }
    path.push(segment);
    const isPath = colon > start && !/[0-9]/.test(src[start] ?? "") && path.every((s) => s !== "");
    if (!isPath) {
      this.pos = start;
      const word = this.readBare().join("*");
      return { kind: "text", value: word.toLowerCase() };
    }
    this.pos = colon + 1;
    return this.parseValue(path, start);
  }

  /** @param {string[]} path @param {number} start where the term starts @returns {FieldNode} */
  parseValue(path, start) {
    const { src } = this;
    const name = path.length === 1 ? path[0] : undefined;
    const isLevel = name === "level";
    const c = src[this.pos];
    if (c === undefined || c === "(" || c === ")" || isSpace(c)) {
      this.fail(this.pos, `expected a value after ${JSON.stringify(src.slice(start, this.pos))}`);
    }
    if (c === ">" || c === "<") {
      const op = /** @type {FieldOp} */ (src[this.pos + 1] === "=" ? `${c}=` : c);
      this.pos += op.length;
      const at = this.pos;
      const value = endsBare(src[at]) ? "" : this.readBare().join("*");
      const after = JSON.stringify(src.slice(start, at));
      if (isLevel) {
        const rank = value === "" ? -1 : levelRank(toLevel(value));
        if (rank < 0) this.fail(at, `expected a level after ${after}: one of ${LEVELS.join(", ")}`);
        return { kind: "field", path, op, parts: [], num: Number.NaN, rank };
      }
      if (!NUMBER.test(value)) this.fail(at, `expected a number after ${after}`);
      return { kind: "field", path, op, parts: [], num: Number(value), rank: -1 };
    }
    const at = this.pos;
    const parts = c === '"' ? this.parseQuoted() : this.readBare();
    if (parts.length > 1 && parts.every((p) => p === "")) {
      return { kind: "field", path, op: "exists", parts: [], num: Number.NaN, rank: -1 };
    }
    if (parts.length > 1) {
      return { kind: "field", path, op: "glob", parts: parts.map((p) => p.toLowerCase()), num: Number.NaN, rank: -1 };
    }
    const value = parts[0] ?? "";
    if (isLevel) {
      const level = toLevel(value);
      if (level === null) {
        this.fail(at, `unknown level ${JSON.stringify(value)}: expected one of ${LEVELS.join(", ")}`);
      }
      return { kind: "field", path, op: "eq", parts: [level], num: Number.NaN, rank: levelRank(level) };
    }
    const num = NUMBER.test(value) ? Number(value) : Number.NaN;
    return { kind: "field", path, op: "eq", parts: [value.toLowerCase()], num, rank: -1 };
  }
}

/** A level name, alias or pino number as written in a query. @param {string} value */
function toLevel(value) {
  return levelOf(NUMBER.test(value) ? Number(value) : value);
}

/** @param {"and" | "or"} kind @param {Node[]} children @returns {Node} */
function group(kind, children) {
  if (children.length === 1) return /** @type {Node} */ (children[0]);
  /** @type {Node[]} */
  const flat = [];
  for (const child of children) {
    if (child.kind === kind) flat.push(...child.children);
    else flat.push(child);
  }
  return { kind, children: flat };
}
