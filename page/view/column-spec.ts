// The `cols=` URL form, pure: fields shown as columns, each a dotted path with, when the reader chose one, a
// width in characters after a colon (`cols=http.status:14,user.id`); older `cols=a,b` links read as before.

/** A column is at least this wide, in characters. */
export const MIN_CH = 4;
/** A width the reader chooses is at most this, in characters. */
export const MAX_CH = 120;
/** At most this many columns. */
export const MAX_COLUMNS = 12;

/** A column `cols=` names: its dotted path and, when the reader chose one, its width in characters. */
export interface ColumnSpec {
  path: string;
  width?: number;
}

export const clampWidth = (ch: number) => Math.min(MAX_CH, Math.max(MIN_CH, Math.round(ch)));

/**
 * The columns `cols=` names: `path` or `path:width` (a width in characters), comma-separated. Everything before
 * a part's last colon is its path when digits (or nothing) follow that colon, so `cols=a,b` reads as before.
 */
export function parseColumns(value: string | null): ColumnSpec[] {
  const out: ColumnSpec[] = [];
  for (const raw of (value ?? "").split(",")) {
    const part = raw.trim();
    const sized = /^(.*):(\d*)$/.exec(part);
    const path = sized ? (sized[1] as string).trim() : part;
    if (path === "" || out.some((column) => column.path === path)) continue;
    const digits = sized?.[2] ?? "";
    out.push(digits === "" ? { path } : { path, width: clampWidth(Number(digits)) });
    if (out.length === MAX_COLUMNS) break;
  }
  return out;
}

/** The `cols=` value of these columns; a path that itself ends in `:digits` gets a colon more, to read back. */
export function formatColumns(columns: readonly ColumnSpec[]): string {
  return columns
    .map(({ path, width }) => (width !== undefined ? `${path}:${width}` : /:\d*$/.test(path) ? `${path}:` : path))
    .join(",");
}
