// Which scrolls of the log are the reader's: a scroll event is theirs only shortly after one of their own acts
// (wheel, touch, keys, dragging the scrollbar), never because layout or a measurement moved the position.

/** A scroll event within this long of a user's act is the user's. */
const USER_ACT_MS = 400;

export interface UserActs {
  /** Any act of the reader's on the log. */
  onAct: () => void;
  /** The wheel turned up (away from the newest line). */
  onWheelUp: () => void;
  /** A scroll that was the reader's. */
  onUserScroll: () => void;
  /** Any scroll at all. */
  onScroll: () => void;
}

export function watchUserActs(s: HTMLElement, hooks: UserActs) {
  let lastUserAct = Number.NEGATIVE_INFINITY;
  let draggingScrollbar = false;
  const act = () => {
    lastUserAct = performance.now();
    hooks.onAct();
  };
  s.addEventListener(
    "wheel",
    (event) => {
      act();
      if (event.deltaY < 0) hooks.onWheelUp();
    },
    { passive: true },
  );
  s.addEventListener("touchstart", act, { passive: true });
  s.addEventListener("touchmove", act, { passive: true });
  s.addEventListener("pointerdown", (event) => {
    // A press right of the content box is on the scrollbar.
    if (event.offsetX > s.clientWidth) {
      draggingScrollbar = true;
      act();
    }
  });
  window.addEventListener("pointerup", () => {
    draggingScrollbar = false;
  });
  s.addEventListener("keydown", (event) => {
    if (["PageUp", "PageDown", "ArrowUp", "ArrowDown", "Home", "End", " "].includes(event.key)) act();
  });
  s.addEventListener(
    "scroll",
    () => {
      hooks.onScroll();
      if (!draggingScrollbar && performance.now() - lastUserAct > USER_ACT_MS) return;
      hooks.onUserScroll();
    },
    { passive: true },
  );
}
