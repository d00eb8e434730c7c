/** A merged view's event id: every stream's position in one Last-Event-ID, written and read back. */

import { isStreamName } from "../../lib/names.js";
import { ClientError } from "../errors";

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
