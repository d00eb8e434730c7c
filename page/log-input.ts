// The log's own input: a click on a row (mark, expand, copy, or add a field, stream or level to the search)
// and the keyboard on the log (arrows move the marked row, Enter expands it, c copies it, Home goes to the top).
import { stripAnsi } from "../lib/ansi.js";
import { lineText } from "../lib/format.js";
import { fieldTerm } from "../lib/query.js";
import type { Item, PauseReason } from "./state";
import { rowAction, withActions } from "./view/actions";
import { copyText, flash } from "./view/clipboard";
import { valueAt } from "./view/fields";
import type { LogList } from "./view/list";

export interface LogInputOptions {
  /** The reader moved away from the newest line. */
  pause: (reason: PauseReason) => void;
  /** Adds a term to the search and applies it. */
  addTerm: (term: string) => void;
  /** Shows a field (its dotted path) as a column. */
  addColumn: (path: string) => void;
}

/** Listens to clicks and keys on the log, whose rows `list` shows. */
export function wireLogInput(log: HTMLElement, list: LogList, { pause, addTerm, addColumn }: LogInputOptions) {
  function itemOf(row: HTMLElement): Item | undefined {
    const index = list.indexOf(Number(row.dataset.seq));
    return index >= 0 ? list.itemAt(index) : undefined;
  }

  function toggle(item: Item) {
    if (list.expanded.has(item.seq)) list.expanded.delete(item.seq);
    else list.expanded.add(item.seq);
    list.schedule();
  }

  function setActive(seq: number | null) {
    list.active = seq;
    list.render();
    if (seq !== null) list.rowOf(seq)?.focus({ preventScroll: true });
  }

  async function copyItem(item: Item, button?: HTMLElement) {
    if (item.kind !== "entry") return;
    const ok = await copyText(lineText({ ...item.entry, message: stripAnsi(String(item.entry.message)) }));
    const target = button ?? list.rowOf(item.seq)?.querySelector<HTMLElement>(".copy");
    if (target) flash(target, ok ? "Copied" : "Copy failed");
  }

  /** The newest row that is in view. */
  function lastInView(): number {
    const bottom = log.getBoundingClientRect().bottom;
    let best = list.count - 1;
    for (const row of log.querySelectorAll<HTMLElement>(".row")) {
      const rect = row.getBoundingClientRect();
      const index = Number(row.dataset.index);
      if (rect.bottom <= bottom + 1 && (best === list.count - 1 || index > best)) best = index;
    }
    return best;
  }

  const arm = (event: Event) => {
    const row = (event.target as Element).closest?.(".row");
    if (row) withActions(row);
  };
  // A followed log moves its rows under a resting pointer every frame: those rows are not being pointed at.
  log.addEventListener("pointermove", arm);
  log.addEventListener("pointerover", (event) => {
    if (!list.following) arm(event);
  });

  log.addEventListener("click", (event) => {
    const target = event.target as HTMLElement;
    const row = target.closest<HTMLElement>(".row");
    if (!row) return;
    const item = itemOf(row);
    if (!item) return;
    if (target.closest(".copy")) {
      void copyItem(item, target.closest(".copy") as HTMLElement);
      return;
    }
    if (target.closest(".more")) {
      toggle(item);
      return;
    }
    const action = target.closest<HTMLElement>("[data-action]");
    if (action && item.kind === "entry") {
      rowAction(action.dataset.action ?? "")?.run(item, action);
      return;
    }
    const op = target.closest<HTMLElement>("[data-op]");
    const leaf = op?.closest<HTMLElement>("[data-path]");
    if (op && leaf?.dataset.path && item.kind === "entry") {
      const path = JSON.parse(leaf.dataset.path) as string[];
      const value = valueAt(item.entry.fields, path);
      if (op.dataset.op === "in" || op.dataset.op === "out") addTerm(fieldTerm(path, value, op.dataset.op === "out"));
      else if (op.dataset.op === "col") addColumn(path.join("."));
      else if (op.dataset.op === "copy") {
        const text = typeof value === "string" ? stripAnsi(value) : JSON.stringify(value);
        void copyText(text).then((ok) => flash(op, ok ? "Copied" : "Copy failed"));
      }
      return;
    }
    if (item.kind === "entry") {
      // Values filter from the expansion's tree; on the row's line a click marks or expands the row.
      const value = target.closest<HTMLElement>(".detail .value");
      if (value?.dataset.path) {
        const path = JSON.parse(value.dataset.path) as string[];
        addTerm(fieldTerm(path, valueAt(item.entry.fields, path), event.altKey || event.shiftKey));
        return;
      }
      const tag = target.closest<HTMLElement>(".tag")?.dataset.stream;
      if (tag) {
        addTerm(`stream:${tag}`);
        return;
      }
      const level = target.closest<HTMLElement>(".level")?.dataset.level;
      if (level) {
        addTerm(`level:>=${level}`);
        return;
      }
    }
    if (!getSelection()?.isCollapsed) return;
    // A first click marks the row (on a phone: shows its Copy button), a second expands it.
    if (list.active === item.seq) toggle(item);
    else setActive(item.seq);
  });

  log.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const count = list.count;
    if (count === 0) return;
    let index = list.active === null ? -1 : list.indexOf(list.active);
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (index < 0) index = lastInView();
      else index = Math.max(0, Math.min(count - 1, index + (event.key === "ArrowDown" ? 1 : -1)));
      if (event.key === "ArrowUp" && index < count - 1) pause("scroll");
      const item = list.itemAt(index);
      if (item) {
        list.reveal(index);
        setActive(item.seq);
      }
    } else if (event.key === "Enter" && index >= 0) {
      const item = list.itemAt(index);
      if (item) toggle(item);
    } else if (event.key === "c" && index >= 0) {
      const item = list.itemAt(index);
      if (item) void copyItem(item);
    } else if (event.key === "Home") {
      pause("scroll");
      list.scroller.scrollTop = 0;
    } else return;
    event.preventDefault();
  });
}
