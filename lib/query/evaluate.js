// Evaluation: a query's tree compiled once into closures over an entry.
import { stripAnsi } from "../ansi.js";
import { LEVELS, levelOf, levelRank } from "../levels.js";
import { RESERVED } from "./syntax.js";

/** @typedef {import("../types").LogEntry} LogEntry */
/** @typedef {import("./syntax.js").Node} Node */
/** @typedef {import("./syntax.js").FieldNode} FieldNode */
/** @typedef {import("./syntax.js").RegexNode} RegexNode */

/** Free-text search does not look deeper than this into nested field values. */
const MAX_WALK_DEPTH = 64;
/** Free-text search visits at most this many objects and arrays of one entry's fields. */
const MAX_WALK_NODES = 100_000;

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
    case "pattern":
      return (ctx) => test(ctx.entry.pattern);
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
export function compile(node) {
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
