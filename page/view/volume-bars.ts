// What the volume strip draws from its data: a bar per bucket stacked by level, its height on the square-root scale
// of volume.ts (a burst's bar cut and marked, so it dwarfs no other), and round times along the strip. Kept cheap:
// a live strip redraws once a second.
import { barHeight, type LevelKey, timeTicks, type Volume } from "../volume";

/** Bottom to top: the most severe levels nearest the axis, where the eye looks first. */
const STACK: LevelKey[] = ["fatal", "error", "warn", "info", "debug", "trace", "none"];

/** One bar per bucket; `top`: the count a full bar stands for (barTop), a bucket above it is cut. */
export function drawBars(volume: Volume, top: number): HTMLElement[] {
  const bars: HTMLElement[] = [];
  for (const bucket of volume.buckets) {
    const bar = document.createElement("div");
    bar.className = bucket.count > top ? "vbar cut" : "vbar";
    bar.style.height = `${barHeight(bucket.count, top)}%`;
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
  return bars;
}

/** The axis labels: 3–5 round times at their place along the strip, local or UTC. */
export function drawTicks(volume: Volume, utc: boolean): HTMLElement[] {
  return timeTicks(volume.from, volume.to, utc).map((tick) => {
    const label = document.createElement("time");
    label.className = "volume-tick";
    label.dateTime = new Date(tick.t).toISOString();
    label.textContent = tick.text;
    label.style.left = `${tick.fraction * 100}%`;
    // Shifted left by its own width times the fraction: the first and last stay inside the strip (styles.css).
    label.style.setProperty("--f", String(tick.fraction));
    return label;
  });
}
