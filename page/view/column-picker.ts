// The Columns control: a popover (Escape or a click elsewhere closes it) listing the fields seen in the lines
// held, as dotted paths, most common first, each a checkbox that shows or hides it as a column; a filter box
// narrows a long list. Reachable without expanding a row; index.html holds its elements.
import type { LogEntry } from "../../lib/types";
import { $, element } from "../dom";
import type { Columns } from "./columns";
import { flattenFields } from "./fields";

/** Fields are counted in this many of the newest entries held. */
const SAMPLE = 2000;
/** At most this many fields are listed, the most common. */
const MAX_LISTED = 300;
/** The filter box shows over more fields than this. */
const FILTER_OVER = 8;
/** While open, the list takes in the fields of lines that arrived this often, in ms. */
const REFRESH_MS = 1000;
/** The popover's room from the window's edges, in px. */
const MARGIN = 8;

/** Each dotted path in the entries and how many of them hold it, most common first (then by name). */
export function fieldCounts(entries: readonly LogEntry[]): Array<[path: string, count: number]> {
  const counts = new Map<string, number>();
  for (const entry of entries) {
    if (!entry.fields || typeof entry.fields !== "object") continue;
    for (const field of flattenFields(entry.fields)) {
      const path = field.path.join(".");
      counts.set(path, (counts.get(path) ?? 0) + 1);
    }
  }
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).slice(0, MAX_LISTED);
}

export function wireColumnPicker(columns: Columns, entries: () => LogEntry[]) {
  const button = $<HTMLButtonElement>("columns-open");
  const picker = $("col-picker");
  const list = $("col-fields");
  const filter = $<HTMLInputElement>("col-filter");
  const filterField = $("col-filter-field");
  const none = $("col-none");

  /** The listed fields' rows, by path: counts and checks are updated in place while the list is open. */
  let listed = new Map<string, HTMLElement>();
  let timer = 0;
  /** Lists the fields of the lines held; open, new fields go at the end (nothing moves under the pointer). */
  const fill = (fresh: boolean) => {
    const held = entries().slice(-SAMPLE);
    const seen = fieldCounts(held);
    // Chosen columns no held line has come first, so they can be unchecked too.
    const missing = columns.paths.filter((path) => !seen.some(([seenPath]) => seenPath === path));
    const fields: Array<[string, number]> = [...missing.map((path): [string, number] => [path, 0]), ...seen];
    if (fresh) listed = new Map();
    const added: HTMLElement[] = [];
    const words = filter.value.trim().toLowerCase();
    for (const [path, count] of fields) {
      const known = listed.get(path);
      if (known !== undefined) {
        setCount(known, count, held.length);
        const box = known.querySelector("input");
        if (box) box.checked = columns.paths.includes(path);
        continue;
      }
      const item = option(path, count, held.length, columns);
      item.hidden = words !== "" && !path.toLowerCase().includes(words);
      listed.set(path, item);
      added.push(item);
    }
    if (fresh) list.replaceChildren(...added);
    else list.append(...added);
    none.hidden = listed.size > 0;
    if (fresh) filterField.hidden = listed.size <= FILTER_OVER;
  };

  picker.addEventListener("beforetoggle", (event) => {
    if ((event as ToggleEvent).newState !== "open") {
      clearInterval(timer);
      return;
    }
    filter.value = "";
    fill(true);
    place(picker, button);
    clearInterval(timer);
    timer = window.setInterval(() => fill(false), REFRESH_MS);
  });
  picker.addEventListener("toggle", (event) => {
    if ((event as ToggleEvent).newState !== "open") return;
    const first = filterField.hidden ? list.querySelector<HTMLElement>("input") : filter;
    (first ?? picker).focus();
  });
  list.addEventListener("change", (event) => {
    const box = event.target as HTMLInputElement;
    if (box.checked) columns.add(box.value);
    else columns.remove(box.value);
    // At the most columns, a box that added none says so by staying unchecked.
    box.checked = columns.paths.includes(box.value);
  });
  filter.addEventListener("input", () => {
    const words = filter.value.trim().toLowerCase();
    for (const item of list.children) {
      (item as HTMLElement).hidden = words !== "" && !(item.textContent ?? "").toLowerCase().includes(words);
    }
  });
}

/** One field's checkbox: its path, and in how many of the held lines it is. */
function option(path: string, count: number, held: number, columns: Columns): HTMLElement {
  const item = element("li", "");
  const label = element("label", "");
  const box = element("input", "");
  box.type = "checkbox";
  box.value = path;
  box.checked = columns.paths.includes(path);
  label.append(box, element("span", "path", path), element("span", "muted share"));
  item.append(label);
  setCount(item, count, held);
  return item;
}

/** A listed field's count: in how many of the lines held it is. */
function setCount(item: HTMLElement, count: number, held: number) {
  const share = item.querySelector<HTMLElement>(".share");
  if (share === null) return;
  const text = count.toLocaleString();
  if (share.textContent !== text) share.textContent = text;
  share.title = `In ${text} of the last ${held.toLocaleString()} lines held`;
}

/** Under the button, kept inside the window (the popover is in the top layer, placed in the viewport). */
function place(picker: HTMLElement, button: HTMLElement) {
  const at = button.getBoundingClientRect();
  const rem = Number.parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
  // styles.css: `.col-picker { width: min(22rem, 100vw - 1rem) }`.
  const width = Math.min(22 * rem, innerWidth - rem);
  const left = Math.max(MARGIN, Math.min(at.right - width, innerWidth - MARGIN - width));
  picker.style.left = `${left}px`;
  picker.style.top = `${at.bottom + 4}px`;
  picker.style.maxHeight = `${Math.max(160, innerHeight - at.bottom - 4 - MARGIN)}px`;
}
