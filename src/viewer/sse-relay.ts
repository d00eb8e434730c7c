// A stream's Durable Object WebSocket relayed to the viewer as an SSE response.
import { sseResponse } from "./sse-outlet";

export { SSE_HEADERS } from "./sse-outlet";

const encoder = new TextEncoder();

/**
 * Turns the Durable Object's WebSocket into the viewer's SSE response. The Worker holds the response and
 * its heartbeat, so the Durable Object can hibernate while nothing is logged; the frames arrive already
 * encoded and are passed on as they are.
 */
export function relay(socket: WebSocket, heartbeatMs: number): Response {
  // Frames arrive as bytes to pass on, not as Blobs to read.
  socket.binaryType = "arraybuffer";
  socket.accept();
  return sseResponse(heartbeatMs, (outlet) => {
    socket.addEventListener("message", (event) => {
      if (typeof event.data !== "string") return outlet.send(new Uint8Array(event.data));
      // The backfill (text messages) may sit in the queue on top of the lag limit: it is bounded by the ring.
      const chunk = encoder.encode(event.data);
      outlet.send(chunk, chunk.byteLength);
    });
    const end = () => outlet.end();
    socket.addEventListener("close", end);
    socket.addEventListener("error", end);
    // Listening now: ask for the backfill, after which the stream's batches follow.
    socket.send("start");
    // The viewer left (or the response ended): the object's slot is given back with the socket.
    return () => {
      try {
        socket.close(1000, "viewer gone");
      } catch {
        // Already closed by the other side.
      }
    };
  });
}
