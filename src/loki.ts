import { fromObject, IngestError, levelOf, textEntry } from "./ingest";
import type { EntryDraft } from "./types";

interface PushRequest {
  streams?: { stream?: Record<string, string>; values?: [string, string, Record<string, string>?][] }[];
}

/** Labels tried, in order, to name the edge-tail stream of a Loki stream. */
export const DEFAULT_STREAM_LABELS = ["stream", "service_name", "job"];

/**
 * Maps a Loki push request (JSON) to drafts per edge-tail stream. The first of `streamLabels` present names
 * the stream; the other labels and any structured metadata become fields; a line that is a JSON object is
 * read like NDJSON, other lines like text; a `level` (or `detected_level`) label sets the level.
 */
export function parseLokiPush(body: string, now: number, streamLabels: string[]): Map<string, EntryDraft[]> {
  let request: PushRequest;
  try {
    request = JSON.parse(body) as PushRequest;
  } catch (error) {
    throw new IngestError(400, `Malformed Loki push JSON: ${(error as Error).message}`);
  }
  if (typeof request !== "object" || request === null || !Array.isArray(request.streams)) {
    throw new IngestError(400, 'Expected a Loki push request: {"streams": [{"stream": {...}, "values": [...]}]}');
  }
  const byStream = new Map<string, EntryDraft[]>();
  request.streams.forEach((entry, index) => {
    const labels = { ...(entry.stream ?? {}) };
    const key = streamLabels.find((label) => typeof labels[label] === "string" && labels[label] !== "");
    if (key === undefined) {
      throw new IngestError(
        400,
        `streams[${index}] has none of the labels ${streamLabels.join(", ")} to name its stream`,
      );
    }
    const name = labels[key] as string;
    delete labels[key];
    const labelLevel = levelOf(labels.level ?? labels.detected_level);
    const drafts = byStream.get(name) ?? [];
    for (const [ts, line, metadata] of entry.values ?? []) {
      const draft = toDraft(line, now, `streams[${index}]`);
      draft.time = nanosToMillis(ts) ?? draft.time;
      draft.level ??= labelLevel;
      const fields = { ...labels, ...(metadata ?? {}), ...(draft.fields ?? {}) };
      if (Object.keys(fields).length > 0) draft.fields = fields;
      drafts.push(draft);
    }
    byStream.set(name, drafts);
  });
  return byStream;
}

function toDraft(line: string, now: number, where: string): EntryDraft {
  if (typeof line !== "string") throw new IngestError(400, `${where}: every value must be [timestamp, line]`);
  if (line.startsWith("{")) {
    try {
      return fromObject(JSON.parse(line), where, now);
    } catch {
      // Not JSON after all: keep the line as text.
    }
  }
  return textEntry(line, now);
}

function nanosToMillis(ts: string): number | null {
  try {
    const ms = Number(BigInt(ts) / 1_000_000n);
    return ms > 0 ? ms : null;
  } catch {
    return null;
  }
}
