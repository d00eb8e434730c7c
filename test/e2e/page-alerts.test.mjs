// Alerts from the page, in real Chromium against `wrangler dev` and a real webhook receiver on loopback: a rule
// saved from the search box's query, the server's refusal shown by the form, the rule's last firing and
// delivery in the list, the incident view with the matching line marked, deletion, and an expired incident.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { jsonReceiver } from "../../scripts/json-receiver.mjs";
import { headerAction, launchBrowser, openPage, startViewer, waitFor } from "./harness.mjs";

/** @type {any[]} */
const received = [];
const receiver = jsonReceiver((_request, body) => {
  received.push(body);
  return [200, "ok"];
});

/** @type {Awaited<ReturnType<typeof startViewer>>} */
let viewer;
/** @type {import("playwright-core").Browser} */
let browser;
/** @type {string} */
let hook;

before(async () => {
  await new Promise((resolve) => receiver.listen(0, "127.0.0.1", () => resolve(undefined)));
  const { port } = /** @type {import("node:net").AddressInfo} */ (receiver.address());
  hook = `http://127.0.0.1:${port}/hook`;
  viewer = await startViewer({ vars: { ALERT_WEBHOOK_HOSTS: `127.0.0.1:${port}`, RATE_LIMIT_PER_SECOND: "0" } });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await viewer?.stop();
  receiver.close();
});

const fresh = () => `alerts-${crypto.randomUUID().slice(0, 8)}`;

test("a rule saved from the page fires, shows its last firing, and opens its incident", async () => {
  const stream = fresh();
  await viewer.post(stream, "INFO started");
  const { page, errors, close } = await openPage(
    browser,
    `${viewer.url}/?stream=${stream}&q=${encodeURIComponent("level:error payment")}`,
  );
  await page.waitForSelector("#alert-query:not([hidden])");
  await page.click("#alert-query");
  assert.ok(await page.isVisible("#alerts"), "the dialog opened");
  assert.equal(await page.inputValue("#alert-form [name=query]"), "level:error payment");
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("name")), "name");
  await page.fill("#alert-form [name=name]", "payments");

  // The server's refusal is shown next to the form, and nothing is saved.
  await page.fill("#alert-form [name=url]", "http://example.com/hook");
  await page.click("#alert-form button[type=submit]");
  await waitFor("the 400's text", async () =>
    /ALERT_WEBHOOK_HOSTS/.test((await page.textContent("#alert-error")) ?? ""),
  );

  await page.fill("#alert-form [name=url]", hook);
  await page.fill("#alert-form [name=before]", "2");
  await page.fill("#alert-form [name=after]", "1");
  await page.click("#alert-form button[type=submit]");
  await waitFor(
    "the rule listed",
    async () => (await page.locator("#alert-list li[data-name=payments]").count()) === 1,
  );
  assert.equal(await page.textContent("#alert-error"), "");
  assert.match((await page.textContent("#alert-list li")) ?? "", /level:error payment.*Never fired/s);

  // Escape closes the dialog and gives the focus back to the button that opened it.
  await page.keyboard.press("Escape");
  await waitFor("the dialog closed", async () => !(await page.isVisible("#alerts")));
  assert.equal(await page.evaluate(() => document.activeElement?.id), "alert-query");
  // …and leaves the search alone: Escape was the dialog's.
  assert.equal(await page.inputValue("#q"), "level:error payment");
  assert.match(page.url(), /[?&]q=/);

  await viewer.post(stream, "INFO one\nINFO two\nERROR payment declined for o_552\nINFO three");
  await waitFor("the webhook called", async () => received.some((body) => body.stream === stream), 20_000);
  await waitFor("the last firing in the list", async () => {
    await headerAction(page, "#alerts-open");
    const text = (await page.textContent("#alert-list li[data-name=payments]")) ?? "";
    await page.keyboard.press("Escape");
    return /Last fired .*Delivered \(200/.test(text);
  });
  await headerAction(page, "#alerts-open");
  await page.click("#alert-list li[data-name=payments] a");
  await page.waitForSelector("#incident .row.match");
  assert.equal(await page.textContent("#incident .row.match .message"), "ERROR payment declined for o_552");
  assert.deepEqual(await page.$$eval("#incident-rows .message", (nodes) => nodes.map((node) => node.textContent)), [
    "INFO one",
    "INFO two",
    "ERROR payment declined for o_552",
    "INFO three",
  ]);
  assert.ok(await page.evaluate(() => document.activeElement?.classList.contains("match")), "the match has the focus");
  assert.equal(await page.getAttribute("#incident .row.match", "aria-current"), "true");
  assert.match((await page.textContent("#incident-detail")) ?? "", /The rule payments fired/);
  // Titled by the rule, the stream and when it fired, as people name it; the id small and muted after it.
  const id = new URL(page.url()).searchParams.get("incident") ?? "";
  assert.match(id, /^[\w-]{8,}$/);
  const title = (await page.textContent("#incident-title")) ?? "";
  assert.match(title, new RegExp(`^payments on ${stream}, \\d\\d:\\d\\d:\\d\\d incident ${id}$`));
  assert.equal(await page.textContent("#incident-title .incident-id"), `incident ${id}`);
  const [heading, small] = await page.$$eval("#incident-title, #incident-title .incident-id", (nodes) =>
    nodes.map((node) => Number.parseFloat(getComputedStyle(node).fontSize)),
  );
  assert.ok((small ?? 0) < (heading ?? 0), `the id is smaller than the heading: ${small} < ${heading}`);
  assert.match(await page.title(), new RegExp(`^payments on ${stream}, `));
  assert.ok(await page.isHidden("#log"), "the incident is shown instead of the live log");
  await page.click("#incident-live");
  await waitFor("the live stream", async () => (await page.locator("#log .row").count()) === 5);

  // Deleting the rule.
  await headerAction(page, "#alerts-open");
  await page.click("#alert-list li[data-name=payments] button");
  await waitFor("the rule gone", async () =>
    /No rule on this stream yet/.test((await page.textContent("#alert-list-status")) ?? ""),
  );
  const rules = await (await fetch(`${viewer.url}/api/streams/${stream}/alerts`)).json();
  assert.deepEqual(rules.alerts, []);
  assert.deepEqual(errors, []);
  await close();
});

test("an incident that is gone says it expired", async () => {
  const stream = fresh();
  await viewer.post(stream, "INFO started");
  const { page, errors, close } = await openPage(browser, `${viewer.url}/?stream=${stream}&incident=nothing-here`);
  await waitFor("the answer", async () => /expired/.test((await page.textContent("#incident-detail")) ?? ""));
  assert.equal(await page.getAttribute("#incident-live", "href"), `/?stream=${stream}`);
  assert.deepEqual(errors, []);
  await close();
});

test("writing a rule asks for an admin token when the server wants one, and keeps it out of storage", async () => {
  const secured = await startViewer({
    vars: {
      READ_TOKEN: "let-me-read",
      INGEST_TOKEN: "let-me-write",
      ADMIN_TOKEN: "let-me-admin",
      ALERT_WEBHOOK_HOSTS: new URL(hook).host,
    },
  });
  try {
    const stream = fresh();
    await fetch(`${secured.url}/api/streams/${stream}/logs`, {
      method: "POST",
      headers: { "Content-Type": "text/plain", Authorization: "Bearer let-me-write" },
      body: "INFO started",
    });
    const { page, errors, close } = await openPage(
      browser,
      `${secured.url}/?stream=${stream}&access_token=let-me-read&q=boom`,
    );
    await page.click("#alert-query");
    await page.fill("#alert-form [name=name]", "boom");
    await page.fill("#alert-form [name=url]", hook);
    await page.click("#alert-form button[type=submit]");
    await page.waitForSelector("#alert-token-field:not([hidden])");
    assert.match((await page.textContent("#alert-error")) ?? "", /admin token/);
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("name")), "token");
    await page.fill("#alert-form [name=token]", "let-me-admin");
    await page.click("#alert-form button[type=submit]");
    await waitFor("the rule listed", async () => (await page.locator("#alert-list li[data-name=boom]").count()) === 1);
    assert.equal(await page.inputValue("#alert-form [name=token]"), "", "the field is emptied");
    const stored = await page.evaluate(() => [
      localStorage.length,
      sessionStorage.length,
      document.cookie.includes("let-me-admin"),
    ]);
    assert.deepEqual(stored, [0, 0, false]);
    assert.deepEqual(errors, []);
    await close();
  } finally {
    await secured.stop();
  }
});
