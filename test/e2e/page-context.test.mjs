// Reading around a line in real Chromium: "Context" on a row of a filtered view opens the lines around it from the
// whole stream, inline and marked, and closes again (also with x); "Link" copies a URL that opens the page paused
// at that line, marked, with its context loaded (one stream and a merged view), and "Go live" follows again.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { test } from "node:test";
import { headerAction, openPage, viewerAndBrowser, waitFor } from "./harness.mjs";

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

test("context lines read like rows: the rows' time (local, then UTC), coloured levels, fields as key=value, a stack as lines", async () => {
  const stream = fresh();
  const start = Math.floor(Date.now() / 1000) * 1000 - 60_000 + 125;
  const marked = start + 5000;
  /** A clock as rows show it, with or without the date before it. @param {number} offset */
  const clock = (offset) =>
    new RegExp(`^(\\d{4}-\\d\\d-\\d\\d )?${new Date(marked + offset).toISOString().slice(11, 23)}$`);
  const http = (/** @type {number} */ status) => ({ method: "GET", status });
  const lines = Array.from({ length: 11 }, (_, i) =>
    i === 5
      ? {
          time: start + i * 1000,
          level: "error",
          msg: "payment failed <img src=x onerror=alert(1)>",
          http: http(500),
          err: {
            type: "DeclinedError",
            stack: "DeclinedError: boom\n    at charge (pay.ts:1:2)\n    at run (app.ts:3:4)",
          },
        }
      : {
          time: start + i * 1000,
          level: "info",
          msg: `GET /x ${i}`,
          http: http(200),
          user: { id: `u_${i}` },
          trace: "t".repeat(400),
        },
  );
  await run.viewer.post(stream, lines.map((line) => JSON.stringify(line)).join("\n"), "application/x-ndjson");
  // A zone far from UTC: the rows' local time and UTC differ.
  const { page, errors, close } = await openPage(run.browser, `${run.viewer.url}/?stream=${stream}`, {
    timezoneId: "Asia/Kolkata",
  });
  const row = page.locator("#log .row.entry", { hasText: "payment failed" });
  await waitFor("the rows", async () => (await row.count()) === 1);
  await row.hover();
  await row.locator(".row-context").click();
  const context = row.locator(".context-line");
  await waitFor("the context", async () => (await context.count()) === 11);
  const self = row.locator(".context-line.self");
  const selfTime = async () => (await self.locator("time").textContent()) ?? "";
  /** The row of "GET /x N" (not a context that holds it too). @param {number} n */
  const rowOf = (n) => page.locator("#log .row.entry", { has: page.locator(".message", { hasText: `GET /x ${n}` }) });
  // Kolkata is UTC+05:30, the rows' local time.
  assert.equal(await selfTime(), (await row.locator(".time").textContent()) ?? "");
  assert.match(await selfTime(), clock(5.5 * 3_600_000));
  assert.equal(await context.nth(4).locator("time").textContent(), await rowOf(4).locator(".time").textContent());

  // The level as rows colour it: a pill where the message has no level word.
  const colour = (/** @type {import("playwright-core").Locator} */ locator) =>
    locator.evaluate((node) => getComputedStyle(node).color);
  assert.equal(await self.locator(".lvl[data-level=error]").textContent(), "error");
  assert.equal(
    await colour(self.locator(".lvl[data-level=error]")),
    await colour(row.locator(".level[data-level=error]")),
  );
  assert.equal(await colour(context.nth(4).locator(".lvl")), await colour(rowOf(4).locator(".level[data-level=info]")));

  // Nested fields as dotted key=value on one line, cut at its end.
  const fields = context.nth(4).locator(".ctx-fields");
  const text = (await fields.textContent()) ?? "";
  assert.match(text, /http\.method=GET http\.status=200 user\.id=u_4 trace=t{400}/);
  assert.doesNotMatch(text, /[{}]/);
  const box = await fields.evaluate((node) => ({
    h: node.getBoundingClientRect().height,
    sw: node.scrollWidth,
    cw: node.clientWidth,
  }));
  const lineHeight = await context
    .nth(4)
    .locator("time")
    .evaluate((node) => node.getBoundingClientRect().height);
  assert.ok(box.h <= lineHeight + 1, `the fields on one line: ${box.h} <= ${lineHeight}`);
  assert.ok(box.sw > box.cw, "the fields cut at the line's end");

  // The marked line whole: its fields, its stack as lines (no literal \n), its message as text (no element from it).
  assert.match((await self.locator(".ctx-fields").textContent()) ?? "", /http\.status=500 err\.type=DeclinedError/);
  const stack = self.locator(".ctx-block");
  assert.equal(
    await stack.textContent(),
    "err.stack\nDeclinedError: boom\n    at charge (pay.ts:1:2)\n    at run (app.ts:3:4)",
  );
  assert.ok(
    (await stack.evaluate((node) => node.getBoundingClientRect().height)) >= 3 * lineHeight,
    "the stack shows as lines",
  );
  assert.doesNotMatch((await self.textContent()) ?? "", /\\n/);
  assert.equal(await self.locator(".ctx-message").textContent(), "payment failed <img src=x onerror=alert(1)>");
  assert.equal(await row.locator(".context img").count(), 0);

  // UTC: the context follows the rows.
  await headerAction(page, "#tz");
  await waitFor("UTC times", async () => clock(0).test(await selfTime()));
  assert.equal(await selfTime(), (await row.locator(".time").textContent()) ?? "");
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
