// A Loki push (JSON, or protobuf decoded to the same shape) mapped to drafts per stream its labels name.
import { levelOf } from "../../lib/levels.js";
import { nanosToMillis } from "../../lib/time.js";
import { ClientError } from "../errors";
import type { EntryDraft } from "../stream/stored";
import type { StreamGroup } from "./groups";
import { parseJsonText } from "./json";
import { describe, fromObject, isSaneTime } from "./normalise";
import { arrayAt, elementAt, objectAt } from "./shape";
import { textEntry } from "./text";

/** Maps a Loki push request (JSON) to drafts per edge-tail stream; see `mapLokiPush`. */
export function parseLokiPush(body: string, now: number, streamLabels: string[]): StreamGroup[] {
  return mapLokiPush(parseJsonText(body, "the Loki push body"), now, streamLabels);
}

/**
 * Maps a push request (as the JSON encoding writes it, which the protobuf decoder also produces) to drafts
 * per edge-tail stream. The first of `streamLabels` present names the stream; the other labels and any
 * structured metadata become fields; a line that is a JSON object is read like NDJSON, other lines like
 * text; a `level` (or `detected_level`) label sets the level. Every shape is checked (a 400 naming its
 * place); a time that is unreadable or out of range becomes the time of receipt, kept in `fields._time`.
 */
export function mapLokiPush(value: unknown, now: number, streamLabels: string[]): StreamGroup[] {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ClientError(
      400,
      `Expected a Loki push request {"streams": [{"stream": {...}, "values": [...]}]}, got ${describe(value)}`,
    );
  }
  const byStream = new Map<string, StreamGroup>();
  arrayAt((value as Record<string, unknown>).streams, "streams").forEach((item, index) => {
    const where = `streams[${index}]`;
    const entry = elementAt(item, where);
    const labels = strings(entry.stream, `${where}.stream`);
    const key = streamLabels.find((label) => labels[label] !== undefined && labels[label] !== "");
    if (key === undefined) {
      throw new ClientError(400, `${where} has none of the labels ${streamLabels.join(", ")} to name its stream`);
    }
    const name = labels[key] as string;
    delete labels[key];
    const labelLevel = levelOf(labels.level ?? labels.detected_level);
    const group = byStream.get(name) ?? { stream: name, drafts: [], source: `${where}, label ${key}` };
    arrayAt(entry.values, `${where}.values`).forEach((tuple, i) => {
      const valueWhere = `${where}.values[${i}]`;
      if (!Array.isArray(tuple) || tuple.length < 2 || tuple.length > 3) {
        throw new ClientError(400, `${valueWhere} must be [timestamp, line] or [timestamp, line, metadata]`);
      }
      const [ts, line, metadata] = tuple as unknown[];
      if (typeof line !== "string") throw new ClientError(400, `${valueWhere}[1], the line, must be a string`);
      const draft = toDraft(line, now, valueWhere);
      const fields: Record<string, unknown> = {
        ...labels,
        ...strings(metadata, `${valueWhere}[2]`),
        ...(draft.fields ?? {}),
      };
      const ms = nanosToMillis(ts);
      if (ms !== null && isSaneTime(ms, now)) draft.time = ms;
      else fields._time = ts;
      draft.level ??= labelLevel;
      if (Object.keys(fields).length > 0) draft.fields = fields;
      group.drafts.push(draft);
    });
    byStream.set(name, group);
  });
  return [...byStream.values()];
}

/** Labels or structured metadata: an object of strings, as Loki requires. */
function strings(value: unknown, where: string): Record<string, string> {
  const object = objectAt(value, where);
  const pairs: [string, string][] = [];
  for (const [name, text] of Object.entries(object)) {
    if (typeof text !== "string") {
      throw new ClientError(400, `${where}.${name} must be a string, got ${describe(text)}`);
    }
    pairs.push([name, text]);
  }
  // fromEntries defines own properties, so a label named __proto__ stays a label.
  return Object.fromEntries(pairs);
}

function toDraft(line: string, now: number, where: string): EntryDraft {
  if (line.startsWith("{")) {
    try {
      return fromObject(JSON.parse(line), where, now);
    } catch {
      // Not JSON after all (or nested too deeply to be read as fields): keep the line as text.
    }
  }
  return textEntry(line, now);
}
