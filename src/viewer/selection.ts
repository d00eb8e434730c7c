/** Which streams a merged view shows: `?streams=a,b,team-a.*`, names and prefixes checked. */

import { isStreamName, isStreamPrefix } from "../../lib/names.js";
import { ClientError } from "../errors";

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
      if (!isStreamPrefix(part))
        throw new ClientError(400, `Invalid stream prefix "${part}": use name characters followed by *`);
      selection.prefixes.push(part.slice(0, -1));
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
