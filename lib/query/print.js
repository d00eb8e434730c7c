// The normalised text of a query: what `Query.text` holds, and how a clicked field value is written.
import { LEVELS } from "../levels.js";

/** @typedef {import("./syntax.js").Node} Node */

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
export function print(node, parent) {
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
