// The viewer's side of an SSE response: heartbeats, and a cut for a viewer that falls too far behind.
import { encodeComment } from "../stream/sse";

const encoder = new TextEncoder();
const HEARTBEAT = encoder.encode(encodeComment("heartbeat"));

/** A viewer with more unread bytes than this is dropped: its queue stops growing, and it resumes on reconnect. */
const MAX_QUEUED_BYTES = 1 << 20;

export const SSE_HEADERS = {
  "Content-Type": "text/event-stream; charset=utf-8",
  "Cache-Control": "no-cache, no-transform",
  "X-Accel-Buffering": "no",
};

/** The viewer's side of an SSE response: what its source may do with it. */
export interface Outlet {
  /** Queues bytes for the viewer; `allowance` bytes (a backfill) may sit on top of the lag limit. */
  send(chunk: Uint8Array, allowance?: number): void;
  /** Ends the response after what is queued. */
  end(): void;
}

/**
 * An SSE response fed by `source`, with a heartbeat comment three times per `heartbeatMs` and a cut for a viewer that
 * falls more than 1 MiB behind (EventSource then resumes with its Last-Event-ID). `source` returns what to do
 * when the viewer goes away or the response ends.
 */
export function sseResponse(heartbeatMs: number, source: (outlet: Outlet) => () => void): Response {
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  let open = true;
  let cleanup: (() => void) | undefined;
  const finish = () => {
    if (!open) return false;
    open = false;
    clearInterval(heartbeat);
    cleanup?.();
    return true;
  };
  const body = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        let allowance = 0;
        const outlet: Outlet = {
          send(chunk, extra = 0) {
            if (!open) return;
            allowance += extra;
            if (-(controller.desiredSize ?? 0) > MAX_QUEUED_BYTES + allowance) {
              outlet.end();
              return;
            }
            controller.enqueue(chunk);
          },
          end() {
            if (!finish()) return;
            try {
              controller.close();
            } catch {
              // Already closed or cancelled.
            }
          },
        };
        // Three times per `heartbeatMs`: a write to a viewer that left succeeds once (its side answers with a
        // reset) and fails the next time, so a departed viewer's slots are given back within one `heartbeatMs`.
        heartbeat = setInterval(() => outlet.send(HEARTBEAT), heartbeatMs / 3);
        cleanup = source(outlet);
      },
      cancel() {
        finish();
      },
    },
    // Counted in bytes, so desiredSize tells how far a viewer lags behind.
    { highWaterMark: 0, size: (chunk) => chunk.byteLength },
  );
  return new Response(body, { headers: SSE_HEADERS });
}
