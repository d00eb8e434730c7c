// What the log area says when it has no row to show: a quiet stream ("No lines yet — send one:" with the
// command for this very stream and host) or a search without a match (with a way to search the whole stream).
import type { Level } from "../../lib/types";
import { getJson, streamPath } from "../api";
import { copyText, flash } from "./clipboard";
import { cliCommand, commandBlock, curlCommand } from "./streams";

export interface EmptyState {
  stream: string;
  filtering: boolean;
  /** Lines this page holds. */
  held: number;
  query: string;
  level: Level | null;
  /** Several streams in one view: history search is one stream's. */
  merged: boolean;
  /**
   * Searches the stream's history page by page until some line matches or the oldest was searched; calls
   * `progress` with each page's `next` (null: the oldest was searched); resolves to the number of matches.
   */
  load: (progress: (next: number | null) => void, signal: AbortSignal) => Promise<number>;
}

let shown = "";

export function showEmpty(empty: EmptyState | null) {
  const section = document.getElementById("empty") as HTMLElement;
  const key = empty === null ? "" : `${empty.filtering}|${empty.held}|${empty.query}|${empty.level}`;
  if (key === shown) return;
  shown = key;
  section.hidden = empty === null;
  if (empty === null) {
    section.replaceChildren();
    return;
  }
  if (!empty.filtering && empty.merged) {
    section.replaceChildren(paragraph("No lines yet in these streams.", "empty-title"));
    return;
  }
  if (!empty.filtering) {
    const command = curlCommand(empty.stream);
    const code = document.createElement("code");
    code.textContent = command;
    const pre = document.createElement("pre");
    pre.className = "command";
    pre.append(code);
    const copy = button("Copy command", async () => flash(copy, (await copyText(command)) ? "Copied" : "Copy failed"));
    section.replaceChildren(
      paragraph("No lines yet — send one:", "empty-title"),
      pre,
      copy,
      commandBlock(cliCommand(empty.stream)),
    );
    return;
  }
  const what = [empty.query.trim(), empty.level ? `level ≥ ${empty.level}` : ""].filter(Boolean).join(", ");
  const title = paragraph(`No line matches ${what}`, "empty-title");
  const detail = paragraph(
    empty.held === 0
      ? "This page holds no line yet."
      : `among the ${empty.held.toLocaleString()} line${empty.held === 1 ? "" : "s"} this page holds.`,
    "",
  );
  if (empty.merged) {
    detail.textContent +=
      " Searching older lines works on one stream at a time: open a single stream to search all of it.";
    section.replaceChildren(title, detail);
    return;
  }
  const { load } = empty;
  let size: StreamSize | null = null;
  const label = () => `Search all ${size ? `${size.entries.toLocaleString()} ` : ""}lines in this stream`;
  const search = button(label(), () => void run());
  const cancel = button("Cancel", () => controller?.abort());
  let controller: AbortController | null = null;
  async function run() {
    controller = new AbortController();
    search.hidden = true;
    search.after(cancel);
    cancel.focus();
    detail.textContent = "Searching…";
    /** How far the search got, for the progress and a cancel. */
    let done = "";
    const progress = (next: number | null) => {
      if (size === null) return;
      const searched = next === null ? size.entries : Math.max(0, Math.min(size.entries, size.lastId - next + 1));
      done = `${searched.toLocaleString()} of ${size.entries.toLocaleString()} lines`;
      detail.textContent = `Searched ${done}…`;
    };
    try {
      const found = await load(progress, controller.signal);
      if (found === 0) detail.textContent = "No line in this stream matches either.";
      cancel.remove();
    } catch (error) {
      const aborted = controller.signal.aborted;
      detail.textContent = aborted
        ? `Search cancelled${done ? ` after ${done}` : ""}.`
        : `The search failed: ${error instanceof Error ? error.message : String(error)}`;
      cancel.remove();
      search.hidden = false;
      search.focus();
    }
  }
  section.replaceChildren(title, detail, search);
  void streamSize(empty.stream).then((found) => {
    size = found;
    if (search.isConnected && !search.hidden) search.textContent = label();
  });
}

interface StreamSize {
  entries: number;
  lastId: number;
}

async function streamSize(stream: string): Promise<StreamSize | null> {
  try {
    const body = await getJson<{ entries?: unknown; lastId?: unknown }>(streamPath(stream));
    if (typeof body.entries !== "number" || typeof body.lastId !== "number") return null;
    return { entries: body.entries, lastId: body.lastId };
  } catch {
    return null;
  }
}

function paragraph(text: string, className: string) {
  const p = document.createElement("p");
  if (className) p.className = className;
  p.textContent = text;
  return p;
}

function button(text: string, onClick: () => void) {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = text;
  b.addEventListener("click", onClick);
  return b;
}
