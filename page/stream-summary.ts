// A stream of the landing page's list in words: its size, its pace while it is active, and its last line's age.
import type { StreamSummary } from "../lib/types";

/** A stream whose last line is older than this (seconds) shows as idle, not at its last rate. */
const RECENT_S = 60;

/** "1 line · 2.5/s · 3 s ago", or "1,204 lines · idle · 5 min ago" once the stream has gone quiet. */
export function summaryText(stream: StreamSummary, now: number): string {
  const ago = Math.max(0, Math.round((now - stream.lastActivity) / 1000));
  const when = ago < 60 ? `${ago} s` : ago < 3600 ? `${Math.round(ago / 60)} min` : `${Math.round(ago / 3600)} h`;
  const lines = `${stream.entries.toLocaleString("en-US")} line${stream.entries === 1 ? "" : "s"}`;
  // A rate is the last report's: past a minute without a line it is history, not the stream's pace.
  const pace = ago < RECENT_S ? `${stream.rate}/s` : "idle";
  return `${lines} · ${pace} · ${when} ago`;
}
