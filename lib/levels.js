// Log levels: one meaning for the Worker, the page and the CLI.

/** Severity, lowest first; the order is what a minimum-level filter compares. */
export const LEVELS = /** @type {const} */ (["trace", "debug", "info", "warn", "error", "fatal"]);

/** @typedef {(typeof LEVELS)[number]} Level */

/** @type {Record<string, Level>} */
const ALIASES = {
  warning: "warn",
  err: "error",
  critical: "fatal",
  crit: "fatal",
  alert: "fatal",
  emerg: "fatal",
  emergency: "fatal",
  panic: "fatal",
  notice: "info",
  information: "info",
  informational: "info",
  verbose: "debug",
  dbug: "debug",
};

/**
 * Normalises a level name or a pino number (10–60); null when it names no known level.
 * @param {unknown} value
 * @returns {Level | null}
 */
export function levelOf(value) {
  if (typeof value === "number" && Number.isFinite(value)) {
    if (value < 10) return null;
    return LEVELS[Math.min(Math.floor(value / 10) - 1, LEVELS.length - 1)] ?? null;
  }
  if (typeof value !== "string") return null;
  const name = value.trim().toLowerCase();
  return /** @type {readonly string[]} */ (LEVELS).includes(name)
    ? /** @type {Level} */ (name)
    : (ALIASES[name] ?? null);
}

/**
 * A level's rank in LEVELS (0 = trace), or -1 for none.
 * @param {Level | null | undefined} level
 */
export function levelRank(level) {
  return level ? LEVELS.indexOf(level) : -1;
}
