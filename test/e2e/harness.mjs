// What the browser and CLI tests share: the real viewer (`wrangler dev`, started by scripts/wrangler-dev.mjs),
// Debian's Chromium, and a reader of a stream's entries.
import { after, before } from "node:test";
import { chromium } from "playwright-core";
import { SseClient } from "../../lib/sse-client.js";
import { startViewer } from "../../scripts/wrangler-dev.mjs";

export { freePort, startViewer, waitFor } from "../../scripts/wrangler-dev.mjs";

const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

export function launchBrowser() {
  const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  return chromium.launch({ executablePath, args: CHROMIUM_FLAGS });
}

/**
 * One `wrangler dev` and one Chromium for a test file: started before its tests, stopped after them. Read
 * `.viewer` and `.browser` inside the tests.
 * @param {Parameters<typeof startViewer>[0]} [options]
 */
export function viewerAndBrowser(options) {
  const run =
    /** @type {{ viewer: Awaited<ReturnType<typeof startViewer>>, browser: import("playwright-core").Browser }} */ ({});
  before(async () => {
    run.viewer = await startViewer(options);
    run.browser = await launchBrowser();
  });
  after(async () => {
    await run.browser?.close();
    await run.viewer?.stop();
  });
  return run;
}

/** The messages of the rows the page shows, top to bottom. @param {import("playwright-core").Page} page */
export const rowMessages = (page) =>
  page.$$eval("#log .row .message", (nodes) => nodes.map((node) => node.textContent));

/**
 * Reads a stream's buffered entries over SSE until `count` have arrived (or `ms` pass).
 * @param {string} url the viewer's base URL
 * @param {string} stream
 * @param {number} count
 * @param {{ ms?: number, headers?: Record<string, string> }} [options]
 * @returns {Promise<import("../../lib/types").LogEntry[]>}
 */
export async function collect(url, stream, count, { ms = 20_000, headers = {} } = {}) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), ms);
  /** @type {import("../../lib/types").LogEntry[]} */
  const entries = [];
  const client = new SseClient(`${url}/api/streams/${stream}/events?tail=${count}`, {
    headers,
    signal: controller.signal,
    onLog: (entry) => {
      entries.push(entry);
      if (entries.length >= count) controller.abort();
    },
  });
  try {
    await client.run();
  } finally {
    clearTimeout(timer);
  }
  return entries;
}

/**
 * Opens a page of the viewer in a fresh context and records script errors and dialogs (a test asserts none).
 * @param {import("playwright-core").Browser} browser
 * @param {string} url the page's full URL
 * @param {import("playwright-core").BrowserContextOptions} [options]
 */
export async function openPage(browser, url, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1100, height: 700 }, ...options });
  const page = await context.newPage();
  /** @type {Error[]} */
  const errors = [];
  page.on("pageerror", (error) => errors.push(error));
  page.on("dialog", (dialog) => {
    errors.push(new Error(`a dialog opened: ${dialog.message()}`));
    void dialog.dismiss();
  });
  await page.goto(url);
  return { page, errors, close: () => context.close() };
}

/**
 * Clicks a header action, opening the ⋯ menu first where it waits behind it (UTC, Clear, Download, Alerts; on a
 * phone Wrap, Columns and Patterns too).
 * @param {import("playwright-core").Page} page
 * @param {string} selector
 */
export async function headerAction(page, selector) {
  if (!(await page.locator(selector).isVisible())) await page.click("#menu");
  await page.click(selector);
}
