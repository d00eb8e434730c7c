// An entry's fields as what a reader scans: nested objects flattened to dotted paths, short values inline,
// multi-line strings (stack traces) as blocks of lines. Any JSON is accepted; nothing here throws on odd values.

export interface FieldView {
  /** Path segments from the top of `fields`. */
  path: string[];
  /** The value as shown: a plain string as is, anything else as compact JSON. */
  text: string;
  /** The value itself, for a query term. */
  value: unknown;
  /** A string with line breaks: shown as a block of lines. */
  multiline: boolean;
}

/** Objects nested deeper than this are shown as JSON. */
const MAX_DEPTH = 4;
/** At most this many fields are listed per row; the rest is in the expanded view. */
const MAX_FIELDS = 200;

export function flattenFields(fields: Record<string, unknown>): FieldView[] {
  const out: FieldView[] = [];
  walk(fields, [], 0, out);
  return out;
}

function walk(value: Record<string, unknown>, path: string[], depth: number, out: FieldView[]) {
  for (const key of Object.keys(value)) {
    if (out.length >= MAX_FIELDS) return;
    const child = value[key];
    const childPath = [...path, key];
    if (child !== null && typeof child === "object" && !Array.isArray(child) && depth < MAX_DEPTH) {
      if (Object.keys(child).length > 0) {
        walk(child as Record<string, unknown>, childPath, depth + 1, out);
        continue;
      }
    }
    out.push(view(childPath, child));
  }
}

function view(path: string[], value: unknown): FieldView {
  if (typeof value === "string") {
    const multiline = /[\r\n]/.test(value);
    const quoted = !multiline && (value === "" || /[\s"]/.test(value));
    return { path, text: quoted ? safeJson(value) : value, value, multiline };
  }
  return { path, text: safeJson(value), value, multiline: false };
}

/** A value at a path of `fields`, or undefined. */
export function valueAt(fields: Record<string, unknown> | undefined, path: readonly string[]): unknown {
  let at: unknown = fields;
  for (const key of path) {
    if (at === null || typeof at !== "object" || !Object.hasOwn(at, key)) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

/** A message as text: a string as it is, anything else an odd server sent as JSON. */
export function messageText(message: unknown): string {
  return typeof message === "string" ? message : safeJson(message);
}

export function safeJson(value: unknown, indent?: number): string {
  try {
    return JSON.stringify(value, null, indent) ?? String(value);
  } catch {
    return String(value);
  }
}
