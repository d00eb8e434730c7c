// JSON and NDJSON bodies to drafts, and JSON.parse with a 400 naming the place.
import { ClientError } from "../errors";
import type { EntryDraft } from "../stream/stored";
import { fromObject } from "./normalise";

/** Every non-empty line is one JSON object. */
export function parseNdjson(body: string, now: number): EntryDraft[] {
  const entries: EntryDraft[] = [];
  const lines = body.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim().length === 0) continue;
    entries.push(fromObject(parseJsonText(line, `line ${i + 1}`), `line ${i + 1}`, now));
  }
  return entries;
}

/** One JSON object, or an array of them. */
export function parseJson(body: string, now: number): EntryDraft[] {
  const value = parseJsonText(body, "body");
  if (!Array.isArray(value)) return [fromObject(value, "body", now)];
  return value.map((item, i) => fromObject(item, `element ${i}`, now));
}

/** JSON.parse, with a 400 naming `where` for malformed input. */
export function parseJsonText(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ClientError(400, `Malformed JSON in ${where}: ${reason}`);
  }
}
