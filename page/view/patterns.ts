// The Patterns view of the open stream or merged view: a dialog listing the templates of the lines the page
// holds (the newest 20,000), with count, share, level colour, a sparkline and a "new" mark (and, merged, the
// stream's tag), redrawn live from the events the page receives (at most once a second, and at most 5 % of the
// main thread). Patterns the page has not seen named trigger one fetch of GET …/patterns (merged: /api/patterns).
// Clicking a template filters the log to it (pattern:ID; merged, stream:NAME pattern:ID); Alt- or Shift-click,
// or its Hide button, hides it.
import { ApiError, getJson, streamPath } from "../api";
import { $ } from "../dom";
import { type HeldLine, type PatternInfo, PatternModel, type PatternRow, patternTerm } from "../patterns";
import { tagClass } from "./rows";

/** Redraws of the open view at most this often while lines arrive. */
const REDRAW_MS = 1000;
/** Held lines counted at most, the newest: a redraw's work stays bounded however many lines the page holds. */
const MAX_COUNTED = 20_000;
/** Rows drawn at most: the rest are counted in the status line. */
const MAX_ROWS = 100;

export interface PatternsOptions {
  /** The stream, or a merged view's selection as the URL gives it (`a,b,team-a.*`). */
  stream: string;
  /** A merged view's streams, in the URL's order (for the tags' colours); null for one stream. */
  merged: readonly string[] | null;
  /** The lines the page holds, oldest first, with their streams in a merged view. */
  entries: () => readonly HeldLine[];
  /** Adds a term to the search box's query and applies it. */
  addTerm: (term: string) => void;
}

/** Adds the Patterns button and dialog; call `changed()` when the held lines change. */
export function wirePatterns(options: PatternsOptions): { changed: () => void } {
  const model = new PatternModel(Date.now());
  const button = element("button", "patterns-open", "Patterns");
  button.type = "button";
  button.title = "The templates of the lines held here, with their counts";
  // Before ⋯ (view/menu.ts moves it behind ⋯ on a phone).
  button.className = "narrow-menu";
  $("menu-wrap").before(button);

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
  /** Milliseconds until the next live redraw: at least REDRAW_MS, and 20 times the last redraw's cost. */
  let delay = REDRAW_MS;
  /** The drawn rows by pattern id, updated in place so a redraw keeps focus and rebuilds only what changed. */
  const drawn = new Map<string, Item>();

  const draw = () => {
    timer = undefined;
    const started = performance.now();
    const { rows, lines, unknown } = model.rows(options.entries().slice(-MAX_COUNTED), Date.now());
    const shown = rows.slice(0, MAX_ROWS);
    const items = shown.map((row) => {
      let drawnItem = drawn.get(row.key);
      if (drawnItem === undefined) {
        drawnItem = item(row);
        drawn.set(row.key, drawnItem);
      }
      update(drawnItem, row);
      return drawnItem.li;
    });
    for (const key of drawn.keys()) if (!shown.some((row) => row.key === key)) drawn.delete(key);
    const children = list.children;
    if (children.length !== items.length || items.some((li, i) => children[i] !== li)) list.replaceChildren(...items);
    const more = rows.length > MAX_ROWS ? `, the ${MAX_ROWS} largest shown` : "";
    const which = lines === MAX_COUNTED ? `newest ${lines} lines` : `${lines} line${lines === 1 ? "" : "s"}`;
    status.textContent = `${rows.length} pattern${rows.length === 1 ? "" : "s"} in the ${which} held here${more}`;
    if (unknown.length > 0) void learn(unknown);
    delay = Math.max(REDRAW_MS, 20 * (performance.now() - started));
  };

  /** One fetch at a time; keys it does not name are not asked for again. */
  async function learn(keys: string[]) {
    if (fetching) return;
    fetching = true;
    try {
      const { patterns } = await getJson<{ patterns: PatternInfo[] }>(
        options.merged === null ? streamPath(options.stream, "/patterns") : "/api/patterns",
        options.merged === null ? {} : { streams: options.stream },
      );
      model.learn(patterns, keys);
    } catch (error) {
      if (error instanceof ApiError) status.textContent = `Templates could not be read: ${error.message}`;
      model.learn([], keys);
    } finally {
      fetching = false;
    }
    if (dialog.open) draw();
  }

  function item(row: PatternRow): Item {
    const li = document.createElement("li");
    const pick = element("button", "", "");
    pick.type = "button";
    pick.className = "pattern-template";
    pick.dataset.pattern = row.id;
    if (row.stream !== undefined) pick.dataset.stream = row.stream;
    pick.title = "Show only these lines (Alt- or Shift-click: leave them out)";
    pick.addEventListener("click", (event) => choose(row, event.altKey || event.shiftKey));
    const level = element("span", "", "");
    level.className = "level pattern-level";
    const count = element("span", "", "");
    count.className = "pattern-count";
    const share = element("span", "", "");
    share.className = "pattern-share";
    const spark = element("span", "", "");
    const mark = element("span", "", "new");
    mark.className = "pattern-new";
    const hide = element("button", "", "Hide");
    hide.type = "button";
    hide.className = "pattern-hide";
    hide.addEventListener("click", () => choose(row, true));
    const meta = element("span", "", "");
    meta.className = "pattern-meta";
    // A merged view's row says whose pattern it is, in the stream's colour on the log's tags.
    if (row.stream !== undefined) {
      const tag = element("span", "", row.stream);
      tag.className = `tag pattern-stream ${tagClass(row.stream, options.merged ?? [])}`;
      meta.append(tag);
    }
    meta.append(level, count, share, spark, mark, hide);
    li.append(pick, meta);
    return { li, pick, level, count, share, spark, mark, hide, sparkKey: "" };
  }

  /** Writes only what changed: text is text from the logs, set as text. */
  function update(drawnItem: Item, row: PatternRow) {
    const { pick, level, count, share, spark, mark, hide } = drawnItem;
    const template = row.template ?? `${row.id} (template loading…)`;
    if (pick.textContent !== template) {
      pick.textContent = template;
      const whose = row.stream === undefined ? "" : `, in ${row.stream}`;
      if (whose !== "") pick.setAttribute("aria-label", `${template}${whose}`);
      hide.setAttribute("aria-label", `Hide the lines of ${template}${whose}`);
    }
    const levelText = row.level ?? "–";
    if (level.textContent !== levelText) {
      level.textContent = levelText;
      if (row.level === null) delete level.dataset.level;
      else level.dataset.level = row.level;
    }
    const countText = String(row.count);
    if (count.textContent !== countText) count.textContent = countText;
    const shareText = `${(row.share * 100).toFixed(1)}%`;
    if (share.textContent !== shareText) share.textContent = shareText;
    const sparkKey = row.spark.join(",");
    if (drawnItem.sparkKey !== sparkKey) {
      drawnItem.sparkKey = sparkKey;
      spark.replaceChildren(sparkline(row.spark));
    }
    mark.hidden = !row.isNew;
  }

  function choose(row: PatternRow, exclude: boolean) {
    options.addTerm(patternTerm(row, exclude));
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
      if (dialog.open && timer === undefined) timer = setTimeout(draw, delay);
    },
  };
}

/** One drawn row and the parts a redraw updates. */
interface Item {
  li: HTMLLIElement;
  pick: HTMLButtonElement;
  level: HTMLSpanElement;
  count: HTMLSpanElement;
  share: HTMLSpanElement;
  spark: HTMLSpanElement;
  mark: HTMLSpanElement;
  hide: HTMLButtonElement;
  /** The counts the sparkline was drawn from. */
  sparkKey: string;
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
