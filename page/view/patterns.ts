// The Patterns view of the open stream: a dialog listing the templates of the lines the page holds, with
// count, share, level colour, a sparkline and a "new" mark, redrawn live (at most once a second) from the
// events the page receives. Patterns the page has not seen named trigger one fetch of GET …/patterns.
// Clicking a template filters the log to it (pattern:ID); Alt- or Shift-click, or its Hide button, hides it.
import type { LogEntry } from "../../lib/types";
import { type PatternInfo, PatternModel, type PatternRow } from "../patterns";

/** Redraws of the open view at most this often while lines arrive. */
const REDRAW_MS = 1000;
/** Rows drawn at most: the rest are counted in the status line. */
const MAX_ROWS = 200;

export interface PatternsOptions {
  stream: string;
  accessToken: string | null;
  /** The lines the page holds, oldest first. */
  entries: () => LogEntry[];
  /** Adds a term to the search box's query and applies it. */
  addTerm: (term: string) => void;
}

/** Adds the Patterns button and dialog; call `changed()` when the held lines change. */
export function wirePatterns(options: PatternsOptions): { changed: () => void } {
  const model = new PatternModel(Date.now());
  const button = element("button", "patterns-open", "Patterns");
  button.type = "button";
  button.title = "The templates of the lines held here, with their counts";
  document.querySelector("#controls .buttons")?.append(button);

  const dialog = element("dialog", "patterns", "");
  dialog.className = "patterns";
  dialog.setAttribute("aria-labelledby", "patterns-title");
  const head = element("div", "", "");
  head.className = "dialog-head";
  const title = element("h2", "patterns-title", "Patterns");
  const close = element("button", "patterns-close", "Close");
  close.type = "button";
  head.append(title, close);
  const hint = element(
    "p",
    "",
    "Choose a template to show only its lines; Alt- or Shift-click (or Hide) leaves them out.",
  );
  hint.className = "muted patterns-hint";
  const status = element("p", "patterns-status", "");
  status.className = "muted";
  status.setAttribute("role", "status");
  const list = element("ul", "pattern-list", "");
  list.className = "pattern-list";
  list.setAttribute("aria-labelledby", "patterns-title");
  dialog.append(head, hint, status, list);
  document.body.append(dialog);

  let timer: ReturnType<typeof setTimeout> | undefined;
  let fetching = false;

  const draw = () => {
    timer = undefined;
    const entries = options.entries();
    const { rows, lines } = model.rows(entries, Date.now());
    list.replaceChildren(...rows.slice(0, MAX_ROWS).map(item));
    const more = rows.length > MAX_ROWS ? `, the ${MAX_ROWS} largest shown` : "";
    status.textContent = `${rows.length} pattern${rows.length === 1 ? "" : "s"} in the ${lines} line${lines === 1 ? "" : "s"} held here${more}`;
    const unknown = model.unknown(entries);
    if (unknown.length > 0) void learn(unknown);
  };

  /** One fetch at a time; ids it does not name are not asked for again. */
  async function learn(ids: string[]) {
    if (fetching) return;
    fetching = true;
    try {
      const query = options.accessToken ? `?access_token=${encodeURIComponent(options.accessToken)}` : "";
      const response = await fetch(`/api/streams/${encodeURIComponent(options.stream)}/patterns${query}`);
      if (!response.ok) {
        status.textContent = `Templates could not be read: the server answered ${response.status}`;
        model.learn([], ids);
        return;
      }
      const { patterns } = (await response.json()) as { patterns: PatternInfo[] };
      model.learn(patterns, ids);
    } catch {
      model.learn([], ids);
    } finally {
      fetching = false;
    }
    if (dialog.open) draw();
  }

  function item(row: PatternRow): HTMLLIElement {
    const li = document.createElement("li");
    const pick = element("button", "", "");
    pick.type = "button";
    pick.className = "pattern-template";
    pick.dataset.pattern = row.id;
    // Text only: a template is text from the logs.
    pick.textContent = row.template ?? `${row.id} (template loading…)`;
    pick.title = "Show only these lines (Alt- or Shift-click: leave them out)";
    pick.addEventListener("click", (event) => choose(row.id, event.altKey || event.shiftKey));
    const level = element("span", "", row.level ?? "–");
    level.className = "level pattern-level";
    if (row.level !== null) level.dataset.level = row.level;
    const count = element("span", "", `${row.count}`);
    count.className = "pattern-count";
    const share = element("span", "", `${(row.share * 100).toFixed(1)}%`);
    share.className = "pattern-share";
    const meta = element("span", "", "");
    meta.className = "pattern-meta";
    meta.append(level, count, share, sparkline(row.spark));
    if (row.isNew) {
      const mark = element("span", "", "new");
      mark.className = "pattern-new";
      meta.append(mark);
    }
    const hide = element("button", "", "Hide");
    hide.type = "button";
    hide.className = "pattern-hide";
    hide.setAttribute("aria-label", `Hide the lines of ${row.template ?? row.id}`);
    hide.addEventListener("click", () => choose(row.id, true));
    meta.append(hide);
    li.append(pick, meta);
    return li;
  }

  function choose(id: string, exclude: boolean) {
    options.addTerm(`${exclude ? "-" : ""}pattern:${id}`);
    if (!exclude) dialog.close();
  }

  button.addEventListener("click", () => {
    if (!dialog.open) dialog.showModal();
    close.focus();
    draw();
    // Templates widen as lines come: opening the view reads them afresh, once.
    void learn([]);
  });
  close.addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => button.focus());
  // Escape closes the dialog (natively) and must not reach the page's shortcut that clears the search.
  dialog.addEventListener("keydown", (event) => {
    if (event.key === "Escape") event.stopPropagation();
  });

  return {
    changed() {
      if (dialog.open && timer === undefined) timer = setTimeout(draw, REDRAW_MS);
    },
  };
}

/** Bars of the lines per time slice, scaled to the busiest slice; decoration, hidden from screen readers. */
function sparkline(spark: readonly number[]): SVGSVGElement {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("class", "pattern-spark");
  svg.setAttribute("viewBox", `0 0 ${spark.length} 10`);
  svg.setAttribute("preserveAspectRatio", "none");
  svg.setAttribute("aria-hidden", "true");
  const top = Math.max(1, ...spark);
  for (const [i, n] of spark.entries()) {
    if (n === 0) continue;
    const bar = document.createElementNS(ns, "rect");
    const height = Math.max(1, (n / top) * 10);
    bar.setAttribute("x", String(i));
    bar.setAttribute("y", String(10 - height));
    bar.setAttribute("width", "0.8");
    bar.setAttribute("height", String(height));
    svg.append(bar);
  }
  return svg;
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, id: string, text: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (id !== "") node.id = id;
  if (text !== "") node.textContent = text;
  return node;
}
