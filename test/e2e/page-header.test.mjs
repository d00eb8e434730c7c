// The header in real Chromium: one row at 1440 px and at most two at 375 px in every state a reader meets (a
// query with its count and "search all", paused, a frozen time window, a merged view of three streams), and the
// ⋯ menu that makes room for it: closed when an item is chosen, by Escape and by a click elsewhere.
import assert from "node:assert/strict";
import { test } from "node:test";
import { openPage, viewerAndBrowser, waitFor } from "./harness.mjs";

const run = viewerAndBrowser();

const fresh = (name = "header") => `${name}-${crypto.randomUUID().slice(0, 8)}`;
/** 100 lines, every tenth a match for `needle`. */
const haystack = Array.from({ length: 100 }, (_, i) => (i % 10 === 0 ? `INFO needle ${i}` : `INFO hay ${i}`)).join(
  "\n",
);

/**
 * The header's height and how far apart its visible controls' middles are (0 on one row).
 * @param {import("playwright-core").Page} page
 */
const measure = (page) =>
  page.evaluate(() => {
    const bar = /** @type {HTMLElement} */ (document.querySelector(".bar"));
    const middles = [...bar.querySelectorAll("a, button, input, select, summary, .state, .count")]
      // Not what a closed list or menu holds: it is laid out, but not shown.
      .filter((node) => node.checkVisibility({ contentVisibilityAuto: true }))
      .map((node) => node.getBoundingClientRect())
      .filter((rect) => rect.width > 0 && rect.height > 0)
      .map((rect) => rect.top + rect.height / 2);
    return { height: bar.getBoundingClientRect().height, spread: Math.max(...middles) - Math.min(...middles) };
  });

/**
 * Asserts one header row at 1440 px and at most two at 375 px, then goes back to 1440 px.
 * @param {import("playwright-core").Page} page
 * @param {string} state
 */
async function assertRows(page, state) {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.waitForTimeout(150);
  const wide = await measure(page);
  assert.ok(wide.height < 50, `${state}: one header row at 1440 px (${wide.height}px)`);
  assert.ok(wide.spread < 12, `${state}: every control on that row at 1440 px (${wide.spread}px apart)`);
  await page.setViewportSize({ width: 375, height: 667 });
  await page.waitForTimeout(150);
  const phone = await measure(page);
  assert.ok(phone.height < 80, `${state}: at most two header rows at 375 px (${phone.height}px)`);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.waitForTimeout(150);
}

test("one header row at 1440 px, at most two at 375 px: a query with its count and search all, paused, a frozen window", async () => {
  const stream = fresh();
  const start = Date.now();
  await run.viewer.post(stream, haystack);
  const { page, errors, close } = await openPage(run.browser, `${run.viewer.url}/?stream=${stream}&tail=3&q=needle`, {
    viewport: { width: 1440, height: 900 },
  });
  await waitFor("3 matches", async () => (await page.locator("#log .row.entry").count()) === 3);
  await page.waitForSelector("#search-older:not([hidden])");
  assert.equal(await page.textContent("#matches"), "3 matching lines");
  assert.equal(await page.getAttribute("#q", "placeholder"), "Search ( / )", "the placeholder fits the box");
  const room = await page.$eval("#q", (box) => {
    const input = /** @type {HTMLInputElement} */ (box);
    const style = getComputedStyle(input);
    const context = /** @type {CanvasRenderingContext2D} */ (document.createElement("canvas").getContext("2d"));
    context.font = style.font;
    const inside = input.clientWidth - Number.parseFloat(style.paddingLeft) - Number.parseFloat(style.paddingRight);
    return inside - context.measureText(input.placeholder).width;
  });
  assert.ok(room >= 0, `the placeholder is not cut off at 1440 px (${room}px to spare)`);
  await assertRows(page, "a query");

  await page.click("#pause");
  await page.waitForSelector('#state[data-state="paused"]');
  assert.equal(await page.textContent("#pause"), "Resume");
  await assertRows(page, "paused");
  await close();

  const from = new Date(start - 60_000).toISOString();
  const to = new Date(Date.now() + 1000).toISOString();
  const frozen = await openPage(
    run.browser,
    `${run.viewer.url}/?stream=${stream}&q=needle&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
    { viewport: { width: 1440, height: 900 } },
  );
  await frozen.page.waitForSelector(".volume-live:not([hidden])");
  await waitFor("the window's matches", async () => (await frozen.page.locator("#log .row.entry").count()) > 0);
  await assertRows(frozen.page, "a frozen window");
  assert.deepEqual([...errors, ...frozen.errors], []);
  await frozen.close();
});

test("a merged view of three streams keeps one header row at 1440 px and two at 375 px, its streams one control", async () => {
  const id = crypto.randomUUID().slice(0, 8);
  const streams = [`checkout-api-${id}`, `checkout-api-canary-${id}`, `host-dpkg-${id}`];
  for (const name of streams) await run.viewer.post(name, `INFO needle from ${name}\nINFO hay from ${name}`);
  const { page, errors, close } = await openPage(
    run.browser,
    `${run.viewer.url}/?stream=${streams.join(",")}&q=needle`,
    { viewport: { width: 1440, height: 900 } },
  );
  await waitFor("3 matches", async () => (await page.locator("#log .row.entry").count()) === 3);
  assert.equal(await page.textContent("#matches"), "3 matching lines");
  // "3 streams", not a cut-off comma list: the names are in its title and in the list it opens.
  assert.equal(await page.textContent("#several summary"), "3 streams");
  assert.equal(await page.getAttribute("#several summary", "title"), streams.join(", "));
  assert.ok(await page.isHidden("#switch-name"), "no stream box cut off");
  assert.deepEqual(await page.$$eval("#selection .tag", (tags) => tags.map((tag) => tag.textContent)), streams);
  await assertRows(page, "a merged view with a query");
  await page.setViewportSize({ width: 375, height: 667 });
  assert.ok(await page.isVisible("#several summary"), "a phone says what is shown too");
  await page.click("#several summary");
  assert.ok(await page.isVisible("#selection .tag"), "the streams shown, with their tags, under it");
  await page.keyboard.press("Escape");

  await page.setViewportSize({ width: 1440, height: 900 });
  await page.click("#pause");
  await page.waitForSelector('#state[data-state="paused"]');
  await assertRows(page, "a merged view paused");

  // A name typed at the top of that list opens its stream, as the header's box does on a single stream's page.
  await page.click("#several summary");
  await page.getByLabel("Open a stream, or several").fill(streams[2] ?? "");
  await page.keyboard.press("Enter");
  await page.waitForURL((url) => url.searchParams.get("stream") === streams[2]);
  await waitFor("the one stream's lines", async () => (await page.locator("#log .row.entry").count()) === 2);
  assert.deepEqual(errors, []);
  await close();
});

test("the ⋯ menu closes when an item is chosen, on Escape and on a click elsewhere; focus comes back to ⋯", async () => {
  const stream = fresh();
  await run.viewer.post(stream, "INFO one\nWARN two");
  const { page, errors, close } = await openPage(run.browser, `${run.viewer.url}/?stream=${stream}&q=two`, {
    viewport: { width: 375, height: 667 },
  });
  await waitFor("the match", async () => (await page.locator("#log .row.entry").count()) === 1);
  const menuOpen = async () => (await page.getAttribute("#menu", "aria-expanded")) === "true";
  assert.ok(await page.isHidden("#patterns-open"), "on a phone Patterns waits behind ⋯");

  // A phone: Patterns from the menu opens its dialog over a closed menu.
  await page.click("#menu");
  assert.ok(await menuOpen());
  assert.ok(await page.isVisible("#menu-panel"));
  await page.click("#patterns-open");
  await page.waitForSelector("#patterns[open]");
  await waitFor("the menu closed", async () => !(await menuOpen()) && (await page.isHidden("#menu-panel")));
  await page.keyboard.press("Escape");
  await waitFor("the dialog closed", async () => (await page.locator("#patterns[open]").count()) === 0);
  await waitFor("the focus on ⋯", async () => (await page.evaluate(() => document.activeElement?.id)) === "menu");

  // Escape closes the menu and leaves the search alone.
  await page.click("#menu");
  assert.ok(await menuOpen());
  await page.keyboard.press("Escape");
  assert.ok(!(await menuOpen()) && (await page.isHidden("#menu-panel")));
  assert.equal(await page.evaluate(() => document.activeElement?.id), "menu");
  assert.equal(await page.inputValue("#q"), "two", "Escape was the menu's, not the search's");

  // A click elsewhere closes it.
  await page.click("#menu");
  await page.mouse.click(40, 600);
  assert.ok(!(await menuOpen()) && (await page.isHidden("#menu-panel")));

  // A desktop: Wrap and Patterns are in the header again, UTC behind ⋯; choosing it closes the menu.
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.waitForTimeout(150);
  assert.ok(await page.isVisible("#patterns-open"));
  assert.ok(await page.isVisible("#wrap"));
  assert.ok(await page.isHidden("#tz"));
  assert.deepEqual(
    await page.$$eval("#buttons button:not([hidden])", (buttons) => buttons.map((button) => button.id)),
    ["pause", "wrap", "columns-open", "patterns-open", "menu", "tz", "clear", "download", "alerts-open"],
    "in the order they are seen, so the tab order follows it",
  );
  await page.click("#menu");
  await page.click("#tz");
  await waitFor("the menu closed", async () => !(await menuOpen()));
  assert.equal(await page.getAttribute("#tz", "aria-pressed"), "true");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "menu");
  // The keyboard: Tab from ⋯ goes into the open menu.
  await page.keyboard.press("Enter");
  assert.ok(await menuOpen());
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "tz");
  assert.deepEqual(errors, []);
  await close();
});
