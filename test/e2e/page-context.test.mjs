// Reading around a line in real Chromium: "Context" on a row of a filtered view opens the lines around it from the
// whole stream, inline and marked, and closes again (also with x); "Link" copies a URL that opens the page paused
// at that line, marked, with its context loaded (one stream and a merged view), and "Go live" follows again.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { test } from "node:test";
import { openPage, viewerAndBrowser, waitFor } from "./harness.mjs";

const run = viewerAndBrowser({ vars: { RATE_LIMIT_PER_SECOND: "0" } });
const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
const fresh = () => `context-${crypto.randomUUID().slice(0, 8)}`;

/** 200 lines, every 50th a needle (ids 1, 51, 101, 151). @param {string} stream */
async function fill(stream) {
  const lines = Array.from({ length: 200 }, (_, i) => (i % 50 === 0 ? `ERROR needle ${i + 1}` : `INFO hay ${i + 1}`));
  await run.viewer.post(stream, lines.join("\n"));
}

test("Context on a filtered row shows the lines around it from the whole stream, marked, and closes (button and x)", async () => {
  const stream = fresh();
  await fill(stream);
  const { page, errors, close } = await openPage(run.browser, `${run.viewer.url}/?stream=${stream}&q=needle`);
  await waitFor("the four needles", async () => (await page.locator("#log .row.entry").count()) === 4);
  const row = page.locator("#log .row.entry", { hasText: "needle 101" });
  await row.hover();
  await row.locator(".row-context").click();
  await waitFor("the context", async () => (await row.locator(".context-line").count()) === 21);
  const lines = await row.locator(".context-line").allTextContents();
  assert.match(lines[0] ?? "", /INFO hay 91$/);
  assert.match(lines[20] ?? "", /INFO hay 111$/);
  assert.match((await row.locator(".context-line[aria-current='true']").textContent()) ?? "", /needle 101$/);
  await row.locator(".context-close").click();
  await waitFor("the context closed", async () => (await page.locator("#log .context").count()) === 0);
  // The keyboard: mark the row, x opens, x closes.
  await page.locator("#log .row.entry", { hasText: "needle 51" }).locator(".message").click();
  await page.keyboard.press("x");
  await waitFor("the context by key", async () => (await page.locator("#log .context-line").count()) === 21);
  await page.keyboard.press("x");
  await waitFor("closed by key", async () => (await page.locator("#log .context").count()) === 0);
  assert.deepEqual(errors, []);
  await close();
});

test("Link copies /?stream=S&line=ID, which opens paused at the line, marked, with its context; Go live follows", async () => {
  const stream = fresh();
  await fill(stream);
  const { page, errors, close } = await openPage(run.browser, `${run.viewer.url}/?stream=${stream}`, {
    permissions: ["clipboard-read", "clipboard-write"],
  });
  await waitFor(
    "the newest row",
    async () => (await page.locator("#log .row .message", { hasText: /^INFO hay 200$/ }).count()) === 1,
  );
  const row = page.locator("#log .row.entry", { has: page.locator(".message", { hasText: /^INFO hay 199$/ }) });
  await row.hover();
  await row.locator(".row-link").click();
  const link = await waitFor("the copied link", () => page.evaluate(() => navigator.clipboard.readText()));
  assert.equal(link, `${run.viewer.url}/?stream=${stream}&line=199`);
  // More lines than the page's tail: the linked line is older than what a fresh page loads.
  await run.viewer.post(stream, Array.from({ length: 800 }, (_, i) => `INFO later ${i}`).join("\n"));
  const opened = await openPage(run.browser, `${link}&tail=50`);
  const current = opened.page.locator("#log .row[aria-current='true']");
  await waitFor("the linked line, marked", async () => (await current.count()) === 1);
  assert.match((await current.locator(".message").textContent()) ?? "", /hay 199$/);
  assert.ok(await current.isVisible(), "the linked line is in view");
  assert.equal(await opened.page.getAttribute("#pause", "aria-pressed"), "true");
  assert.ok(
    (await opened.page.locator("#log .row .message", { hasText: /^INFO hay 198$/ }).count()) === 1,
    "its context is loaded",
  );
  await opened.page.click(".volume-live");
  await waitFor("following", async () => (await opened.page.getAttribute("#pause", "aria-pressed")) === "false");
  assert.doesNotMatch(opened.page.url(), /line=/);
  await waitFor("the newest line", async () =>
    opened.page.locator("#log .row .message", { hasText: "later 799" }).isVisible(),
  );
  assert.deepEqual(opened.errors, []);
  await opened.close();
  assert.deepEqual(errors, []);
  await close();
});

test("a merged view's link names the stream and the id (?stream=a,b&line=a:12) and opens there", async () => {
  const a = fresh();
  const b = fresh();
  await fill(a);
  await run.viewer.post(b, Array.from({ length: 300 }, (_, i) => `INFO b ${i + 1}`).join("\n"));
  const { page, errors, close } = await openPage(run.browser, `${run.viewer.url}/?stream=${a},${b}&tail=20`, {
    permissions: ["clipboard-read", "clipboard-write"],
  });
  await waitFor("the rows", async () => (await page.locator("#log .row.entry").count()) === 20);
  const row = page.locator("#log .row.entry").last();
  await row.hover();
  await row.locator(".row-link").click();
  const link = await waitFor("the copied link", () => page.evaluate(() => navigator.clipboard.readText()));
  assert.equal(link, `${run.viewer.url}/?stream=${a},${b}&line=${b}:300`);
  await close();
  const opened = await openPage(run.browser, `${run.viewer.url}/?stream=${a},${b}&line=${a}:12&tail=20`);
  const current = opened.page.locator("#log .row[aria-current='true']");
  await waitFor("the linked line", async () => (await current.count()) === 1);
  assert.match((await current.textContent()) ?? "", new RegExp(`${a}.*INFO hay 12`));
  assert.equal(await opened.page.getAttribute("#pause", "aria-pressed"), "true");
  assert.deepEqual([...errors, ...opened.errors], []);
  await opened.close();
});

test("axe finds no serious or critical violation with a context open and a linked line marked", async () => {
  const stream = fresh();
  await fill(stream);
  const { page, errors, close } = await openPage(run.browser, `${run.viewer.url}/?stream=${stream}&q=needle&line=101`);
  await waitFor("the marked line", async () => (await page.locator("#log .row[aria-current='true']").count()) === 1);
  const row = page.locator("#log .row[aria-current='true']");
  await row.hover();
  await row.locator(".row-context").click();
  await waitFor("the context", async () => (await row.locator(".context-line").count()) === 21);
  await page.addScriptTag({ path: AXE });
  const found = [];
  for (const colorScheme of /** @type {const} */ (["light", "dark"])) {
    await page.emulateMedia({ colorScheme });
    const result = await page.evaluate(() => /** @type {any} */ (window).axe.run(document));
    for (const v of result.violations)
      if (v.impact === "serious" || v.impact === "critical")
        found.push(`${colorScheme}: ${v.id} ${v.nodes.map((/** @type {any} */ n) => n.target.join(" ")).join(", ")}`);
  }
  assert.deepEqual(found, []);
  assert.deepEqual(errors, []);
  await close();
});
