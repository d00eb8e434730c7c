// The Patterns view of a merged view in real Chromium against `wrangler dev`: each stream's templates, tagged
// with the stream in its log colour, counted live from the merged events; a click filters the log to one
// stream's pattern (`stream:NAME pattern:ID` in the query box and URL), Shift-click and the keyboard's Hide leave
// it out (`-(stream:NAME pattern:ID)`), the other stream's lines of the same id untouched; axe at 375 and 1440 px.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { test } from "node:test";
import { openPage, viewerAndBrowser, waitFor } from "./harness.mjs";

const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
const run = viewerAndBrowser({ vars: { RATE_LIMIT_PER_SECOND: "0" } });
const fresh = (/** @type {string} */ name) => `${name}-${crypto.randomUUID().slice(0, 8)}`;

/** The rows of the view as [stream, template, count, share]. @param {import("playwright-core").Page} page */
const patternRows = (page) =>
  page.$$eval("#pattern-list li", (items) =>
    items.map((li) => [
      li.querySelector(".pattern-stream")?.textContent,
      li.querySelector(".pattern-template")?.textContent,
      li.querySelector(".pattern-count")?.textContent,
      li.querySelector(".pattern-share")?.textContent,
    ]),
  );

/** The log's rows as "stream message". @param {import("playwright-core").Page} page */
const logRows = (page) =>
  page.$$eval("#log .row.entry", (rows) =>
    rows.map((row) => `${row.querySelector(".tag")?.textContent} ${row.querySelector(".message")?.textContent}`),
  );

/** @param {import("playwright-core").Page} page */
async function seriousViolations(page) {
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(() => /** @type {any} */ (window).axe.run(document));
  return result.violations
    .filter((/** @type {any} */ v) => v.impact === "serious" || v.impact === "critical")
    .map((/** @type {any} */ v) => `${v.id}: ${v.nodes.map((/** @type {any} */ n) => n.target.join(" ")).join("; ")}`);
}

/** @param {import("playwright-core").Page} page @param {string} stream @param {RegExp} template */
const rowOf = (page, stream, template) =>
  page.locator("#pattern-list li", { has: page.locator(`.pattern-stream:text-is("${stream}")`) }).filter({
    has: page.locator(".pattern-template", { hasText: template }),
  });

test("a merged view's patterns are each stream's, live; a click shows one stream's pattern, Shift-click hides it", async () => {
  const { viewer, browser } = run;
  const a = fresh("alpha");
  const b = fresh("beta");
  const served = (/** @type {number} */ n, /** @type {number} */ from) =>
    Array.from({ length: n }, (_, i) => `INFO request ${from + i} served in ${i + 3} ms`);
  await viewer.post(a, [...served(4, 0), "ERROR upstream billing timed out after 30 s"].join("\n"));
  await viewer.post(
    b,
    [...served(3, 10), "WARN disk 91% full on /dev/sda1", "WARN disk 97% full on /dev/sdb1"].join("\n"),
  );
  const { page, errors, close } = await openPage(browser, `${viewer.url}/?stream=${a},${b}`);
  await waitFor("the rows", async () => (await logRows(page)).length === 10);
  await page.click("#patterns-open");
  await waitFor("four named patterns", async () => {
    const rows = await patternRows(page);
    return rows.length === 4 && rows.every(([, template]) => String(template).includes("<*>"));
  });
  const rows = await patternRows(page);
  assert.deepEqual(
    rows.map(([stream, , count, share]) => [stream, count, share]),
    [
      [a, "4", "40.0%"],
      [b, "3", "30.0%"],
      [b, "2", "20.0%"],
      [a, "1", "10.0%"],
    ],
  );
  assert.match(String(rows[0]?.[1]), /^INFO request <\*> served in <\*>/);
  assert.equal(rows[1]?.[1], rows[0]?.[1], "the same template in both streams is two rows");
  // Each row's tag has its stream's colour in the log.
  for (const stream of [a, b]) {
    const logTag = await page.locator("#log .row .tag", { hasText: stream }).first().getAttribute("class");
    const rowTag = await page.locator(".pattern-stream", { hasText: stream }).first().getAttribute("class");
    assert.equal(rowTag?.replace(" pattern-stream", ""), logTag);
  }

  // Live: a new shape in one stream appears without reopening, tagged with its stream.
  await viewer.post(b, "ERROR db connection lost after 3 retries");
  await waitFor(
    "the fifth pattern, named",
    async () => (await rowOf(page, b, /^ERROR db connection/).count()) === 1,
    10_000,
  );
  assert.equal((await patternRows(page)).length, 5);

  await page.setViewportSize({ width: 375, height: 700 });
  assert.deepEqual(await seriousViolations(page), []);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.emulateMedia({ colorScheme: "dark" });
  assert.deepEqual(await seriousViolations(page), []);

  // Click b's served lines: only those, though a's served lines may carry the same id.
  const bServed = rowOf(page, b, /^INFO request/).locator(".pattern-template");
  const bId = await bServed.getAttribute("data-pattern");
  await bServed.click();
  assert.equal(await page.isVisible("#patterns"), false, "choosing a template closes the view");
  const only = `stream:${b} pattern:${bId}`;
  assert.equal(await page.inputValue("#q"), only);
  await waitFor("the URL's q", async () => new URL(page.url()).searchParams.get("q") === only);
  await waitFor("only b's served lines", async () => {
    const shown = await logRows(page);
    return shown.length === 3 && shown.every((row) => row.startsWith(`${b} INFO request`));
  });

  // Shift-click a's served lines: they go, b's stay.
  await page.fill("#q", "");
  await page.press("#q", "Enter");
  await waitFor("all rows back", async () => (await logRows(page)).length === 11);
  await page.click("#patterns-open");
  const aServed = rowOf(page, a, /^INFO request/).locator(".pattern-template");
  const aId = await aServed.getAttribute("data-pattern");
  await aServed.click({ modifiers: ["Shift"] });
  assert.equal(await page.inputValue("#q"), `-(stream:${a} pattern:${aId})`);
  await page.keyboard.press("Escape");
  await waitFor("a's served lines gone", async () => (await logRows(page)).length === 7);
  assert.equal((await logRows(page)).filter((row) => row.startsWith(`${b} INFO request`)).length, 3);
  assert.deepEqual(errors, []);
  await close();
});

test("a merged view's Hide is reachable from the keyboard and names the stream", async () => {
  const { viewer, browser } = run;
  const a = fresh("kb-a");
  const b = fresh("kb-b");
  await viewer.post(a, "job 1 done in 3 s\njob 2 done in 4 s");
  await viewer.post(b, "cache flushed by admin");
  const { page, errors, close } = await openPage(browser, `${viewer.url}/?stream=${a},${b}`);
  await waitFor("the rows", async () => (await logRows(page)).length === 3);
  await page.focus("#patterns-open");
  await page.keyboard.press("Enter");
  await waitFor("the list", async () => (await page.locator("#pattern-list .pattern-template").count()) === 2);
  assert.equal(await page.evaluate(() => document.activeElement?.id), "patterns-close");
  // Close, the first row's template, its Hide.
  await page.keyboard.press("Tab");
  assert.match(
    String(await page.evaluate(() => document.activeElement?.getAttribute("aria-label"))),
    new RegExp(`, in ${a}$`),
  );
  await page.keyboard.press("Tab");
  assert.match(
    String(await page.evaluate(() => document.activeElement?.getAttribute("aria-label"))),
    new RegExp(`in ${a}$`),
  );
  await page.keyboard.press("Enter");
  assert.match(await page.inputValue("#q"), new RegExp(`^-\\(stream:${a} pattern:\\S+\\)$`));
  await page.keyboard.press("Escape");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "patterns-open", "focus returns to the button");
  await waitFor("b's line alone", async () => (await logRows(page)).length === 1);
  assert.deepEqual(await logRows(page), [`${b} cache flushed by admin`]);
  assert.deepEqual(errors, []);
  await close();
});
