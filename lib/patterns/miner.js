// Streaming log template miner (issue 24, "Live patterns"): each message gets the id of a pattern whose
// template writes its variable parts `<*>`. Drain's idea (He et al., ICWS 2017) on masked tokens: templates
// are grouped by token count and first token, a line joins the most similar one or starts its own, and a
// template only ever widens, so an id, once given, names the same pattern for the life of the stream.

import { LEVELS } from "../levels.js";
import { onlyDifference, preferred, similarity, widen, wildcards } from "./compare.js";
import { bucketKey, patternShape, sequence, toRow } from "./keys.js";
import { MAX_TOKENS, tokenize, WILDCARD } from "./tokens.js";

export { patternShape } from "./keys.js";
export { matchesTemplate, WILDCARD } from "./tokens.js";

/** @typedef {import("../levels.js").Level} Level */

/**
 * One pattern as the stream persists it (one SQLite row) and as `GET …/patterns` lists it.
 * @typedef {object} PatternRow
 * @property {string} id Opaque and stable: `p` and a base-36 counter; `p0` is the overflow pattern.
 * @property {string} template The tokens joined by single spaces, each variable part `<*>`.
 * @property {number} count Lines assigned to it.
 * @property {Level | null} level The most severe level among its lines.
 * @property {number} firstSeen Epoch ms of its first line.
 * @property {number} lastSeen Epoch ms of its latest line.
 * @property {string} example Its first line, cut to EXAMPLE_CHARS.
 */

/**
 * A pattern as the miner holds it; `partial` when a token holds `<*>` beside other characters (`<*>.`), which
 * a plain word may fit: without one, only equal tokens fit.
 * @typedef {PatternRow & { tokens: string[], seq: number, partial: boolean }} Template
 */

/** Default cap on patterns per stream (`PATTERN_LIMIT`). */
export const DEFAULT_PATTERN_LIMIT = 1000;
/** The pattern that takes every line that fits no pattern once the cap is reached. */
export const OVERFLOW_ID = "p0";
/** A line joins a pattern when it equals at least this share of the pattern's constant tokens. */
export const DEFAULT_SIMILARITY = 0.8;
/**
 * A line below the threshold that differs from held patterns at one same position only, where they hold this
 * many distinct words counting the line's, widens the oldest of them there (Drain's per-position variability).
 */
export const DEFAULT_VARIETY = 3;
/** An example is kept to this many characters. */
export const EXAMPLE_CHARS = 512;
/** At most this many patterns of one token count and first token are compared with a new line, the newest. */
const SCAN_LIMIT = 64;
/**
 * Message shapes remembered for the fast path, all dropped when full; an answer is dropped whenever a change to
 * its token count's patterns could change it: a cached answer is the one matching gives now (a restored miner's).
 */
const CACHE_SIZE = 16384;

/**
 * @typedef {object} MinerOptions
 * @property {number} [limit] Patterns at most, the overflow pattern included. Defaults to 1000.
 * @property {number} [similarity] Share of a pattern's constant tokens a line must equal to join it, in (0, 1].
 *   Defaults to 0.8.
 * @property {number} [variety] Distinct words at one position that make it variable (see DEFAULT_VARIETY).
 * @property {Iterable<PatternRow>} [rows] Patterns persisted earlier, to carry on with the same ids.
 */

export class PatternMiner {
  /** @type {Map<string, Template>} */
  #byId = new Map();
  /** Patterns by token count and first token. @type {Map<string, Template[]>} */
  #buckets = new Map();
  /** The pattern of each message shape seen lately, by shapeHash. @type {Map<number, Template>} */
  #byShape = new Map();
  /** The shapes cached, by their lines' token count: what a change to those patterns drops. @type {number[][]} */
  #shapesOf = Array.from({ length: MAX_TOKENS + 1 }, () => /** @type {number[]} */ ([]));
  /** @type {Set<Template>} */
  #changed = new Set();
  /** @type {string[]} */
  #created = [];
  #next = 1;
  #limit;
  #similarity;
  #variety;

  /** @param {MinerOptions} [options] */
  constructor(options = {}) {
    this.#limit = Math.max(1, Math.floor(options.limit ?? DEFAULT_PATTERN_LIMIT));
    this.#similarity = options.similarity ?? DEFAULT_SIMILARITY;
    this.#variety = options.variety ?? DEFAULT_VARIETY;
    const rows = [...(options.rows ?? [])].sort((a, b) => sequence(a.id) - sequence(b.id));
    for (const row of rows) this.#restore(row);
  }

  /** Patterns held, the overflow pattern included. */
  get size() {
    return this.#byId.size;
  }

  /**
   * The id of the message's pattern, creating or widening a pattern as needed. Never refuses a line.
   * @param {string} message
   * @param {number} time epoch ms of the line
   * @param {Level | null} [level]
   * @param {number} [shape] the message's `patternShape`, when the caller has it already
   * @returns {string}
   */
  assign(message, time, level = null, shape = patternShape(message)) {
    let template = Number.isNaN(shape) ? undefined : this.#byShape.get(shape);
    if (template === undefined) {
      const tokens = tokenize(message);
      template = this.#match(tokens) ?? this.#create(tokens, message, time);
      if (this.#byShape.size >= CACHE_SIZE) {
        this.#byShape.clear();
        for (const shapes of this.#shapesOf) shapes.length = 0;
      }
      if (!Number.isNaN(shape)) {
        this.#byShape.set(shape, template);
        this.#shapesOf[tokens.length]?.push(shape);
      }
    }
    return this.#seen(template, time, level);
  }

  /**
   * The id `assign` would give a message of this `patternShape`, counted as `assign` counts, when its pattern
   * is cached; else undefined (then call `assign`). The Durable Object's fast path: no message read at all.
   * @param {number} shape
   * @param {number} time
   * @returns {string | undefined}
   */
  assignCached(shape, time) {
    const template = this.#byShape.get(shape);
    return template === undefined ? undefined : this.#seen(template, time, null);
  }

  /** @param {Template} template @param {number} time @param {Level | null} level */
  #seen(template, time, level) {
    template.count++;
    if (time > template.lastSeen) template.lastSeen = time;
    if (time < template.firstSeen) template.firstSeen = time;
    if (level !== null && (template.level === null || LEVELS.indexOf(level) > LEVELS.indexOf(template.level))) {
      template.level = level;
    }
    this.#changed.add(template);
    return template.id;
  }

  /**
   * @param {string} id
   * @returns {PatternRow | undefined}
   */
  get(id) {
    const template = this.#byId.get(id);
    return template && toRow(template);
  }

  /** Every pattern, most lines first. @returns {PatternRow[]} */
  rows() {
    return [...this.#byId.values()].map(toRow).sort((a, b) => b.count - a.count);
  }

  /** The patterns created or updated since the last call: what a commit must persist. @returns {PatternRow[]} */
  takeChanged() {
    const rows = [...this.#changed].map(toRow);
    this.#changed.clear();
    return rows;
  }

  /** Ids of the patterns created since the last call, oldest first: what a newPattern alert fires on. */
  takeCreated() {
    return this.#created.splice(0);
  }

  /**
   * The most similar pattern among the newest SCAN_LIMIT of the line's token count and first token, and of
   * its token count with a variable first token; widened to take the line, or undefined below the threshold.
   * @param {string[]} tokens
   */
  #match(tokens) {
    const key = bucketKey(tokens);
    const own = this.#buckets.get(key);
    const open = key.endsWith(" *") ? undefined : this.#buckets.get(`${tokens.length} *`);
    // A candidate is abandoned once it differs in more tokens than the threshold allows.
    // At least one, so a line one word off a pattern is seen (a score below any threshold it can reach).
    const allowed = Math.max(1, Math.floor(tokens.length * (1 - this.#similarity) + 1e-9));
    let near = false;
    /** @type {Template | undefined} */
    let best;
    let bestScore = -1;
    for (const bucket of [own, open]) {
      if (bucket === undefined) continue;
      for (let i = bucket.length - 1, seen = 0; i >= 0 && seen < SCAN_LIMIT; i--, seen++) {
        const template = /** @type {Template} */ (bucket[i]);
        const score = similarity(template.tokens, tokens, allowed, template.partial);
        if (score >= 0 && score < 1) near = true;
        // Ties go by `preferred`, so the choice depends on the patterns held, not on their order (below the
        // threshold the choice is dropped: no need to break ties there).
        const tie = score === bestScore && score >= this.#similarity && best !== undefined;
        if (score > bestScore || (tie && preferred(template, /** @type {Template} */ (best)))) {
          best = template;
          bestScore = score;
        }
      }
    }
    if (bestScore < this.#similarity) best = near ? this.#varied(tokens, [own, open]) : undefined;
    if (best === undefined) return undefined;
    const before = bucketKey(best.tokens);
    if (widen(best, tokens)) {
      this.#stale(tokens.length);
      if (bucketKey(best.tokens) !== before) {
        // Its first token turned out to vary: it now belongs with the patterns whose first token is variable.
        const from = this.#buckets.get(before) ?? [];
        from.splice(from.indexOf(best), 1);
        this.#index(best);
      }
    }
    return best;
  }

  /**
   * The oldest pattern that differs from the line at one position only, when the patterns so differing hold
   * at least `variety - 1` distinct words there (the position with most); it takes `<*>` there once widened.
   * @param {string[]} tokens @param {Array<Template[] | undefined>} buckets
   */
  #varied(tokens, buckets) {
    /** The patterns differing from the line at one position only, by that position. @type {Map<number, Template[]>} */
    const at = new Map();
    for (const bucket of buckets) {
      for (let i = (bucket?.length ?? 0) - 1, seen = 0; i >= 0 && seen < SCAN_LIMIT; i--, seen++) {
        const template = /** @type {Template} */ (bucket?.[i]);
        const position = onlyDifference(template.tokens, tokens, template.partial);
        const same = at.get(position);
        if (same) same.push(template);
        else if (position !== -1) at.set(position, [template]);
      }
    }
    /** @type {Template | undefined} */
    let chosen;
    let most = this.#variety - 2;
    // The first position with the most words, so the choice does not depend on the order scanned.
    for (const [position, templates] of [...at].sort((a, b) => a[0] - b[0])) {
      const words = new Set(templates.map((t) => t.tokens[position])).size;
      if (words <= most) continue;
      most = words;
      chosen = templates.reduce((a, b) => (b.seq < a.seq ? b : a));
    }
    return chosen;
  }

  /** Drops the cached answers of the lines of a token count. @param {number} length */
  #stale(length) {
    const shapes = this.#shapesOf[length] ?? [];
    for (const shape of shapes) this.#byShape.delete(shape);
    shapes.length = 0;
  }

  /** @param {Template} template */
  #index(template) {
    const key = bucketKey(template.tokens);
    const bucket = this.#buckets.get(key);
    if (bucket) bucket.push(template);
    else this.#buckets.set(key, [template]);
  }

  /** @param {string[]} tokens @param {string} message @param {number} time */
  #create(tokens, message, time) {
    // The last place under the cap is kept for the overflow pattern, which matches any line.
    if (this.#byId.size >= this.#limit - 1) {
      const overflow = this.#byId.get(OVERFLOW_ID);
      if (overflow) return overflow;
      this.#created.push(OVERFLOW_ID);
      return this.#add(OVERFLOW_ID, [WILDCARD], message, time, false);
    }
    const template = this.#add(`p${(this.#next++).toString(36)}`, tokens, message, time, true);
    this.#created.push(template.id);
    // A cached shape may fit the new pattern as well as its own and the wider wins a tie, or the new one pushes
    // one out of the scan, or the cached answer is the overflow (a miner restored with a larger cap).
    const key = bucketKey(tokens);
    const held = this.#buckets.get(key)?.length ?? 0;
    const shared = held > 1 || key.endsWith(" *") || (this.#buckets.get(`${tokens.length} *`)?.length ?? 0) > 0;
    const overflow = this.#byId.has(OVERFLOW_ID);
    if ((shared && wildcards(tokens) > 0) || held > SCAN_LIMIT || overflow) this.#stale(tokens.length);
    return template;
  }

  /**
   * @param {string} id @param {string[]} tokens @param {string} message @param {number} time
   * @param {boolean} indexed whether lines are matched against it (not so the overflow pattern)
   */
  #add(id, tokens, message, time, indexed) {
    /** @type {Template} */
    const template = {
      id,
      tokens,
      template: tokens.join(" "),
      count: 0,
      level: null,
      firstSeen: time,
      lastSeen: time,
      example: message.slice(0, EXAMPLE_CHARS),
      seq: sequence(id),
      partial: tokens.some((token) => token !== WILDCARD && token.includes(WILDCARD)),
    };
    this.#byId.set(id, template);
    if (indexed) this.#index(template);
    this.#changed.add(template);
    return template;
  }

  /** @param {PatternRow} row */
  #restore(row) {
    const tokens = row.template === "" ? [] : row.template.split(" ");
    const template = this.#add(row.id, tokens, row.example, row.firstSeen, row.id !== OVERFLOW_ID);
    Object.assign(template, { count: row.count, level: row.level, lastSeen: row.lastSeen, example: row.example });
    if (template.seq >= this.#next) this.#next = template.seq + 1;
    this.#changed.delete(template);
  }
}
