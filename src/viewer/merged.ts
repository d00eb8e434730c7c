import { isStreamName } from "../../lib/names.js";
import { ClientError } from "../http/errors";
import { BACKFILL_END, encodeComment, encodeRetry } from "./sse";
import { type Outlet, sseResponse } from "./sse-outlet";

/** Most streams one merged view may show. */
export const MAX_MERGED_STREAMS = 100;

/** The streams a merged view asks for: names, and prefixes (`team-a.*`) that also follow streams to come. */
export interface StreamSelection {
  names: string[];
  prefixes: string[];
}

/** Reads `?streams=a,b,team-a.*`; a 400 naming what is wrong. */
export function parseStreamSelection(value: string | null): StreamSelection {
  const selection: StreamSelection = { names: [], prefixes: [] };
  for (const item of (value ?? "").split(",")) {
    const part = item.trim();
    if (part === "") continue;
    if (part.endsWith("*")) {
      const prefix = part.slice(0, -1);
      if (prefix !== "" && !/^[A-Za-z0-9._-]{1,63}$/.test(prefix))
        throw new ClientError(400, `Invalid stream prefix "${part}": use name characters followed by *`);
      selection.prefixes.push(prefix);
    } else if (isStreamName(part)) {
      if (!selection.names.includes(part)) selection.names.push(part);
    } else {
      throw new ClientError(
        400,
        `Invalid stream name ${JSON.stringify(part)} in streams: use 1–64 characters of A-Z a-z 0-9 . _ -`,
      );
    }
  }
  if (selection.names.length === 0 && selection.prefixes.length === 0) {
    throw new ClientError(400, "Name the streams to show: ?streams=a,b or ?streams=team-a.*");
  }
  if (selection.names.length > MAX_MERGED_STREAMS) {
    throw new ClientError(400, `Too many streams: at most ${MAX_MERGED_STREAMS} in one view`);
  }
  return selection;
}

/**
 * A merged view's event id: every stream's last id, `a:12,b:40`, so one Last-Event-ID resumes them all.
 * Stream names never contain `:` or `,`.
 */
export function encodePositions(positions: ReadonlyMap<string, number>): string {
  let id = "";
  for (const [name, last] of positions) id += `${id === "" ? "" : ","}${name}:${last}`;
  return id;
}

/** Reads a merged Last-Event-ID; null for none, a 400 when it is not one this server wrote. */
export function parsePositions(value: string | null | undefined): Map<string, number> | null {
  if (value === null || value === undefined || value.trim() === "") return null;
  const positions = new Map<string, number>();
  for (const part of value.split(",")) {
    const colon = part.lastIndexOf(":");
    const name = part.slice(0, colon);
    const last = Number(part.slice(colon + 1));
    if (colon < 1 || !isStreamName(name) || !Number.isSafeInteger(last) || last < 0) {
      throw new ClientError(400, `Last-Event-ID ${JSON.stringify(value)} is not a merged view's id (stream:id,…)`);
    }
    positions.set(name, last);
  }
  return positions;
}

/** One event of a stream's SSE as its Durable Object encodes it. */
interface Frame {
  id: number;
  event: "log" | "gap" | "deleted" | null;
  /** The event's data: single-line JSON. */
  data: string;
  /** The entry's time, for merging backfills. */
  time: number;
}

const decoder = new TextDecoder();

/** Splits a Durable Object's SSE text into frames; comments and `retry:` fields carry nothing to merge. */
export function parseFrames(text: string): Frame[] {
  const frames: Frame[] = [];
  for (const block of text.split("\n\n")) {
    if (block === "" || block.startsWith(":") || block.startsWith("retry:")) {
      // An id-only event may follow the retry field in the same block.
      const idLine = block.startsWith("retry:") ? block.split("\n").find((line) => line.startsWith("id: ")) : undefined;
      if (idLine) frames.push({ id: Number(idLine.slice(4)), event: null, data: "", time: 0 });
      continue;
    }
    let id = Number.NaN;
    let event: Frame["event"] = null;
    let data = "";
    for (const line of block.split("\n")) {
      if (line.startsWith("id: ")) id = Number(line.slice(4));
      else if (line.startsWith("event: "))
        event = (["gap", "deleted"] as const).find((e) => e === line.slice(7)) ?? "log";
      else if (line.startsWith("data: ")) data = line.slice(6);
    }
    if (event === "deleted") id = 0;
    if (Number.isNaN(id)) continue;
    frames.push({ id, event, data, time: event === "log" ? timeOf(data) : 0 });
  }
  return frames;
}

/** An entry's time from its wire JSON, which starts `{"id":N,"time":T`. */
function timeOf(data: string): number {
  const at = data.indexOf('"time":');
  return at < 0 ? 0 : Number.parseFloat(data.slice(at + 7, at + 32)) || 0;
}

/**
 * Merges per-stream backfills by time, each stream's own order kept (a k-way merge, so a stream whose
 * clients' clocks disagree still reads in id order); keeps the newest `tail` entries when `tail` is set.
 */
export function mergeBackfills(backfills: ReadonlyMap<string, Frame[]>, tail: number | null): [string, Frame][] {
  const heads = [...backfills].map(([name, frames]) => ({ name, frames, at: 0 }));
  const merged: [string, Frame][] = [];
  for (;;) {
    let best: (typeof heads)[number] | undefined;
    for (const head of heads) {
      const frame = head.frames[head.at];
      if (frame && (best === undefined || frame.time < (best.frames[best.at] as Frame).time)) best = head;
    }
    if (best === undefined) break;
    merged.push([best.name, best.frames[best.at++] as Frame]);
  }
  return tail === null ? merged : merged.slice(Math.max(0, merged.length - tail));
}

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
    let text = `id: ${encodePositions(this.#positions)}\n\n`;
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
        text += `event: deleted\ndata: ${JSON.stringify({ stream: name })}\n\n`;
        continue;
      }
      this.#positions.set(name, frame.id);
      text += `id: ${encodePositions(this.#positions)}\nevent: ${frame.event}\ndata: {"stream":"${name}",${frame.data.slice(1)}\n\n`;
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

const encoder = new TextEncoder();
