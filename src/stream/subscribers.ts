// A stream's viewers: backfill on connect, and each commit broadcast through each viewer's filter.
import { DELETED_EVENT, GAP_EVENT } from "../../lib/events.js";
import type { Commit } from "./commit";
import { type CompiledFilter, compileFilter, matches } from "./filter";
import { newestMatches, SCAN_LIMIT } from "./history";
import { planReplay, type RingBuffer } from "./ring-buffer";
import { BACKFILL_END, encodeComment, encodeEvent, encodeLogEvent, encodeRetry } from "./sse";

import type { SubscribeOptions } from "./subscribe-options";

const encoder = new TextEncoder();

/** What EventSource waits before reconnecting: short, because a live tail should come back fast. */
const RETRY_MS = 1000;

/** Backfill is sent in WebSocket messages of at most this size. */
const MAX_MESSAGE_CHARS = 256 * 1024;

type Filter = CompiledFilter | null;

/** What a subscriber's socket keeps across hibernation. */
export interface Attachment {
  options: SubscribeOptions;
  /** The stream's name, which `stream:` in a query compares with. */
  stream: string;
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

  constructor(
    private readonly ring: RingBuffer,
    /** Most entries a filtered backfill evaluates in one turn of the object (the tail's bound, and a resume's). */
    private readonly scanLimit = SCAN_LIMIT,
  ) {}

  /** Sends the backfill (as text: the relay lets only the backfill exceed its lag limit) and marks it live. */
  start(socket: WebSocket, attachment: Attachment, markEnd = false): void {
    const { options, stream } = attachment;
    const filter = compileFilter(options, stream);
    const ring = this.ring;
    // A filtered resume reads at most scanLimit entries; a gap names the older ids it leaves to a history search.
    const plan = planReplay(ring.oldestId, ring.lastId, options, filter === null ? undefined : this.scanLimit);
    const frames: string[] = [];
    let after = plan.after;
    if (filter === null) {
      for (const [id, json] of ring.since(after)) frames.push(encodeLogEvent(id, json));
    } else if (options.lastEventId !== undefined) {
      for (const [id, json] of ring.since(after)) if (matches(filter, json)) frames.push(encodeLogEvent(id, json));
    } else {
      // The newest `tail` matches among the newest SCAN_LIMIT entries; older ones are a history search away.
      const chosen = newestMatches(ring, filter, ring.lastId + 1, options.tail, this.scanLimit).found.reverse();
      after = chosen[0] ? chosen[0][0] - 1 : ring.lastId;
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
    if (markEnd) send(socket, BACKFILL_END);
    socket.serializeAttachment({ ...attachment, started: true } satisfies Attachment);
    this.#filters.set(socket, filter);
  }

  /**
   * Sends a commit's entries to every live socket through its filter. Sockets with the same filter share
   * one evaluation and one encoded message; the entries are parsed once, and only if a filter needs them.
   */
  broadcast(sockets: WebSocket[], commit: Commit): void {
    let unfiltered: Uint8Array | undefined;
    const byKey = new Map<string, Uint8Array | null>();
    for (const socket of sockets) {
      const filter = this.#filterOf(socket);
      if (filter === undefined) continue;
      if (filter === null) {
        unfiltered ??= encoder.encode(encodeBatch(commit, commit.lines.keys()));
        send(socket, unfiltered);
        continue;
      }
      let message = byKey.get(filter.key);
      if (message === undefined) {
        const frames = encodeBatch(commit, commit.matching(filter));
        message = frames === "" ? null : encoder.encode(frames);
        byKey.set(filter.key, message);
      }
      if (message !== null) send(socket, message);
    }
  }

  /** Tells every viewer the stream was deleted, then closes its socket (which ends its response). */
  deleted(sockets: WebSocket[], stream: string): void {
    const told = encoder.encode(encodeEvent({ event: DELETED_EVENT, data: JSON.stringify({ stream }) }));
    for (const socket of sockets) {
      send(socket, told);
      try {
        socket.close(1000, "stream deleted");
      } catch {
        // Already closed.
      }
    }
  }

  /** A live socket's filter; undefined while its backfill has not been sent. */
  #filterOf(socket: WebSocket): Filter | undefined {
    if (this.#filters.has(socket)) return this.#filters.get(socket);
    const attachment = socket.deserializeAttachment() as Attachment | null;
    if (!attachment?.started) return undefined;
    const filter = compileFilter(attachment.options, attachment.stream);
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

/** SSE frames for the entries of a commit at `indexes`. */
function encodeBatch(commit: Commit, indexes: Iterable<number>): string {
  let frames = "";
  for (const i of indexes) frames += encodeLogEvent(commit.firstId + i, commit.lines[i] as string);
  return frames;
}
