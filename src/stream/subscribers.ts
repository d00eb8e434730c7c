import { GAP_EVENT } from "../../lib/events.js";
import type { LogEntry } from "../../lib/types";
import { compileFilter } from "../viewer/filter";
import { encodeComment, encodeEvent, encodeLogEvent, encodeRetry } from "../viewer/sse";
import type { SubscribeOptions } from "../viewer/subscribe-options";
import { planReplay, type RingBuffer } from "./ring-buffer";
import { type Tail, withId } from "./stored";

const encoder = new TextEncoder();

/** What EventSource waits before reconnecting: short, because a live tail should come back fast. */
const RETRY_MS = 1000;

/** Backfill is sent in WebSocket messages of at most this size. */
const MAX_MESSAGE_CHARS = 256 * 1024;

type Filter = ((entry: LogEntry) => boolean) | null;

/** What a subscriber's socket keeps across hibernation. */
export interface Attachment {
  options: SubscribeOptions;
  /** Whether its backfill went out; until then broadcasts skip it. */
  started: boolean;
}

/**
 * A stream's viewers: each is a hibernatable WebSocket to the Worker that holds the viewer's SSE response.
 * Frames go out already SSE-encoded, so the Worker passes them on as they are.
 */
export class Subscribers {
  /** Each socket's compiled filter; rebuilt from its attachment after the object wakes up. */
  readonly #filters = new WeakMap<WebSocket, Filter>();

  constructor(private readonly ring: RingBuffer) {}

  /** Sends the backfill (as text: the relay lets only the backfill exceed its lag limit) and marks it live. */
  start(socket: WebSocket, options: SubscribeOptions): void {
    const filter = compileFilter(options);
    const ring = this.ring;
    const plan = planReplay(ring.oldestId, ring.lastId, options);
    const frames: string[] = [];
    let after = plan.after;
    if (filter === null) {
      for (const [id, json] of ring.since(after)) frames.push(encodeLogEvent(id, json));
    } else {
      const matches: [number, string][] = [];
      const resuming = options.lastEventId !== undefined;
      for (const match of ring.since(resuming ? after : ring.oldestId - 1)) {
        if (filter(JSON.parse(match[1]) as LogEntry)) matches.push(match);
      }
      const chosen = resuming ? matches : matches.slice(Math.max(0, matches.length - options.tail));
      if (!resuming) after = chosen[0] ? chosen[0][0] - 1 : ring.lastId;
      for (const [id, json] of chosen) frames.push(encodeLogEvent(id, json));
    }
    // An id-only event dispatches nothing but sets EventSource's last id, so a reconnect resumes here.
    let message = `${encodeRetry(RETRY_MS).slice(0, -1)}id: ${after}\n\n${encodeComment("connected")}`;
    if (plan.gap) message += encodeEvent({ id: plan.gap.to, event: GAP_EVENT, data: JSON.stringify(plan.gap) });
    for (const frame of frames) {
      if (message.length + frame.length > MAX_MESSAGE_CHARS) {
        send(socket, message);
        message = "";
      }
      message += frame;
    }
    send(socket, message);
    socket.serializeAttachment({ options, started: true } satisfies Attachment);
    this.#filters.set(socket, filter);
  }

  /** Sends a commit's entries to every live socket, each through its own filter. */
  broadcast(sockets: WebSocket[], firstId: number, tails: Tail[]): void {
    let unfiltered: Uint8Array | undefined;
    let entries: LogEntry[] | undefined;
    for (const socket of sockets) {
      const filter = this.#filterOf(socket);
      if (filter === undefined) continue;
      if (filter === null) {
        unfiltered ??= encoder.encode(encodeBatch(firstId, tails));
        send(socket, unfiltered);
        continue;
      }
      entries ??= tails.map((tail, i) => JSON.parse(withId(firstId + i, tail)) as LogEntry);
      const parsed = entries;
      const frames = encodeBatch(firstId, tails, (i) => filter(parsed[i] as LogEntry));
      if (frames !== "") send(socket, encoder.encode(frames));
    }
  }

  /** A live socket's filter; undefined while its backfill has not been sent. */
  #filterOf(socket: WebSocket): Filter | undefined {
    if (this.#filters.has(socket)) return this.#filters.get(socket);
    const attachment = socket.deserializeAttachment() as Attachment | null;
    if (!attachment?.started) return undefined;
    const filter = compileFilter(attachment.options);
    this.#filters.set(socket, filter);
    return filter;
  }
}

/** One subscriber's failure never reaches the others: a socket that cannot take a message is closed. */
function send(socket: WebSocket, chunk: Uint8Array | string): void {
  try {
    socket.send(chunk);
  } catch {
    try {
      socket.close(1011, "send failed");
    } catch {
      // Already closed.
    }
  }
}

/** SSE frames for a batch, or for the entries of it that `keep` (given the index) lets through. */
function encodeBatch(firstId: number, tails: Tail[], keep?: (index: number) => boolean): string {
  let frames = "";
  for (let i = 0; i < tails.length; i++) {
    if (keep && !keep(i)) continue;
    const id = firstId + i;
    frames += encodeLogEvent(id, withId(id, tails[i] as Tail));
  }
  return frames;
}
