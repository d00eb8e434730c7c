// The query language of the viewer: one parser and one evaluator for the Worker, the page and the CLI.
//
//   timeout  "connection reset"      free text: case-insensitive substring of the message or of any field value
//   /time(d)? ?out/i                 RE2 regular expression over the message (flags i, m, s)
//   status:503  user.plan:pro        field equals value (case-insensitive; numbers as numbers)
//   route:/api/orders/*  user:"A*"   `*` wildcard over the whole value
//   status:>=500  ms:<10             numeric comparison (the field must hold a number)
//   level:>=warn  level:error        level by severity
//   trace_id:*                       field present
//   -term  a b  a OR b  (a OR b) -c  not, and (implicit or AND), or, grouping
//
// Everything case-insensitive ignores ANSI escapes in the message. Parsing never throws and compiles the
// query once into closures; `match` never throws either.
import { RE2JS } from "re2js";
import { stripAnsi } from "./ansi.js";
import { LEVELS, levelOf, levelRank } from "./levels.js";

/** @typedef {import("./types").LogEntry} LogEntry */
/** @typedef {import("./levels.js").Level} Level */

/**
 * Where and why a query does not parse.
 * @typedef {object} QueryError
 * @property {number} position 0-based index into the query text
 * @property {string} message what was expected, e.g. `expected ")" to close the "(" at 4`
 */

/**
 * A parsed, compiled query.
 * @typedef {object} Query
 * @property {string} text normalised source: queries that mean the same up to spacing, case of
 *   case-insensitive values, level aliases and redundant parentheses have the same text
 * @property {boolean} isEmpty true when the query has no terms and matches everything
 * @property {(entry: LogEntry, stream?: string) => boolean} match
 * @property {(text: string) => Array<[start: number, end: number]>} highlights ranges of `text` (a message
 *   with ANSI escapes stripped) matched by the free-text, phrase and regex terms that are not negated,
 *   sorted and merged
 */

/** Queries longer than this many characters are refused. */
export const MAX_QUERY_LENGTH = 2000;
/** Parentheses nested deeper than this are refused. */
export const MAX_QUERY_DEPTH = 32;
/** Free-text search does not look deeper than this into nested field values. */
const MAX_WALK_DEPTH = 64;
/** Free-text search visits at most this many objects and arrays of one entry's fields. */
const MAX_WALK_NODES = 100_000;
/** `highlights` returns at most this many ranges. */
const MAX_HIGHLIGHTS = 1000;

/** Field names that mean a property of the entry rather than a key of `entry.fields`. */
const RESERVED = new Set(["message", "level", "id", "stream"]);
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

// ---------------------------------------------------------------------------------------------------------
// Syntax tree

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

class Failure {
  /** @param {number} position @param {string} message */
  constructor(position, message) {
    this.position = position;
    this.message = message;
  }
}

/** @param {string | undefined} c */
function isSpace(c) {
  return c !== undefined && /\s/.test(c);
}

/** A character that ends a bare word or value. @param {string | undefined} c */
function endsBare(c) {
  return c === undefined || c === "(" || c === ")" || c === '"' || /\s/.test(c);
}

class Parser {
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

  /**
   * A quoted string at the current position, split at its unescaped `*`. `\"`, `\\` and `\*` are escapes;
   * any other backslash is itself.
   * @returns {string[]}
   */
  parseQuoted() {
    const open = this.pos;
    const { src } = this;
    /** @type {string[]} */
    const parts = [];
    let current = "";
    let i = open + 1;
    for (;;) {
      const c = src[i];
      if (c === undefined) this.fail(src.length, `expected '"' to close the quote at ${open}`);
      if (c === '"') break;
      if (c === "\\") {
        const next = src[i + 1];
        if (next === '"' || next === "\\" || next === "*") {
          current += next;
          i += 2;
          continue;
        }
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
    this.pos = i + 1;
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
    const { src } = this;
    /** @type {string[]} */
    const parts = [];
    let current = "";
    let i = this.pos;
    while (!endsBare(src[i])) {
      const c = /** @type {string} */ (src[i]);
      if (c === "\\" && i + 1 < src.length) {
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
    this.pos = i;
    return parts;
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

// ---------------------------------------------------------------------------------------------------------
// Printing: the normalised text

/** @param {string} text @param {boolean} star whether `*` needs escaping */
function quote(text, star) {
  return `"${text.replace(star ? /["\\*]/g : /["\\]/g, "\\$&")}"`;
}

/** @param {string} word */
function printWord(word) {
  const bare = /^[^\s()"\\:]+$/.test(word) && !/^[-/]/.test(word) && word !== "OR" && word !== "AND";
  return bare ? word : quote(word, false);
}

/** @param {readonly string[]} path */
function printPath(path) {
  return path
    .map((segment, index) => {
      const escaped = segment.replace(/[\s()"\\:.]/g, "\\$&");
      return index === 0 && /^[-/0-9]/.test(escaped) ? `\\${escaped}` : escaped;
    })
    .join(".");
}

/** @param {readonly string[]} parts a value split at its wildcards */
function printValue(parts) {
  const bare = parts.every((p) => /^[^\s()"\\*]*$/.test(p)) && parts.join("*") !== "" && !/^[<>]/.test(parts[0] ?? "");
  if (bare) return parts.join("*");
  return `"${parts.map((p) => p.replace(/["\\*]/g, "\\$&")).join("*")}"`;
}

/** @param {Node} node @param {Node["kind"] | null} parent @returns {string} */
function print(node, parent) {
  switch (node.kind) {
    case "and": {
      const text = node.children.map((c) => print(c, "and")).join(" ");
      return parent === "not" ? `(${text})` : text;
    }
    case "or": {
      const text = node.children.map((c) => print(c, "or")).join(" OR ");
      return parent === "and" || parent === "not" ? `(${text})` : text;
    }
    case "not":
      // `--x` would read as "not the word -x".
      return node.child.kind === "not" ? `-(${print(node.child, null)})` : `-${print(node.child, "not")}`;
    case "text":
      return printWord(node.value);
    case "regex":
      return `/${node.source}/${node.flags}`;
    case "field": {
      const path = `${printPath(node.path)}:`;
      if (node.op === "exists") return `${path}*`;
      if (node.op === "eq" || node.op === "glob") return path + printValue(node.parts);
      return path + node.op + (node.rank >= 0 ? (LEVELS[node.rank] ?? "") : String(node.num));
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Evaluation

/**
 * What one call of `match` computes at most once, shared by the terms.
 * @typedef {{ entry: LogEntry, stream: string | undefined, message: string | undefined, lower: string | undefined }} Context
 * @typedef {(ctx: Context) => boolean} Test
 * @typedef {(value: unknown) => boolean} ValueTest
 */

/** @param {Context} ctx */
function messageOf(ctx) {
  if (ctx.message === undefined) {
    const raw = ctx.entry.message;
    ctx.message = stripAnsi(typeof raw === "string" ? raw : raw == null ? "" : String(raw));
  }
  return ctx.message;
}

/** @param {Context} ctx */
function lowerMessageOf(ctx) {
  if (ctx.lower === undefined) ctx.lower = messageOf(ctx).toLowerCase();
  return ctx.lower;
}

/** Objects and arrays the current free-text walk may still visit. */
let walkBudget = 0;

/**
 * Whether any string, number or boolean inside `value` contains `needle` (lower case), case-insensitively.
 * @param {unknown} value @param {string} needle @param {number} depth
 * @returns {boolean}
 */
function containsText(value, needle, depth) {
  switch (typeof value) {
    case "string":
      return value.toLowerCase().includes(needle);
    case "number":
      // Finite numbers print in lower case already; NaN and Infinity do not come from JSON but may from code.
      return (Number.isFinite(value) ? String(value) : String(value).toLowerCase()).includes(needle);
    case "boolean":
    case "bigint":
      return String(value).includes(needle);
    case "object": {
      if (value === null || depth >= MAX_WALK_DEPTH || --walkBudget < 0) return false;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) if (containsText(value[i], needle, depth + 1)) return true;
        return false;
      }
      const record = /** @type {Record<string, unknown>} */ (value);
      for (const key in record) {
        if (Object.hasOwn(record, key) && containsText(record[key], needle, depth + 1)) return true;
      }
      return false;
    }
    default:
      return false;
  }
}

/** Text of a scalar as equality and wildcards see it; null for objects and undefined. @param {unknown} value */
function scalarText(value) {
  switch (typeof value) {
    case "string":
      return value.toLowerCase();
    case "number":
    case "boolean":
    case "bigint":
      return String(value).toLowerCase();
    default:
      return value === null ? "null" : null;
  }
}

/** Whether `text` (lower case) matches the wildcard pattern as a whole. @param {string} text @param {string[]} parts */
function globMatch(text, parts) {
  const first = parts[0] ?? "";
  const last = parts[parts.length - 1] ?? "";
  if (text.length < first.length + last.length || !text.startsWith(first) || !text.endsWith(last)) return false;
  const end = text.length - last.length;
  let at = first.length;
  for (let i = 1; i < parts.length - 1; i++) {
    const part = /** @type {string} */ (parts[i]);
    const found = text.indexOf(part, at);
    if (found < 0 || found + part.length > end) return false;
    at = found + part.length;
  }
  return true;
}

/** The test a field node applies to one value (arrays are handled by `anyValue`). @param {FieldNode} node @returns {ValueTest} */
function valueTest(node) {
  const { num } = node;
  switch (node.op) {
    case "exists":
      return (v) => v !== undefined;
    case "glob": {
      const { parts } = node;
      return (v) => {
        const text = scalarText(v);
        return text !== null && globMatch(text, parts);
      };
    }
    case "eq": {
      const needle = node.parts[0] ?? "";
      const numeric = !Number.isNaN(num);
      return (v) => {
        if (typeof v === "string") return v.toLowerCase() === needle;
        if (typeof v === "number" && numeric) return v === num;
        return scalarText(v) === needle;
      };
    }
    case ">":
      return (v) => typeof v === "number" && v > num;
    case ">=":
      return (v) => typeof v === "number" && v >= num;
    case "<":
      return (v) => typeof v === "number" && v < num;
    case "<=":
      return (v) => typeof v === "number" && v <= num;
  }
}

/** A value passes when it does, or, being an array, when one of its elements does. @param {unknown} value @param {ValueTest} test @param {number} depth @returns {boolean} */
function anyValue(value, test, depth) {
  if (test(value)) return true;
  if (!Array.isArray(value) || depth >= 8) return false;
  for (let i = 0; i < value.length; i++) if (anyValue(value[i], test, depth + 1)) return true;
  return false;
}

/**
 * For each position in a path, the keys to try there, longest first, with the position each one leads to:
 * `http.route` finds `{"http.route": …}` as well as `{http: {route: …}}`.
 * @typedef {Array<Array<{ key: string, next: number }>>} KeyTable
 * @param {string[]} path @returns {KeyTable}
 */
function keyTable(path) {
  return path.map((_, i) => {
    /** @type {Array<{ key: string, next: number }>} */
    const row = [];
    for (let j = path.length; j > i; j--) row.push({ key: path.slice(i, j).join("."), next: j });
    return row;
  });
}

/**
 * Whether the value at `path` passes; arrays along the way are searched element by element.
 * @param {unknown} value @param {KeyTable} keys @param {number} index @param {ValueTest} test @param {number} depth
 * @returns {boolean}
 */
function atPath(value, keys, index, test, depth) {
  const row = keys[index];
  if (row === undefined) return anyValue(value, test, 0);
  if (value === null || typeof value !== "object" || depth > MAX_WALK_DEPTH) return false;
  const record = /** @type {Record<string, unknown>} */ (value);
  for (const { key, next } of row) {
    if (Object.hasOwn(record, key)) return atPath(record[key], keys, next, test, depth + 1);
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (atPath(value[i], keys, index, test, depth + 1)) return true;
  }
  return false;
}

/** @param {FieldNode} node @returns {Test} */
function compileField(node) {
  const name = node.path.length === 1 && RESERVED.has(node.path[0] ?? "") ? node.path[0] : undefined;
  if (name === "level") return compileLevel(node);
  const test = valueTest(node);
  switch (name) {
    case "message":
      return (ctx) => test(messageOf(ctx));
    case "id":
      return (ctx) => test(ctx.entry.id);
    case "stream":
      return (ctx) => test(ctx.stream);
  }
  const keys = keyTable(node.path);
  return (ctx) => atPath(ctx.entry.fields, keys, 0, test, 0);
}

/** @type {Record<string, number>} */
const RANKS = Object.fromEntries(LEVELS.map((level, rank) => [level, rank]));

/** The rank of an entry's level, -1 without one. @param {unknown} level */
function rankOf(level) {
  if (typeof level === "string" && Object.hasOwn(RANKS, level)) return /** @type {number} */ (RANKS[level]);
  return levelRank(levelOf(level));
}

/** @param {FieldNode} node @returns {Test} */
function compileLevel(node) {
  const { rank } = node;
  switch (node.op) {
    case "exists":
      return (ctx) => rankOf(ctx.entry.level) >= 0;
    case "glob": {
      const { parts } = node;
      return (ctx) => {
        const level = LEVELS[rankOf(ctx.entry.level)];
        return level !== undefined && globMatch(level, parts);
      };
    }
    case "eq":
      return (ctx) => rankOf(ctx.entry.level) === rank;
    case ">":
      return (ctx) => rankOf(ctx.entry.level) > rank;
    case ">=":
      return (ctx) => rankOf(ctx.entry.level) >= rank;
    case "<": {
      return (ctx) => {
        const r = rankOf(ctx.entry.level);
        return r >= 0 && r < rank;
      };
    }
    case "<=": {
      return (ctx) => {
        const r = rankOf(ctx.entry.level);
        return r >= 0 && r <= rank;
      };
    }
  }
}

/** @param {Node} node @returns {Test} */
function compile(node) {
  switch (node.kind) {
    case "and": {
      const tests = node.children.map(compile);
      if (tests.length === 2) {
        const [a, b] = /** @type {[Test, Test]} */ (tests);
        return (ctx) => a(ctx) && b(ctx);
      }
      return (ctx) => {
        for (let i = 0; i < tests.length; i++) if (!(/** @type {Test} */ (tests[i])(ctx))) return false;
        return true;
      };
    }
    case "or": {
      const tests = node.children.map(compile);
      if (tests.length === 2) {
        const [a, b] = /** @type {[Test, Test]} */ (tests);
        return (ctx) => a(ctx) || b(ctx);
      }
      return (ctx) => {
        for (let i = 0; i < tests.length; i++) if (/** @type {Test} */ (tests[i])(ctx)) return true;
        return false;
      };
    }
    case "not": {
      const test = compile(node.child);
      return (ctx) => !test(ctx);
    }
    case "text": {
      const needle = node.value;
      return (ctx) => {
        if (lowerMessageOf(ctx).includes(needle)) return true;
        walkBudget = MAX_WALK_NODES;
        return containsText(ctx.entry.fields, needle, 0);
      };
    }
    case "regex": {
      const { re } = node;
      return (ctx) => re.test(messageOf(ctx));
    }
    case "field":
      return compileField(node);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Highlights

/**
 * The free-text needles and regular expressions that are not negated.
 * @param {Node} node @param {boolean} negated @param {string[]} needles @param {RE2JS[]} regexes
 */
function positiveTerms(node, negated, needles, regexes) {
  switch (node.kind) {
    case "and":
    case "or":
      for (const child of node.children) positiveTerms(child, negated, needles, regexes);
      break;
    case "not":
      positiveTerms(node.child, !negated, needles, regexes);
      break;
    case "text":
      if (!negated && !needles.includes(node.value)) needles.push(node.value);
      break;
    case "regex":
      if (!negated) regexes.push(node.re);
      break;
  }
}

/**
 * The text lower-cased, with the index in `text` of each code unit of the result (plus one past the end),
 * or null when lower-casing kept every index where it was.
 * @param {string} text
 * @returns {{ lower: string, origin: number[] | null }}
 */
function lowerWithOrigin(text) {
  const lower = text.toLowerCase();
  if (lower.length === text.length) return { lower, origin: null };
  /** @type {number[]} */
  const origin = [];
  let built = "";
  for (let i = 0; i < text.length; ) {
    const code = text.codePointAt(i) ?? 0;
    const width = code > 0xffff ? 2 : 1;
    const piece = text.slice(i, i + width).toLowerCase();
    for (let k = 0; k < piece.length; k++) origin.push(i);
    built += piece;
    i += width;
  }
  origin.push(text.length);
  return { lower: built, origin };
}

/**
 * Where a range of the lower-cased text that ends at `end` ends in the original: after the whole character
 * whose lower case the range ends in.
 * @param {number[]} origin @param {number} end
 */
function originalEnd(origin, end) {
  const last = origin[end - 1];
  let j = end;
  while (j < origin.length - 1 && origin[j] === last) j++;
  return origin[j] ?? 0;
}

/** @param {Array<[number, number]>} ranges */
function mergeRanges(ranges) {
  ranges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  /** @type {Array<[number, number]>} */
  const merged = [];
  for (const range of ranges) {
    const last = merged[merged.length - 1];
    if (last !== undefined && range[0] <= last[1]) last[1] = Math.max(last[1], range[1]);
    else merged.push([range[0], range[1]]);
  }
  return merged;
}

/**
 * @param {string[]} needles @param {RE2JS[]} regexes
 * @returns {(text: string) => Array<[number, number]>}
 */
function highlighter(needles, regexes) {
  return (text) => {
    /** @type {Array<[number, number]>} */
    const ranges = [];
    if (typeof text !== "string" || text === "" || (needles.length === 0 && regexes.length === 0)) return ranges;
    try {
      if (needles.length > 0) {
        const { lower, origin } = lowerWithOrigin(text);
        for (const needle of needles) {
          for (
            let i = lower.indexOf(needle);
            i >= 0 && ranges.length < MAX_HIGHLIGHTS;
            i = lower.indexOf(needle, i + needle.length)
          ) {
            const end = i + needle.length;
            ranges.push(origin === null ? [i, end] : [origin[i] ?? 0, originalEnd(origin, end)]);
          }
        }
      }
      for (const re of regexes) {
        const matcher = re.matcher(text);
        while (ranges.length < MAX_HIGHLIGHTS && matcher.find()) {
          const start = matcher.start();
          const end = matcher.end();
          if (end > start) ranges.push([start, end]);
        }
      }
    } catch {
      // Highlighting is decoration: whatever went wrong, show what was found so far.
    }
    return mergeRanges(ranges);
  };
}

// ---------------------------------------------------------------------------------------------------------
// API

/**
 * Parses and compiles a query. Never throws.
 * @param {string} text
 * @returns {{ ok: true, query: Query } | { ok: false, error: QueryError }}
 */
export function parseQuery(text) {
  if (typeof text !== "string") return { ok: false, error: { position: 0, message: "expected the query as text" } };
  if (text.length > MAX_QUERY_LENGTH) {
    return {
      ok: false,
      error: {
        position: MAX_QUERY_LENGTH,
        message: `the query is too long: ${text.length} characters, at most ${MAX_QUERY_LENGTH} are allowed`,
      },
    };
  }
  try {
    const node = new Parser(text).parseQuery();
    if (node === null) return { ok: true, query: { text: "", isEmpty: true, match: () => true, highlights: () => [] } };
    const test = compile(node);
    /** @type {string[]} */
    const needles = [];
    /** @type {RE2JS[]} */
    const regexes = [];
    positiveTerms(node, false, needles, regexes);
    /** @type {Query} */
    const query = {
      text: print(node, null),
      isEmpty: false,
      match(entry, stream) {
        try {
          return test({ entry, stream, message: undefined, lower: undefined });
        } catch {
          return false;
        }
      },
      highlights: highlighter(needles, regexes),
    };
    return { ok: true, query };
  } catch (error) {
    if (error instanceof Failure) return { ok: false, error: { position: error.position, message: error.message } };
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, error: { position: 0, message: `the query could not be read: ${reason}` } };
  }
}

/**
 * One line for a reader: `Invalid query at position 7: expected a value after "status:"`.
 * @param {string} source the query text the error is about
 * @param {QueryError} error
 * @returns {string}
 */
export function formatQueryError(source, error) {
  const position = Math.max(0, Math.min(error.position, source.length));
  return `Invalid query at position ${position}: ${error.message}`.replace(/[\r\n\u2028\u2029]+/g, " ");
}

/**
 * A term matching entries whose field `path` (dotted, or as segments) holds `value`, written so that it
 * re-parses to that meaning: quoted and escaped as needed. An undefined value makes a term for the field's
 * absence; an object or array, a term for its presence.
 * @param {string | readonly string[]} path e.g. `"user.plan"`, `"status"`, `"level"`
 * @param {unknown} value
 * @param {boolean} [negate]
 * @returns {string}
 */
export function fieldTerm(path, value, negate = false) {
  const segments = typeof path === "string" ? path.split(".") : path;
  const head = printPath(segments);
  if (value === undefined) return `${negate ? "" : "-"}${head}:*`;
  const sign = negate ? "-" : "";
  if (value === null || typeof value !== "object") {
    return `${sign}${head}:${printValue([typeof value === "string" ? value : String(value)])}`;
  }
  return `${sign}${head}:*`;
}
