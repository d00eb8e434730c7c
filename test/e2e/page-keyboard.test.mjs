// The keyboard, copying and screen readers in real Chromium: the log is one tab stop with a visibly marked
// row, selections copy text only, and assistive technology hears state changes, not every line.
import assert from "node:assert/strict";
import { test } from "node:test";
import { headerAction, openPage, viewerAndBrowser, waitFor } from "./harness.mjs";

const run = viewerAndBrowser();

const fresh = () => `keys-${crypto.randomUUID().slice(0, 8)}`;
const activeText = (/** @type {import("playwright-core").Page} */ page) =>
  page.evaluate(() => document.activeElement?.querySelector(".message")?.textContent ?? document.activeElement?.id);

test("the log is one tab stop; arrows move a visibly marked row, Enter expands it, c copies it", async () => {
  const stream = fresh();
  await run.viewer.post(
    stream,
    [
      JSON.stringify({ level: "info", msg: "first" }),
      JSON.stringify({ level: "warn", msg: "second", user: "ann" }),
      JSON.stringify({ level: "error", msg: "third" }),
    ].join("\n"),
    "application/x-ndjson",
  );
  const { page, errors, close } = await openPage(run.browser, `${run.viewer.url}/?stream=${stream}`);
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: run.viewer.url });
  await waitFor("3 rows", async () => (await page.locator("#log .row").count()) === 3);
  await page.focus("#menu"); // the header's last control (its menu closed)
  await page.keyboard.press("Tab");
  // The volume strip's one stop (a slider over its buckets), then the log.
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("role")), "slider");
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "log");
  await page.keyboard.press("ArrowDown");
  assert.equal(await activeText(page), "third", "the first arrow lands on the newest row in view");
  await page.keyboard.press("ArrowUp");
  assert.equal(await activeText(page), "second");
  const marked = await page.$eval("#log .row.active", (row) => ({
    text: row.querySelector(".message")?.textContent,
    outline: getComputedStyle(row).outlineStyle,
    shadow: getComputedStyle(row).boxShadow,
  }));
  assert.equal(marked.text, "second");
  assert.ok(marked.outline !== "none" || marked.shadow !== "none", "the focused row is visibly marked");
  await page.keyboard.press("Enter");
  await waitFor("the expanded row", async () => (await page.locator("#log .row.expanded .detail").count()) === 1);
  assert.deepEqual(
    await page.$$eval("#log .row.expanded .detail .leaf", (leaves) =>
      leaves.map((leaf) => [leaf.querySelector(".key")?.textContent, leaf.querySelector(".value")?.textContent]),
    ),
    [["user", "ann"]],
  );
  await page.keyboard.press("c");
  await waitFor("the copied line", async () =>
    / WARN second user=ann$/.test(await page.evaluate(() => navigator.clipboard.readText())),
  );
  // Leaving the log takes one Tab: its rows and their buttons are no tab stops.
  await page.keyboard.press("Tab");
  const after = await page.evaluate(() => document.activeElement?.closest("#log") === null);
  assert.ok(after, "Tab leaves the log");
  assert.deepEqual(errors, []);
  await close();
});

test("a selection over several rows copies their text only, in order, without the controls' labels", async () => {
  const stream = fresh();
  await run.viewer.post(stream, "INFO alpha\nWARN bravo\nERROR charlie");
  const { page, errors, close } = await openPage(run.browser, `${run.viewer.url}/?stream=${stream}`);
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: run.viewer.url });
  await waitFor("3 rows", async () => (await page.locator("#log .row").count()) === 3);
  const from = await page.locator("#log .row .message", { hasText: "alpha" }).boundingBox();
  const to = await page.locator("#log .row .message", { hasText: "charlie" }).boundingBox();
  assert.ok(from && to);
  await page.locator("#log .row", { hasText: "bravo" }).hover();
  await page.mouse.move(from.x, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(to.x + to.width, to.y + to.height / 2, { steps: 8 });
  await page.mouse.up();
  await page.keyboard.press("Control+C");
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  assert.match(copied, /INFO alpha[\s\S]*WARN bravo[\s\S]*ERROR charlie/);
  assert.doesNotMatch(copied, /Copy|show more/);
  assert.deepEqual(errors, []);
  await close();
});

test("screen readers hear state changes, not every line", async () => {
  const stream = fresh();
  const { page, errors, close } = await openPage(run.browser, `${run.viewer.url}/?stream=${stream}`);
  await page.waitForSelector('#state[data-state="live"]');
  await run.viewer.post(stream, "INFO one\nINFO two");
  await waitFor("2 rows", async () => (await page.locator("#log .row").count()) === 2);
  const live = await page.evaluate(() => {
    const log = /** @type {HTMLElement} */ (document.getElementById("log"));
    const regions = [...document.querySelectorAll("[aria-live], [role=status], [role=alert], [role=log]")];
    return {
      insideLog: regions
        .filter((node) => log.contains(node) || node.contains(log))
        .map((node) => node.id || node.tagName),
      logRole: log.getAttribute("role"),
    };
  });
  assert.deepEqual(live.insideLog, [], "no live region holds the lines");
  assert.equal(live.logRole, null);
  assert.equal(await page.getAttribute("#state", "role"), "status", "the badge announces live, paused, reconnecting");
  await page.keyboard.press("p");
  assert.equal(await page.textContent("#state"), "paused");
  assert.deepEqual(errors, []);
  await close();
});

test("on a server with no webhook host the Alerts dialog says so first; Escape closes it and keeps the search", async () => {
  const stream = fresh();
  await run.viewer.post(stream, "ERROR one");
  const { page, errors, close } = await openPage(run.browser, `${run.viewer.url}/?stream=${stream}&q=one`);
  /** @type {string[]} */
  const asked = [];
  page.on("request", (request) => {
    if (request.url().includes("/alerts")) asked.push(`${request.method()} ${new URL(request.url()).pathname}`);
  });
  await page.waitForSelector("#alerts-open:not([hidden])", { state: "attached" });
  await headerAction(page, "#alerts-open");
  // Said as the dialog opens, before any field is filled in, naming the setting to change.
  await waitFor("the note on webhook hosts", async () => await page.isVisible("#alert-hosts"));
  assert.match((await page.textContent("#alert-hosts")) ?? "", /allows no webhook host.*ALERT_WEBHOOK_HOSTS/);
  const rules = await fetch(`${run.viewer.url}/api/streams/${stream}/alerts`).then((response) => response.json());
  assert.deepEqual(rules, { alerts: [] }, "finding out stored nothing");
  // Learnt from a read, not from a write the server refuses.
  assert.deepEqual(asked.sort(), ["GET /api/alerts/settings", `GET /api/streams/${stream}/alerts`]);
  await page.keyboard.press("Escape");
  await waitFor("the dialog closed", async () => !(await page.isVisible("#alerts")));
  assert.equal(await page.inputValue("#q"), "one", "Escape was the dialog's, not the search's");
  assert.deepEqual(errors, []);
  await close();
});
