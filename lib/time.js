// Times: epoch milliseconds everywhere, converted once from what shippers send.

/** Latest and earliest time an entry may carry: ±100,000,000 days, what Date can represent. */
export const MAX_TIME = 8.64e15;

/**
 * Epoch nanoseconds (OTLP, Loki; a decimal string or a number) to milliseconds; null when unset (0), negative,
 * malformed or out of Date's range.
 * @param {unknown} nanos
 * @returns {number | null}
 */
export function nanosToMillis(nanos) {
  let ms;
  if (typeof nanos === "string") {
    if (!/^\d{1,30}$/.test(nanos)) return null;
    ms = Number(BigInt(nanos) / 1_000_000n);
  } else if (typeof nanos === "number" && Number.isFinite(nanos)) ms = Math.round(nanos / 1e6);
  else if (typeof nanos === "bigint") ms = Number(nanos / 1_000_000n);
  else return null;
  return ms > 0 && ms <= MAX_TIME ? ms : null;
}

/** @param {number} n @param {number} [width] */
const pad = (n, width = 2) => String(n).padStart(width, "0");

/**
 * Local wall-clock time with milliseconds, the precision engineers read logs at; "??:??:??.???" for a time
 * Date cannot show, so one odd entry never breaks a view.
 * @param {number} ms
 */
export function formatTime(ms) {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return "??:??:??.???";
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/**
 * ISO 8601 in UTC, or null for a time Date cannot show.
 * @param {number} ms
 */
export function isoTime(ms) {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}
