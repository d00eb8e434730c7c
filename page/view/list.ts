// The virtualised log: only the rows near the viewport are in the DOM (@tanstack/virtual-core keeps the
// measured heights and the range), and while following, the newest row is fully in view after every frame.
// Following stops only through the user's own acts (wheel, touch, keys, the scrollbar, selecting text),
// never because layout or a measurement moved the scroll position.
import {
  elementScroll,
  measureElement,
  observeElementOffset,
  observeElementRect,
  Virtualizer,
} from "@tanstack/virtual-core";
import type { Item } from "../state";

export interface ListHooks {
  /** Builds the row of an item (any error is caught by the builder). */
  build: (item: Item, expanded: boolean) => HTMLElement;
  /** The user moved the view: away from the newest line, or back to it. */
  onUserScroll: (atBottom: boolean) => void;
}

interface Mounted {
  row: HTMLElement;
  version: number;
  epoch: number;
  expanded: boolean;
  /** What the row's attributes and style say now, so a frame writes only what changed. */
  index: number;
  top: number;
  active: boolean;
}

/** Rows kept in the DOM beyond the viewport while following, in pixels (above it: new rows arrive below). */
const FOLLOW_OVERSCAN_PX = 400;
/**
 * A frame builds rows beyond the viewport only while it has built fewer than this many: under a firehose nearly
 * every visible row is new each frame, and building unseen ones as well would make the frame much longer.
 */
const FRAME_BUILD_BUDGET = 50;
/** A frame that builds at most this many rows measures them before placing them. */
const SYNC_MEASURE_ROWS = 10;
/** A scroll event within this long of a user's act is the user's. */
const USER_ACT_MS = 400;

export class LogList {
  private items: Item[] = [];
  private readonly mounted = new Map<number, Mounted>();
  private readonly virtualizer: Virtualizer<HTMLElement, HTMLElement>;
  private frame = 0;
  /** Rows built in the frame being rendered. */
  private builtThisFrame = 0;
  private rendering = false;
  /** Measurements changed during the render: a paused view looks again in the next frame. */
  private changedWhileRendering = false;
  private lastUserAct = Number.NEGATIVE_INFINITY;
  private draggingScrollbar = false;
  /** Whether the view keeps the newest row in view. */
  following = true;
  /** The seq of the row the keyboard is on, or null. */
  active: number | null = null;
  /** Items shown expanded, by seq. */
  readonly expanded = new Set<number>();
  /** Bumped when every row must be rebuilt (a new search highlights differently). */
  private epoch = 0;

  constructor(
    readonly scroller: HTMLElement,
    private readonly spacer: HTMLElement,
    private readonly hooks: ListHooks,
  ) {
    this.virtualizer = new Virtualizer<HTMLElement, HTMLElement>({
      count: 0,
      getScrollElement: () => scroller,
      estimateSize: () => 20,
      overscan: 8,
      getItemKey: (index) => this.items[index]?.seq ?? -index - 1,
      scrollToFn: elementScroll,
      observeElementRect,
      observeElementOffset,
      measureElement,
      // A change made by render itself (its own measurements) is placed by it: no second frame for it.
      onChange: () => {
        if (this.rendering) this.changedWhileRendering = true;
        else this.schedule();
      },
      indexAttribute: "data-index",
    });
    // While following, the view is pinned to the bottom after every frame: no scroll correction per measured row
    // (each would force a layout). Otherwise the library's rule: a row measured above the view keeps the view still.
    this.virtualizer.shouldAdjustScrollPositionOnItemSizeChange = (item, _delta, instance) => {
      if (this.following) return false;
      const offset = instance.scrollOffset ?? 0;
      return instance.itemSizeCache.has(item.key)
        ? item.end <= offset && instance.scrollDirection !== "backward"
        : item.start < offset;
    };
    this.virtualizer._didMount();
    this.virtualizer._willUpdate();
    this.listen();
  }

  /** Shows `items` (the state's shown list); `removedFromTop` rows left above, so a held view keeps its place. */
  setItems(items: Item[], removedFromTop = 0) {
    let shift = 0;
    if (removedFromTop > 0 && !this.following) {
      const last = this.virtualizer.measurementsCache[removedFromTop - 1];
      shift = last?.end ?? 0;
    }
    this.items = items;
    this.virtualizer.setOptions({ ...this.virtualizer.options, count: items.length });
    this.forgetSizes();
    if (shift > 0) this.scroller.scrollTop = Math.max(0, this.scroller.scrollTop - shift);
    this.schedule();
  }

  /** Drops the measured heights of rows no longer shown, so a stream running for days keeps memory bounded. */
  private forgetSizes() {
    const sizes = this.virtualizer.itemSizeCache;
    if (sizes.size <= this.items.length + 10_000) return;
    const shown = new Set(this.items.map((item) => item.seq));
    for (const key of sizes.keys()) if (!shown.has(key as number)) sizes.delete(key);
    for (const seq of this.expanded) if (!shown.has(seq)) this.expanded.delete(seq);
  }

  /** Rebuilds every row on the next frame (a new search or a new wrap). */
  refresh() {
    this.epoch++;
    this.schedule();
  }

  follow(on: boolean) {
    this.following = on;
    this.schedule();
  }

  schedule() {
    if (this.frame === 0) this.frame = requestAnimationFrame(() => this.render());
  }

  /** Renders now; called once per animation frame. */
  render() {
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    const v = this.virtualizer;
    v._willUpdate();
    this.builtThisFrame = 0;
    this.rendering = true;
    this.changedWhileRendering = false;
    try {
      this.passes();
    } finally {
      this.rendering = false;
    }
    // Following, the passes have placed every measurement; paused, one pass may leave rows to mount.
    if (this.changedWhileRendering && !this.following) this.schedule();
  }

  /** Mounts, measures and places rows until the rows the view needs stop changing (at most four passes). */
  private passes() {
    const v = this.virtualizer;
    let previous = "";
    for (let pass = 0; pass < 4; pass++) {
      const indexes = this.indexes();
      const built = this.mount(indexes);
      this.builtThisFrame += built.length;
      for (const row of built) v.measureElement(row);
      // The virtualizer does not measure while the view scrolls (ours does in every frame of a busy stream), so
      // new rows would sit at an estimated height over the next one for a frame. Measured here, unless a frame
      // builds more rows than anyone can read before the next (a firehose), where the extra layout costs most.
      if (built.length <= SYNC_MEASURE_ROWS)
        for (const row of built) v.resizeItem(Number(row.dataset.index), row.offsetHeight);
      this.place();
      if (!this.following) break;
      // Pin the newest row to the bottom; a row taller than measured still counts (scrollHeight).
      const max = this.scroller.scrollHeight - this.scroller.clientHeight;
      if (Math.abs(this.scroller.scrollTop - max) > 1) this.scroller.scrollTop = max;
      // Measuring can change which rows the bottom needs; when it did not, the frame is done.
      const key = indexes.join();
      if (built.length === 0 || key === previous) break;
      previous = key;
    }
  }

  /** Indexes to have in the DOM: the virtualizer's range, the rows at the bottom while following, the active row. */
  private indexes(): number[] {
    const v = this.virtualizer;
    const count = this.items.length;
    v.getTotalSize();
    const set = new Set<number>();
    if (this.following && count > 0) {
      const m = v.measurementsCache;
      const end = m[count - 1]?.end ?? 0;
      const view = this.scroller.clientHeight;
      let spare = FRAME_BUILD_BUDGET - this.builtThisFrame;
      for (let i = count - 1; i >= 0; i--) {
        const unbuilt = !this.mounted.has(this.items[i]?.seq ?? Number.NaN);
        const unseen = end - (m[i]?.end ?? 0) >= view;
        // Rows left unbuilt here wait for the reader to scroll up (then the virtualizer's range mounts them):
        // catching up in the next frame would make every frame of a firehose build a full budget.
        if (unbuilt && unseen && spare <= 0) break;
        if (unbuilt) spare--;
        set.add(i);
        if (end - (m[i]?.start ?? 0) >= view + FOLLOW_OVERSCAN_PX) break;
      }
    } else {
      for (const item of v.getVirtualItems()) set.add(item.index);
    }
    if (this.active !== null) {
      const index = this.indexOf(this.active);
      if (index >= 0) set.add(index);
    }
    return [...set].sort((a, b) => a - b);
  }

  /** Index of the shown item with this seq (shown items are ordered by seq within a refilter), or -1. */
  indexOf(seq: number): number {
    const items = this.items;
    let lo = 0;
    let hi = items.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const at = (items[mid] as Item).seq;
      if (at === seq) return mid;
      if (at < seq) lo = mid + 1;
      else hi = mid - 1;
    }
    return items.findIndex((item) => item.seq === seq);
  }

  itemAt(index: number): Item | undefined {
    return this.items[index];
  }

  get count(): number {
    return this.items.length;
  }

  /** Puts the rows for `indexes` in the DOM, reusing built ones; returns the rows built now. */
  private mount(indexes: number[]): HTMLElement[] {
    const keep = new Set<number>();
    const built: HTMLElement[] = [];
    for (const index of indexes) {
      const item = this.items[index];
      if (item === undefined) continue;
      keep.add(item.seq);
      const expanded = this.expanded.has(item.seq);
      let mounted = this.mounted.get(item.seq);
      if (
        mounted === undefined ||
        mounted.version !== item.version ||
        mounted.epoch !== this.epoch ||
        mounted.expanded !== expanded
      ) {
        const row = this.hooks.build(item, expanded);
        row.dataset.seq = String(item.seq);
        row.tabIndex = -1;
        if (mounted) {
          const focused = mounted.row.contains(document.activeElement);
          mounted.row.replaceWith(row);
          if (focused) row.focus({ preventScroll: true });
        } else this.spacer.append(row);
        mounted = { row, version: item.version, epoch: this.epoch, expanded, index: -1, top: -1, active: false };
        this.mounted.set(item.seq, mounted);
        built.push(row);
      }
      if (mounted.index !== index) {
        mounted.index = index;
        mounted.row.dataset.index = String(index);
      }
      const active = item.seq === this.active;
      if (mounted.active !== active) {
        mounted.active = active;
        mounted.row.classList.toggle("active", active);
      }
    }
    let removed = false;
    for (const [seq, mounted] of this.mounted) {
      if (keep.has(seq)) continue;
      if (mounted.row.contains(document.activeElement)) this.scroller.focus({ preventScroll: true });
      mounted.row.remove();
      this.mounted.delete(seq);
      removed = true;
    }
    // The virtualizer stops observing rows that left the DOM (its ref-callback protocol: null sweeps them).
    if (removed) this.virtualizer.measureElement(null);
    this.order(indexes);
    return built;
  }

  /** Keeps the rows in the DOM in the list's order, for selections and screen readers; moves only misplaced ones. */
  private order(indexes: number[]) {
    let previous: HTMLElement | null = null;
    for (const index of indexes) {
      const item = this.items[index];
      const row = item === undefined ? undefined : this.mounted.get(item.seq)?.row;
      if (row === undefined) continue;
      if (row.previousElementSibling !== previous) {
        if (previous === null) this.spacer.prepend(row);
        else previous.after(row);
      }
      previous = row;
    }
  }

  /** Positions the mounted rows and sizes the spacer from the measurements. */
  private place() {
    const v = this.virtualizer;
    this.spacer.style.height = `${v.getTotalSize()}px`;
    const m = v.measurementsCache;
    for (const mounted of this.mounted.values()) {
      const start = m[mounted.index]?.start ?? 0;
      if (mounted.top === start) continue;
      mounted.top = start;
      mounted.row.style.top = `${start}px`;
    }
  }

  /** The first row at or below the top of the view and its distance from it: a place to come back to. */
  anchor(): { seq: number; offset: number } | null {
    const top = this.scroller.getBoundingClientRect().top;
    let best: { seq: number; offset: number } | null = null;
    for (const [seq, { row }] of this.mounted) {
      const offset = row.getBoundingClientRect().top - top;
      if (offset >= 0 && (best === null || offset < best.offset)) best = { seq, offset };
    }
    return best;
  }

  /** Scrolls so the anchored row is where it was, after rows were added above it. */
  restore(anchor: { seq: number; offset: number }) {
    const index = this.indexOf(anchor.seq);
    const start = this.virtualizer.measurementsCache[index]?.start;
    if (start === undefined) return;
    this.scroller.scrollTop = start - anchor.offset;
    this.render();
  }

  /** The mounted row of an item, if any. */
  rowOf(seq: number): HTMLElement | undefined {
    return this.mounted.get(seq)?.row;
  }

  /** Scrolls so the row at `index` is in view (for the keyboard). */
  reveal(index: number) {
    const m = this.virtualizer.measurementsCache[index];
    if (!m) return;
    const top = this.scroller.scrollTop;
    const bottom = top + this.scroller.clientHeight;
    if (m.start < top) this.scroller.scrollTop = m.start;
    else if (m.end > bottom) this.scroller.scrollTop = m.end - this.scroller.clientHeight;
  }

  atBottom(): boolean {
    const s = this.scroller;
    return s.scrollHeight - s.scrollTop - s.clientHeight < 4;
  }

  /** The user's own acts; a scroll event is only theirs shortly after one of them. */
  private listen() {
    const s = this.scroller;
    const act = () => {
      this.lastUserAct = performance.now();
    };
    s.addEventListener(
      "wheel",
      (event) => {
        act();
        if (event.deltaY < 0 && this.following) this.hooks.onUserScroll(false);
      },
      { passive: true },
    );
    s.addEventListener("touchstart", act, { passive: true });
    s.addEventListener("touchmove", act, { passive: true });
    s.addEventListener("pointerdown", (event) => {
      // A press right of the content box is on the scrollbar.
      if (event.offsetX > s.clientWidth) {
        this.draggingScrollbar = true;
        act();
      }
    });
    window.addEventListener("pointerup", () => {
      this.draggingScrollbar = false;
    });
    s.addEventListener("keydown", (event) => {
      if (["PageUp", "PageDown", "ArrowUp", "ArrowDown", "Home", "End", " "].includes(event.key)) act();
    });
    s.addEventListener(
      "scroll",
      () => {
        if (!this.draggingScrollbar && performance.now() - this.lastUserAct > USER_ACT_MS) return;
        const bottom = this.atBottom();
        if (bottom !== this.following) this.hooks.onUserScroll(bottom);
        if (!this.following) this.schedule();
      },
      { passive: true },
    );
  }
}
