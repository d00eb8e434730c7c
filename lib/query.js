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
import { compile } from "./query/evaluate.js";
import { highlighter, positiveTerms } from "./query/highlight.js";
import { print } from "./query/print.js";
import { Failure } from "./query/scanner.js";
import { Parser } from "./query/syntax.js";

export { fieldTerm } from "./query/print.js";
export { MAX_QUERY_DEPTH } from "./query/syntax.js";

/** @typedef {import("./types").LogEntry} LogEntry */
/** @typedef {import("re2js").RE2JS} RE2JS */

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
