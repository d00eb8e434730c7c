// The header's ⋯ menu: the less used actions (UTC, Clear, Download, Alerts; on a phone also Wrap, Columns and
// Patterns) in a panel under ⋯, so the header is one row at a desktop's width and two on a phone. Choosing an
// item, Escape, or a click or the focus elsewhere closes it; a focus the closing would lose goes back to ⋯.
import { $ } from "../dom";

/** Where Wrap, Columns and Patterns go behind ⋯ too: the phone rules of styles.css. */
const NARROW = "(max-width: 600px)";

export function wireMenu() {
  const button = $<HTMLButtonElement>("menu");
  const panel = $("menu-panel");
  const wrap = $("menu-wrap");
  /** An item was chosen: the dialog or popover it opened hands the focus back to it, hidden by then. */
  let chosen = false;

  const setOpen = (open: boolean) => {
    panel.hidden = !open;
    button.setAttribute("aria-expanded", String(open));
  };
  button.addEventListener("click", () => setOpen(panel.hidden));
  panel.addEventListener("click", (event) => {
    if (!(event.target as Element).closest("button")) return;
    chosen = true;
    // After the item's own work: a popover (Columns) is placed under its button while that still shows.
    setTimeout(() => {
      // Still on the item (no dialog took the focus): back to ⋯, as the item is hidden now.
      const stayed = panel.contains(document.activeElement);
      setOpen(false);
      if (stayed) button.focus();
    });
  });
  wrap.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || panel.hidden) return;
    // The menu's Escape, not the page's (which clears the search).
    event.stopPropagation();
    setOpen(false);
    button.focus();
  });
  document.addEventListener("click", (event) => {
    if (!panel.hidden && !wrap.contains(event.target as Node)) setOpen(false);
  });
  wrap.addEventListener("focusout", (event) => {
    const to = event.relatedTarget as Node | null;
    if (to !== null && !wrap.contains(to)) setOpen(false);
  });
  // A dialog or popover closed after an item opened it: its opener is hidden, so the focus goes to ⋯.
  const refocus = () =>
    setTimeout(() => {
      if (!chosen || (document.activeElement !== null && document.activeElement !== document.body)) return;
      chosen = false;
      button.focus();
    });
  document.addEventListener("close", refocus, true);
  document.addEventListener("toggle", (event) => (event as ToggleEvent).newState === "closed" && refocus(), true);

  // On a phone Wrap, Columns and Patterns go first in the panel; at a wider width back before ⋯, in order.
  const narrow = matchMedia(NARROW);
  const place = () => {
    const items = document.querySelectorAll<HTMLElement>(".narrow-menu");
    if (narrow.matches) panel.prepend(...items);
    else wrap.before(...items);
  };
  place();
  narrow.addEventListener("change", place);
}
