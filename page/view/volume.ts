// The volume strip above the log: lines per time bucket stacked by level. Hover shows a bucket's counts, a click
// jumps to its first line, a drag freezes a window. Screen readers get the region's name and its counts as a
// visually hidden table. It redraws at most once a second however fast lines arrive.
import { formatTime } from "../../lib/time.js";
import { describeBucket, type LevelKey, type Volume, type VolumeBucket } from "../volume";

export interface StripHooks {
  /** A click on a bucket. */
  jump: (bucket: VolumeBucket) => void;
  /** A drag across buckets: the window [from, to) to freeze. */
  freeze: (from: number, to: number) => void;
  /** The "Go live" button of a frozen window, or of a view opened at a line. */
  goLive: () => void;
}

/** Bottom to top: the most severe levels nearest the axis, where the eye looks first. */
const STACK: LevelKey[] = ["fatal", "error", "warn", "info", "debug", "trace", "none"];
const REDRAW_MS = 1000;
/** A pointer that moves less than this between down and up clicked; more dragged. */
const DRAG_PX = 4;

export class VolumeStrip {
  readonly root = document.createElement("section");
  private readonly bars = document.createElement("div");
  private readonly selection = document.createElement("div");
  private readonly tip = document.createElement("div");
  private readonly range = document.createElement("span");
  private readonly status = document.createElement("span");
  readonly live = document.createElement("button");
  private readonly table = document.createElement("table");
  private volume: Volume | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private dragFrom: number | null = null;

  constructor(private readonly hooks: StripHooks) {
    this.root.className = "volume";
    this.root.setAttribute("aria-label", "Lines over time");
    this.bars.className = "volume-bars";
    this.bars.setAttribute("aria-hidden", "true");
    this.selection.className = "volume-selection";
    this.selection.hidden = true;
    this.tip.className = "volume-tip";
    this.tip.setAttribute("aria-hidden", "true");
    this.tip.hidden = true;
    const axis = document.createElement("div");
    axis.className = "volume-axis";
    this.range.className = "volume-range";
    this.status.className = "volume-note";
    this.status.setAttribute("role", "status");
    this.live.type = "button";
    this.live.className = "volume-live";
    this.live.textContent = "Go live";
    this.live.hidden = true;
    this.live.addEventListener("click", () => hooks.goLive());
    axis.append(this.range, this.status, this.live);
    this.table.className = "visually-hidden";
    this.root.append(this.bars, this.tip, axis, this.table);
    this.listen();
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
    const peak = volume.peak;
    const bars: HTMLElement[] = [];
    for (const bucket of volume.buckets) {
      const bar = document.createElement("div");
      bar.className = "vbar";
      bar.style.height = `${bucket.count === 0 ? 0 : Math.max(4, (bucket.count / peak) * 100)}%`;
      for (const key of STACK) {
        const n = bucket.levels[key] ?? 0;
        if (n === 0) continue;
        const part = document.createElement("div");
        part.className = `vpart l-${key}`;
        part.style.flexGrow = String(n);
        bar.append(part);
      }
      bars.push(bar);
    }
    this.bars.replaceChildren(...bars, this.selection);
    this.range.textContent = `${stamp(volume.from)} – ${stamp(volume.to)}, ${width(volume.bucketMs)} per bar`;
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
      at.textContent = stamp(bucket.t);
      const text = document.createElement("td");
      text.textContent = describeBucket(bucket);
      row.append(at, text);
      body.append(row);
    }
    const thead = document.createElement("thead");
    thead.append(head);
    this.table.replaceChildren(caption, thead, body);
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
      this.tip.textContent = `${stamp(bucket.t)}–${stamp(bucket.t + volume.bucketMs)}: ${describeBucket(bucket)}`;
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
      this.tip.hidden = true;
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
        this.hooks.jump(volume.buckets[volume.indexAt(this.fraction(event))] as VolumeBucket);
        return;
      }
      const edge = (x: number) => volume.indexAt((x - rect.left) / rect.width);
      const first = volume.buckets[edge(Math.min(start, event.clientX))] as VolumeBucket;
      const last = volume.buckets[edge(Math.max(start, event.clientX))] as VolumeBucket;
      this.hooks.freeze(first.t, last.t + volume.bucketMs);
    });
  }
}

function stamp(time: number): string {
  return formatTime(time).slice(0, 8);
}

/** A bucket width as people say it: 500 ms, 15 s, 5 min, 2 h, 7 d. */
export function width(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${ms / 1000} s`;
  if (ms < 3_600_000) return `${ms / 60_000} min`;
  if (ms < 86_400_000) return `${ms / 3_600_000} h`;
  return `${ms / 86_400_000} d`;
}
