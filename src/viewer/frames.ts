/** Reads the SSE a stream's Durable Object writes back into frames, so a merged view can re-mark and merge them. */

/** One event of a stream's SSE as its Durable Object encodes it. */
export interface Frame {
  id: number;
  event: "log" | "gap" | "deleted" | null;
  /** The event's data: single-line JSON. */
  data: string;
  /** The entry's time, for merging backfills. */
  time: number;
}

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
    // A deletion carries no id: the stream's ids go on above it.
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
