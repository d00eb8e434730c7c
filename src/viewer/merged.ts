/** One SSE response carrying the entries of several streams, fed by a WebSocket to each stream's object. */

import { DELETED_EVENT } from "../../lib/events.js";
import { BACKFILL_END, encodeComment, encodeEvent, encodeId, encodeRetry } from "../stream/sse";
import { type Frame, parseFrames } from "./frames";
import { mergeBackfills } from "./merge";
import { encodePositions } from "./positions";
import { type Outlet, sseResponse } from "./sse-outlet";

/**
 * The object on which every view with prefixes holds one viewer slot, so those views fall under
 * MAX_SUBSCRIBERS and MAX_SUBSCRIBERS_PER_CLIENT. It is no stream name, so it never holds entries.
 */
export const PREFIX_VIEWS = "*views-with-prefixes";

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** A stream's subscription inside a merged view. */
interface Source {
  socket: WebSocket;
  backfill: Frame[];
  /** The id-only event's position: everything up to it is behind the viewer. */
  after: number;
  backfillDone: boolean;
  /** Live frames that arrived before the stream's backfill was sent on. */
  queued: string[];
}

/**
 * One SSE response carrying the entries of several streams, each `log` and `gap` event's data marked with
 * its `stream`, each event's id the position of every stream (see `encodePositions`).
 */
export class MergedView {
  readonly #positions = new Map<string, number>();
  readonly #sources = new Map<string, Source>();
  #outlet: Outlet | null = null;
  #started = false;

  constructor(
    /** Entries to keep from the merged backfill; null when resuming (everything after the positions). */
    private readonly tail: number | null,
  ) {}

  get streams(): string[] {
    return [...this.#sources.keys()];
  }

  /** Adds a stream's accepted WebSocket (before or after the response started); asks for its backfill. */
  add(name: string, socket: WebSocket): void {
    const source: Source = { socket, backfill: [], after: 0, backfillDone: false, queued: [] };
    this.#sources.set(name, source);
    socket.binaryType = "arraybuffer";
    socket.accept();
    socket.addEventListener("message", (event) => {
      if (typeof event.data === "string") this.#onBackfill(name, source, event.data);
      else if (this.#started && source.backfillDone) this.#emit(name, decoder.decode(event.data));
      else source.queued.push(decoder.decode(event.data));
    });
    // A stream that goes away ends the view (EventSource reconnects and resumes every stream); a deleted one leaves it.
    const end = () => {
      if (this.#sources.get(name) === source) this.#outlet?.end();
    };
    socket.addEventListener("close", end);
    socket.addEventListener("error", end);
    socket.send("start+");
  }

  /** The SSE response; `onClose` runs once when the viewer leaves or the view ends. */
  response(heartbeatMs: number, onClose: () => void): Response {
    return sseResponse(heartbeatMs, (outlet) => {
      this.#outlet = outlet;
      outlet.send(encoder.encode(`${encodeRetry(1000)}${encodeComment("connected")}`));
      this.#maybeStart();
      return () => {
        onClose();
        for (const { socket } of this.#sources.values()) {
          try {
            socket.close(1000, "viewer gone");
          } catch {
            // Already closed.
          }
        }
      };
    });
  }

  #onBackfill(name: string, source: Source, text: string): void {
    if (text !== BACKFILL_END) {
      for (const frame of parseFrames(text)) {
        if (frame.event === null) source.after = frame.id;
        else source.backfill.push(frame);
      }
      return;
    }
    source.backfillDone = true;
    if (!this.#started) {
      this.#maybeStart();
      return;
    }
    // A stream found later (a prefix): its backfill goes out as it is, then what arrived meanwhile.
    this.#positions.set(name, source.after);
    this.#send(this.#encode(source.backfill.map((frame) => [name, frame])), true);
    source.backfill = [];
    this.#flushQueued(name, source);
  }

  #maybeStart(): void {
    if (this.#started || this.#outlet === null) return;
    for (const source of this.#sources.values()) if (!source.backfillDone) return;
    this.#started = true;
    const gaps: [string, Frame][] = [];
    const backfills = new Map<string, Frame[]>();
    for (const [name, source] of this.#sources) {
      this.#positions.set(name, source.after);
      for (const frame of source.backfill) if (frame.event === "gap") gaps.push([name, frame]);
      backfills.set(
        name,
        source.backfill.filter((frame) => frame.event === "log"),
      );
    }
    const kept = mergeBackfills(backfills, this.tail);
    // What the tail left out is behind the viewer: a resume starts after it.
    const firstKept = new Map<string, number>();
    for (const [name, frame] of kept) if (!firstKept.has(name)) firstKept.set(name, frame.id);
    for (const [name, frames] of backfills) {
      const first = firstKept.get(name);
      const dropped = frames.filter((frame) => first === undefined || frame.id < first).at(-1);
      if (dropped) this.#positions.set(name, dropped.id);
    }
    let text = encodeId(encodePositions(this.#positions));
    text += this.#encode([...gaps, ...kept]);
    this.#send(text, true);
    for (const [name, source] of this.#sources) {
      source.backfill = [];
      this.#flushQueued(name, source);
    }
  }

  #flushQueued(name: string, source: Source): void {
    for (const text of source.queued.splice(0)) this.#emit(name, text);
  }

  #emit(name: string, text: string): void {
    this.#send(this.#encode(parseFrames(text).map((frame) => [name, frame])));
  }

  /** Frames as the merged view's events: data marked with the stream, ids the positions of all streams. */
  #encode(frames: [string, Frame][]): string {
    let text = "";
    for (const [name, frame] of frames) {
      if (frame.event === null) continue;
      if (frame.event === "deleted") {
        this.#sources.delete(name);
        this.#positions.delete(name);
        text += encodeEvent({ event: DELETED_EVENT, data: JSON.stringify({ stream: name }) });
        continue;
      }
      this.#positions.set(name, frame.id);
      const data = `{"stream":"${name}",${frame.data.slice(1)}`;
      text += encodeEvent({ id: encodePositions(this.#positions), event: frame.event, data });
    }
    return text;
  }

  /** A backfill may sit in the viewer's queue on top of the lag limit: it is bounded by the rings. */
  #send(text: string, backfill = false): void {
    if (text === "") return;
    const chunk = encoder.encode(text);
    this.#outlet?.send(chunk, backfill ? chunk.byteLength : 0);
  }
}
