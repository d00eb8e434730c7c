/**
 * Server-Sent Events framing, to the letter of the HTML spec: every event ends with a blank line, and
 * no field value may contain CR or LF (data is split into one `data:` line per line).
 */

import { LOG_EVENT } from "../../lib/events.js";

const LINE_BREAK = /\r\n|\r|\n/;

/** One event. `id` and `event` must not contain line breaks: they would end the field early. */
export function encodeEvent(event: { id?: number | string; event?: string; data: string }): string {
  let frame = "";
  if (event.id !== undefined) frame += `id: ${singleLine("id", String(event.id))}\n`;
  if (event.event !== undefined) frame += `event: ${singleLine("event", event.event)}\n`;
  for (const line of event.data.split(LINE_BREAK)) frame += `data: ${line}\n`;
  return `${frame}\n`;
}

/** An id-only event: it dispatches nothing but sets EventSource's last id, so a reconnect resumes there. */
export function encodeId(id: number | string): string {
  return `id: ${singleLine("id", String(id))}\n\n`;
}

/** A `log` event for an entry already serialised as JSON, which never contains a raw line break. */
export function encodeLogEvent(id: number, json: string): string {
  return `id: ${id}\nevent: ${LOG_EVENT}\ndata: ${json}\n\n`;
}

/** A comment line: ignored by clients, but it keeps proxies from closing an idle stream. */
export function encodeComment(text: string): string {
  let frame = "";
  for (const line of text.split(LINE_BREAK))
    frame += `: ${line}
`;
  return `${frame}
`;
}

/** Tells the client how long to wait before reconnecting. */
export function encodeRetry(ms: number): string {
  return `retry: ${Math.max(0, Math.floor(ms))}\n\n`;
}

function singleLine(field: string, value: string): string {
  if (LINE_BREAK.test(value) || value.includes("\0")) {
    throw new Error(`SSE ${field} must not contain CR, LF or NUL: ${JSON.stringify(value)}`);
  }
  return value;
}

/** Ends a backfill sent to a merged view (which merges the backfills of its streams by time). */
export const BACKFILL_END = encodeComment("end of backfill");
