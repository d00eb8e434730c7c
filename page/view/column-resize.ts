// A column header's resize handle, a focusable `role="separator"` that says its column's width in characters:
// dragged by pointer events (mouse, pen or touch), or moved by Left and Right (Shift: by 8), Home and End; a
// double-click or Enter sizes the column to its values again.
import { element } from "../dom";
import { MAX_CH, MIN_CH } from "./column-spec";

/** Characters an arrow key moves the edge, and with Shift. */
const STEP = 1;
const BIG_STEP = 8;

/** What a handle needs of the columns. */
export interface ResizeHost {
  width(path: string): number;
  /** null: sized to its values again; `keep`: the URL follows. */
  setWidth(path: string, ch: number | null, keep: boolean): number;
  charWidth(): number;
}

export function resizeHandle(path: string, host: ResizeHost): HTMLElement {
  const handle = element("span", "resize");
  handle.dataset.path = path;
  handle.tabIndex = 0;
  handle.setAttribute("role", "separator");
  handle.setAttribute("aria-orientation", "vertical");
  handle.setAttribute("aria-label", `Resize column ${path}`);
  handle.setAttribute("aria-valuemin", String(MIN_CH));
  handle.setAttribute("aria-valuemax", String(MAX_CH));
  handle.title = "Drag, or press ← →, to resize; double-click or Enter sizes it to its values";

  handle.addEventListener("pointerdown", (down) => {
    if (down.button !== 0) return;
    down.preventDefault();
    handle.setPointerCapture(down.pointerId);
    const start = host.width(path);
    const px = host.charWidth();
    let moved = false;
    handle.classList.add("dragging");
    const move = (event: PointerEvent) => {
      const ch = start + Math.round((event.clientX - down.clientX) / px);
      if (ch === start && !moved) return;
      moved = true;
      host.setWidth(path, ch, false);
    };
    const end = () => {
      handle.removeEventListener("pointermove", move);
      handle.removeEventListener("pointerup", end);
      handle.removeEventListener("pointercancel", end);
      handle.classList.remove("dragging");
      // A click, or the first half of a double-click, leaves the width as it was.
      if (moved) host.setWidth(path, host.width(path), true);
    };
    handle.addEventListener("pointermove", move);
    handle.addEventListener("pointerup", end);
    handle.addEventListener("pointercancel", end);
  });

  handle.addEventListener("keydown", (event) => {
    const now = host.width(path);
    const step = event.shiftKey ? BIG_STEP : STEP;
    const keys: Record<string, number | null> = {
      ArrowLeft: now - step,
      ArrowRight: now + step,
      Home: MIN_CH,
      End: MAX_CH,
      Enter: null,
    };
    if (!(event.key in keys) || event.ctrlKey || event.metaKey || event.altKey) return;
    event.preventDefault();
    // End is also the page's "follow again": here it is the column's.
    event.stopPropagation();
    host.setWidth(path, keys[event.key] ?? null, true);
  });

  handle.addEventListener("dblclick", (event) => {
    event.preventDefault();
    host.setWidth(path, null, true);
  });
  return handle;
}

/** Tells a handle its column's width now (in characters), and whether the reader chose it. */
export function showWidth(handle: HTMLElement, width: number, chosen: boolean) {
  handle.setAttribute("aria-valuenow", String(width));
  handle.setAttribute("aria-valuetext", `${width} characters${chosen ? "" : ", sized to its values"}`);
}
