// The decoders of `POST /api/streams/{stream}/logs`, chosen by Content-Type.
import { ClientError } from "../errors";
import { mediaTypeOf } from "../http/body";
import type { EntryDraft } from "../stream/stored";
import { parseJson, parseNdjson } from "./json";
import { parseText, type TextOptions } from "./text";

/**
 * A decoder turns a body (already decompressed and read as text) into drafts; `now` is the time of receipt;
 * the options matter to text only.
 */
export type Decoder = (body: string, now: number, options?: TextOptions) => EntryDraft[];

const DECODERS: Record<string, Decoder> = {
  "text/plain": parseText,
  "application/x-ndjson": parseNdjson,
  "application/ndjson": parseNdjson,
  "application/jsonl": parseNdjson,
  "application/x-jsonlines": parseNdjson,
  "application/json": parseJson,
};

/** The decoder for a Content-Type of `POST /api/streams/{stream}/logs`; a 415 naming the accepted types. */
export function decoderFor(contentType: string | null | undefined): Decoder {
  const mediaType = mediaTypeOf(contentType);
  const decoder = DECODERS[mediaType];
  if (decoder) return decoder;
  throw new ClientError(
    415,
    `Unsupported Content-Type ${mediaType ? `"${mediaType}"` : "(none)"}: send text/plain (one line per entry), application/x-ndjson (one JSON object per line) or application/json (an object or an array of objects)`,
  );
}

/**
 * Whether text lines are grouped into multi-line entries, from `?multiline=` or else the
 * `X-Edge-Tail-Multiline` header: `on` (the default) or `off`; a 400 for anything else.
 */
export function multilineOf(query: string | undefined, header: string | undefined): boolean {
  const value = (query ?? header)?.trim().toLowerCase();
  if (value === undefined || value === "on") return true;
  if (value === "off") return false;
  throw new ClientError(
    400,
    `multiline must be on or off, not ${JSON.stringify(query ?? header)}: off keeps every text line an entry of its own`,
  );
}
