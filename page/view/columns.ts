// Fields shown as columns: chosen from an expanded row ("Column") and kept in the URL (`cols=http.status,user.id`),
// each sized to its values, under a header row that names it and can remove it. The rows' grid and this header
// share one template (the log's `--grid`), so cells line up.
import type { LogEntry } from "../../lib/types";
import { element } from "../dom";
import { setUrl } from "../url";
import { flattenFields } from "./fields";

/** A column is at least this wide and at most this wide, in characters. */
const MIN_CH = 4;
const MAX_CH = 32;
/** Columns are sized from this many of the newest entries. */
const SAMPLE = 300;

/** The dotted paths `cols=` names (each a field path; empty parts dropped). */
export function parseColumns(value: string | null): string[] {
  return [...new Set((value ?? "").split(",").map((part) => part.trim()))].filter((part) => part !== "").slice(0, 12);
}

export class Columns {
  paths: string[];
  private widths = new Map<string, number>();

  constructor(
    private readonly head: HTMLElement,
    private readonly log: HTMLElement,
    initial: string[],
    /** The entries held, newest last: what a new column is sized to. */
    private readonly sample: () => LogEntry[],
    /** Columns changed: every row is built again. */
    private readonly onChange: () => void,
  ) {
    this.paths = initial;
    this.apply(false);
  }

  add(path: string) {
    if (this.paths.includes(path)) return;
    this.paths = [...this.paths, path];
    this.apply(true);
  }

  remove(path: string) {
    this.paths = this.paths.filter((column) => column !== path);
    this.apply(true);
  }

  /** Sizes columns not sized yet from the entries held (called when lines first arrive too). */
  size() {
    const unsized = this.paths.filter((path) => !this.widths.has(path));
    if (unsized.length === 0) return;
    const entries = this.sample().slice(-SAMPLE);
    if (entries.length === 0) return;
    for (const path of unsized) {
      // The header's name and its remove button fit.
      let width = Math.max(MIN_CH, path.length + 3);
      for (const entry of entries) {
        if (!entry.fields || typeof entry.fields !== "object") continue;
        const field = flattenFields(entry.fields).find((view) => view.path.join(".") === path);
        if (field) width = Math.max(width, Math.min(MAX_CH, field.text.length));
      }
      this.widths.set(path, width);
    }
    this.template();
  }

  private apply(changed: boolean) {
    setUrl("cols", this.paths.join(","));
    this.head.hidden = this.paths.length === 0;
    const row = element("div", "colrow");
    row.setAttribute("role", "row");
    const header = (text: string, className = "") => {
      const cell = element("span", className, text);
      cell.setAttribute("role", "columnheader");
      return cell;
    };
    row.append(header("Time"), header("Level"));
    for (const path of this.paths) {
      const cell = header(path, "colname");
      const remove = element("button", "remove", "×");
      remove.type = "button";
      remove.setAttribute("aria-label", `Remove the column ${path}`);
      remove.addEventListener("click", () => this.remove(path));
      cell.append(remove);
      row.append(cell);
    }
    row.append(header("Message"));
    this.head.replaceChildren(row);
    this.size();
    this.template();
    if (changed) this.onChange();
  }

  private template() {
    const cols = this.paths.map((path) => `${this.widths.get(path) ?? Math.max(MIN_CH, path.length + 3)}ch`);
    if (cols.length === 0) this.log.style.removeProperty("--grid");
    else this.log.style.setProperty("--grid", `12ch 5ch ${cols.join(" ")} minmax(0, 1fr)`);
    this.head.style.setProperty("--grid", this.log.style.getPropertyValue("--grid"));
  }
}

/** Held entries as CSV: time, level, message, then one column per path. */
export function csv(entries: LogEntry[], paths: string[]): string {
  const quote = (value: unknown) => {
    const text = value === undefined || value === null ? "" : typeof value === "string" ? value : JSON.stringify(value);
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const lines = [["time", "level", "message", ...paths].map(quote).join(",")];
  for (const entry of entries) {
    const fields = entry.fields && typeof entry.fields === "object" ? flattenFields(entry.fields) : [];
    const cells = paths.map((path) => fields.find((field) => field.path.join(".") === path)?.value);
    lines.push([new Date(entry.time).toISOString(), entry.level ?? "", entry.message, ...cells].map(quote).join(","));
  }
  return `${lines.join("\r\n")}\r\n`;
}
