// An expanded row's detail panel: each field once, as a tree (nested objects as branches, a stack trace as
// lines), and per field: filter in, filter out, copy, and add as a column. Clicks are handled by log-input.ts
// through each button's `data-op` and its field's `data-path`.
import { stripAnsi } from "../../lib/ansi.js";
import { element } from "../dom";
import { safeJson } from "./fields";

/** Objects nested deeper than this are shown as JSON. */
const MAX_DEPTH = 6;
/** At most this many fields are listed; the rest is said. */
const MAX_FIELDS = 500;

/** What each field's buttons do, in their order: op, label, and how a screen reader names it. */
const OPS: Array<[op: string, label: string, name: (field: string) => string]> = [
  ["in", "+", (field) => `Filter for this ${field}`],
  ["out", "−", (field) => `Filter out this ${field}`],
  ["copy", "Copy", (field) => `Copy the value of ${field}`],
  ["col", "Column", (field) => `Show ${field} as a column`],
];

export function detailPanel(fields: Record<string, unknown>): HTMLElement {
  const panel = element("div", "detail");
  const tree = element("ul", "tree");
  const count = { n: 0 };
  branch(tree, fields, [], 0, count);
  panel.append(tree);
  if (count.n > MAX_FIELDS) panel.append(element("p", "muted", `${count.n - MAX_FIELDS} more fields not listed`));
  return panel;
}

function branch(
  list: HTMLElement,
  value: Record<string, unknown>,
  path: string[],
  depth: number,
  count: { n: number },
) {
  for (const key of Object.keys(value)) {
    const child = value[key];
    const childPath = [...path, key];
    if (child !== null && typeof child === "object" && !Array.isArray(child) && depth < MAX_DEPTH) {
      const item = element("li", "branch");
      item.append(element("span", "key", key));
      const nested = element("ul", "tree");
      branch(nested, child as Record<string, unknown>, childPath, depth + 1, count);
      item.append(nested);
      list.append(item);
      continue;
    }
    if (++count.n > MAX_FIELDS) return;
    list.append(leaf(key, childPath, child));
  }
}

function leaf(key: string, path: string[], value: unknown): HTMLElement {
  const item = element("li", "leaf");
  item.dataset.path = JSON.stringify(path);
  const text = typeof value === "string" ? stripAnsi(value) : safeJson(value);
  const multiline = typeof value === "string" && /[\r\n]/.test(value);
  const shown = element(multiline ? "pre" : "span", multiline ? "value lines" : "value", text);
  shown.dataset.path = item.dataset.path;
  const ops = element("span", "ops");
  const name = path.join(".");
  for (const [op, label, aria] of OPS) {
    const button = element("button", "op", label);
    button.type = "button";
    button.dataset.op = op;
    // No tab stop: the log is one, and its keys act on the marked row.
    button.tabIndex = -1;
    button.setAttribute("aria-label", aria(name));
    button.title = aria(name);
    ops.append(button);
  }
  item.append(element("span", "key", key), shown, ops);
  return item;
}
