import { encodeComment } from "./sse";

const encoder = new TextEncoder();
const HEARTBEAT = encoder.encode(encodeComment("heartbeat"));

/** A viewer with more unread bytes than this is dropped: its queue stops growing, and it resumes on reconnect. */
const MAX_QUEUED_BYTES = 1 << 20;

export const SSE_HEADERS = {
  "Content-Type": "text/event-stream; charset=utf-8",
  "Cache-Control": "no-cache, no-transform",
  "X-Accel-Buffering": "no",
};

/**
 * Turns the Durable Object's WebSocket into the viewer's SSE response. The Worker holds the response and
 * its heartbeat, so the Durable Object can hibernate while nothing is logged; the frames arrive already
 * encoded and are passed on as they are.
 */
export function relay(socket: WebSocket, heartbeatMs: number): Response {
  // Frames arrive as bytes to pass on, not as Blobs to read.
  socket.binaryType = "arraybuffer";
  socket.accept();
  let heartbeat: ReturnType<typeof setInterval> | null = null;
  let open = true;
  const body = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        const end = () => {
          if (!open) return;
          open = false;
          if (heartbeat !== null) clearInterval(heartbeat);
          try {
            socket.close(1000, "viewer gone");
          } catch {
            // Already closed by the other side.
          }
          try {
            controller.close();
          } catch {
            // Already closed or cancelled.
          }
        };
        // The backfill (text messages) may sit in the queue on top of the limit: it is bounded by the ring.
        let backfill = 0;
        const send = (chunk: Uint8Array) => {
          if (!open) return;
          if (-(controller.desiredSize ?? 0) > MAX_QUEUED_BYTES + backfill) {
            // Ends after what is queued; EventSource then reconnects with its last id and resumes.
            end();
            return;
          }
          controller.enqueue(chunk);
        };
        socket.addEventListener("message", (event) => {
          if (typeof event.data !== "string") return send(new Uint8Array(event.data));
          const chunk = encoder.encode(event.data);
          backfill += chunk.byteLength;
          send(chunk);
        });
        socket.addEventListener("close", end);
        socket.addEventListener("error", end);
        // Three times per HEARTBEAT_MS: a write to a viewer that left succeeds once (its side answers with a
        // reset) and fails the next time, so a departed viewer's slot is given back within one HEARTBEAT_MS.
        heartbeat = setInterval(() => send(HEARTBEAT), heartbeatMs / 3);
        // Listening now: ask for the backfill, after which the stream's batches follow.
        socket.send("start");
      },
      cancel() {
        open = false;
        if (heartbeat !== null) clearInterval(heartbeat);
        try {
          socket.close(1000, "viewer gone");
        } catch {
          // Already closed.
        }
      },
    },
    // Counted in bytes, so desiredSize tells how far a viewer lags behind.
    { highWaterMark: 0, size: (chunk) => chunk.byteLength },
  );
  return new Response(body, { headers: SSE_HEADERS });
}
