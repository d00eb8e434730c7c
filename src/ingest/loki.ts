import { levelOf } from "../../lib/levels.js";
import { nanosToMillis } from "../../lib/time.js";
import { ClientError } from "../http/errors";
import type { EntryDraft } from "../stream/stored";
import { parseJsonText } from "./json";
import { fromObject } from "./normalise";
import { textEntry } from "./text";

interface PushRequest {
  streams?: { stream?: Record<string, string>; values?: [string, string, Record<string, string>?][] }[];
}

/**
 * Maps a Loki push request (JSON) to drafts per edge-tail stream. The first of `streamLabels` present names
 * the stream; the other labels and any structured metadata become fields; a line that is a JSON object is
 * read like NDJSON, other lines like text; a `level` (or `detected_level`) label sets the level.
 */
export function parseLokiPush(body: string, now: number, streamLabels: string[]): Map<string, EntryDraft[]> {
  return mapLokiPush(parseJsonText(body, "the Loki push body"), now, streamLabels);
}

/** Maps a push request (as the JSON encoding writes it) to drafts per edge-tail stream. */
export function mapLokiPush(value: unknown, now: number, streamLabels: string[]): Map<string, EntryDraft[]> {
  const request = value as PushRequest;
  if (typeof request !== "object" || request === null || !Array.isArray(request.streams)) {
    throw new ClientError(400, 'Expected a Loki push request: {"streams": [{"stream": {...}, "values": [...]}]}');
  }
  const byStream = new Map<string, EntryDraft[]>();
  request.streams.forEach((entry, index) => {
    const labels = { ...(entry.stream ?? {}) };
    const key = streamLabels.find((label) => typeof labels[label] === "string" && labels[label] !== "");
    if (key === undefined) {
      throw new ClientError(
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
  if (typeof line !== "string") throw new ClientError(400, `${where}: every value must be [timestamp, line]`);
  if (line.startsWith("{")) {
    try {
      return fromObject(JSON.parse(line), where, now);
    } catch {
      // Not JSON after all: keep the line as text.
    }
  }
  return textEntry(line, now);
}
