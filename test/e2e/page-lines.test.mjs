// Real-world lines in real Chromium: ANSI styles, multi-line messages and stack traces, long lines, and entries
// odd enough to have broken the page before: none of them may stop the lines after it.
import assert from "node:assert/strict";
import { test } from "node:test";
import { openPage, viewerAndBrowser, waitFor } from "./harness.mjs";

const run = viewerAndBrowser();

const fresh = () => `lines-${crypto.randomUUID().slice(0, 8)}`;
const ESC = "\u001b";
const rowCount = (/** @type {import("playwright-core").Page} */ page) => page.locator("#log .row").count();

test("ANSI SGR styles are rendered, every other escape sequence is dropped, and no escape byte is shown", async () => {
  const stream = fresh();
  const line =
    `${ESC}[31mERROR${ESC}[0m disk ${ESC}[1;38;5;208mfull${ESC}[0m ${ESC}[38;2;10;200;30mgreen${ESC}[0m ` +
    `${ESC}[3mit${ESC}[23m ${ESC}[4mu${ESC}[24m ${ESC}[2mdim${ESC}[22m${ESC}]0;window title${ESC}\\${ESC}[2K${ESC}[1;1Hend`;
  await run.viewer.post(stream, `${line}\nINFO plain`);
  const { page, errors, close } = await openPage(run.browser, `${run.viewer.url}/?stream=${stream}&level=error`);
  await waitFor("the coloured line", async () => (await rowCount(page)) === 1);
  const message = page.locator("#log .row .message").first();
  assert.equal(await message.textContent(), "ERROR disk full green it u dimend");
  assert.equal(
    await page.evaluate(() => [..."\u001b\u009b"].some((c) => document.body.textContent?.includes(c))),
    false,
  );
  assert.equal(await message.locator(".ansi-red-fg").textContent(), "ERROR");
  const styles = await message
    .locator("span")
    .evaluateAll((spans) =>
      spans.map((span) => ({ text: span.textContent, classes: span.className, color: span.style.color })),
    );
  assert.deepEqual(styles, [
    { text: "ERROR", classes: "ansi-red-fg", color: "" },
    { text: "full", classes: "ansi-bold", color: "rgb(255, 135, 0)" },
    { text: "green", classes: "", color: "rgb(10, 200, 30)" },
    { text: "it", classes: "ansi-italic", color: "" },
    { text: "u", classes: "ansi-underline", color: "" },
    { text: "dim", classes: "ansi-dim", color: "" },
  ]);
  assert.equal(await page.textContent("#log .row .level"), "", "the coloured level word is the level: not shown twice");
  assert.deepEqual(errors, []);
  await close();
});

test("multi-line messages read as lines, a stack trace reads as lines in the expansion; long rows are clamped with show more", async () => {
  const stream = fresh();
  const stack = "Error: boom\n    at handler (server.js:10:5)\n    at process (node:internal:1:1)";
  await run.viewer.post(
    stream,
    [
      JSON.stringify({ level: "info", msg: "first line\nsecond line" }),
      JSON.stringify({ level: 50, msg: "request failed", err: { type: "Error", message: "boom", stack } }),
      JSON.stringify({ level: "warn", msg: `huge ${"x".repeat(20_000)}` }),
    ].join("\n"),
    "application/x-ndjson",
  );
  const { page, errors, close } = await openPage(run.browser, `${run.viewer.url}/?stream=${stream}`, {
    viewport: { width: 375, height: 667 },
  });
  await waitFor("three rows", async () => (await rowCount(page)) === 3);
  const first = page.locator("#log .row").nth(0);
  assert.equal(await first.locator(".message").evaluate((node) => node.textContent), "first line\nsecond line");
  const second = page.locator("#log .row").nth(1);
  assert.equal(await second.locator(".more").isVisible(), true, "the stack trace waits behind show more");
  await second.locator(".more").click();
  const block = page.locator("#log .row.expanded .detail .leaf", { has: page.locator(".key", { hasText: "stack" }) });
  await block.waitFor();
  assert.equal(await block.locator(".value").evaluate((node) => node.textContent), stack);
  const lines = await block.locator(".value").evaluate((node) => {
    const style = getComputedStyle(node);
    return Math.round(node.getBoundingClientRect().height / Number.parseFloat(style.lineHeight));
  });
  assert.ok(lines >= 3, `the stack trace reads as ${lines} lines`);

  const huge = page.locator("#log .row", { hasText: "huge" });
  const clamped = (await huge.boundingBox())?.height ?? 0;
  assert.ok(clamped < 667 / 3, `a 20 kB line is clamped (it is ${clamped}px tall)`);
  await huge.locator(".more").click();
  await waitFor("the row expanded", async () => ((await huge.boundingBox())?.height ?? 0) > 667);
  assert.equal(await huge.locator(".more").textContent(), "show less");
  assert.deepEqual(errors, []);
  await close();
});

test("the wrap toggle keeps long lines on one line and is kept in the URL", async () => {
  const stream = fresh();
  await run.viewer.post(stream, `INFO ${"long words ".repeat(40)}`);
  const { page, errors, close } = await openPage(run.browser, `${run.viewer.url}/?stream=${stream}`);
  await waitFor("the row", async () => (await rowCount(page)) === 1);
  const height = async () => (await page.locator("#log .row").boundingBox())?.height ?? 0;
  assert.ok((await height()) > 30, "wrapped by default");
  await page.click("#wrap");
  await waitFor("one line", async () => (await height()) < 25);
  assert.equal(await page.getAttribute("#wrap", "aria-pressed"), "false");
  assert.match(page.url(), /[?&]wrap=0/);
  const overflow = await page.$eval("#log", (log) => log.scrollWidth > log.clientWidth);
  assert.ok(overflow, "the log scrolls sideways instead");
  assert.deepEqual(errors, []);
  await close();
});

test("a line's own leading timestamp is the time shown", async () => {
  const stream = fresh();
  await run.viewer.post(stream, "2026-01-02T03:04:05.678Z status installed libc6:amd64 2.36-9");
  const { page, errors, close } = await openPage(run.browser, `${run.viewer.url}/?stream=${stream}`);
  await waitFor("the row", async () => (await rowCount(page)) === 1);
  assert.equal(await page.getAttribute("#log .row time", "datetime"), "2026-01-02T03:04:05.678Z");
  assert.deepEqual(errors, []);
  await close();
});

test("entries no page could show whole still render, with a fallback, and the lines after them keep coming", async () => {
  const stream = fresh();
  await run.viewer.post(stream, "one\ntwo\nthree\nfour");
  // The first connection gets odd but well-formed entries (what a future or buggy server might send); then the
  // page reconnects to the real one, resuming after id 4.
  let served = false;
  const deep = JSON.parse(`${"[".repeat(3000)}${"]".repeat(3000)}`);
  const odd = [
    { id: 1, time: Date.now(), level: "info", message: "before" },
    { id: 2, time: 1e300, level: "error", message: "time far out of range" },
    { id: 3, time: -8.64e15 - 1, level: "bogus", message: 42, fields: [1, 2] },
    { id: 4, time: Date.now(), level: null, message: "odd fields", fields: { deep, "": null, "a.b": { "": 1 } } },
  ];
  const body = `retry: 100\n\n${odd.map((entry) => `id: ${entry.id}\nevent: log\ndata: ${JSON.stringify(entry)}\n\n`).join("")}`;
  const context = await run.browser.newContext({ viewport: { width: 1100, height: 700 } });
  const page = await context.newPage();
  /** @type {Error[]} */
  const errors = [];
  page.on("pageerror", (error) => errors.push(error));
  await page.route("**/api/streams/*/events*", async (route) => {
    if (served) return route.continue();
    served = true;
    await route.fulfill({ status: 200, headers: { "Content-Type": "text/event-stream" }, body });
  });
  await page.goto(`${run.viewer.url}/?stream=${stream}`);
  // The served body ends at once, so an outage row may join them before this looks: count the entries only.
  const entryRows = () =>
    page.$$eval("#log .row", (rows) => rows.filter((row) => !row.textContent?.startsWith("disconnected")).length);
  await waitFor("the odd entries", async () => (await entryRows()) === 4);
  await waitFor("live", async () => (await page.textContent("#state")) === "live");
  await run.viewer.post(stream, "after the odd ones");
  const texts = () => page.$$eval("#log .row", (rows) => rows.map((row) => row.textContent ?? ""));
  await waitFor("the next line", async () => (await texts()).some((text) => text.includes("after the odd ones")));
  const shown = (await texts()).filter((text) => !text.startsWith("disconnected"));
  assert.equal(shown.length, 5, JSON.stringify(await texts()));
  assert.match(shown[1] ?? "", /\?\?:\?\?:\?\?\.\?\?\?/);
  assert.match(shown[1] ?? "", /time far out of range/);
  assert.match(shown[2] ?? "", /42/);
  assert.match(shown[3] ?? "", /odd fields/);
  assert.match(shown[4] ?? "", /after the odd ones/);
  assert.equal(await page.textContent("#state"), "live");
  assert.deepEqual(errors, []);
  await context.close();
});
