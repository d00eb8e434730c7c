// The virtualised log: only the rows near the viewport are in the DOM, absolutely placed from their measured
// heights (Heights), and while following, the newest row is fully in view after every frame. New rows are measured
// by a ResizeObserver after the frame's layout and placed before its paint, so no row is ever drawn over another.
// Following stops only through the user's own acts (wheel, touch, keys, the scrollbar, selecting text),
// never because layout or a measurement moved the scroll position.
import type { EntryItem, Item } from "../state";
import { Heights } from "./heights";
import { MountedRows } from "./mounted";
import type { SketchLine } from "./sketch";
import { watchUserActs } from "./user-acts";

export interface ListHooks {
  /** Builds the row of an item below the entry `above` (any error is caught by the builder). */
  build: (item: Item, expanded: boolean, above: EntryItem | undefined) => HTMLElement;
  /** The user moved the view: away from the newest line, or back to it. */
  onUserScroll: (atBottom: boolean) => void;
  /** Rows just laid out at a new size, before the frame is painted (to read what they show). */
  onMeasured?: (rows: HTMLElement[]) => void;
  /** An item as one line of plain text (with its level if it must stand out), shown where its row is unbuilt. */
  sketch: (item: Item) => SketchLine;
}

/** Height of a row not yet measured: one line. */
const ESTIMATE_PX = 20;
/** Rows kept in the DOM beyond each edge of a paused view. */
const OVERSCAN_ROWS = 8;
/** Rows kept in the DOM beyond the viewport while following, in pixels (above it: new rows arrive below). */
const FOLLOW_OVERSCAN_PX = 400;
/** A frame that brings this many new rows or more is a firehose's (1,000 lines/s at 60 frames/s). */
export const FIREHOSE_ROWS = 16;
/**
 * A following frame builds at most this many rows above the viewport, the next frame more, and a firehose's frames
 * none: nearly every row in view is new, and those above it scroll past unseen. When it stops, the rows above are
 * built a few a frame, so that no frame builds a screen of them at once.
 */
const FRAME_BUILD_BUDGET = 12;
/** Frames this soon after a firehose's are counted as its too (those between its batches). */
const FIREHOSE_QUIET_MS = 150;
/** Time a following frame spends building rows before it leaves the oldest in view for the next frame, in ms. */
const FRAME_BUILD_MS = 4;
/**
 * Rows a lasting firehose's frame builds at most, the newest: the rest of the view is sketched. At 2,000 lines/s
 * every frame brings more lines than a view holds, so building a screen of rows a frame (a long task) shows nothing
 * more. A firehose's first frame (a page's first lines, one large POST) is built as usual.
 */
const FIREHOSE_BUILT = 12;

export class LogList {
  private items: Item[] = [];
  private readonly heights = new Heights(ESTIMATE_PX);
  /** Rows added at the bottom since the last render, and when a render last had a firehose's. */
  private arrived = 0;
  private firehoseAt = Number.NEGATIVE_INFINITY;
  /** Frames that brought the current firehose's lines. */
  private firehoseFrames = 0;
  private quiet = 0;
  /** Rows above a followed view are still to be built (a few a frame). */
  private above = false;
  /** The lowest row height measured so far (a one-line row's): the estimate of rows not measured yet. */
  private oneLine = Number.POSITIVE_INFINITY;
  /** Reports the height of every mounted row when it is first laid out and whenever it changes. */
  private readonly sizes = new ResizeObserver((entries) => this.measured(entries));
  private readonly mounted: MountedRows;
  /**
   * The runs of rows a frame left unbuilt (out of time, or a firehose's), each as plain lines at their estimated
   * heights, so that no part of the view is blank. Last in the list's element; those not in use are hidden.
   */
  private readonly sketches: HTMLElement[] = [];
  /** The rows of each sketch in use: from its first index to before its end. */
  private sketched: [first: number, end: number][] = [];
  private viewHeight: number;
  private frame = 0;
  /** The timer of scheduleNext, or 0. */
  private next = 0;
  /** Pin the newest row to the bottom once more, after its measurements, though not following (showNewest). */
  private pinOnce = false;
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
    this.viewHeight = scroller.clientHeight;
    this.mounted = new MountedRows(spacer, scroller, this.sizes, hooks.build);
    new ResizeObserver(() => {
      this.viewHeight = scroller.clientHeight;
      this.schedule();
    }).observe(scroller);
    this.listen();
  }

  /**
   * Shows `items` (the state's shown list) after `removedFromTop` rows left its top. A held view keeps the row at
   * its top where it is, whatever left or was added above it (evicted lines, older ones loaded).
   */
  setItems(items: Item[], removedFromTop = 0) {
    const held = this.following ? null : this.topRow();
    // The state grows and trims its shown list in place, and makes a new one when it refilters.
    const replaced = items !== this.items;
    if (!replaced) this.arrived += Math.max(0, items.length - this.heights.count + removedFromTop);
    this.items = items;
    this.heights.sync(items, removedFromTop, replaced);
    // Mounted rows keep their place in the heights until the next render: a measurement may come first.
    if (replaced || removedFromTop > 0) {
      this.drawSketch([]);
      for (const mounted of this.mounted.values()) {
        mounted.index = replaced ? -1 : mounted.index - removedFromTop;
        mounted.row.dataset.index = String(mounted.index);
      }
    }
    if (this.expanded.size > 1_000) {
      const shown = new Set(items.map((item) => item.seq));
      for (const seq of this.expanded) if (!shown.has(seq)) this.expanded.delete(seq);
    }
    const index = held === null ? -1 : this.indexOf(held.seq);
    if (held !== null && index >= 0) {
      const top = this.heights.start(index) + held.offset;
      if (Math.abs(this.scroller.scrollTop - top) > 0.5) {
        // The list's new height first (the view could not scroll past the old one), and the rows with the view in
        // the same frame, so what is read stays still.
        this.place();
        this.scroller.scrollTop = top;
      }
    }
    this.schedule();
  }

  /** The row at the top of the view and how far the view is into it, from the heights; null for an empty list. */
  private topRow(): { seq: number; offset: number } | null {
    if (this.heights.count === 0) return null;
    const top = this.scroller.scrollTop;
    const index = this.heights.indexAt(top);
    return { seq: this.heights.seqAt(index), offset: top - this.heights.start(index) };
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

  /** Shows the newest row at the bottom now, without following (a filter changed while paused). */
  showNewest() {
    this.pinOnce = true;
    this.render();
  }

  /**
   * A batch is on its way (its frame renders a followed list): a render scheduled before it would build rows the
   * batch is about to push out of view.
   */
  awaitBatch() {
    if (this.frame === 0 || !this.following) return;
    cancelAnimationFrame(this.frame);
    this.frame = 0;
  }

  schedule() {
    if (this.frame === 0) this.frame = requestAnimationFrame(() => this.render());
  }

  /**
   * The next frame's render, asked for from a task rather than from this frame: a page's own frame callbacks (a
   * reader's script, a test) then run before it, and see the rows as they were painted.
   */
  private scheduleNext() {
    if (this.next === 0) this.next = window.setTimeout(() => this.schedule(), 0);
  }

  /** Renders now; called once per animation frame. */
  render() {
    cancelAnimationFrame(this.frame);
    clearTimeout(this.next);
    this.frame = 0;
    this.next = 0;
    const pinning = this.following || this.pinOnce;
    // Following a firehose, a frame builds rows for so long only: the newest always, the rest when there is time.
    const now = performance.now();
    if (this.arrived >= FIREHOSE_ROWS) {
      this.firehoseFrames = now - this.firehoseAt < FIREHOSE_QUIET_MS ? this.firehoseFrames + 1 : 1;
      this.firehoseAt = now;
      // Once it stops, one more render builds the rows above the view.
      clearTimeout(this.quiet);
      this.quiet = window.setTimeout(() => this.schedule(), FIREHOSE_QUIET_MS);
    }
    this.arrived = 0;
    const firehose = now - this.firehoseAt < FIREHOSE_QUIET_MS;
    const indexes = this.indexes(pinning, firehose);
    const { built, late } = this.mounted.mount(indexes, {
      items: this.items,
      expanded: this.expanded,
      active: this.active,
      epoch: this.epoch,
      deadline: pinning ? now + FRAME_BUILD_MS : Number.POSITIVE_INFINITY,
      limit: pinning && firehose && this.firehoseFrames > 1 ? FIREHOSE_BUILT : Number.POSITIVE_INFINITY,
    });
    if (late || this.above) this.scheduleNext();
    this.drawSketch(late ? indexes : []);
    this.place();
    // New rows are pinned once measured, after this frame's layout (measured): pinning now would force one more.
    if (pinning && built.length === 0) this.pin();
    if (built.length === 0) this.pinOnce = false;
  }

  /** Scrolls to the bottom of the list; paused (showNewest), to that of the room the log keeps for the jump control. */
  private pin() {
    // Following, the bottom comes from the heights: reading the scroll height would lay out the frame once more.
    const bottom = this.following ? this.heights.total() : this.scroller.scrollHeight;
    const max = Math.max(0, bottom - this.viewHeight);
    if (Math.abs(this.scroller.scrollTop - max) > 1) this.scroller.scrollTop = max;
  }

  /**
   * Heights of rows just laid out: records them and places the rows before the frame is painted. In a paused view
   * what the reader looks at stays put: rows measured above it (revealed by scrolling up, or loaded older ones)
   * move the view with them.
   */
  private measured(entries: ResizeObserverEntry[]) {
    const h = this.heights;
    const pinning = this.following || this.pinOnce;
    const anchor = pinning ? 0 : this.anchorIndex();
    let changed = false;
    let adjust = 0;
    this.hooks.onMeasured?.(entries.map((entry) => entry.target as HTMLElement));
    let least = this.oneLine;
    for (const entry of entries) {
      const row = entry.target as HTMLElement;
      const mounted = this.mounted.get(Number(row.dataset.seq));
      if (mounted === undefined || mounted.row !== row || mounted.index < 0) continue;
      const height = entry.borderBoxSize[0]?.blockSize ?? row.offsetHeight;
      if (height > 0 && height < least) least = height;
      const delta = h.set(mounted.index, height);
      if (delta === 0) continue;
      changed = true;
      if (mounted.index < anchor) adjust += delta;
    }
    // Rows not built yet are estimated at the height of the lowest row seen: a one-line row, most rows.
    if (least !== this.oneLine) {
      this.oneLine = least;
      const grown = h.setEstimate(least, anchor);
      changed = true;
      adjust += grown;
    }
    if (changed) this.place();
    if (pinning) this.pin();
    else if (adjust !== 0) this.scroller.scrollTop += adjust;
    this.pinOnce = false;
    // Rows of other heights than estimated may change which rows the view needs.
    if (changed) this.schedule();
  }

  /** The row a paused view keeps in place: the first in view that was measured before (else the first in view). */
  private anchorIndex(): number {
    const h = this.heights;
    const offset = this.scroller.scrollTop;
    let measured = Number.POSITIVE_INFINITY;
    let any = Number.POSITIVE_INFINITY;
    for (const { index } of this.mounted.values()) {
      if (index < 0 || index >= measured || h.start(index) + h.size(index) <= offset) continue;
      if (h.measuredAt(index)) measured = index;
      else any = Math.min(any, index);
    }
    return Number.isFinite(measured) ? measured : any;
  }

  /** Indexes to have in the DOM: the rows in and near the view (at the bottom while pinning), the active row. */
  private indexes(pinning: boolean, firehose: boolean): number[] {
    const h = this.heights;
    const count = this.items.length;
    const view = this.viewHeight;
    const set = new Set<number>();
    this.above = false;
    if (pinning && count > 0) {
      const end = h.total();
      let spare = firehose ? 0 : FRAME_BUILD_BUDGET;
      for (let i = count - 1; i >= 0; i--) {
        const start = h.start(i);
        const unbuilt = !this.mounted.has(this.items[i]?.seq ?? Number.NaN);
        const unseen = end - (start + h.size(i)) >= view;
        // Rows left unbuilt here wait for the next frame, a quieter one, or for the reader to scroll up (then the
        // paused range mounts them in that same frame).
        if (unbuilt && unseen && spare <= 0) {
          this.above = !firehose;
          break;
        }
        if (unbuilt && unseen) spare--;
        set.add(i);
        if (end - start >= view + FOLLOW_OVERSCAN_PX) break;
      }
    } else if (count > 0) {
      const top = this.scroller.scrollTop;
      const first = Math.max(0, h.indexAt(top) - OVERSCAN_ROWS);
      const last = Math.min(count - 1, h.indexAt(top + view) + OVERSCAN_ROWS);
      for (let i = first; i <= last; i++) set.add(i);
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

  /** Sketches the rows of `indexes` left unbuilt: each run of them (newest first, a frame built what it could). */
  private drawSketch(indexes: number[]) {
    const runs: [first: number, end: number][] = [];
    for (const index of indexes) {
      if (this.mounted.has(this.items[index]?.seq ?? Number.NaN)) continue;
      const last = runs.at(-1);
      if (last !== undefined && last[1] === index) last[1]++;
      else runs.push([index, index + 1]);
    }
    this.sketched = runs;
    runs.forEach(([first, end], at) => {
      const sketch = this.sketches[at] ?? this.newSketch();
      sketch.replaceChildren(...this.sketchNodes(first, end));
      sketch.style.lineHeight = `${this.heights.size(first)}px`;
      sketch.hidden = false;
    });
    for (let at = runs.length; at < this.sketches.length; at++) (this.sketches[at] as HTMLElement).hidden = true;
  }

  private newSketch(): HTMLElement {
    const sketch = document.createElement("li");
    sketch.className = "sketch";
    sketch.setAttribute("aria-hidden", "true");
    this.spacer.append(sketch);
    this.sketches.push(sketch);
    return sketch;
  }

  /** The lines of rows `first` to `end`: plain text, a warning or worse in a span of its level's colour. */
  private sketchNodes(first: number, end: number): (string | HTMLElement)[] {
    const nodes: (string | HTMLElement)[] = [];
    let text = "";
    for (let i = first; i < end; i++) {
      let line: SketchLine = { text: "", level: null };
      try {
        line = this.hooks.sketch(this.items[i] as Item);
      } catch {
        // its row, when built, says what it could not show
      }
      const newline = i + 1 < end ? "\n" : "";
      if (line.level === null) {
        text += line.text + newline;
        continue;
      }
      if (text !== "") nodes.push(text);
      const span = document.createElement("span");
      span.dataset.level = line.level;
      span.textContent = line.text;
      nodes.push(span);
      if (newline !== "") nodes.push(newline);
      text = "";
    }
    if (text !== "") nodes.push(text);
    return nodes;
  }

  /** Positions the mounted rows and the sketch, and sizes the spacer from the measurements. */
  private place() {
    this.spacer.style.height = `${this.heights.total()}px`;
    // A sketch ends where its rows end (one measured taller than a line leaves a line empty, never overlaps).
    this.sketched.forEach(([first, end], at) => {
      const sketch = (this.sketches[at] as HTMLElement).style;
      const top = this.heights.start(first);
      sketch.top = `${top}px`;
      sketch.height = `${this.heights.start(end) - top}px`;
    });
    for (const mounted of this.mounted.values()) {
      if (mounted.index < 0) continue;
      const start = this.heights.start(mounted.index);
      if (mounted.top === start) continue;
      mounted.top = start;
      mounted.row.style.top = `${start}px`;
    }
  }

  /** The mounted row of an item, if any. */
  rowOf(seq: number): HTMLElement | undefined {
    return this.mounted.get(seq)?.row;
  }

  /** Scrolls so the row at `index` is in view (for the keyboard). */
  reveal(index: number) {
    if (index < 0 || index >= this.items.length) return;
    const start = this.heights.start(index);
    const end = start + this.heights.size(index);
    const top = this.scroller.scrollTop;
    if (start < top) this.scroller.scrollTop = start;
    else if (end > top + this.viewHeight) this.scroller.scrollTop = end - this.viewHeight;
  }

  atBottom(): boolean {
    const s = this.scroller;
    return s.scrollHeight - s.scrollTop - s.clientHeight < 4;
  }
  private listen() {
    watchUserActs(this.scroller, {
      onAct: () => {
        this.pinOnce = false;
      },
      onWheelUp: () => this.following && this.hooks.onUserScroll(false),
      onScroll: () => {
        // Any scroll may bring other rows into a paused view.
        if (!this.following) this.schedule();
      },
      onUserScroll: () => {
        const bottom = this.atBottom();
        if (bottom !== this.following) this.hooks.onUserScroll(bottom);
      },
    });
  }
}
