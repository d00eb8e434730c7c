// What the reading features add to a log row: "Link" (copies a URL that opens the page at this line) and
// "Context" (the lines before and after it in the whole stream, shown inline under the row, marked, until closed;
// the key x does the same on the marked row), and aria-current on the line a link or a jump opened.
import type { LogEntry } from "../../lib/types";
import { failure, getJson, streamPath } from "../api";
import type { EntryItem, Item } from "../state";
import { utcWanted } from "../url";
import { addRowAction } from "./actions";
import { copyText, flash } from "./clipboard";
import { contextLine } from "./context-line";
import type { LogList } from "./list";

/** Lines shown before and after a line whose context is open. */
export const CONTEXT_LINES = 10;

type Context = { state: "loading" } | { state: "ready"; entries: LogEntry[] } | { state: "failed"; error: string };

export interface RowExtrasOptions {
  /** The page's stream or merged selection, as the URL's `stream` gives it. */
  selection: string;
  merged: boolean;
  list: LogList;
}

/** The lines around `id` of `stream`, oldest first (`GET …/entries?around=`), under `q`/`level` when given. */
export async function fetchAround(
  stream: string,
  id: number,
  span: number,
  filter: { q?: string; level?: string } = {},
): Promise<LogEntry[]> {
  const query = new URLSearchParams({ around: String(id), before: String(span), after: String(span) });
  if (filter.q) query.set("q", filter.q);
  if (filter.level) query.set("level", filter.level);
  return (await getJson<{ entries: LogEntry[] }>(streamPath(stream, "/entries"), query)).entries;
}

export class RowExtras {
  private readonly contexts = new Map<number, Context>();
  /** The seq of the line a link or a jump opened, marked aria-current. */
  current: number | null = null;

  constructor(private readonly options: RowExtrasOptions) {
    // In the row's one action list, beside Copy (actions.ts), so no control ever lies over another.
    addRowAction({
      name: "link",
      label: "Link",
      title: "Copy a link to this line",
      run: (item, button) =>
        void copyText(this.linkTo(item)).then((ok) => flash(button, ok ? "Copied" : "Copy failed")),
    });
    addRowAction({
      name: "context",
      label: "Context",
      title: `Show the ${CONTEXT_LINES} lines before and after this one in the whole stream (x)`,
      run: (item) => this.toggle(item),
    });
  }

  /** Adds the mark and an open context to a freshly built row. */
  decorate(row: HTMLElement, item: Item): HTMLElement {
    if (item.kind !== "entry" || !row.classList.contains("entry")) return row;
    if (item.seq === this.current) {
      row.setAttribute("aria-current", "true");
      row.classList.add("current");
    }
    const context = this.contexts.get(item.seq);
    if (context !== undefined) row.append(this.contextBlock(item, context));
    return row;
  }

  /** Handles a click on an open context's close button; true when it was one. */
  click(target: HTMLElement, item: Item): boolean {
    if (item.kind !== "entry") return false;
    if (target.closest(".context-close")) {
      this.toggle(item);
      return true;
    }
    return false;
  }

  /** `/?stream=S&line=ID`, or in a merged view `/?stream=a,b&line=a:12`. */
  linkTo(item: EntryItem): string {
    const query = new URLSearchParams({ stream: this.options.selection });
    query.set("line", this.options.merged ? `${item.stream ?? ""}:${item.entry.id}` : String(item.entry.id));
    return `${location.origin}/?${query.toString().replace(/%2C/g, ",").replace(/%3A/g, ":")}`;
  }

  /** Opens or closes a row's context. */
  toggle(item: Item) {
    if (item.kind !== "entry") return;
    if (this.contexts.has(item.seq)) {
      this.contexts.delete(item.seq);
      this.changed(item);
      return;
    }
    this.contexts.set(item.seq, { state: "loading" });
    this.changed(item);
    const stream = this.options.merged ? (item.stream ?? "") : this.options.selection;
    fetchAround(stream, item.entry.id, CONTEXT_LINES).then(
      (entries) => this.settle(item, { state: "ready", entries }),
      (error: unknown) => this.settle(item, { state: "failed", error: failure(error) }),
    );
  }

  private settle(item: EntryItem, context: Context) {
    if (!this.contexts.has(item.seq)) return;
    this.contexts.set(item.seq, context);
    this.changed(item);
  }

  private changed(item: Item) {
    item.version++;
    this.options.list.schedule();
  }

  private contextBlock(item: EntryItem, context: Context): HTMLElement {
    const block = document.createElement("div");
    block.className = "context";
    const head = document.createElement("div");
    head.className = "context-head";
    const close = document.createElement("button");
    close.type = "button";
    close.className = "context-close";
    close.tabIndex = -1;
    close.textContent = "Close context";
    if (context.state === "loading") head.textContent = "Loading the lines around this one…";
    else if (context.state === "failed")
      head.textContent = `The lines around this one could not be loaded: ${context.error}`;
    else head.textContent = `${CONTEXT_LINES} lines before and after line ${item.entry.id}, unfiltered`;
    head.append(" ", close);
    block.append(head);
    if (context.state !== "ready") return block;
    const list = document.createElement("ol");
    list.className = "context-lines";
    list.setAttribute("aria-label", `The lines around line ${item.entry.id}`);
    // Built at each render: the UTC button rebuilds the rows, and the context with them.
    const utc = utcWanted();
    let above: number | undefined;
    for (const entry of context.entries) {
      const line = contextLine(entry, entry.id === item.entry.id, utc, above);
      if (entry.id === item.entry.id) line.setAttribute("aria-current", "true");
      list.append(line);
      above = entry.time;
    }
    block.append(list);
    return block;
  }
}
