// History search from the empty state, in real Chromium: a rare line outside the loaded window is found by
// paging the stream's history, with progress, and shown in place.
import assert from "node:assert/strict";
import { test } from "node:test";
import { openPage, rowMessages, viewerAndBrowser, waitFor } from "./harness.mjs";

const run = viewerAndBrowser({ vars: { RATE_LIMIT_PER_SECOND: "0" } });

const fresh = () => `history-${crypto.randomUUID().slice(0, 8)}`;

/** Posts `count` filler lines in batches of 5,000. @param {string} stream @param {number} count */
async function filler(stream, count) {
  for (let sent = 0; sent < count; sent += 5000) {
    const n = Math.min(5000, count - sent);
    await run.viewer.post(stream, Array.from({ length: n }, (_, i) => `INFO filler ${sent + i}`).join("\n"));
  }
}

test("search all finds a rare line outside the loaded window, with progress, and shows it in place", async () => {
  const stream = fresh();
  await run.viewer.post(stream, "ERROR the rare unicorn line");
  // More than one history request reads (20,000 entries): the search has to page, and reports it.
  await filler(stream, 45_000);
  const { page, errors, close } = await openPage(run.browser, `${run.viewer.url}/?stream=${stream}&tail=20`);
  await waitFor("the loaded window", async () => (await rowMessages(page)).length === 20);
  // The server's backfill for a query reads its newest 20,000 entries: the rare line is beyond them.
  await page.fill("#q", "unicorn");
  await page.waitForSelector("#empty:not([hidden])");
  assert.match((await page.textContent("#empty")) ?? "", /No line matches unicorn/);
  const button = page.locator("#empty button", { hasText: "Search all" });
  await waitFor(
    "the stream's size",
    async () => (await button.textContent()) === "Search all 45,001 lines in this stream",
  );
  /** @type {string[]} */
  const seen = [];
  await page.exposeFunction("recordProgress", (/** @type {string} */ text) => seen.push(text));
  await page.evaluate(() => {
    const empty = /** @type {HTMLElement} */ (document.getElementById("empty"));
    new MutationObserver(() => {
      const text = empty.querySelector("p:not(.empty-title)")?.textContent ?? "";
      /** @type {any} */ (window).recordProgress(text);
    }).observe(empty, { subtree: true, childList: true, characterData: true });
  });
  /** @type {string[]} */
  const requests = [];
  page.on("request", (request) => {
    if (request.url().includes("/entries?")) requests.push(request.url());
  });
  await button.click();
  await waitFor("the rare line", async () => (await rowMessages(page)).length === 1, 30_000);
  assert.deepEqual(await rowMessages(page), ["ERROR the rare unicorn line"]);
  assert.equal(await page.textContent("#matches"), "1 of 21 match");
  assert.ok(requests.length >= 2, `the search paged: ${requests.length} request(s)`);
  assert.ok(
    seen.some((text) => /^Searched [\d,]+ of 45,001 lines…$/.test(text)),
    `progress was shown: ${JSON.stringify(seen)}`,
  );
  assert.deepEqual(errors, []);
  await close();
});

test("search all can be cancelled; a merged view says history is one stream's", async () => {
  const stream = fresh();
  await filler(stream, 45_000);
  const { page, errors, close } = await openPage(run.browser, `${run.viewer.url}/?stream=${stream}&tail=20&q=nowhere`);
  const button = page.locator("#empty button", { hasText: "Search all" });
  await waitFor("the stream's size", async () => /45,000/.test((await button.textContent()) ?? ""));
  // Hold the history's answers until the search is cancelled.
  /** @type {Array<() => void>} */
  const held = [];
  await page.route("**/entries?*", (route) => held.push(() => void route.continue().catch(() => {})));
  await button.click();
  await page.click("#empty button:text('Cancel')");
  for (const release of held) release();
  await waitFor("cancelled", async () =>
    /^Search cancelled/.test((await page.textContent("#empty p:not(.empty-title)")) ?? ""),
  );
  assert.ok(await button.isVisible(), "the search can be started again");
  await close();

  const merged = await openPage(run.browser, `${run.viewer.url}/?stream=${stream},${fresh()}&q=nowhere`);
  await merged.page.waitForSelector("#empty:not([hidden])");
  assert.match((await merged.page.textContent("#empty")) ?? "", /one stream at a time/);
  assert.equal(await merged.page.locator("#empty button").count(), 0);
  assert.deepEqual(errors, []);
  assert.deepEqual(merged.errors, []);
  await merged.close();
});
