// Refreshes docs/screenshots/ (light, dark, a phone, ANSI colours with a stack trace, several streams in one
// view, an incident) from the real page.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { after, before, test } from "node:test";
import { launchBrowser, openPage, startViewer, waitFor } from "./harness.mjs";

const SCREENSHOTS = new URL("../../docs/screenshots/", import.meta.url).pathname;
const ESC = "\u001b";

/** @type {Awaited<ReturnType<typeof startViewer>>} */
let viewer;
/** @type {import("playwright-core").Browser} */
let browser;

before(async () => {
  // Port 9 (discard) on loopback: an incident exists whether or not its webhook answers.
  viewer = await startViewer({ vars: { ALERT_WEBHOOK_HOSTS: "127.0.0.1:9" } });
  browser = await launchBrowser();
  mkdirSync(SCREENSHOTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  await viewer?.stop();
});

const rows = (/** @type {import("playwright-core").Page} */ page) => page.locator("#log .row").count();

test("screenshots: light and dark with a field expanded, and a phone", async () => {
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
  await viewer.post(stream, "INFO plain text lines work too: no JSON needed");
  for (const colorScheme of /** @type {const} */ (["light", "dark"])) {
    const { page, errors, close } = await openPage(browser, `${viewer.url}/?stream=${stream}`, {
      colorScheme,
      viewport: { width: 1100, height: 440 },
    });
    await waitFor("7 rows", async () => (await rows(page)) >= 7);
    await page.locator("#log .row", { hasText: "payment declined" }).locator(".message").click();
    await page.keyboard.press("Enter");
    await page.waitForSelector("#log .row.expanded .detail");
    await page.screenshot({ path: `${SCREENSHOTS}${colorScheme}.png` });
    assert.deepEqual(errors, []);
    await close();
  }
  const { page, errors, close } = await openPage(browser, `${viewer.url}/?stream=${stream}`, {
    viewport: { width: 375, height: 667 },
    isMobile: true,
    hasTouch: true,
  });
  await waitFor("7 rows", async () => (await rows(page)) >= 7);
  await page.screenshot({ path: `${SCREENSHOTS}mobile.png` });
  assert.deepEqual(errors, []);
  await close();
});

test("screenshot: ANSI colours and a stack trace", async () => {
  const stream = "build-worker";
  const stack = [
    "TypeError: Cannot read properties of undefined (reading 'id')",
    "    at chargeCard (/app/src/payments.js:41:17)",
    "    at async checkout (/app/src/routes/checkout.js:88:5)",
    "    at async Server.handle (/app/node_modules/router/index.js:120:9)",
  ].join("\n");
  await viewer.post(
    stream,
    [
      `${ESC}[90m2026-11-25T20:00:01.120Z${ESC}[0m ${ESC}[32mINFO${ESC}[0m  compiled ${ESC}[1m42 modules${ESC}[0m in ${ESC}[33m1.8 s${ESC}[0m`,
      `${ESC}[90m2026-11-25T20:00:01.305Z${ESC}[0m ${ESC}[33mWARN${ESC}[0m  ${ESC}[38;5;208mdeprecated${ESC}[0m option ${ESC}[4m--legacy-peer-deps${ESC}[24m`,
      `${ESC}[90m2026-11-25T20:00:02.010Z${ESC}[0m ${ESC}[1;31mERROR${ESC}[0m test ${ESC}[38;2;255;95;135m✗ checkout charges the card${ESC}[0m ${ESC}[2m(12 ms)${ESC}[22m`,
      `${ESC}[90m2026-11-25T20:00:02.011Z${ESC}[0m ${ESC}[32mINFO${ESC}[0m  ${ESC}[42;30m PASS ${ESC}[0m cart.test.js ${ESC}[3mitalic note${ESC}[23m`,
    ].join("\n"),
  );
  await viewer.post(
    stream,
    JSON.stringify({ level: 50, msg: "request failed", route: "/checkout", err: { type: "TypeError", stack } }),
    "application/json",
  );
  for (const colorScheme of /** @type {const} */ (["light", "dark"])) {
    const { page, errors, close } = await openPage(browser, `${viewer.url}/?stream=${stream}`, {
      colorScheme,
      viewport: { width: 1100, height: 360 },
    });
    await waitFor("5 rows", async () => (await rows(page)) >= 5);
    assert.equal(
      await page.evaluate(() => [..."\u001b\u009b"].some((c) => document.body.textContent?.includes(c))),
      false,
    );
    await page.screenshot({ path: `${SCREENSHOTS}ansi-${colorScheme}.png` });
    assert.deepEqual(errors, []);
    await close();
  }
});

test("screenshot: three streams in one view, each line tagged", async () => {
  const now = Date.now();
  const streams = {
    "web-edge": ["GET /cart 200 14 ms", "GET /checkout 200 31 ms", "POST /pay 502 3004 ms"],
    "shop-api": ["cart loaded for u_81f2", "WARN slow query 1290 ms", "ERROR upstream payments timed out"],
    payments: ["charge started o_552", "ERROR card network unreachable", "INFO retry 1 scheduled"],
  };
  let offset = 9000;
  for (let i = 0; i < 3; i++) {
    for (const [stream, lines] of Object.entries(streams)) {
      const line = /** @type {string} */ (lines[i]);
      const level = line.startsWith("ERROR") ? "error" : line.startsWith("WARN") ? "warn" : "info";
      const msg = line.replace(/^(ERROR|WARN|INFO) /, "");
      await viewer.post(stream, JSON.stringify({ level, msg, time: now - offset }), "application/json");
      offset -= 900;
    }
  }
  const { page, errors, close } = await openPage(browser, `${viewer.url}/?stream=web-edge,shop-api,payments`, {
    viewport: { width: 1100, height: 360 },
  });
  await waitFor("9 rows", async () => (await rows(page)) >= 9);
  await page.screenshot({ path: `${SCREENSHOTS}merged.png` });
  assert.deepEqual(errors, []);
  await close();
});

test("screenshot: an incident, the matching line marked among the lines around it", async () => {
  const stream = "orders";
  const rule = await fetch(`${viewer.url}/api/streams/${stream}/alerts/declines`, {
    method: "PUT",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      query: "level:error declined",
      before: 4,
      after: 3,
      webhook: { url: "http://127.0.0.1:9/" },
    }),
  });
  assert.equal(rule.status, 201, await rule.text());
  const now = Date.now();
  const lines = [
    { level: "info", msg: "GET /orders/o_548 200", ms: 12 },
    { level: "info", msg: "order created", order: "o_552", total: 129.9 },
    { level: "debug", msg: "fraud score computed", order: "o_552", score: 0.12 },
    { level: "info", msg: "charging card", order: "o_552", psp: "acme-pay" },
    { level: "error", msg: "payment declined", order: "o_552", reason: "insufficient_funds" },
    { level: "info", msg: "customer notified", order: "o_552", channel: "email" },
    { level: "info", msg: "GET /orders/o_553 200", ms: 9 },
    { level: "warn", msg: "retry budget low", psp: "acme-pay", left: 3 },
  ];
  await viewer.post(
    stream,
    lines.map((line, i) => JSON.stringify({ ...line, time: now - 8000 + i * 700 })).join("\n"),
    "application/x-ndjson",
  );
  /** @type {string} */
  let id = "";
  await waitFor("the incident", async () => {
    const { incidents } = await (await fetch(`${viewer.url}/api/streams/${stream}/incidents`)).json();
    id = incidents[0]?.id ?? "";
    return id !== "";
  });
  const { page, errors, close } = await openPage(browser, `${viewer.url}/?stream=${stream}&incident=${id}`, {
    viewport: { width: 1100, height: 400 },
  });
  await page.waitForSelector("#incident .row.match");
  await page.screenshot({ path: `${SCREENSHOTS}incident.png` });
  assert.deepEqual(errors, []);
  await close();
});
