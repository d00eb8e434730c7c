// Refreshes docs/screenshots/ from the real page with real logs, at 1440 and 375 px, light and dark: a JSON
// service log (test/fixtures/service-log.mjs) with its volume strip, columns and a stack trace expanded, this
// machine's dpkg log (test/fixtures/dpkg.log, a slice of /var/log/dpkg.log), the Patterns dialog, Context on a
// filtered row, three streams in one view; then ANSI colours and an incident. Each shot asserts what it shows.
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { after, before, test } from "node:test";
import { serviceLog } from "../fixtures/service-log.mjs";
import { launchBrowser, startViewer, waitFor } from "./harness.mjs";

const SCREENSHOTS = new URL("../../docs/screenshots/", import.meta.url).pathname;
const ESC = "\u001b";
const SIZES = /** @type {const} */ ([
  { name: "1440", options: { viewport: { width: 1440, height: 900 } } },
  { name: "375", options: { viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true } },
]);
const SCHEMES = /** @type {const} */ (["light", "dark"]);
const SERVICE = "checkout-api";
const CANARY = "checkout-api-canary";
const HOST = "host-dpkg";

/** @type {Awaited<ReturnType<typeof startViewer>>} */
let viewer;
/** @type {import("playwright-core").Browser} */
let browser;
/** The dpkg lines as posted, their times moved to end now. @type {string[]} */
let dpkg = [];

/** dpkg's `YYYY-MM-DD HH:MM:SS` (UTC here) moved by `shift` ms, so the slice reads as today's. */
const shifted = (/** @type {string} */ line, /** @type {number} */ shift) =>
  `${new Date(Date.parse(`${line.slice(0, 10)}T${line.slice(11, 19)}Z`) + shift).toISOString().slice(0, 19).replace("T", " ")}${line.slice(19)}`;

before(async () => {
  // Port 9 (discard) on loopback: an incident exists whether or not its webhook answers.
  viewer = await startViewer({ vars: { ALERT_WEBHOOK_HOSTS: "127.0.0.1:9", RATE_LIMIT_PER_SECOND: "0" } });
  browser = await launchBrowser();
  mkdirSync(SCREENSHOTS, { recursive: true });
  const now = Date.now();
  const ndjson = (/** @type {Record<string, unknown>[]} */ lines) => lines.map((l) => JSON.stringify(l)).join("\n");
  await viewer.post(SERVICE, ndjson(serviceLog({ end: now - 1500 })), "application/x-ndjson");
  const canary = serviceLog({ service: CANARY, version: "2.15.0-rc.1", count: 120, seed: 7, end: now - 4000 });
  await viewer.post(CANARY, ndjson(canary), "application/x-ndjson");
  const raw = readFileSync(new URL("../fixtures/dpkg.log", import.meta.url), "utf8")
    .trimEnd()
    .split("\n");
  const last = Date.parse(`${raw.at(-1)?.slice(0, 10)}T${raw.at(-1)?.slice(11, 19)}Z`);
  // Ending 25 s ago, so the merged view's newest screenful holds all three streams.
  dpkg = raw.map((line) => shifted(line, now - 25_000 - last));
  await viewer.post(HOST, dpkg.join("\n"), "text/plain");
});

after(async () => {
  await browser?.close();
  await viewer?.stop();
});

/**
 * A fresh page at one size and scheme that records script errors, console errors and dialogs.
 * @param {string} path @param {(typeof SIZES)[number]} size @param {"light" | "dark"} colorScheme
 */
async function open(path, size, colorScheme) {
  const context = await browser.newContext({ ...size.options, colorScheme });
  const page = await context.newPage();
  /** @type {string[]} */
  const errors = [];
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("dialog", (dialog) => {
    errors.push(`a dialog opened: ${dialog.message()}`);
    void dialog.dismiss();
  });
  await page.goto(`${viewer.url}${path}`);
  return { page, errors, close: () => context.close() };
}

/** Writes the shot after checking that no escape byte reached the text and nothing went wrong. */
async function shoot(
  /** @type {import("playwright-core").Page} */ page,
  /** @type {string[]} */ errors,
  /** @type {string} */ name,
) {
  const escapes = await page.evaluate(() => [..."\u001b\u009b"].some((c) => document.body.textContent?.includes(c)));
  assert.equal(escapes, false, `${name}: an escape byte is shown`);
  // Let the row heights, the strip and any transition settle before the picture.
  await page.waitForTimeout(250);
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png` });
  assert.deepEqual(errors, [], name);
}

const rows = (/** @type {import("playwright-core").Page} */ page) => page.locator("#log .row");

/** The strip's total as its hidden table says it. @param {import("playwright-core").Page} page */
const stripTotal = (page) =>
  page.$$eval('[aria-label="Lines over time"] table tbody tr td:nth-child(2)', (cells) =>
    cells.reduce((sum, cell) => sum + Number((cell.textContent ?? "").split(" ")[0]?.replace(/,/g, "")), 0),
  );

/** Clicks a toolbar button, through the ⋯ menu where the page folds them away (a phone). */
async function toolbar(/** @type {import("playwright-core").Page} */ page, /** @type {string} */ id) {
  if (!(await page.locator(id).isVisible())) await page.click("#menu");
  await page.click(id);
}

/** A click marks a row (a second would expand it). @param {import("playwright-core").Locator} row */
async function mark(row) {
  await row.locator(".message").click();
  await waitFor("the row marked", async () => (await row.getAttribute("class"))?.split(" ").includes("active"));
}

/** Scrolls the log as a reader does (the wheel), until `row` starts at its top. */
async function wheelToTop(
  /** @type {import("playwright-core").Page} */ page,
  /** @type {import("playwright-core").Locator} */ row,
) {
  const box = await page.locator("#log").boundingBox();
  assert.ok(box);
  const top = await row.evaluate((node) => node.getBoundingClientRect().top);
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.wheel(0, top - box.y);
  await waitFor("the row at the top", async () => Math.abs(((await row.boundingBox())?.y ?? Number.NaN) - box.y) < 2);
}

/** Each size and scheme in turn: `run` gets a fresh page and the name's suffix. */
async function everyLook(
  /** @type {string} */ path,
  /** @type {(page: import("playwright-core").Page, look: string) => Promise<string>} */ run,
) {
  for (const size of SIZES) {
    for (const scheme of SCHEMES) {
      const { page, errors, close } = await open(path, size, scheme);
      const name = await run(page, `${size.name}-${scheme}`);
      await shoot(page, errors, name);
      await close();
    }
  }
}

test("screenshots: a JSON service log with its volume strip, two columns and a stack trace expanded", async () => {
  await everyLook(`/?stream=${SERVICE}&cols=http.duration_ms,user.id`, async (page, look) => {
    await waitFor("the strip's 320 lines", async () => (await stripTotal(page)) === 320);
    const row = rows(page).filter({ hasText: "payment authorisation failed" }).last();
    await mark(row);
    await page.keyboard.press("Enter");
    const detail = page.locator("#log .row.expanded .detail");
    await detail.waitFor();
    assert.match((await detail.textContent()) ?? "", /at AcmePayClient\.authorise/);
    // A phone shows the expanded row from its start (a desktop has room for the rows around it too).
    if (look.startsWith("375")) await wheelToTop(page, row);
    const cells = await page.$$eval("#log .row.entry .col", (nodes) => nodes.map((node) => node.textContent));
    assert.ok(
      cells.some((cell) => /^u_[0-9a-f]{6}$/.test(cell ?? "")),
      "the user.id column has values",
    );
    return `service-${look}`;
  });
});

test("screenshots: this machine's dpkg log as plain text, its times and lines as sent", async () => {
  await everyLook(`/?stream=${HOST}`, async (page, look) => {
    await waitFor("the strip's lines", async () => (await stripTotal(page)) === dpkg.length);
    await waitFor("the newest line", async () => (await rows(page).last().textContent())?.includes("dbus:amd64"));
    const messages = await page.$$eval("#log .row .message", (nodes) => nodes.map((node) => node.textContent));
    assert.equal(messages.at(-1), dpkg.at(-1));
    return `text-${look}`;
  });
});

test("screenshots: the Patterns dialog over the service log", async () => {
  await everyLook(`/?stream=${SERVICE}`, async (page, look) => {
    await waitFor("the rows", async () => (await rows(page).count()) >= 10);
    await toolbar(page, "#patterns-open");
    const templates = await waitFor("the templates, named", async () => {
      const named = await page.locator("#pattern-list .pattern-template").allTextContents();
      return named.length >= 5 && named.every((t) => !t.includes("loading")) ? named : null;
    });
    assert.ok(
      templates.some((t) => t.includes("<*>")),
      templates.join("\n"),
    );
    assert.ok(templates.includes("payment authorisation failed"), templates.join("\n"));
    return `patterns-${look}`;
  });
});

test("screenshots: Context on a row of the errors opens the lines around it from the whole stream", async () => {
  const errors = serviceLog().filter((line) => line.level === "error").length;
  await everyLook(`/?stream=${SERVICE}&q=level:error`, async (page, look) => {
    await waitFor("all the errors", async () => (await page.textContent("#matches")) === `${errors} matching lines`);
    const levels = await page.$$eval("#log .row.entry", (nodes) => nodes.map((node) => node.dataset.level));
    assert.ok(levels.length > 0 && levels.every((level) => level === "error"), levels.join());
    const row = rows(page).filter({ hasText: "payment authorisation failed" }).last();
    await mark(row);
    await row.locator(".row-context").click();
    await waitFor("the context", async () => (await row.locator(".context-line").count()) >= 10);
    const marked = await row.locator(".context-line[aria-current='true']").textContent();
    assert.match(marked ?? "", /payment authorisation failed/);
    // A phone shows the row from its start; a desktop has the room for the whole context where it is.
    if (look.startsWith("375")) await wheelToTop(page, row);
    assert.ok((await row.locator(".context-line", { hasText: /GET|POST/ }).count()) > 0, "info lines around it");
    return `context-${look}`;
  });
});

test("screenshots: the service, its canary and the host's dpkg log in one view, each line tagged", async () => {
  await everyLook(`/?stream=${SERVICE},${CANARY},${HOST}`, async (page, look) => {
    await waitFor("the rows", async () => (await rows(page).count()) >= 10);
    await waitFor("lines of all three streams", async () => {
      const tags = new Set(await page.$$eval("#log .row .tag", (nodes) => nodes.map((node) => node.textContent)));
      return [SERVICE, CANARY, HOST].every((stream) => tags.has(stream));
    });
    return `merged-${look}`;
  });
});

test("screenshot: ANSI colours and a stack trace", async () => {
  const stream = "build-worker";
  const stack = [
    "TypeError: Cannot read properties of undefined (reading 'id')",
    "    at chargeCard (/app/src/payments.js:41:17)",
    "    at async checkout (/app/src/routes/checkout.js:88:5)",
    "    at async Server.handle (/app/node_modules/router/index.js:120:9)",
  ].join("\n");
  const t = (/** @type {number} */ ms) => new Date(Date.now() - 60_000 + ms).toISOString();
  await viewer.post(
    stream,
    [
      `${ESC}[90m${t(0)}${ESC}[0m ${ESC}[32mINFO${ESC}[0m  compiled ${ESC}[1m42 modules${ESC}[0m in ${ESC}[33m1.8 s${ESC}[0m`,
      `${ESC}[90m${t(185)}${ESC}[0m ${ESC}[33mWARN${ESC}[0m  ${ESC}[38;5;208mdeprecated${ESC}[0m option ${ESC}[4m--legacy-peer-deps${ESC}[24m`,
      `${ESC}[90m${t(890)}${ESC}[0m ${ESC}[1;31mERROR${ESC}[0m test ${ESC}[38;2;255;95;135m✗ checkout charges the card${ESC}[0m ${ESC}[2m(12 ms)${ESC}[22m`,
      `${ESC}[90m${t(891)}${ESC}[0m ${ESC}[32mINFO${ESC}[0m  ${ESC}[42;30m PASS ${ESC}[0m cart.test.js ${ESC}[3mitalic note${ESC}[23m`,
    ].join("\n"),
  );
  await viewer.post(
    stream,
    JSON.stringify({ level: 50, msg: "request failed", route: "/checkout", err: { type: "TypeError", stack } }),
    "application/json",
  );
  for (const colorScheme of SCHEMES) {
    const { page, errors, close } = await open(`/?stream=${stream}`, SIZES[0], colorScheme);
    await page.setViewportSize({ width: 1440, height: 380 });
    await waitFor("5 rows", async () => (await rows(page).count()) >= 5);
    assert.equal(await page.locator("#log .row", { hasText: "PASS" }).count(), 1);
    await shoot(page, errors, `ansi-${colorScheme}`);
    await close();
  }
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
  let id = "";
  await waitFor("the incident", async () => {
    const { incidents } = await (await fetch(`${viewer.url}/api/streams/${stream}/incidents`)).json();
    id = incidents[0]?.id ?? "";
    return id !== "";
  });
  const { page, errors, close } = await open(`/?stream=${stream}&incident=${id}`, SIZES[0], "light");
  await page.setViewportSize({ width: 1440, height: 420 });
  await page.waitForSelector("#incident .row.match");
  assert.match((await page.textContent("#incident .row.match")) ?? "", /payment declined/);
  await shoot(page, errors, "incident");
  await close();
});
