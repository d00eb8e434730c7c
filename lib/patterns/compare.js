// How a line's tokens compare with a pattern's, for lib/patterns/miner.js: the share of the pattern's constant
// tokens it fits, the one position where it differs, if only one, which of two equal fits is preferred, and how
// a pattern widens to take a line.

import { WILDCARD } from "./tokens.js";

/** A position varies only when the pattern keeps at least this many other constant tokens. */
const VARIETY_CONTEXT = 2;
/** A line's value where the pattern holds a word fits it only beside at least this many equal constant tokens. */
const VALUE_CONTEXT = 2;

/**
 * Whether the line's token fits the template's: equal, or a plain word that the template token's `<*>` parts
 * cover (`nginx.service.` fits `<*>.`), so the template need not widen there.
 * @param {string} t the template's token @param {string} u the line's
 */
export function fits(t, u) {
  if (t === u) return true;
  let star = t.indexOf(WILDCARD);
  if (star === -1) return false;
  // First and last characters before anything that allocates: most tokens fail there.
  if (star > 0 && t.charCodeAt(0) !== u.charCodeAt(0)) return false;
  if (!t.endsWith(WILDCARD) && t.charCodeAt(t.length - 1) !== u.charCodeAt(u.length - 1)) return false;
  if (u.includes(WILDCARD) || !u.startsWith(t.slice(0, star))) return false;
  // Each part between `<*>`s at its leftmost place after the previous one, the last part at the end.
  let at = star;
  for (;;) {
    const from = star + 3;
    star = t.indexOf(WILDCARD, from);
    if (star === -1) return u.length - (t.length - from) >= at && u.endsWith(t.slice(from));
    const found = u.indexOf(t.slice(from, star), at);
    if (found === -1) return false;
    at = found + star - from;
  }
}

/**
 * Share of the template's constant tokens that the line's fit; -1 past `allowed` that do not. One value of the
 * line (`<*>`) where the template holds a plain word fits too, beside VALUE_CONTEXT equal tokens: the word was
 * a value that happened to have no digit (user `webmaster`, then user `test9`), and joining widens it to `<*>`.
 * @param {string[]} template @param {string[]} tokens @param {number} allowed
 * @param {boolean} partial whether a template token holds `<*>` beside other characters (else only equal fits)
 */
export function similarity(template, tokens, allowed, partial) {
  let differ = 0;
  let constants = 0;
  let value = false;
  for (let i = 0; i < tokens.length; i++) {
    // Casts, not `?? ""`: the arrays are as long as each other, and this loop is the miner's hottest.
    const t = /** @type {string} */ (template[i]);
    if (t === WILDCARD) continue;
    constants++;
    const u = /** @type {string} */ (tokens[i]);
    if (t === u || (partial && fits(t, u))) continue;
    if (u === WILDCARD && !value && !(partial && t.includes(WILDCARD))) value = true;
    else if (++differ > allowed) return -1;
  }
  if (value && constants - differ - 1 < VALUE_CONTEXT && ++differ > allowed) return -1;
  return constants === 0 ? 1 : (constants - differ) / constants;
}

/**
 * The one position where the line differs from the template's constant tokens, when there is exactly one and
 * at least VARIETY_CONTEXT other constant tokens fit; else -1.
 * @param {string[]} template @param {string[]} tokens @param {boolean} partial as for similarity
 */
export function onlyDifference(template, tokens, partial) {
  let position = -1;
  let equal = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = /** @type {string} */ (template[i]);
    if (t === WILDCARD) continue;
    const u = /** @type {string} */ (tokens[i]);
    if (t === u || (partial && fits(t, u))) equal++;
    else if (position === -1) position = i;
    else return -1;
  }
  return equal >= VARIETY_CONTEXT ? position : -1;
}

/**
 * A template's token that the line's does not fit becomes `<*>`; its id stays.
 * @param {{ tokens: string[], template: string }} template @param {string[]} tokens
 */
export function widen(template, tokens) {
  let changed = false;
  for (let i = 0; i < tokens.length; i++) {
    if (template.tokens[i] !== WILDCARD && !fits(template.tokens[i] ?? "", tokens[i] ?? "")) {
      template.tokens[i] = WILDCARD;
      changed = true;
    }
  }
  if (changed) template.template = template.tokens.join(" ");
  return changed;
}

/**
 * Of two patterns a line fits equally well, the one with more `<*>` (Drain3's tie-break), so a pattern left
 * behind by a wider one stops taking lines; then the older, so the choice does not depend on the scan order.
 * @param {{ tokens: string[], seq: number }} a @param {{ tokens: string[], seq: number }} b
 */
export function preferred(a, b) {
  const wider = wildcards(a.tokens) - wildcards(b.tokens);
  return wider !== 0 ? wider > 0 : a.seq < b.seq;
}

/** @param {string[]} tokens */
export function wildcards(tokens) {
  let n = 0;
  for (const token of tokens) if (token === WILDCARD) n++;
  return n;
}
