// While the tab is hidden, its title counts the lines and errors that arrived ("(3 errors) checkout — edge-tail")
// and its icon gets a red mark on an error; both clear when the tab is seen again.
import { levelRank } from "../../lib/levels.js";
import type { Incoming } from "../state";

const ERROR_RANK = levelRank("error");

export class TabBadge {
  private lines = 0;
  private errors = 0;
  private readonly icon = document.querySelector<HTMLLinkElement>("link[rel=icon]");
  private readonly plainIcon = this.icon?.href ?? "";

  constructor(private readonly name: string) {
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") this.reset();
    });
    this.show();
  }

  /** Counts a batch's entries while the tab is hidden. */
  count(batch: readonly Incoming[]) {
    if (document.visibilityState === "visible") return;
    const errorsBefore = this.errors;
    for (const item of batch) {
      if (item.kind !== "entry") continue;
      this.lines++;
      if (levelRank(item.entry.level) >= ERROR_RANK) this.errors++;
    }
    if (this.errors > 0 && errorsBefore === 0 && this.icon) this.icon.href = ERROR_ICON;
    this.show();
  }

  private reset() {
    this.lines = 0;
    this.errors = 0;
    if (this.icon) this.icon.href = this.plainIcon;
    this.show();
  }

  private show() {
    const plural = (n: number, word: string) => `${n.toLocaleString()} ${word}${n === 1 ? "" : "s"}`;
    const count =
      this.errors > 0
        ? `(${plural(this.errors, "error")}) `
        : this.lines > 0
          ? `(${this.lines.toLocaleString()} new) `
          : "";
    document.title = `${count}${this.name} — edge-tail`;
  }
}

/** The page's icon with a red dot: an error arrived while the tab was hidden. */
const ERROR_ICON =
  "data:image/svg+xml,%3Csvg xmlns=%22http://www.w3.org/2000/svg%22 viewBox=%220 0 16 16%22%3E%3Crect width=%2216%22 height=%2216%22 rx=%223%22 fill=%22%232f6fde%22/%3E%3Cpath d=%22M3 5h10M3 8h7M3 11h9%22 stroke=%22white%22/%3E%3Ccircle cx=%2212%22 cy=%2212%22 r=%224%22 fill=%22%23d93025%22 stroke=%22white%22/%3E%3C/svg%3E";
