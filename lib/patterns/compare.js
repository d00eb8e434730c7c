// How a line's tokens compare with a pattern's, for lib/patterns/miner.js: the share of the pattern's constant
// tokens it equals, and the one position where it differs, if only one.

import { WILDCARD } from "./tokens.js";

/** A position varies only when the pattern keeps at least this many other constant tokens. */
const VARIETY_CONTEXT = 2;

/**
 * Share of equal tokens among the template's constant positions; -1 past `allowed` differing tokens.
 * @param {string[]} template @param {string[]} tokens @param {number} allowed
 */
export function similarity(template, tokens, allowed) {
  let differ = 0;
  let constants = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = template[i];
    const u = tokens[i];
    if (t === WILDCARD) continue;
    if (t === u) constants++;
    else {
      constants++;
      if (++differ > allowed) return -1;
    }
  }
  return constants === 0 ? 1 : (constants - differ) / constants;
}

/**
 * The one position where the line differs from the template's constant tokens, when there is exactly one and
 * at least VARIETY_CONTEXT other constant tokens are equal; else -1.
 * @param {string[]} template @param {string[]} tokens
 */
export function onlyDifference(template, tokens) {
  let position = -1;
  let equal = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = template[i];
    if (t === WILDCARD) continue;
    if (t === tokens[i]) equal++;
    else if (position === -1) position = i;
    else return -1;
  }
  return equal >= VARIETY_CONTEXT ? position : -1;
}
