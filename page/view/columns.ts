// Fields shown as columns: chosen from an expanded row ("Column") or the Columns picker, kept in the URL
// (`cols=http.status:14,user.id`: a width in characters after a colon, else sized to its values), under a header
// row that names each, removes it and resizes it. The rows' grid and this header share one template (the log's
// `--grid`, and `--grid-nolevel` while no row shows a level pill and the level column is left out), so cells
// line up.
import type { LogEntry } from "../../lib/types";
import { element } from "../dom";
import { setUrl } from "../url";
import { resizeHandle, showWidth } from "./column-resize";
import { type ColumnSpec, clampWidth, formatColumns, MAX_COLUMNS, MIN_CH } from "./column-spec";
import { flattenFields } from "./fields";
import { whenLevelPillShows } from "./rows";

/** A column sized to its values is at most this wide, in characters. */
const CONTENT_CH = 32;
/** A column sized to its values leaves its header this many characters of its name at least (else "…"). */
const NAME_CH = 6;
/** What a header's remove button takes, in characters. */
const BUTTON_CH = 3;
/** Columns are sized from this many of the newest entries. */
const SAMPLE = 300;
/** The URL follows a width changed by the keyboard this long after the last key. */
const URL_DELAY_MS = 200;

export class Columns {
  paths: string[];
  /** Widths sized to the values held, in characters. */
  private content = new Map<string, number>();
  /** Widths the reader chose (dragged, keyed or from the URL), in characters. */
  private chosen = new Map<string, number>();
  private urlTimer = 0;

  constructor(
    private readonly head: HTMLElement,
    private readonly log: HTMLElement,
    initial: ColumnSpec[],
    /** The entries held, newest last: what a new column is sized to. */
    private readonly sample: () => LogEntry[],
    /** Columns changed: every row is built again. */
    private readonly onChange: () => void,
  ) {
    this.paths = initial.map((column) => column.path);
    for (const { path, width } of initial) if (width !== undefined) this.chosen.set(path, width);
    this.hideLevel();
    this.apply(false);
  }

  /**
   * No level column until a row shows its level in the pill (a text log without levels, or lines that say it):
   * at the start, and again when every row is built anew (a new filter, a cleared view).
   */
  hideLevel() {
    for (const node of [this.log, this.head]) node.classList.add("nolevel");
    whenLevelPillShows(() => {
      for (const node of [this.log, this.head]) node.classList.remove("nolevel");
    });
  }

  add(path: string) {
    if (this.paths.includes(path) || this.paths.length >= MAX_COLUMNS) return;
    this.paths = [...this.paths, path];
    this.apply(true);
  }

  remove(path: string) {
    this.paths = this.paths.filter((column) => column !== path);
    this.chosen.delete(path);
    this.apply(true);
  }

  /** A column's width in characters: the reader's, else its values'. */
  width(path: string): number {
    return this.chosen.get(path) ?? this.content.get(path) ?? headWidth(path);
  }

  /** Whether the reader chose this column's width (else it is sized to its values). */
  isChosen(path: string): boolean {
    return this.chosen.has(path);
  }

  /**
   * Sets a column's width in characters (null: sized to its values again); the URL follows once `keep` is set
   * (a drag keeps only where it ends). Returns the width now shown.
   */
  setWidth(path: string, ch: number | null, keep: boolean): number {
    if (ch === null) this.chosen.delete(path);
    else this.chosen.set(path, clampWidth(ch));
    this.template();
    if (keep) {
      clearTimeout(this.urlTimer);
      this.urlTimer = window.setTimeout(() => this.keepInUrl(), URL_DELAY_MS);
    }
    return this.width(path);
  }

  /** One character of the log's font, in CSS pixels (a drag moves by whole characters). */
  charWidth(): number {
    const probe = element("span", "");
    probe.style.cssText = "position:absolute;visibility:hidden;width:10ch";
    this.head.append(probe);
    const px = probe.getBoundingClientRect().width / 10;
    probe.remove();
    return px > 0 ? px : 8;
  }

  /** Sizes columns not sized yet from the entries held (called when lines first arrive too). */
  size() {
    const unsized = this.paths.filter((path) => !this.content.has(path));
    if (unsized.length === 0) return;
    const entries = this.sample().slice(-SAMPLE);
    if (entries.length === 0) return;
    for (const path of unsized) this.content.set(path, contentWidth(path, entries));
    this.template();
  }

  private keepInUrl() {
    clearTimeout(this.urlTimer);
    setUrl("cols", formatColumns(this.paths.map((path) => ({ path, width: this.chosen.get(path) }))));
  }

  private apply(changed: boolean) {
    this.keepInUrl();
    this.head.hidden = this.paths.length === 0;
    const row = element("div", "colrow");
    row.setAttribute("role", "row");
    const header = (text: string, className = "") => {
      const cell = element("span", className, text);
      cell.setAttribute("role", "columnheader");
      return cell;
    };
    row.append(header("Time"), header("Level", "levelname"));
    for (const path of this.paths) {
      const cell = header("", "colname");
      // Named for its field alone, not also for its buttons.
      cell.setAttribute("aria-label", path);
      cell.title = path;
      const remove = element("button", "remove", "×");
      remove.type = "button";
      remove.setAttribute("aria-label", `Remove the column ${path}`);
      remove.addEventListener("click", () => this.remove(path));
      // The path's last segment alone when the whole is wider than the column: the parents are hidden, not gone.
      const name = element("span", "colname-text");
      const last = parentLength(path);
      if (last > 0) name.append(element("span", "colname-parent", path.slice(0, last)));
      name.append(path.slice(last));
      cell.dataset.path = path;
      cell.append(name, remove, resizeHandle(path, this));
      row.append(cell);
    }
    row.append(header("Message"));
    this.head.replaceChildren(row);
    this.size();
    this.template();
    if (changed) this.onChange();
  }

  private template() {
    const cols = this.paths.map((path) => `${this.width(path)}ch`).join(" ");
    this.log.classList.toggle("columns", this.paths.length > 0);
    for (const node of [this.log, this.head]) {
      if (this.paths.length === 0) {
        node.style.removeProperty("--grid");
        node.style.removeProperty("--grid-nolevel");
      } else {
        node.style.setProperty("--grid", `12ch 5ch ${cols} minmax(0, 1fr)`);
        node.style.setProperty("--grid-nolevel", `12ch ${cols} minmax(0, 1fr)`);
      }
    }
    for (const cell of this.head.querySelectorAll<HTMLElement>(".colname")) {
      const path = cell.dataset.path ?? "";
      const width = this.width(path);
      cell.classList.toggle("short", path.length + BUTTON_CH > width);
      const handle = cell.querySelector<HTMLElement>(".resize");
      if (handle !== null) showWidth(handle, width, this.isChosen(path));
    }
  }
}

/** How much of a path is its parents (`http.` of `http.status`): a narrow column's header hides it. */
function parentLength(path: string): number {
  const last = path.lastIndexOf(".") + 1;
  return last < path.length ? last : 0;
}

/** The width a column's header needs: its name's last segment, cut at NAME_CH, and its remove button. */
function headWidth(path: string): number {
  return Math.max(MIN_CH, Math.min(NAME_CH, path.length - parentLength(path)) + BUTTON_CH);
}

/** A column sized to its values: its longest value held (at most CONTENT_CH), and room for its header. */
function contentWidth(path: string, entries: LogEntry[]): number {
  let values = 0;
  for (const entry of entries) {
    if (!entry.fields || typeof entry.fields !== "object") continue;
    const field = flattenFields(entry.fields).find((view) => view.path.join(".") === path);
    if (field) values = Math.max(values, Math.min(CONTENT_CH, field.text.length));
  }
  return Math.max(headWidth(path), values);
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
