// A firehose in real Chromium: the DOM holds only the rows near the viewport, the page holds at most `?max=`
// lines, and a burst ends with its last line on screen. Speed is measured by `npm run bench:page`, not here.
import assert from "node:assert/strict";
import { test } from "node:test";
import { openPage, viewerAndBrowser, waitFor } from "./harness.mjs";

const run = viewerAndBrowser();

const fresh = () => `hose-${crypto.randomUUID().slice(0, 8)}`;

/** Whether no row in view is left sketched (every sketch hidden). */
const noSketch = (/** @type {import("playwright-core").Page} */ page) =>
  page.$$eval("#log .sketch", (sketches) => sketches.every((sketch) => /** @type {HTMLElement} */ (sketch).hidden));

/** The newest row in the DOM and whether it is fully in view. */
const newest = (/** @type {import("playwright-core").Page} */ page) =>
  page.evaluate(() => {
    const log = /** @type {HTMLElement} */ (document.getElementById("log"));
    const rows = [...log.querySelectorAll(".row")].filter((row) => row instanceof HTMLElement);
    const row =
      rows.length === 0 ? null : rows.reduce((a, b) => (Number(a.dataset.index) > Number(b.dataset.index) ? a : b));
    if (!row) return null;
    const box = log.getBoundingClientRect();
    const r = row.getBoundingClientRect();
    return {
      text: row.querySelector(".message")?.textContent,
      inView: r.top >= box.top - 1 && r.bottom <= box.bottom + 1,
    };
  });

test("a 20,000-line burst keeps the DOM small, holds `?max=` lines, and ends on its last line", async () => {
  const stream = fresh();
  const { page, errors, close } = await openPage(run.browser, `${run.viewer.url}/?stream=${stream}&tail=0&max=5000`);
  await page.waitForSelector('#state[data-state="live"]');
  for (let batch = 0; batch < 20; batch++) {
    const lines = Array.from({ length: 1000 }, (_, i) =>
      JSON.stringify({ level: i % 7 === 0 ? "warn" : "info", msg: `burst line ${batch * 1000 + i}`, batch }),
    );
    await run.viewer.post(stream, lines.join("\n"), "application/x-ndjson");
  }
  await waitFor("the last burst line", async () => (await newest(page))?.text === "burst line 19999", 30_000);
  assert.equal((await newest(page))?.inView, true);
  assert.equal(await page.textContent("#matches"), "5,000 lines", "the page holds ?max= lines");
  const rows = await page.locator("#log .row").count();
  assert.ok(rows < 150, `${rows} rows in the DOM`);
  const nodes = await page.evaluate(() => document.getElementsByTagName("*").length);
  assert.ok(nodes < 2000, `${nodes} elements in the page`);
  // A frame out of time leaves the view's oldest new rows (sketched) to the next: wait for every row in view.
  await waitFor("every row in view built", () => noSketch(page));
  const ids = await page.$$eval("#log .row", (nodes) => nodes.map((node) => Number(node.dataset.id)));
  assert.deepEqual(
    ids,
    ids.map((_, i) => (ids[0] ?? 0) + i),
    "consecutive ids, in order",
  );
  assert.equal(ids.at(-1), 20_000);
  assert.deepEqual(errors, []);
  await close();
});

test("a paused view keeps its place while the ring evicts the lines above it", async () => {
  const stream = fresh();
  await run.viewer.post(stream, Array.from({ length: 300 }, (_, i) => `INFO held ${i}`).join("\n"));
  const { page, errors, close } = await openPage(run.browser, `${run.viewer.url}/?stream=${stream}&max=400`);
  await waitFor("300 lines", async () => (await page.textContent("#matches")) === "300 lines");
  await page.mouse.move(400, 400);
  await page.mouse.wheel(0, -800);
  await waitFor("paused", async () => (await page.textContent("#state")) === "paused");
  await page.waitForTimeout(300);
  const before = await page.evaluate(() => {
    const log = /** @type {HTMLElement} */ (document.getElementById("log"));
    const top = log.getBoundingClientRect().top;
    const row = [...log.querySelectorAll(".row")].find((r) => r.getBoundingClientRect().top >= top);
    return { text: row?.querySelector(".message")?.textContent, top: row?.getBoundingClientRect().top };
  });
  await run.viewer.post(stream, Array.from({ length: 200 }, (_, i) => `INFO new ${i}`).join("\n"));
  await waitFor("200 new lines", async () => /^200 new lines/.test((await page.textContent("#jump")) ?? ""));
  await page.waitForTimeout(300);
  const row = page.locator("#log .row .message", { hasText: new RegExp(`^${before.text}$`) });
  const box = await row.boundingBox();
  assert.ok(box, `the row ${before.text} is still in view`);
  assert.ok(Math.abs(box.y - (before.top ?? 0)) < 25, `it moved from ${before.top} to ${box.y}`);
  assert.deepEqual(errors, []);
  await close();
});

test("following 2,000 lines/s: the rows in the DOM stay consecutive, the sketch above them colours errors, pausing builds them all", async () => {
  const stream = fresh();
  const { page, errors, close } = await openPage(run.browser, `${run.viewer.url}/?stream=${stream}&tail=0`);
  await page.waitForSelector('#state[data-state="live"]');
  // Every frame as painted: whether the rows in the DOM are consecutive ids, and the sketch's error lines.
  await page.evaluate(() => {
    const w = /** @type {any} */ (window);
    w.frames = [];
    const sample = () => {
      const ids = [...document.querySelectorAll("#log .row.entry")].map((row) =>
        Number(/** @type {HTMLElement} */ (row).dataset.id),
      );
      const errors = [...document.querySelectorAll('#log .sketch:not([hidden]) [data-level="error"]')];
      w.frames.push({
        consecutive: ids.every((id, i) => i === 0 || id === (ids[i - 1] ?? 0) + 1),
        errorLines: errors.map((span) => span.textContent),
        colour: errors[0] ? getComputedStyle(errors[0]).color : null,
        muted: errors[0]?.parentElement ? getComputedStyle(errors[0].parentElement).color : null,
        hidden: [...document.querySelectorAll("#log .sketch")].every(
          (sketch) => sketch.getAttribute("aria-hidden") === "true",
        ),
      });
      if (w.frames.length < 2000) requestAnimationFrame(sample);
    };
    requestAnimationFrame(sample);
  });
  let n = 0;
  const started = Date.now();
  for (let tick = 0; tick < 100; tick++) {
    const lines = Array.from({ length: 40 }, () => {
      n++;
      return JSON.stringify(
        n % 25 === 0 ? { level: "error", msg: `failed ${n}` } : { level: "info", msg: `handled ${n}` },
      );
    });
    await run.viewer.post(stream, lines.join("\n"), "application/x-ndjson");
    const wait = started + (tick + 1) * 20 - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
  await waitFor("the last line", async () => (await page.textContent("#matches")) === "4,000 lines");
  const frames =
    /** @type {{consecutive: boolean, errorLines: string[], colour: string | null, muted: string | null, hidden: boolean}[]} */ (
      await page.evaluate(() => /** @type {any} */ (window).frames)
    );
  assert.ok(frames.length > 20, `${frames.length} frames sampled`);
  assert.equal(
    frames.filter((frame) => !frame.consecutive).length,
    0,
    "rows in the DOM are consecutive in every frame",
  );
  assert.ok(
    frames.every((frame) => frame.hidden),
    "the sketch is hidden from screen readers",
  );
  const shown = frames.find((frame) => frame.errorLines.length > 0);
  assert.ok(shown, "an error line was sketched in some frame");
  assert.match(shown.errorLines[0] ?? "", /failed \d+$/);
  assert.ok(shown.colour !== null && shown.colour !== shown.muted, `error ${shown.colour} vs muted ${shown.muted}`);
  // Paused, every row in view is built: no sketch.
  await page.keyboard.press("p");
  await waitFor("no sketch", () => noSketch(page));
  const ids = await page.$$eval("#log .row.entry", (rows) =>
    rows.map((row) => Number(/** @type {HTMLElement} */ (row).dataset.id)),
  );
  assert.equal(ids.at(-1), 4000);
  assert.deepEqual(errors, []);
  await close();
});
