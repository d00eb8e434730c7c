// Stream names: the rule the Worker enforces and the page and CLI check before asking.

/** 1–64 characters of A-Z a-z 0-9 . _ - (and never `.` or `..`, which are path segments, not names). */
export const STREAM_NAME = /^[A-Za-z0-9._-]{1,64}$/;

/** The same rule as an HTML `pattern` attribute. */
export const STREAM_NAME_PATTERN = "[A-Za-z0-9._\\-]{1,64}";

/**
 * Whether `name` may name a stream.
 * @param {string} name
 */
export function isStreamName(name) {
  return STREAM_NAME.test(name) && name !== "." && name !== "..";
}

/**
 * What to tell a client that sent `name`, or null when it is a valid stream name.
 * @param {string} name
 * @returns {string | null}
 */
export function streamNameProblem(name) {
  if (isStreamName(name)) return null;
  return `Invalid stream name ${JSON.stringify(name)}: use 1–64 characters of A-Z a-z 0-9 . _ - (not "." or "..")`;
}

/** A stream prefix in a selection: up to 63 name characters then `*` (`team-a.*`; a lone `*` is every stream). */
export const STREAM_PREFIX = /^[A-Za-z0-9._-]{0,63}\*$/;

/** The same rule as an HTML `pattern` attribute. */
export const STREAM_PREFIX_PATTERN = "[A-Za-z0-9._\\-]{0,63}\\*";

/**
 * Whether `part` of a selection is a stream prefix (`team-a.*`, `*`), which also follows streams to come.
 * @param {string} part
 */
export function isStreamPrefix(part) {
  return STREAM_PREFIX.test(part);
}
