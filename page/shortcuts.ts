// The page's keyboard shortcuts, anywhere but in a field: p pauses or resumes, / goes to the search, End
// follows again, Escape clears the search (also from within it) but not from within a dialog, which it closes.
import type { SearchBox } from "./view/search";

export interface ShortcutOptions {
  search: SearchBox;
  /** Whether a query is applied, so Escape has something to clear even when the box is empty. */
  queryApplied: () => boolean;
  togglePause: () => void;
  resume: () => void;
}

export function wireShortcuts({ search, queryApplied, togglePause, resume }: ShortcutOptions) {
  document.addEventListener("keydown", (event) => {
    const target = event.target as HTMLElement;
    // A dialog's keys are its own: Escape closes it natively and must leave the search alone.
    if (target.closest("dialog")) return;
    const typing = target instanceof HTMLInputElement || target instanceof HTMLSelectElement;
    if (event.key === "Escape" && (target === search.input || !typing)) {
      if (search.input.value !== "" || queryApplied()) search.set("");
      if (typing) search.input.blur();
      return;
    }
    if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "p") togglePause();
    else if (event.key === "/") search.input.focus();
    else if (event.key === "End") resume();
    else return;
    event.preventDefault();
  });
}
