// axe-core in real Chromium on every state of the page a reader meets: the landing page, a stream, a paused
// stream, an expanded row, several streams in one view, the alerts dialog and an incident, in light and dark,
// at 1440 and 375 px. No serious or critical violation.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { after, before, test } from "node:test";
import { headerAction, launchBrowser, openPage, startViewer, waitFor } from "./harness.mjs";

const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

/** @type {Awaited<ReturnType<typeof startViewer>>} */
let viewer;
/** @type {import("playwright-core").Browser} */
let browser;
const stream = `a11y-${crypto.randomUUID().slice(0, 8)}`;
/** Streams shown with `stream` in the merged view: every hue of the tags' palette among them. */
const others = Array.from({ length: 12 }, (_, i) => `${stream}-${i}`);
const ESC = "\u001b";

before(async () => {
  // Port 9 (discard) on loopback: the rule's incident exists whether or not its webhook answers.
  viewer = await startViewer({ vars: { ALERT_WEBHOOK_HOSTS: "127.0.0.1:9" } });
  browser = await launchBrowser();
  const rule = await fetch(`${viewer.url}/api/streams/${stream}/alerts/payments`, {
    method: "PUT",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ query: "payment declined", before: 3, after: 1, webhook: { url: "http://127.0.0.1:9/" } }),
  });
  assert.equal(rule.status, 201, await rule.text());
  for (const [i, name] of others.entries()) await viewer.post(name, `WARN line ${i} of ${name}`);
  const now = Date.now();
  const lines = [
    { level: "info", msg: "server listening", port: 8080, time: now - 9000 },
    { level: "debug", msg: "cache warmed", keys: 1843, time: now - 8000 },
    { level: "warn", msg: "slow query", ms: 1290, sql: "SELECT * FROM orders", time: now - 4000 },
    { level: "error", msg: "payment declined", order: { id: "o_552", total: 129.9 }, time: now - 2000 },
    { level: "fatal", msg: "lost connection to primary", host: "db-1", time: now - 1000 },
  ];
  await viewer.post(stream, lines.map((line) => JSON.stringify(line)).join("\n"), "application/x-ndjson");
  await viewer.post(stream, `${ESC}[31mERROR${ESC}[0m coloured ${ESC}[1;32mgreen${ESC}[0m\nINFO payment retried`);
});

after(async () => {
  await browser?.close();
  await viewer?.stop();
});

/** @param {import("playwright-core").Page} page */
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

const states = {
  landing: async () => {
    const opened = await openPage(browser, `${viewer.url}/`);
    await waitFor("the stream list", async () => (await opened.page.locator("#stream-links a").count()) > 0, 15_000);
    return opened;
  },
  stream: async () => {
    const opened = await openPage(browser, `${viewer.url}/?stream=${stream}&q=payment`);
    await waitFor("the rows", async () => (await opened.page.locator("#log .row").count()) >= 2);
    await opened.page.selectOption("#level", "");
    await opened.page.fill("#q", "");
    await waitFor("every row", async () => (await opened.page.locator("#log .row").count()) >= 7);
    await opened.page.fill("#q", "payment");
    await waitFor("highlights", async () => (await opened.page.locator("#log mark").count()) > 0);
    return opened;
  },
  paused: async () => {
    const opened = await openPage(browser, `${viewer.url}/?stream=${stream}`);
    await waitFor("the rows", async () => (await opened.page.locator("#log .row").count()) >= 7);
    await opened.page.click("#pause");
    await viewer.post(stream, "INFO while paused");
    await opened.page.waitForSelector("#jump:not([hidden])");
    return opened;
  },
  merged: async () => {
    const opened = await openPage(browser, `${viewer.url}/?stream=${[stream, ...others].join(",")}`);
    await waitFor("the rows", async () => (await opened.page.locator("#log .row .tag").count()) >= 19);
    await opened.page.click("#several summary");
    await opened.page.waitForSelector("#several-list input");
    return opened;
  },
  alerts: async () => {
    const opened = await openPage(browser, `${viewer.url}/?stream=${stream}`);
    await headerAction(opened.page, "#alerts-open");
    await waitFor("the rule", async () => /Last fired/.test((await opened.page.textContent("#alert-list")) ?? ""));
    return opened;
  },
  incident: async () => {
    const { incidents } = await (await fetch(`${viewer.url}/api/streams/${stream}/incidents`)).json();
    const opened = await openPage(browser, `${viewer.url}/?stream=${stream}&incident=${incidents[0].id}`);
    await opened.page.waitForSelector("#incident .row.match");
    return opened;
  },
  expanded: async () => {
    // With columns open: their header is part of what must read well.
    const opened = await openPage(browser, `${viewer.url}/?stream=${stream}&cols=order.id,port`);
    await waitFor("the rows", async () => (await opened.page.locator("#log .row").count()) >= 7);
    await opened.page.locator("#log .row", { hasText: "payment declined" }).locator(".message").click();
    await opened.page.keyboard.press("Enter");
    await opened.page.waitForSelector("#log .row.expanded .detail");
    return opened;
  },
};

for (const [name, open] of Object.entries(states)) {
  test(`axe finds no serious or critical violation: ${name}, light and dark, 1440 and 375 px`, async () => {
    const found = [];
    const { page, errors, close } = await open();
    for (const width of [1440, 375]) {
      await page.setViewportSize({ width, height: width === 375 ? 667 : 900 });
      for (const colorScheme of /** @type {const} */ (["light", "dark"])) {
        await page.emulateMedia({ colorScheme });
        await page.waitForTimeout(100);
        for (const violation of await violations(page)) found.push(`${width}px ${colorScheme}: ${violation}`);
      }
    }
    assert.deepEqual(found, []);
    assert.deepEqual(errors, []);
    await close();
  });
}
