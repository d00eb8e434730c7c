// The page in real Chromium against `wrangler dev`: what an engineer sees while tailing a stream.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { after, before, test } from "node:test";
import { launchBrowser, startViewer, waitFor } from "./harness.mjs";

const SCREENSHOTS = new URL("../../docs/screenshots/", import.meta.url).pathname;

/** @type {Awaited<ReturnType<typeof startViewer>>} */
let viewer;
/** @type {import("playwright-core").Browser} */
let browser;

before(async () => {
  viewer = await startViewer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await viewer?.stop();
});

const fresh = () => `e2e-${crypto.randomUUID().slice(0, 8)}`;

/** Opens the page and fails the test on any script error. */
async function open(path, options = {}) {
  const page = await browser.newPage({ viewport: { width: 1100, height: 700 }, ...options });
  const errors = [];
  page.on("pageerror", (error) => errors.push(error));
  page.on("dialog", (dialog) => {
    errors.push(new Error(`a dialog opened: ${dialog.message()}`));
    dialog.dismiss();
  });
  await page.goto(`${viewer.url}${path}`);
  return { page, errors };
}

const messages = (page) => page.$$eval("#log .row .message", (nodes) => nodes.map((node) => node.textContent));
const rowIds = (page) => page.$$eval("#log .row", (nodes) => nodes.map((node) => Number(node.dataset.id)));

test("lines posted over HTTP appear in order, as text, with time, level and fields", async () => {
  const stream = fresh();
  const { page, errors } = await open(`/?stream=${stream}`);
  await page.waitForSelector('#state[data-state="live"]');
  const xss = "<img src=x onerror=alert(1)>";
  await viewer.post(stream, `INFO first\n${xss}\nERROR third`);
  await viewer.post(
    stream,
    JSON.stringify({ level: "warn", msg: "with fields", user: "ann", n: 3 }),
    "application/json",
  );
  await waitFor("4 rows", async () => (await messages(page)).length === 4);
  assert.deepEqual(await messages(page), ["INFO first", xss, "ERROR third", "with fields"]);
  assert.equal(await page.locator("#log img").count(), 0, "the log line must not become an element");
  const levels = await page.$$eval("#log .row .level", (nodes) => nodes.map((node) => node.textContent));
  assert.deepEqual(levels, ["info", "", "error", "warn"]);
  assert.match((await page.textContent("#log .row .time")) ?? "", /^\d\d:\d\d:\d\d\.\d{3}$/);
  await page.click("#log .row:nth-child(4) .fields");
  const pretty = JSON.parse((await page.textContent("#log .fields-json")) ?? "");
  assert.deepEqual(pretty, { user: "ann", n: 3 });
  assert.deepEqual(errors, []);
  await page.close();
});

test("filters by level and text on the server, keeps them in the URL, and highlights matches", async () => {
  const stream = fresh();
  const body = ["DEBUG cache timeout ignored", "WARN request timeout", "ERROR disk full", "INFO Timeout retried"];
  await viewer.post(stream, body.join("\n"));
  const { page, errors } = await open(`/?stream=${stream}&level=warn&q=timeout`);
  await waitFor("the filtered line", async () => (await messages(page)).length === 1);
  assert.deepEqual(await messages(page), ["WARN request timeout"]);
  assert.equal(await page.textContent("#log mark"), "timeout");
  assert.equal(await page.inputValue("#level"), "warn");
  await page.selectOption("#level", "");
  await waitFor("both timeout lines", async () => (await messages(page)).length === 3);
  assert.match(page.url(), /[?&]q=timeout/);
  assert.doesNotMatch(page.url(), /level=/);
  await viewer.post(stream, "WARN another TIMEOUT\nWARN unrelated");
  await waitFor("the live match", async () => (await messages(page)).length === 4);
  assert.equal((await messages(page)).at(-1), "WARN another TIMEOUT");
  assert.deepEqual(errors, []);
  await page.close();
});

test("pause holds the view and counts new lines; jump to latest shows them", async () => {
  const stream = fresh();
  const { page, errors } = await open(`/?stream=${stream}`);
  await page.waitForSelector('#state[data-state="live"]');
  await viewer.post(stream, "one");
  await waitFor("the first line", async () => (await messages(page)).length === 1);
  await page.locator("#log").focus();
  await page.keyboard.press("p");
  assert.equal(await page.getAttribute("#pause", "aria-pressed"), "true");
  await viewer.post(stream, "two\nthree");
  await page.waitForSelector("#jump:not([hidden])");
  await waitFor("the jump control to count 2", async () =>
    /^2 new lines/.test((await page.textContent("#jump")) ?? ""),
  );
  assert.deepEqual(await messages(page), ["one"]);
  await page.click("#jump");
  await waitFor("all three lines", async () => (await messages(page)).length === 3);
  assert.equal(await page.getAttribute("#pause", "aria-pressed"), "false");
  assert.deepEqual(errors, []);
  await page.close();
});

test("without a stream, the page offers a field and the list of streams", async () => {
  const stream = fresh();
  await viewer.post(stream, "INFO listed");
  const { page, errors } = await open("/");
  await page.waitForSelector("#pick:not([hidden])");
  const link = page.locator(`#stream-links a`, { hasText: stream });
  await waitFor("the stream in the list", async () => (await link.count()) === 1, 15_000);
  await link.click();
  await page.waitForSelector("#log .row");
  assert.equal(await page.textContent("#log .row .message"), "INFO listed");
  assert.match(page.url(), new RegExp(`[?&]stream=${stream}`));
  await page.goto(`${viewer.url}/`);
  await page.fill("#pick-name", stream);
  await page.press("#pick-name", "Enter");
  await page.waitForSelector("#log .row");
  assert.deepEqual(errors, []);
  await page.close();
});

test("screenshots, light and dark, with structured fields expanded", async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const stream = "checkout-api";
  const now = Date.now();
  const lines = [
    { level: "info", msg: "server listening", port: 8080, time: now - 9000 },
    { level: "debug", msg: "cache warmed", keys: 1843, ms: 212, time: now - 8000 },
    { level: "info", msg: "GET /cart 200", ms: 14, user: "u_81f2", time: now - 6000 },
    { level: "warn", msg: "slow query", ms: 1290, sql: "SELECT * FROM orders WHERE user_id = $1", time: now - 4000 },
    {
      level: "error",
      msg: "payment declined",
      order: { id: "o_552", total: 129.9, currency: "EUR" },
      time: now - 2000,
    },
    { level: "fatal", msg: "lost connection to primary database", host: "db-1", time: now - 1000 },
  ];
  await viewer.post(stream, lines.map((line) => JSON.stringify(line)).join("\n"), "application/x-ndjson");
  await viewer.post(stream, "plain text lines work too: no JSON needed");
  for (const scheme of ["light", "dark"]) {
    const { page } = await open(`/?stream=${stream}`, { colorScheme: scheme, viewport: { width: 1000, height: 420 } });
    await waitFor("7 rows", async () => (await messages(page)).length >= 7);
    await page.click("#log .row:nth-child(5) .fields");
    await page.screenshot({ path: `${SCREENSHOTS}${scheme}.png` });
    await page.close();
  }
  const { page } = await open(`/?stream=${stream}`, { viewport: { width: 375, height: 640 } });
  await waitFor("7 rows", async () => (await messages(page)).length >= 7);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow}px wider than a 375px screen`);
  await page.screenshot({ path: `${SCREENSHOTS}mobile.png` });
  await page.close();
});

test("a reconnect after the server restarts resumes with no duplicate and no missing line", async () => {
  const stream = fresh();
  const { page, errors } = await open(`/?stream=${stream}`);
  await page.waitForSelector('#state[data-state="live"]');
  await viewer.post(stream, "a1\na2\na3");
  await waitFor("the first lines", async () => (await messages(page)).length === 3);
  await viewer.restart();
  await viewer.post(stream, "b1\nb2");
  await waitFor("the lines posted after the restart", async () => (await messages(page)).length >= 5, 20_000);
  await page.waitForSelector('#state[data-state="live"]');
  await viewer.post(stream, "c1");
  await waitFor("the live line", async () => (await messages(page)).length >= 6);
  assert.deepEqual(await messages(page), ["a1", "a2", "a3", "b1", "b2", "c1"]);
  assert.deepEqual(await rowIds(page), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(errors, []);
  await page.close();
});

test("a 20,000-line burst renders and leaves the page responsive", async () => {
  const stream = fresh();
  const { page, errors } = await open(`/?stream=${stream}&tail=0`);
  await page.waitForSelector('#state[data-state="live"]');
  await page.evaluate(() => {
    const w = /** @type {any} */ (window);
    w.longestTask = 0;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) w.longestTask = Math.max(w.longestTask, entry.duration);
    }).observe({ type: "longtask" });
  });
  const started = Date.now();
  for (let batch = 0; batch < 20; batch++) {
    const lines = Array.from({ length: 1000 }, (_, i) =>
      JSON.stringify({ level: i % 7 === 0 ? "warn" : "info", msg: `burst line ${batch * 1000 + i}`, batch }),
    );
    await viewer.post(stream, lines.join("\n"), "application/x-ndjson");
  }
  const postedMs = Date.now() - started;
  await waitFor(
    "the last burst line",
    async () => (await page.textContent("#log .row:last-child .message")) === "burst line 19999",
    30_000,
  );
  const renderMs = Date.now() - started;
  const probeStarted = Date.now();
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve(null))));
  const frameMs = Date.now() - probeStarted;
  const nodes = await page.evaluate(() => document.getElementsByTagName("*").length);
  const longestTask = Math.round(await page.evaluate(() => /** @type {any} */ (window).longestTask));
  const rows = await page.locator("#log .row").count();
  console.log(
    `burst: 20000 lines posted in ${postedMs} ms, all rendered ${renderMs} ms after the first post; longest main-thread task ${longestTask} ms; next frame after ${frameMs} ms; ${rows} rows, ${nodes} DOM nodes`,
  );
  assert.equal(rows, 10_000, "the page keeps the newest 10,000 rows");
  assert.ok(frameMs < 1000, `the page took ${frameMs} ms to paint a frame after the burst`);
  const ids = await rowIds(page);
  assert.deepEqual(
    ids,
    Array.from({ length: 10_000 }, (_, i) => i + 10_001),
  );
  assert.deepEqual(errors, []);
  await page.close();
});
