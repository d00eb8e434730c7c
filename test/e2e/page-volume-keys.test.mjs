// The volume strip by keyboard in real Chromium: one slider over the buckets that Tab reaches, Left/Right and
// Home/End say each bucket's time and counts per level, Enter jumps there like a click, Shift+arrows select a
// window that Enter freezes like a drag; axe accepts it.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { test } from "node:test";
import { openPage, viewerAndBrowser, waitFor } from "./harness.mjs";

const run = viewerAndBrowser({ vars: { RATE_LIMIT_PER_SECOND: "0" } });
const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
const fresh = () => `volkeys-${crypto.randomUUID().slice(0, 8)}`;
const START = Date.now() - 10 * 60_000;

/** 3,000 lines over 5 minutes ten minutes ago: every 10th an error. @param {string} stream */
async function fill(stream) {
  const lines = Array.from({ length: 3000 }, (_, i) =>
    JSON.stringify({ time: START + i * 100, level: i % 10 === 0 ? "error" : "info", msg: `line ${i}` }),
  );
  await run.viewer.post(stream, lines.join("\n"), "application/x-ndjson");
}

/** The strip's counts as its hidden table says them. @param {import("playwright-core").Page} page */
const tableTotal = (page) =>
  page.$$eval('[aria-label="Lines over time"] table tbody tr td:nth-child(2)', (cells) =>
    cells.reduce((sum, cell) => sum + Number((cell.textContent ?? "").split(" ")[0]?.replace(/,/g, "")), 0),
  );

/** The slider's value: index and text. @param {import("playwright-core").Page} page */
const value = async (page) => ({
  now: Number(await page.getAttribute(".volume-bars", "aria-valuenow")),
  max: Number(await page.getAttribute(".volume-bars", "aria-valuemax")),
  text: (await page.getAttribute(".volume-bars", "aria-valuetext")) ?? "",
});

/** A bucket's text: "12:00:00–12:00:02: 20 lines: 2 error, 18 info". */
const BUCKET = /^(\d\d:\d\d:\d\d)–(\d\d:\d\d:\d\d): ([\d,]+) lines?(?:: (.*))?$/;
const UNITS = { ms: 1, s: 1000, min: 60_000, h: 3_600_000, d: 86_400_000 };

/** The bucket width the strip's axis names ("…, 2 s per bar"). @param {import("playwright-core").Page} page */
async function bucketMs(page) {
  const found = /([\d.]+) (ms|s|min|h|d) per bar/.exec((await page.textContent(".volume-range")) ?? "");
  assert.ok(found, "the axis names its bucket width");
  return Number(found[1]) * UNITS[/** @type {keyof typeof UNITS} */ (found[2])];
}

test("Tab reaches the strip; Left/Right and Home/End say every bucket's time and counts; Enter jumps there", async () => {
  const stream = fresh();
  await fill(stream);
  await run.viewer.post(stream, "INFO the newest line");
  const { page, errors, close } = await openPage(run.browser, `${run.viewer.url}/?stream=${stream}&tail=20`);
  await waitFor("the strip", async () => (await tableTotal(page)) === 3001);
  // One stop in the tab order, just before the log, named as a slider.
  await page.focus("#log");
  await page.keyboard.press("Shift+Tab");
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("role")), "slider");
  assert.equal(await page.getByRole("slider", { name: "Time" }).count(), 1);
  assert.match((await page.textContent("#volume-keys")) ?? "", /Enter/);

  // p is the page's (pause); End in the strip is the strip's, not the page's "follow again".
  await page.keyboard.press("p");
  assert.equal(await page.getAttribute("#pause", "aria-pressed"), "true");
  await page.keyboard.press("End");
  const end = await value(page);
  assert.equal(end.now, end.max, "End: the newest bucket");
  assert.equal(await page.getAttribute("#pause", "aria-pressed"), "true", "End in the strip is the strip's");
  await page.keyboard.press("Home");
  assert.equal((await value(page)).now, 0);
  assert.ok(await page.isVisible(".volume-tip"), "the focused bucket's counts show for sighted readers too");

  // Every bucket announced once, left to right: their counts add up to the stream, errors to every 10th line.
  let lines = 0;
  let errorLines = 0;
  for (let at = 0; at <= end.max; at++) {
    const { now, text } = await value(page);
    assert.equal(now, at);
    const found = BUCKET.exec(text);
    assert.ok(found, `a bucket's time and counts: ${text}`);
    lines += Number(found[3]?.replace(/,/g, ""));
    errorLines += Number(/([\d,]+) error/.exec(found[4] ?? "")?.[1]?.replace(/,/g, "") ?? 0);
    await page.keyboard.press("ArrowRight");
  }
  assert.equal(lines, 3001);
  assert.equal(errorLines, 300);
  assert.equal((await value(page)).now, end.max, "Right stops at the newest bucket");

  // Back to the first bucket that holds lines: Enter opens its first line, paused and marked, like a click.
  await page.keyboard.press("Home");
  while (/: 0 lines$/.test((await value(page)).text)) await page.keyboard.press("ArrowRight");
  await page.keyboard.press("Enter");
  await waitFor("the first line of the stream, marked", async () =>
    /line 0$/.test(
      (await page
        .locator("#log .row[aria-current='true'] .message")
        .textContent()
        .catch(() => "")) ?? "",
    ),
  );
  assert.equal(await page.getAttribute("#pause", "aria-pressed"), "true");
  assert.match(page.url(), /[?&]line=1(&|$)/);
  assert.deepEqual(errors, []);
  await close();
});

test("Shift+Right selects a window that Enter freezes (from=/to= in the URL); axe accepts the slider", async () => {
  const stream = fresh();
  await fill(stream);
  const { page, errors, close } = await openPage(run.browser, `${run.viewer.url}/?stream=${stream}&tail=20`);
  await waitFor("the strip", async () => (await tableTotal(page)) === 3000);
  const width = await bucketMs(page);
  await page.focus(".volume-bars");
  await page.keyboard.press("Home");
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowRight");
  const anchor = BUCKET.exec((await value(page)).text);
  assert.ok(anchor);
  for (let i = 0; i < 4; i++) await page.keyboard.press("Shift+ArrowRight");
  const selected = await value(page);
  assert.equal(selected.now, 6);
  const chosen = /window (\d\d:\d\d:\d\d)–(\d\d:\d\d:\d\d) selected, ([\d,]+) lines/.exec(selected.text);
  assert.ok(chosen, `the selection said: ${selected.text}`);
  assert.equal(chosen[1], anchor[1], "the window starts where Shift was first pressed");
  assert.ok(await page.isVisible(".volume-selection"), "the selection is shown");

  await page.addScriptTag({ path: AXE });
  const found = [];
  for (const colorScheme of /** @type {const} */ (["light", "dark"])) {
    await page.emulateMedia({ colorScheme });
    const result = await page.evaluate(() => /** @type {any} */ (window).axe.run(document));
    for (const v of result.violations)
      if (v.impact === "serious" || v.impact === "critical") found.push(`${colorScheme}: ${v.id}`);
  }
  assert.deepEqual(found, []);

  await page.keyboard.press("Enter");
  await waitFor("the frozen window in the URL", async () => /from=.*&to=/.test(decodeURIComponent(page.url())));
  const url = new URL(page.url());
  const from = Date.parse(url.searchParams.get("from") ?? "");
  const to = Date.parse(url.searchParams.get("to") ?? "");
  assert.equal(to - from, 5 * width, "five buckets: the anchor's through the cursor's");
  const expected = Number(chosen[3]?.replace(/,/g, ""));
  await waitFor(`the strip counting the window's ${expected} lines`, async () => (await tableTotal(page)) === expected);
  assert.ok(expected > 0 && expected < 3000);
  assert.equal(await page.getAttribute("#pause", "aria-pressed"), "true");
  assert.equal(await page.locator(".volume-live").isVisible(), true);
  assert.deepEqual(errors, []);
  await close();
});
