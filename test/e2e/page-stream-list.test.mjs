// The landing page's stream list in real Chromium: a page at a time in name order, a prefix box that filters
// as you type, "More streams" for the next page, and the empty state's download-and-pipe line for this host.
import assert from "node:assert/strict";
import { test } from "node:test";
import { openPage, viewerAndBrowser, waitFor } from "./harness.mjs";

const run = viewerAndBrowser({ vars: { RATE_LIMIT_PER_SECOND: "0" } });

/** @param {import("playwright-core").Page} page */
const listed = (page) => page.$$eval("#stream-links a", (links) => links.map((link) => link.textContent ?? ""));

test("the prefix box narrows the list as you type; More streams appends the next page in name order", async () => {
  const prefix = `pl${crypto.randomUUID().slice(0, 6)}.`;
  // 105 streams under the prefix: one page of 100 and five more.
  const names = Array.from({ length: 105 }, (_, i) => `${prefix}s${String(i).padStart(3, "0")}`);
  for (let i = 0; i < names.length; i += 15) {
    await Promise.all(names.slice(i, i + 15).map((name) => run.viewer.post(name, "INFO listed")));
  }
  await run.viewer.post(`${prefix.slice(0, -1)}-outside`, "INFO not under the prefix");
  const { page, errors, close } = await openPage(run.browser, `${run.viewer.url}/`);
  await page.waitForSelector("#landing:not([hidden])");
  await page.fill("#stream-prefix", prefix);
  const same = (/** @type {string[]} */ a, /** @type {string[]} */ b) => a.join() === b.join();
  await waitFor("the first page under the prefix", async () => same(await listed(page), names.slice(0, 100)), 30_000);
  await page.click("button:text('More streams')");
  await waitFor("the next page appended", async () => same(await listed(page), names), 15_000);
  assert.equal(await page.isHidden("button:text('More streams')"), true);
  // Typing further narrows it.
  await page.fill("#stream-prefix", `${prefix}s10`);
  await waitFor("the narrower list", async () => same(await listed(page), names.slice(100)), 15_000);
  await page.fill("#stream-prefix", `${prefix}nothing`);
  await waitFor("the empty list", async () => (await listed(page)).length === 0, 15_000);
  assert.match((await page.textContent("#no-streams")) ?? "", /No stream starts with/);
  assert.deepEqual(errors, []);
  await close();
});

test("a stream with no lines shows the CLI's download-and-pipe line for this host", async () => {
  const stream = `pl-${crypto.randomUUID().slice(0, 8)}`;
  const { page, errors, close } = await openPage(run.browser, `${run.viewer.url}/?stream=${stream}`);
  await page.waitForSelector("#empty:not([hidden])");
  const commands = await page.$$eval("#empty code", (codes) => codes.map((code) => code.textContent));
  assert.ok(
    commands.includes(
      `curl -fsSLO ${run.viewer.url}/cli.mjs && some-app 2>&1 | node cli.mjs pipe ${run.viewer.url} ${stream}`,
    ),
    JSON.stringify(commands),
  );
  assert.deepEqual(errors, []);
  await close();
});
