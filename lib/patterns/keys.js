// The miner's keys: the shape a message is cached by, the bucket a pattern is indexed under, the counter in its
// id, and a pattern's row form.
import { MAX_CHARS, shapeHash, WILDCARD } from "./tokens.js";

/** @typedef {import("./miner.js").PatternRow} PatternRow */
/** @typedef {import("./miner.js").Template} Template */

/** The counter in an id; ids this miner did not make sort last. @param {string} id */
export function sequence(id) {
  const n = Number.parseInt(id.slice(1), 36);
  return Number.isSafeInteger(n) ? n : Number.MAX_SAFE_INTEGER;
}

/**
 * Token count and first token, `*` when that token holds a variable part (Drain's first tree levels).
 * @param {string[]} tokens
 */
export function bucketKey(tokens) {
  const first = tokens[0] ?? "";
  return `${tokens.length} ${first.includes(WILDCARD) ? "*" : first}`;
}

/** @param {Template} t @returns {PatternRow} */
export function toRow(t) {
  const { id, template, count, level, firstSeen, lastSeen, example } = t;
  return { id, template, count, level, firstSeen, lastSeen, example };
}

/**
 * The cache key of a message (its shapeHash), or NaN for one longer than MAX_CHARS, which is cut and so takes
 * the slow path. The Worker computes it as it stores a line, so the stream's object need not read the message.
 * @param {string} message
 * @returns {number}
 */
export function patternShape(message) {
  return message.length <= MAX_CHARS ? shapeHash(message) : Number.NaN;
}
