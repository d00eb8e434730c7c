// The rows of the virtual list that are in the DOM, by item seq: built (or rebuilt when their item, the search,
// their expansion or the entry above them changed) within a frame's time, kept in the list's order, and watched
// for their heights.
import type { EntryItem, Item } from "../state";
import { withActions } from "./actions";

/** A row's date compares with the entry above it, past at most this many marks (gaps, outages) between them. */
const MARKS_ABOVE = 20;

/** The entry shown above the item at `index`, if any. */
function entryAbove(items: readonly Item[], index: number): EntryItem | undefined {
  for (let at = index - 1; at >= 0 && at >= index - 1 - MARKS_ABOVE; at--) {
    const item = items[at];
    if (item?.kind === "entry") return item;
  }
  return undefined;
}

export interface Mounted {
  row: HTMLElement;
  version: number;
  epoch: number;
  expanded: boolean;
  /** The seq of the entry above it when built (its date shows when that entry's day differs), 0 for none. */
  above: number;
  /**
   * The row's position in the shown list (and in the heights), -1 while unknown (after a refilter, until the next
   * render); with `top` and `active`, also what its attributes and style say, so a frame writes only what changed.
   */
  index: number;
  top: number;
  active: boolean;
}

/** What a frame's mount wants to know about the list. */
export interface MountContext {
  items: readonly Item[];
  expanded: ReadonlySet<number>;
  active: number | null;
  /** Bumped when every row must be rebuilt. */
  epoch: number;
  /** Past this time (performance.now()) only the rows the reader asked for are built. */
  deadline: number;
  /** Rows built at most, besides those the reader asked for (a firehose's frame). */
  limit: number;
}

export class MountedRows extends Map<number, Mounted> {
  constructor(
    private readonly spacer: HTMLElement,
    private readonly scroller: HTMLElement,
    private readonly sizes: ResizeObserver,
    private readonly build: (item: Item, expanded: boolean, above: EntryItem | undefined) => HTMLElement,
  ) {
    super();
  }

  /**
   * Puts the rows for `indexes` in the DOM, reusing built ones; returns the rows built now, and whether some were
   * left for a later frame.
   */
  mount(indexes: number[], context: MountContext): { built: HTMLElement[]; late: boolean } {
    const { items, epoch } = context;
    const keep = new Set<number>();
    const built: HTMLElement[] = [];
    let late = false;
    /** A row was left unbuilt: the older ones leave the DOM too, so the rows in it stay consecutive. */
    let hole = false;
    // Newest first: a frame out of time leaves the oldest rows of the view for the next one.
    for (let at = indexes.length - 1; at >= 0; at--) {
      const index = indexes[at] as number;
      const item = items[index];
      if (item === undefined) continue;
      const expanded = context.expanded.has(item.seq);
      let mounted = this.get(item.seq);
      // What the reader just acted on (the active row, one expanded or collapsed) is built whatever the time.
      const asked = item.seq === context.active || (mounted !== undefined && mounted.expanded !== expanded);
      if (hole && !asked) continue;
      // A row whose neighbour above changed (older lines loaded, a refilter, an eviction) may show its date or not.
      const above = item.kind === "entry" ? entryAbove(items, index) : undefined;
      const stale =
        mounted === undefined ||
        mounted.version !== item.version ||
        mounted.epoch !== epoch ||
        mounted.expanded !== expanded ||
        mounted.above !== (above?.seq ?? 0);
      const defer =
        stale && !asked && built.length > 0 && (built.length >= context.limit || performance.now() > context.deadline);
      // A deferred row not built yet stays out; one built before keeps its old content for a frame.
      if (defer) late = true;
      if (defer && mounted === undefined) {
        hole = true;
        continue;
      }
      keep.add(item.seq);
      if (mounted === undefined || (stale && !defer)) {
        const row = this.build(item, expanded, above);
        row.dataset.seq = String(item.seq);
        row.tabIndex = -1;
        if (mounted) {
          const focused = mounted.row.contains(document.activeElement);
          this.sizes.unobserve(mounted.row);
          mounted.row.replaceWith(row);
          if (focused) row.focus({ preventScroll: true });
        }
        // A new row goes into the DOM once, at its place (order).
        this.sizes.observe(row);
        mounted = {
          row,
          version: item.version,
          epoch,
          expanded,
          above: above?.seq ?? 0,
          index: -1,
          top: -1,
          active: false,
        };
        this.set(item.seq, mounted);
        built.push(row);
      }
      if (mounted.index !== index) {
        mounted.index = index;
        mounted.row.dataset.index = String(index);
      }
      const active = item.seq === context.active;
      if (mounted.active !== active) {
        mounted.active = active;
        mounted.row.classList.toggle("active", active);
        if (active) withActions(mounted.row);
      }
    }
    for (const [seq, mounted] of this) {
      if (keep.has(seq)) continue;
      if (mounted.row.contains(document.activeElement)) this.scroller.focus({ preventScroll: true });
      this.sizes.unobserve(mounted.row);
      mounted.row.remove();
      this.delete(seq);
    }
    this.order(items, indexes);
    return { built, late };
  }

  /**
   * Keeps the rows in the DOM in the list's order, for selections and screen readers: puts new ones in, moves only
   * misplaced ones.
   */
  private order(items: readonly Item[], indexes: number[]) {
    let previous: HTMLElement | null = null;
    for (const index of indexes) {
      const item = items[index];
      const row = item === undefined ? undefined : this.get(item.seq)?.row;
      if (row === undefined) continue;
      if (row.previousElementSibling !== previous || row.parentNode !== this.spacer) {
        if (previous === null) this.spacer.prepend(row);
        else previous.after(row);
      }
      previous = row;
    }
  }
}
