// A stream's viewer limits (MAX_SUBSCRIBERS, MAX_SUBSCRIBERS_PER_CLIENT) over its hibernatable sockets.
import type { Attachment } from "./subscribers";

/**
 * The sockets that hold a viewer slot. One whose Worker never sent "start" within a heartbeat (its viewer
 * left before the relay began) is closed here, so it holds no slot.
 */
export function liveSockets(ctx: DurableObjectState, heartbeatMs: number, sockets = ctx.getWebSockets()): WebSocket[] {
  const stale = Date.now() - heartbeatMs;
  return sockets.filter((socket) => {
    if (socket.readyState !== WebSocket.OPEN) return false;
    if ((socket.deserializeAttachment() as Attachment | null)?.started) return true;
    const tag = ctx.getTags(socket).find((name) => name.startsWith("opened:"));
    const opened = Number(tag?.slice("opened:".length) ?? 0);
    if (opened >= stale) return true;
    try {
      socket.close(1011, "the viewer never started");
    } catch {
      // Already closed.
    }
    return false;
  });
}

/** The refusal for a new viewer tagged `clientTag` when the stream or that client is at its limit; else null. */
export function refuseViewer(
  ctx: DurableObjectState,
  limits: { maxSubscribers: number; maxSubscribersPerClient: number; heartbeatMs: number },
  clientTag: string,
): Response | null {
  const max = limits.maxSubscribers;
  // The raw counts bound the live ones: only near a limit are the attachments read (that read is O(viewers)).
  if (ctx.getWebSockets().length >= max && liveSockets(ctx, limits.heartbeatMs).length >= max) {
    return Response.json(
      { error: `This stream already has ${max} viewers, its limit: close a tab or retry later` },
      { status: 503, headers: { "Retry-After": "10" } },
    );
  }
  const perClient = limits.maxSubscribersPerClient;
  const mine = ctx.getWebSockets(clientTag);
  if (mine.length >= perClient && liveSockets(ctx, limits.heartbeatMs, mine).length >= perClient) {
    return Response.json(
      {
        error: `You already have ${perClient} viewers of this stream open, the limit per client (MAX_SUBSCRIBERS_PER_CLIENT): close a tab or retry later`,
      },
      { status: 429, headers: { "Retry-After": "10" } },
    );
  }
  return null;
}
