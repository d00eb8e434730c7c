// Checks on decoded JSON shapes: a wrong type is the client's mistake, a 400 naming where it is.
import { ClientError } from "../errors";
import { describe } from "./normalise";

/** A JSON object; `null` and absent count as empty, as the protobuf JSON mapping has it. */
export function objectAt(value: unknown, where: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new ClientError(400, `${where} must be an object, got ${describe(value)}`);
  }
  return value as Record<string, unknown>;
}

/** A JSON array; `null` and absent count as empty. */
export function arrayAt(value: unknown, where: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new ClientError(400, `${where} must be an array, got ${describe(value)}`);
  return value;
}

/** An element of a repeated field: an object, never `null`. */
export function elementAt(value: unknown, where: string): Record<string, unknown> {
  if (value === null) throw new ClientError(400, `${where} must be an object, got null`);
  return objectAt(value, where);
}

/** An optional string. */
export function stringAt(value: unknown, where: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw new ClientError(400, `${where} must be a string, got ${describe(value)}`);
  return value;
}

/** A value as JSON for an error message, cut to 60 characters so a huge value cannot make a huge answer. */
export function shown(value: unknown): string {
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 60 ? `${json.slice(0, 60)}…` : json;
}
