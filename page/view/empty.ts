// What the log area says when it has no row to show: a quiet stream ("No lines yet — send one:" with the
// command for this very stream and host) or a search without a match (with a way to search the whole stream).
import type { Level } from "../../lib/types";
import { copyText, flash } from "./clipboard";
import { curlCommand } from "./streams";

export interface EmptyState {
  stream: string;
  filtering: boolean;
  /** Lines this page holds. */
  held: number;
  query: string;
  level: Level | null;
  /** Searches the whole stream; resolves to the number of matches found. */
  load: () => Promise<number>;
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
  if (!empty.filtering) {
    const command = curlCommand(empty.stream);
    const code = document.createElement("code");
    code.textContent = command;
    const pre = document.createElement("pre");
    pre.className = "command";
    pre.append(code);
    const copy = button("Copy command", async () => flash(copy, (await copyText(command)) ? "Copied" : "Copy failed"));
    section.replaceChildren(paragraph("No lines yet — send one:", "empty-title"), pre, copy);
    return;
  }
  const what = [empty.query.trim(), empty.level ? `level ≥ ${empty.level}` : ""].filter(Boolean).join(", ");
  const title = paragraph(`No line matches ${what}`, "empty-title");
  const detail = paragraph(`among the ${empty.held.toLocaleString()} lines this page holds.`, "");
  const search = button("Search all lines in this stream", async () => {
    search.disabled = true;
    search.textContent = "Searching…";
    try {
      const found = await empty.load();
      if (found === 0) {
        detail.textContent = "No line in this stream matches either.";
        search.remove();
      }
    } catch (error) {
      detail.textContent = `The search failed: ${error instanceof Error ? error.message : String(error)}`;
      search.disabled = false;
      search.textContent = "Search all lines in this stream";
    }
  });
  section.replaceChildren(title, detail, search);
  void streamSize(empty.stream).then((size) => {
    if (size !== null && search.isConnected && !search.disabled) {
      search.textContent = `Search all ${size.toLocaleString()} lines in this stream`;
    }
  });
}

async function streamSize(stream: string): Promise<number | null> {
  try {
    const token = new URLSearchParams(location.search).get("access_token");
    const query = token ? `?access_token=${encodeURIComponent(token)}` : "";
    const response = await fetch(`/api/streams/${encodeURIComponent(stream)}${query}`);
    if (!response.ok) return null;
    const body = (await response.json()) as { entries?: unknown };
    return typeof body.entries === "number" ? body.entries : null;
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
