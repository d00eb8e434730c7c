// The Patterns view in real Chromium against `wrangler dev`: templates with counts, shares and a new mark,
// updated live from the events; a click filters the log to a pattern (query box and URL), Alt-click and the
// keyboard's Hide leave one out; axe finds nothing serious at 1440 and 375 px.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { test } from "node:test";
import { openPage, rowMessages, viewerAndBrowser, waitFor } from "./harness.mjs";

const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
const run = viewerAndBrowser({ vars: { RATE_LIMIT_PER_SECOND: "0" } });
const fresh = () => `patterns-${crypto.randomUUID().slice(0, 8)}`;

/** The rows of the view as [template, count, share, new?]. @param {import("playwright-core").Page} page */
const patternRows = (page) =>
  page.$$eval("#pattern-list li", (items) =>
    items.map((li) => [
      li.querySelector(".pattern-template")?.textContent,
      li.querySelector(".pattern-count")?.textContent,
      li.querySelector(".pattern-share")?.textContent,
      li.querySelector(".pattern-new") !== null,
    ]),
  );

/** @param {import("playwright-core").Page} page */
async function seriousViolations(page) {
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(() => /** @type {any} */ (window).axe.run(document));
  return result.violations
    .filter((/** @type {any} */ v) => v.impact === "serious" || v.impact === "critical")
    .map((/** @type {any} */ v) => `${v.id}: ${v.nodes.map((/** @type {any} */ n) => n.target.join(" ")).join("; ")}`);
}

test("lists the templates of the held lines, live, and filters or hides a pattern from the list", async () => {
  const { viewer, browser } = run;
  const stream = fresh();
  const served = Array.from({ length: 6 }, (_, i) => `INFO request ${i} served in ${10 + i} ms`);
  const failed = Array.from({ length: 2 }, (_, i) => `ERROR upstream billing-${i} timed out after 30 s`);
  await viewer.post(stream, [...served, ...failed].join("\n"));
  const { page, errors, close } = await openPage(browser, `${viewer.url}/?stream=${stream}`);
  await waitFor("the rows", async () => (await page.locator("#log .row").count()) >= 8);
  await page.click("#patterns-open");
  await waitFor("two named patterns", async () => {
    const rows = await patternRows(page);
    return rows.length === 2 && rows.every(([template]) => String(template).includes("<*>"));
  });
  const [first, second] = await patternRows(page);
  assert.deepEqual(first?.slice(1), ["6", "75.0%", true]);
  assert.deepEqual(second?.slice(1), ["2", "25.0%", true]);
  assert.match(String(first?.[0]), /^INFO request <\*> served in <\*>/);
  assert.equal(await page.getAttribute("#pattern-list li:nth-child(2) .pattern-level", "data-level"), "error");

  // Live: a new shape appears without reopening, named by one fetch.
  await viewer.post(
    stream,
    "WARN disk 91% full on /dev/sda1\nWARN disk 93% full on /dev/sdb1\nWARN disk 97% full on /dev/sdc1",
  );
  await waitFor("the third pattern", async () => (await patternRows(page)).length === 3, 10_000);
  assert.deepEqual(
    (await patternRows(page)).map((row) => row[1]),
    ["6", "3", "2"],
  );

  // The view at 375 px, light: nothing serious for axe while it is open.
  await page.setViewportSize({ width: 375, height: 700 });
  assert.deepEqual(await seriousViolations(page), []);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.emulateMedia({ colorScheme: "dark" });
  assert.deepEqual(await seriousViolations(page), []);

  // Click: the log shows only that pattern, and the query box and URL say pattern:ID.
  const errorId = await page.getAttribute("#pattern-list li:nth-child(3) .pattern-template", "data-pattern");
  await page.click("#pattern-list li:nth-child(3) .pattern-template");
  assert.equal(await page.isVisible("#patterns"), false, "choosing a template closes the view");
  assert.equal(await page.inputValue("#q"), `pattern:${errorId}`);
  await waitFor("the URL's q", async () => new URL(page.url()).searchParams.get("q") === `pattern:${errorId}`);
  await waitFor("only the pattern's rows", async () => {
    const messages = await rowMessages(page);
    return messages.length === 2 && messages.every((message) => message?.startsWith("ERROR upstream"));
  });

  // Alt-click on another template leaves it out instead.
  await page.fill("#q", "");
  await page.press("#q", "Enter");
  await waitFor("all rows back", async () => (await rowMessages(page)).length === 11);
  await page.click("#patterns-open");
  const servedId = await page.getAttribute("#pattern-list li:nth-child(1) .pattern-template", "data-pattern");
  await page.click("#pattern-list li:nth-child(1) .pattern-template", { modifiers: ["Alt"] });
  assert.equal(await page.inputValue("#q"), `-pattern:${servedId}`);
  await page.keyboard.press("Escape");
  await waitFor("the served lines gone", async () => (await rowMessages(page)).length === 5);
  assert.deepEqual(errors, []);
  await close();
});

test("is reachable and usable from the keyboard alone", async () => {
  const { viewer, browser } = run;
  const stream = fresh();
  await viewer.post(stream, "job 1 done in 3 s\njob 2 done in 4 s\ncache flushed by admin");
  const { page, errors, close } = await openPage(browser, `${viewer.url}/?stream=${stream}`);
  await waitFor("the rows", async () => (await page.locator("#log .row").count()) >= 3);
  await page.focus("#patterns-open");
  await page.keyboard.press("Enter");
  await waitFor("the list", async () => (await page.locator("#pattern-list .pattern-template").count()) === 2);
  assert.equal(await page.evaluate(() => document.activeElement?.id), "patterns-close");
  // Tab to the first row's Hide button: Close, template, Hide.
  await page.keyboard.press("Tab");
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement?.className), "pattern-hide");
  await page.keyboard.press("Enter");
  assert.match(await page.inputValue("#q"), /^-pattern:p[0-9a-z]+$/);
  await page.keyboard.press("Escape");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "patterns-open", "focus returns to the button");
  await waitFor("one row left", async () => (await rowMessages(page)).length === 1);
  assert.deepEqual(await rowMessages(page), ["cache flushed by admin"]);
  assert.deepEqual(errors, []);
  await close();
});
