// The Columns picker in real Chromium: reachable without expanding a row, it lists the fields of the lines held
// (dotted paths, most common first, a filter box over a long list), each a checkbox that adds or removes a column;
// the keyboard works it, Escape closes it, and axe finds nothing serious with it open at 1440 and 375 px.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { test } from "node:test";
import { openPage, viewerAndBrowser, waitFor } from "./harness.mjs";

const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
const run = viewerAndBrowser();

const fresh = () => `picker-${crypto.randomUUID().slice(0, 8)}`;
const lines = [
  { level: "info", msg: "a", http: { status: 200, method: "GET" }, user: { id: "u-1" } },
  { level: "info", msg: "b", http: { status: 201, method: "POST" }, user: { id: "u-2" } },
  { level: "warn", msg: "c", http: { status: 429 }, region: "eu" },
  { level: "error", msg: "d", http: { status: 502 } },
];

/** The picker's fields, top to bottom, and whether each is checked. @param {import("playwright-core").Page} page */
const listed = (page) =>
  page.$$eval("#col-fields li:not([hidden]) input", (boxes) =>
    boxes.map(
      (box) =>
        `${/** @type {HTMLInputElement} */ (box).value}${/** @type {HTMLInputElement} */ (box).checked ? " ✓" : ""}`,
    ),
  );
const isOpen = (/** @type {import("playwright-core").Page} */ page) =>
  page.evaluate(() => document.getElementById("col-picker")?.matches(":popover-open"));
const headers = (/** @type {import("playwright-core").Page} */ page) =>
  page.$$eval("[role=columnheader] .colname-text", (cells) => cells.map((cell) => cell.textContent));

test("the Columns picker lists the fields held, most common first, and adds and removes columns by keyboard and mouse", async () => {
  const stream = fresh();
  await run.viewer.post(stream, lines.map((line) => JSON.stringify(line)).join("\n"), "application/x-ndjson");
  const { page, errors, close } = await openPage(run.browser, `${run.viewer.url}/?stream=${stream}`, {
    viewport: { width: 1440, height: 900 },
  });
  await waitFor("4 rows", async () => (await page.locator("#log .row.entry").count()) === 4);
  assert.equal(await page.locator("#colhead").isHidden(), true, "no column yet");
  await page.getByRole("button", { name: "Columns" }).click();
  await waitFor("the picker open", () => isOpen(page));
  assert.deepEqual(await listed(page), ["http.status", "http.method", "user.id", "region"]);
  assert.equal(await page.locator("#col-filter-field").isHidden(), true, "no filter box over four fields");
  assert.equal(
    await page.evaluate(() => /** @type {HTMLInputElement} */ (document.activeElement).value),
    "http.status",
  );

  // The keyboard: Space checks the focused field, Tab goes to the next.
  await page.keyboard.press("Space");
  await waitFor("the http.status column", async () => (await headers(page)).join() === "http.status");
  assert.equal(new URL(page.url()).searchParams.get("cols"), "http.status");
  const cellTexts = () => page.$$eval("#log .row.entry .col", (cells) => cells.map((cell) => cell.textContent));
  // The header comes at once; rows are rebuilt in the next frame (the oldest in the one after, if it runs out).
  await waitFor("the cells", async () => (await cellTexts()).length === 4);
  assert.deepEqual(await cellTexts(), ["200", "201", "429", "502"]);
  await page.keyboard.press("Tab");
  await page.keyboard.press("Tab");
  await page.keyboard.press("Space");
  await waitFor("two columns", async () => (await headers(page)).join() === "http.status,user.id");
  assert.equal(await isOpen(page), true, "the picker stays open while choosing");
  assert.deepEqual(await listed(page), ["http.status ✓", "http.method", "user.id ✓", "region"]);

  // Escape closes it and gives the focus back to its button.
  await page.keyboard.press("Escape");
  await waitFor("the picker closed", async () => !(await isOpen(page)));
  assert.equal(await page.evaluate(() => document.activeElement?.id), "columns-open");

  // The mouse removes one; a chosen column shows checked when the picker opens again.
  await page.getByRole("button", { name: "Columns" }).click();
  await waitFor("the picker open again", () => isOpen(page));
  assert.deepEqual(await listed(page), ["http.status ✓", "http.method", "user.id ✓", "region"]);
  await page.getByRole("checkbox", { name: /^http\.status/ }).click();
  await waitFor("one column left", async () => (await headers(page)).join() === "user.id");
  assert.equal(new URL(page.url()).searchParams.get("cols"), "user.id");
  // A click elsewhere closes it.
  await page.mouse.click(700, 600);
  await waitFor("the picker closed by a click elsewhere", async () => !(await isOpen(page)));
  assert.deepEqual(errors, []);
  await close();
});

test("over many fields the picker has a filter box that narrows the list", async () => {
  const stream = fresh();
  const wide = Object.fromEntries(Array.from({ length: 14 }, (_, i) => [`k${i}`, i]));
  await run.viewer.post(
    stream,
    JSON.stringify({ msg: "wide", ...wide, http: { status: 200 } }),
    "application/x-ndjson",
  );
  const { page, errors, close } = await openPage(run.browser, `${run.viewer.url}/?stream=${stream}`);
  await waitFor("the row", async () => (await page.locator("#log .row.entry").count()) === 1);
  await page.click("#columns-open");
  await waitFor("the picker open", () => isOpen(page));
  assert.equal((await listed(page)).length, 15);
  assert.equal(await page.evaluate(() => document.activeElement?.id), "col-filter", "the filter box has the focus");
  await page.keyboard.type("stat");
  assert.deepEqual(await listed(page), ["http.status"]);
  await page.keyboard.press("Tab");
  await page.keyboard.press("Space");
  await waitFor("the column", async () => (await headers(page)).join() === "http.status");
  assert.deepEqual(errors, []);
  await close();
});

/** Serious and critical axe violations on the page as it is. @param {import("playwright-core").Page} page */
async function violations(page) {
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(() => /** @type {any} */ (window).axe.run(document));
  assert.ok(result.passes.length > 10, "axe ran its rules");
  return result.violations
    .filter((/** @type {any} */ v) => v.impact === "serious" || v.impact === "critical")
    .map(
      (/** @type {any} */ v) =>
        `${v.id} (${v.impact}): ${v.nodes.map((/** @type {any} */ n) => `${n.target.join(" ")} ${n.failureSummary}`).join("; ")}`,
    );
}

test("axe finds no serious or critical violation with the picker open and columns shown, light and dark, 1440 and 375 px", async () => {
  const stream = fresh();
  await run.viewer.post(stream, lines.map((line) => JSON.stringify(line)).join("\n"), "application/x-ndjson");
  const { page, errors, close } = await openPage(
    run.browser,
    `${run.viewer.url}/?stream=${stream}&cols=http.status:12`,
  );
  await waitFor("4 rows", async () => (await page.locator("#log .row.entry").count()) === 4);
  const found = [];
  for (const width of [1440, 375]) {
    await page.setViewportSize({ width, height: width === 375 ? 667 : 900 });
    // On a phone the Columns button waits behind ⋯.
    if (width === 375) await page.click("#menu");
    await page.click("#columns-open");
    await waitFor("the picker open", () => isOpen(page));
    const box = await page.locator("#col-picker").boundingBox();
    assert.ok(box && box.x >= 0 && box.x + box.width <= width, `the picker fits in ${width} px`);
    for (const colorScheme of /** @type {const} */ (["light", "dark"])) {
      await page.emulateMedia({ colorScheme });
      await page.waitForTimeout(100);
      for (const violation of await violations(page)) found.push(`${width}px ${colorScheme}: ${violation}`);
    }
    await page.keyboard.press("Escape");
    await waitFor("the picker closed", async () => !(await isOpen(page)));
  }
  assert.deepEqual(found, []);
  assert.deepEqual(errors, []);
  await close();
});

test("an open picker takes in the fields of lines arriving meanwhile, at the end, and their counts", async () => {
  const stream = fresh();
  await run.viewer.post(stream, lines.map((line) => JSON.stringify(line)).join("\n"), "application/x-ndjson");
  const { page, errors, close } = await openPage(run.browser, `${run.viewer.url}/?stream=${stream}`, {
    viewport: { width: 1440, height: 900 },
  });
  await waitFor("4 rows", async () => (await page.locator("#log .row.entry").count()) === 4);
  await page.getByRole("button", { name: "Columns" }).click();
  await waitFor("the picker open", () => isOpen(page));
  const count = (/** @type {string} */ path) =>
    page.$eval(`#col-fields input[value="${path}"]`, (box) => box.closest("label")?.lastElementChild?.textContent);
  assert.equal(await count("http.status"), "4");
  await run.viewer.post(
    stream,
    JSON.stringify({ level: "info", msg: "e", http: { status: 204 }, trace_id: "t-1" }),
    "application/x-ndjson",
  );
  await waitFor("trace_id listed", async () => (await listed(page)).includes("trace_id"), 5000);
  assert.deepEqual(await listed(page), ["http.status", "http.method", "user.id", "region", "trace_id"]);
  assert.equal(await count("http.status"), "5");
  assert.equal(await isOpen(page), true, "still open");
  assert.deepEqual(errors, []);
  await close();
});
