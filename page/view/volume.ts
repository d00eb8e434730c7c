// The volume strip above the log: lines per time bucket stacked by level. Hover shows a bucket's counts, a click
// jumps to its first line, a drag freezes a window. The bars are one slider for the keyboard: Left/Right (Home,
// End) move between buckets and say their time and counts, Enter jumps, Shift+Left/Right selects a window that
// Enter freezes. The counts are also a visually hidden table. It redraws at most once a second. Times are local
// or UTC as the page's `tz=utc` says; bar heights are only visual (volume-bars.ts), every count said is exact.
import { utcWanted } from "../url";
import { barTop, describeBucket, type Volume, type VolumeBucket } from "../volume";
import { clockText } from "./time-label";
import { drawBars, drawTicks } from "./volume-bars";

export interface StripHooks {
  /** A click on a bucket. */
  jump: (bucket: VolumeBucket) => void;
  /** A drag across buckets: the window [from, to) to freeze. */
  freeze: (from: number, to: number) => void;
  /** The "Go live" button of a frozen window, or of a view opened at a line. */
  goLive: () => void;
}

const REDRAW_MS = 1000;
/** A pointer that moves less than this between down and up clicked; more dragged. */
const DRAG_PX = 4;

export class VolumeStrip {
  readonly root = document.createElement("section");
  private readonly bars = document.createElement("div");
  private readonly ticks = document.createElement("div");
  private readonly selection = document.createElement("div");
  private readonly cursorMark = document.createElement("div");
  private readonly tip = document.createElement("div");
  private readonly range = document.createElement("span");
  private readonly status = document.createElement("span");
  readonly live = document.createElement("button");
  private readonly table = document.createElement("table");
  private volume: Volume | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private dragFrom: number | null = null;
  /** The keyboard's bucket, by its start time (kept across merges of buckets); null: the newest. */
  private cursor: number | null = null;
  /** Where a Shift-selection began (a bucket's start time), null when none. */
  private anchor: number | null = null;
  /** Times in UTC, as the URL said at the last redraw. */
  private utc = utcWanted();

  constructor(private readonly hooks: StripHooks) {
    this.root.className = "volume";
    this.root.setAttribute("aria-label", "Lines over time");
    this.bars.className = "volume-bars";
    // One control, not a widget per bar: a slider over the buckets, its value the bucket's time and counts.
    this.bars.tabIndex = 0;
    this.bars.setAttribute("role", "slider");
    this.bars.setAttribute("aria-label", "Time");
    this.bars.setAttribute("aria-orientation", "horizontal");
    this.bars.setAttribute("aria-describedby", "volume-keys");
    this.bars.setAttribute("aria-valuemin", "0");
    this.bars.setAttribute("aria-valuemax", "0");
    this.bars.setAttribute("aria-valuenow", "0");
    this.bars.setAttribute("aria-valuetext", "no lines counted yet");
    const hint = document.createElement("span");
    hint.id = "volume-keys";
    hint.className = "visually-hidden";
    hint.textContent =
      "Left and Right arrows move between times, Home and End to the first and last; Enter shows the lines of that time. Shift with the arrows selects a window; Enter then keeps to that window.";
    this.selection.className = "volume-selection";
    this.selection.hidden = true;
    this.cursorMark.className = "volume-cursor";
    this.cursorMark.hidden = true;
    this.ticks.className = "volume-ticks";
    this.ticks.setAttribute("aria-hidden", "true");
    this.tip.className = "volume-tip";
    this.tip.setAttribute("aria-hidden", "true");
    this.tip.hidden = true;
    const axis = document.createElement("div");
    axis.className = "volume-axis";
    this.range.className = "volume-range";
    this.status.className = "volume-note";
    this.status.setAttribute("role", "status");
    this.live.type = "button";
    this.live.className = "volume-live primary";
    this.live.textContent = "Go live";
    this.live.hidden = true;
    this.live.addEventListener("click", () => hooks.goLive());
    axis.append(this.range, this.status, this.live);
    this.table.className = "visually-hidden";
    this.root.append(this.bars, this.ticks, this.tip, axis, hint, this.table);
    this.listen();
    // The UTC button (main.ts) sets the URL's tz in its own handler: redraw once that has run.
    document.getElementById("tz")?.addEventListener("click", () => setTimeout(() => this.draw()));
  }

  /** Shows a new histogram at once. */
  show(volume: Volume, note = "") {
    this.volume = volume;
    this.status.textContent = note;
    this.draw();
  }

  /** Says something about the strip (a query's bound, a failure) in its status line. */
  note(text: string) {
    this.status.textContent = text;
  }

  /** The data changed (a live line): redraw within a second. */
  changed() {
    if (this.timer === undefined) this.timer = setTimeout(() => this.draw(), REDRAW_MS);
  }

  private draw() {
    clearTimeout(this.timer);
    this.timer = undefined;
    const volume = this.volume;
    if (volume === null) return;
    this.utc = utcWanted();
    const top = barTop(volume.buckets);
    this.bars.replaceChildren(...drawBars(volume, top), this.selection, this.cursorMark);
    this.ticks.replaceChildren(...drawTicks(volume, this.utc));
    this.mark(volume, document.activeElement !== this.bars);
    const cut = top < volume.peak ? `, bars above ${top.toLocaleString("en-US")} lines cut` : "";
    this.range.textContent = `${this.stamp(volume.from)} – ${this.stamp(volume.to)}, ${width(volume.bucketMs)} per bar${cut}`;
    this.range.title = this.range.textContent;
    this.drawTable(volume);
  }

  /** The counts as text: one row per bucket that holds lines. */
  private drawTable(volume: Volume) {
    const caption = document.createElement("caption");
    caption.textContent = `Lines over time, ${width(volume.bucketMs)} per row (empty ones left out)`;
    const head = document.createElement("tr");
    for (const name of ["From", "Lines"]) {
      const th = document.createElement("th");
      th.scope = "col";
      th.textContent = name;
      head.append(th);
    }
    const body = document.createElement("tbody");
    for (const bucket of volume.buckets) {
      if (bucket.count === 0) continue;
      const row = document.createElement("tr");
      const at = document.createElement("td");
      at.textContent = this.stamp(bucket.t);
      const text = document.createElement("td");
      text.textContent = describeBucket(bucket);
      row.append(at, text);
      body.append(row);
    }
    const thead = document.createElement("thead");
    thead.append(head);
    this.table.replaceChildren(caption, thead, body);
  }

  /** The slider's keys; handled here, so End and Escape do not reach the page's shortcuts. */
  private key(event: KeyboardEvent) {
    const volume = this.volume;
    if (volume === null || volume.buckets.length === 0 || event.ctrlKey || event.metaKey || event.altKey) return;
    const at = this.cursorIndex(volume);
    const move = MOVES[event.key];
    if (event.key === "Enter") this.enter(volume);
    else if (event.key === "Escape" && this.anchor !== null) this.anchor = null;
    else if (move !== undefined) {
      if (!event.shiftKey) this.anchor = null;
      else this.anchor ??= (volume.buckets[at] as VolumeBucket).t;
      const next = Math.max(0, Math.min(volume.buckets.length - 1, at + move));
      this.cursor = (volume.buckets[next] as VolumeBucket).t;
    } else return;
    event.preventDefault();
    event.stopPropagation();
    this.mark(volume, true);
  }

  /** Enter: the selected window frozen, or the lines of the bucket under the cursor. */
  private enter(volume: Volume) {
    const [first, last] = this.selected(volume);
    this.anchor = null;
    if (first !== last) this.hooks.freeze(first.t, last.t + volume.bucketMs);
    else this.hooks.jump(first);
  }

  private cursorIndex(volume: Volume): number {
    const last = volume.buckets.length - 1;
    return this.cursor === null
      ? last
      : Math.max(0, Math.min(last, Math.floor((this.cursor - volume.from) / volume.bucketMs)));
  }

  /** The selection's first and last bucket (both the cursor's without a selection). */
  private selected(volume: Volume): [VolumeBucket, VolumeBucket] {
    const at = this.cursorIndex(volume);
    const index = (t: number) => Math.floor((t - volume.from) / volume.bucketMs);
    const from = this.anchor === null ? at : Math.max(0, Math.min(volume.buckets.length - 1, index(this.anchor)));
    const lo = Math.min(at, from);
    const hi = Math.max(at, from);
    return [volume.buckets[lo] as VolumeBucket, volume.buckets[hi] as VolumeBucket];
  }

  /** The cursor and selection, shown and said; `say`: the value text too (not on a live redraw while focused). */
  private mark(volume: Volume, say: boolean) {
    const n = volume.buckets.length;
    if (n === 0) return;
    const at = this.cursorIndex(volume);
    const bucket = volume.buckets[at] as VolumeBucket;
    const [first, last] = this.selected(volume);
    this.bars.setAttribute("aria-valuemax", String(n - 1));
    this.bars.setAttribute("aria-valuenow", String(at));
    const text = `${this.stamp(bucket.t)}–${this.stamp(bucket.t + volume.bucketMs)}: ${describeBucket(bucket)}`;
    let windowText = "";
    if (first !== last) {
      let lines = 0;
      for (const b of volume.buckets) if (b.t >= first.t && b.t <= last.t) lines += b.count;
      windowText = `window ${this.stamp(first.t)}–${this.stamp(last.t + volume.bucketMs)} selected, ${lines.toLocaleString("en-US")} lines`;
    }
    if (say) this.bars.setAttribute("aria-valuetext", windowText ? `${text}; ${windowText}` : text);
    if (document.activeElement !== this.bars) return;
    const percent = (bucketAt: VolumeBucket) => `${((bucketAt.t - volume.from) / volume.bucketMs) * (100 / n)}%`;
    this.cursorMark.hidden = false;
    this.cursorMark.style.left = percent(bucket);
    this.cursorMark.style.width = `${100 / n}%`;
    this.selection.hidden = first === last;
    this.selection.style.left = percent(first);
    this.selection.style.width = `${((last.t - first.t) / volume.bucketMs + 1) * (100 / n)}%`;
    this.tip.hidden = false;
    this.tip.textContent = windowText ? `${text} (${windowText})` : text;
    const bar = this.bars.children[at] as HTMLElement | undefined;
    if (bar) this.tip.style.left = `${this.bars.offsetLeft + bar.offsetLeft + bar.offsetWidth / 2}px`;
  }

  private stamp(time: number): string {
    return clockText(time, this.utc).slice(0, 8);
  }

  private fraction(event: PointerEvent): number {
    const rect = this.bars.getBoundingClientRect();
    return rect.width === 0 ? 0 : (event.clientX - rect.left) / rect.width;
  }

  private listen() {
    this.bars.addEventListener("pointermove", (event) => {
      const volume = this.volume;
      if (volume === null || volume.buckets.length === 0) return;
      const at = volume.indexAt(this.fraction(event));
      const bucket = volume.buckets[at] as VolumeBucket;
      this.tip.hidden = false;
      this.tip.textContent = `${this.stamp(bucket.t)}–${this.stamp(bucket.t + volume.bucketMs)}: ${describeBucket(bucket)}`;
      const rect = this.bars.getBoundingClientRect();
      this.tip.style.left = `${Math.min(Math.max(0, event.clientX - rect.left), rect.width - 8)}px`;
      if (this.dragFrom !== null && Math.abs(event.clientX - this.dragFrom) > DRAG_PX) {
        const left = Math.min(this.dragFrom, event.clientX) - rect.left;
        this.selection.hidden = false;
        this.selection.style.left = `${left}px`;
        this.selection.style.width = `${Math.abs(event.clientX - this.dragFrom)}px`;
      }
    });
    this.bars.addEventListener("pointerleave", () => {
      this.tip.hidden = document.activeElement !== this.bars;
    });
    this.bars.addEventListener("keydown", (event) => this.key(event));
    this.bars.addEventListener("focus", () => this.volume && this.mark(this.volume, true));
    this.bars.addEventListener("blur", () => {
      this.tip.hidden = true;
      this.selection.hidden = true;
      this.cursorMark.hidden = true;
    });
    this.bars.addEventListener("pointerdown", (event) => {
      this.dragFrom = event.clientX;
      this.bars.setPointerCapture(event.pointerId);
    });
    this.bars.addEventListener("pointerup", (event) => {
      const volume = this.volume;
      const start = this.dragFrom;
      this.dragFrom = null;
      this.selection.hidden = true;
      if (volume === null || start === null || volume.buckets.length === 0) return;
      const rect = this.bars.getBoundingClientRect();
      if (Math.abs(event.clientX - start) <= DRAG_PX) {
        const bucket = volume.buckets[volume.indexAt(this.fraction(event))] as VolumeBucket;
        this.cursor = bucket.t;
        this.anchor = null;
        this.mark(volume, true);
        this.hooks.jump(bucket);
        return;
      }
      const edge = (x: number) => volume.indexAt((x - rect.left) / rect.width);
      const first = volume.buckets[edge(Math.min(start, event.clientX))] as VolumeBucket;
      const last = volume.buckets[edge(Math.max(start, event.clientX))] as VolumeBucket;
      this.hooks.freeze(first.t, last.t + volume.bucketMs);
    });
  }
}

/** Keys that move the slider's bucket, and by how much (Infinity: to the end). */
const MOVES: Record<string, number> = {
  ArrowLeft: -1,
  ArrowDown: -1,
  ArrowRight: 1,
  ArrowUp: 1,
  PageDown: -10,
  PageUp: 10,
  Home: -Infinity,
  End: Infinity,
};

/** A bucket width as people say it: 500 ms, 15 s, 5 min, 2 h, 7 d. */
export function width(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${ms / 1000} s`;
  if (ms < 3_600_000) return `${ms / 60_000} min`;
  if (ms < 86_400_000) return `${ms / 3_600_000} h`;
  return `${ms / 86_400_000} d`;
}
