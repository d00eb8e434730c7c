// A row's time as a reader wants it: local or UTC (the page's `tz=utc`), the date only when it is not today's or
// not the row above's (so a log spanning midnight shows where the day changes), the full timestamp with its zone on
// hover.

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

export interface TimeLabel {
  /** `20:53:44.134`, or `2026-12-05 20:53:44.134` for another day than today's or the row above's. */
  text: string;
  /** `2026-12-06 20:53:44.134 UTC+01:00`. */
  title: string;
  /** ISO 8601 in UTC for `<time datetime>`; null for a time Date cannot show. */
  iso: string | null;
}

function parts(d: Date, utc: boolean) {
  return utc
    ? [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()]
    : [d.getFullYear(), d.getMonth() + 1, d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds()];
}

const dayOf = (p: number[]) => `${pad(p[0] as number, 4)}-${pad(p[1] as number)}-${pad(p[2] as number)}`;

/** Today's date in the chosen zone, computed once a minute at most (a firehose builds many rows). */
let today = { at: 0, utc: false, day: "" };
function todayIn(utc: boolean): string {
  const now = Date.now();
  if (now - today.at > 60_000 || today.utc !== utc) today = { at: now, utc, day: dayOf(parts(new Date(now), utc)) };
  return today.day;
}

function zone(d: Date, utc: boolean): string {
  if (utc) return "UTC";
  const offset = -d.getTimezoneOffset();
  const sign = offset < 0 ? "-" : "+";
  return `UTC${sign}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
}

/** Whether `ms` falls on `day` (an unshowable time counts as the same: it has no day to mark). */
function sameDay(ms: number, day: string, utc: boolean): boolean {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) || dayOf(parts(d, utc)) === day;
}

const clockOf = (d: Date, p: number[]) =>
  `${pad(p[3] as number)}:${pad(p[4] as number)}:${pad(p[5] as number)}.${pad(d.getUTCMilliseconds(), 3)}`;

/** `20:53:44.134` in the chosen zone, `??:??:??.???` for a time Date cannot show. */
export function clockText(ms: number, utc: boolean): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? "??:??:??.???" : clockOf(d, parts(d, utc));
}

/** `2026-12-06` in the chosen zone (a time Date cannot show has none: `????-??-??`). */
export function dayText(ms: number, utc: boolean): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? "????-??-??" : dayOf(parts(d, utc));
}

/** How a row shows the time `ms`; `above` is the time of the entry in the row above it, if any. */
export function timeLabel(ms: number, utc: boolean, above?: number): TimeLabel {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return { text: "??:??:??.???", title: `time out of range: ${String(ms)}`, iso: null };
  // Every row built reads its time: the date's parts once for the clock and the day.
  const p = parts(d, utc);
  const clock = clockOf(d, p);
  const day = dayOf(p);
  return {
    text: day === todayIn(utc) && (above === undefined || sameDay(above, day, utc)) ? clock : `${day} ${clock}`,
    title: `${day} ${clock} ${zone(d, utc)}`,
    iso: d.toISOString(),
  };
}
