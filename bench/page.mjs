// `npm run bench:page`: the page in real Chromium against `wrangler dev` under a firehose. Prints a markdown
// table: longest main-thread task (PerformanceObserver longtask), per-line latency from the POST's
// acknowledgement to the line being reached on screen, frames per second, interaction times and DOM size.
import { chromium } from "playwright-core";
import { startViewer } from "../scripts/wrangler-dev.mjs";

const RATE = 2000;
const SECONDS = 10;
/** One POST per tick: 40 lines every 20 ms. */
const TICK_MS = 20;
const BURST_BATCHES = 20;
const BURST_LINES = 1000;
const HOLD_LINES = 120_000;
/** A frame counts as showing a blank strip (or a sketch) when this much of the view (px) has no row (is sketched). */
const BLANK_PX = 20;

/** @param {string} message */
const log = (message) => console.error("·", message);

/** @param {number[]} values @param {number} q */
function quantile(values, q) {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

/** @param {number} value */
const ms = (value) => `${Math.round(value)} ms`;
/**
 * The longtask API reports only tasks over 50 ms; when each began, in s from the start (the page's first rows run
 * code not yet compiled).
 * @param {number} longest @param {number} count @param {number[]} [at]
 */
const tasks = (longest, count, at = []) =>
  count === 0
    ? "none over 50 ms"
    : `${ms(longest)} (${count} task${count === 1 ? "" : "s"} over 50 ms${at.length ? `, at ${at.map((t) => `${(t / 1000).toFixed(1)} s`).join(", ")}` : ""})`;
const sleep = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A line as a JSON shipper sends it: a message and a few fields, some rows taller than one line.
 * @param {number} n
 */
function line(n) {
  const fields = { n, route: `/api/orders/${n % 97}`, ms: n % 300, user: `u_${n % 1000}` };
  if (n % 50 === 0)
    return JSON.stringify({
      level: "error",
      msg: `request ${n} failed`,
      ...fields,
      err: { stack: `Error: boom ${n}\n    at a (a.js:1:1)\n    at b (b.js:2:2)` },
    });
  return JSON.stringify({
    level: n % 7 === 0 ? "warn" : "info",
    msg: `request ${n} handled ${"with some detail ".repeat(n % 5)}`,
    ...fields,
  });
}

/** Enough of Chrome's trace to see every main-thread task, whatever its length. */
const TRACE_CATEGORIES = ["toplevel", "devtools.timeline", "disabled-by-default-devtools.timeline"];

/**
 * Durations (ms) of the renderer main thread's tasks in a Chrome trace: the thread that ran the page's frames.
 * @param {Buffer} buffer
 */
function mainThreadTasks(buffer) {
  /** @type {{ traceEvents: { name: string, ph: string, pid: number, tid: number, dur?: number }[] }} */
  const { traceEvents } = JSON.parse(buffer.toString());
  /** @type {Map<string, number>} */
  const frames = new Map();
  for (const event of traceEvents) {
    const thread = `${event.pid}:${event.tid}`;
    if (event.name === "FireAnimationFrame") frames.set(thread, (frames.get(thread) ?? 0) + 1);
  }
  const main = [...frames].sort((a, b) => b[1] - a[1])[0]?.[0];
  return traceEvents
    .filter((e) => e.ph === "X" && e.name === "RunTask" && `${e.pid}:${e.tid}` === main)
    .map((e) => (e.dur ?? 0) / 1000);
}

/** In the page, before its scripts: long tasks, interaction times, and when each row first reaches the DOM. */
function instrument() {
  const w = /** @type {any} */ (window);
  w.bench = { longtasks: [], events: [], reached: [], frames: 0, highest: 0 };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) w.bench.longtasks.push([entry.startTime, entry.duration]);
  }).observe({ type: "longtask", buffered: true });
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) if (entry.name === "click") w.bench.events.push(entry.duration);
  }).observe(/** @type {PerformanceObserverInit} */ ({ type: "event", durationThreshold: 16, buffered: true }));
  w.bench.blanks = [];
  // How much of the log's view neither a row nor the sketch of rows not yet built covers, and how much the
  // sketch covers.
  const sample = () => {
    const log = document.getElementById("log");
    if (log === null || log.hidden) return;
    const box = log.getBoundingClientRect();
    const shown = (/** @type {Element} */ e) => e.getBoundingClientRect();
    const inView = (/** @type {DOMRect} */ rect) => rect.bottom > box.top && rect.top < box.bottom;
    const rows = [...log.querySelectorAll(".row, .sketch:not([hidden])")]
      .map(shown)
      .filter(inView)
      .sort((a, b) => a.top - b.top);
    if (rows.length === 0) return;
    let blank = 0;
    let at = box.top;
    for (const rect of rows) {
      if (rect.top > at + 1) blank += rect.top - at;
      at = Math.max(at, rect.bottom);
    }
    if (box.bottom > at + 1) blank += box.bottom - at;
    let sketched = 0;
    for (const sketch of log.querySelectorAll(".sketch:not([hidden])")) {
      const rect = shown(sketch);
      sketched += Math.max(0, Math.min(rect.bottom, box.bottom) - Math.max(rect.top, box.top));
    }
    w.bench.blanks.push([performance.now(), blank, sketched]);
  };
  const frame = () => {
    w.bench.frames++;
    // At the frame's start, before the page's own callbacks: what the last frame painted.
    sample();
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  addEventListener("DOMContentLoaded", () => {
    new MutationObserver((records) => {
      let max = 0;
      for (const record of records) {
        for (const node of record.addedNodes) {
          const id = Number(/** @type {HTMLElement} */ (node).dataset?.id);
          if (id > max) max = id;
        }
      }
      // Rows are built in an animation frame: the paint follows in the same frame. Only a new highest id counts:
      // rows re-added later (rebuilt or moved) must not make the record go down, which the search below needs.
      if (max > w.bench.highest) {
        w.bench.highest = max;
        w.bench.reached.push([Date.now(), max]);
      }
    }).observe(/** @type {HTMLElement} */ (document.getElementById("rows")), { childList: true });
  });
}

/**
 * @param {import("playwright-core").Page} page
 * @returns {Promise<Bench>}
 */
const readBench = (page) => page.evaluate(() => /** @type {any} */ (window).bench);

/** @typedef {{ longtasks: [number, number][], events: number[], reached: [number, number][], frames: number, blanks: [number, number, number][] }} Bench */
/** @typedef {import("playwright-core").Browser} Browser */
/** @typedef {import("playwright-core").Page} Page */
/** @typedef {import("../scripts/wrangler-dev.mjs").Viewer} Viewer */

/**
 * Long tasks that started at or after `since` (page time): the page's load is not the firehose.
 * @param {Bench} bench
 * @param {number} since
 */
const longestSince = (bench, since) => {
  const tasks = bench.longtasks.filter(([start]) => start >= since);
  return {
    longest: Math.max(0, ...tasks.map(([, d]) => d)),
    count: tasks.length,
    at: tasks.map(([start]) => start - since),
  };
};
/** @param {Page} page */
const pageNow = (page) => page.evaluate(() => performance.now());

/**
 * Time each id was first reached on screen: the first record whose highest id is at least it.
 * @param {[number, number][]} reached
 * @param {number} id
 */
function reachedAt(reached, id) {
  let lo = 0;
  let hi = reached.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((reached[mid]?.[1] ?? 0) < id) lo = mid + 1;
    else hi = mid;
  }
  return reached[lo]?.[0] ?? Number.NaN;
}

/**
 * @param {Browser} browser
 * @param {Viewer} viewer
 * @param {string} stream
 */
async function openStream(browser, viewer, stream, query = "&tail=0") {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.addInitScript(instrument);
  await page.goto(`${viewer.url}/?stream=${stream}${query}`);
  await page.waitForSelector('#state[data-state="live"]');
  // BENCH_PATTERNS=1 runs the whole bench with the Patterns view open, redrawing from the held lines.
  if (process.env.BENCH_PATTERNS === "1") await page.click("#patterns-open");
  return page;
}

/**
 * @param {Viewer} viewer
 * @param {string} stream
 * @param {string} body
 */
async function post(viewer, stream, body) {
  const response = await fetch(`${viewer.url}/api/streams/${stream}/logs`, {
    method: "POST",
    headers: { "Content-Type": "application/x-ndjson" },
    body,
  });
  if (response.status !== 202) throw new Error(`POST answered ${response.status}: ${await response.text()}`);
  return /** @type {Promise<{ firstId: number, lastId: number }>} */ (response.json());
}

/**
 * 2,000 lines/s for 10 s, a few clicks on rows meanwhile.
 * @param {Browser} browser
 * @param {Viewer} viewer
 */
async function steady(browser, viewer, traced = false) {
  const stream = `bench-steady-${Date.now()}`;
  const page = await openStream(browser, viewer, stream);
  if (traced) await browser.startTracing(page, { categories: TRACE_CATEGORIES });
  const before = await readBench(page);
  const since = await pageNow(page);
  const perTick = (RATE * TICK_MS) / 1000;
  /** @type {Map<number, number>} */
  const acked = new Map();
  const pending = [];
  const started = Date.now();
  let n = 0;
  let clicks = 0;
  for (let tick = 0; tick < (SECONDS * 1000) / TICK_MS; tick++) {
    const body = Array.from({ length: perTick }, () => line(n++)).join("\n");
    pending.push(
      post(viewer, stream, body).then(({ firstId, lastId }) => {
        const now = Date.now();
        for (let id = firstId; id <= lastId; id++) acked.set(id, now);
      }),
    );
    if (tick % 50 === 25) {
      clicks++;
      void page.mouse.click(700, 500).catch(() => {});
    }
    const wait = started + (tick + 1) * TICK_MS - Date.now();
    if (wait > 0) await sleep(wait);
  }
  await Promise.all(pending);
  const sentIn = Date.now() - started;
  await sleep(1500);
  const trace = traced ? mainThreadTasks(await browser.stopTracing()) : [];
  const bench = await readBench(page);
  const latencies = [...acked].map(([id, ack]) => reachedAt(bench.reached, id) - ack);
  const missing = latencies.filter(Number.isNaN).length;
  const valid = latencies.filter((value) => !Number.isNaN(value));
  const dom = await page.evaluate(() => document.getElementsByTagName("*").length);
  const rows = await page.locator("#log .row").count();
  await page.close();
  const tasks = longestSince(bench, since);
  const blanks = bench.blanks.filter(([at]) => at >= since);
  return {
    blankFrames: blanks.filter(([, px]) => px > BLANK_PX).length,
    sketchedFrames: blanks.filter(([, , px]) => px > BLANK_PX).length,
    sampledFrames: blanks.length,
    lines: acked.size,
    sentIn,
    longest: tasks.longest,
    longCount: tasks.count,
    longAt: tasks.at,
    p50: quantile(valid, 0.5),
    p99: quantile(valid, 0.99),
    max: Math.max(...valid),
    within: valid.filter((value) => value <= 250).length / acked.size,
    missing,
    fps: (bench.frames - before.frames) / ((sentIn + 1500) / 1000),
    clicks: bench.events,
    clicksTried: clicks,
    dom,
    rows,
    trace,
  };
}

/**
 * 20,000 lines in 20 POSTs as fast as the server takes them.
 * @param {Browser} browser
 * @param {Viewer} viewer
 */
async function burst(browser, viewer) {
  const stream = `bench-burst-${Date.now()}`;
  const page = await openStream(browser, viewer, stream);
  const since = await pageNow(page);
  let n = 0;
  let last = { firstId: 0, lastId: 0 };
  let lastAck = 0;
  for (let batch = 0; batch < BURST_BATCHES; batch++) {
    last = await post(viewer, stream, Array.from({ length: BURST_LINES }, () => line(n++)).join("\n"));
    lastAck = Date.now();
  }
  const deadline = Date.now() + 15_000;
  let bench = await readBench(page);
  while (Date.now() < deadline && (bench.reached.at(-1)?.[1] ?? 0) < last.lastId) {
    await sleep(50);
    bench = await readBench(page);
  }
  const dom = await page.evaluate(() => document.getElementsByTagName("*").length);
  await page.close();
  const tasks = longestSince(bench, since);
  return {
    lastOnScreen: reachedAt(bench.reached, last.lastId) - lastAck,
    longest: tasks.longest,
    longCount: tasks.count,
    dom,
  };
}

/** 120,000 lines against the default ring of 100,000: what the page holds and the memory it takes. */
async function hold(/** @type {Browser} */ browser, /** @type {Viewer} */ viewer) {
  const stream = `bench-hold-${Date.now()}`;
  const page = await openStream(browser, viewer, stream);
  const since = await pageNow(page);
  let n = 0;
  for (let batch = 0; batch < HOLD_LINES / 1000; batch++) {
    await post(viewer, stream, Array.from({ length: 1000 }, () => line(n++)).join("\n"));
  }
  const deadline = Date.now() + 60_000;
  let count = "";
  while (Date.now() < deadline && count !== "100,000 lines") {
    await sleep(200);
    count = (await page.textContent("#matches")) ?? "";
  }
  await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 500)));
  const heap = await page.evaluate(() => /** @type {any} */ (performance).memory?.usedJSHeapSize ?? Number.NaN);
  const dom = await page.evaluate(() => document.getElementsByTagName("*").length);
  const bench = await readBench(page);
  await page.close();
  return { count, heap, dom, longest: longestSince(bench, since).longest };
}

const viewer = await startViewer();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--enable-precise-memory-info",
  ],
});
try {
  log(`steady: ${RATE} lines/s for ${SECONDS} s`);
  const s = await steady(browser, viewer);
  log(`steady again, with a Chrome trace (which slows the page a little) for every task's length`);
  const traced = await steady(browser, viewer, true);
  const t = traced.trace;
  log(`burst: ${BURST_BATCHES} × ${BURST_LINES} lines`);
  const b = await burst(browser, viewer);
  log(`hold: ${HOLD_LINES.toLocaleString()} lines`);
  const h = await hold(browser, viewer);
  const rows = [
    ["| Measure | Result | Target |", "| --- | --- | --- |"],
    [
      `| ${RATE.toLocaleString()} lines/s for ${SECONDS} s: longest main-thread task | ${tasks(s.longest, s.longCount, s.longAt)} | < 50 ms |`,
      `| … line on screen after its POST's acknowledgement: p50 / p99 / max | ${ms(s.p50)} / ${ms(s.p99)} / ${ms(s.max)} (${(s.within * 100).toFixed(1)} % within 250 ms${s.missing ? `, ${s.missing} never reached` : ""}) | ≤ 250 ms each |`,
      `| … frames per second | ${s.fps.toFixed(0)} | |`,
      `| … frames with a blank strip (over ${BLANK_PX} px of the view without a row or a row's sketch) | ${s.blankFrames} of ${s.sampledFrames} (${((100 * s.blankFrames) / Math.max(1, s.sampledFrames)).toFixed(1)} %) | none |`,
      `| … frames showing rows not yet built as a plain sketch (over ${BLANK_PX} px) | ${s.sketchedFrames} of ${s.sampledFrames} (${((100 * s.sketchedFrames) / Math.max(1, s.sampledFrames)).toFixed(1)} %) | |`,
      `| … the same under a Chrome trace: main-thread tasks p99 / p99.9 / longest (${t.length.toLocaleString()} tasks) | ${ms(quantile(t, 0.99))} / ${ms(quantile(t, 0.999))} / ${ms(Math.max(0, ...t))} | a diagnostic: tracing slows the page |`,
      `| … clicks on a row: slowest event duration (${s.clicksTried} clicks; only those over 16 ms are reported) | ${s.clicks.length ? ms(Math.max(...s.clicks)) : "none over 16 ms"} | |`,
      `| … DOM after ${s.lines.toLocaleString()} lines: rows / elements | ${s.rows} / ${s.dom.toLocaleString()} | rows near the viewport only |`,
      `| ${(BURST_BATCHES * BURST_LINES).toLocaleString()}-line burst: last line on screen after the last acknowledgement | ${ms(b.lastOnScreen)} | ≤ 1 s |`,
      `| … longest main-thread task | ${tasks(b.longest, b.longCount)} | |`,
      `| ${HOLD_LINES.toLocaleString()} lines sent: lines held / JS heap / DOM elements | ${h.count} / ${(h.heap / 2 ** 20).toFixed(0)} MiB / ${h.dom.toLocaleString()} | 100,000, bounded |`,
      `| … longest main-thread task while receiving them | ${h.longest > 0 ? ms(h.longest) : "none over 50 ms"} | |`,
    ],
  ].flat();
  console.log(rows.join("\n"));
  console.log(`\nChromium ${browser.version()}, headless; ${new Date().toISOString()}`);
} finally {
  await browser.close();
  await viewer.stop();
}
