// A filter that narrows what the server sends, then loosens: the page ends with every line the server holds for
// that window (or says exactly which ids it did not load), never a silent hole.
import assert from "node:assert/strict";
import { test } from "node:test";
import { openPage, viewerAndBrowser, waitFor } from "./harness.mjs";

const run = viewerAndBrowser();

const fresh = () => `refilter-${crypto.randomUUID().slice(0, 8)}`;
const lines = (/** @type {number} */ from, /** @type {number} */ count) =>
  Array.from({ length: count }, (_, i) => `${(from + i) % 2 === 0 ? "ERROR" : "INFO"} line ${from + i}`).join("\n");

test("clearing a level filter brings back every line that arrived while it was on", async () => {
  const stream = fresh();
  await run.viewer.post(stream, lines(1, 100));
  const { page, errors, close } = await openPage(run.browser, `${run.viewer.url}/?stream=${stream}`);
  await waitFor("100 lines", async () => (await page.textContent("#matches")) === "100 lines");
  await page.fill("#q", "level:error");
  await waitFor("50 errors", async () => (await page.textContent("#matches")) === "50 of 100 match");
  await run.viewer.post(stream, lines(101, 1500));
  await waitFor("800 errors", async () => (await page.textContent("#matches"))?.startsWith("800 of") ?? false, 20_000);
  await page.fill("#q", "");
  await waitFor("all 1,600 lines", async () => (await page.textContent("#matches")) === "1,600 lines", 20_000);
  await page.click("#pause");
  const ids = await page.evaluate(async () => {
    // Every id the page shows, from the rows as the reader scrolls through them all.
    const log = /** @type {HTMLElement} */ (document.getElementById("log"));
    const seen = new Set();
    for (let top = 0; top <= log.scrollHeight; top += log.clientHeight / 2) {
      log.scrollTop = top;
      await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
      for (const row of log.querySelectorAll(".row.entry"))
        seen.add(Number(/** @type {HTMLElement} */ (row).dataset.id));
    }
    return [...seen].sort((a, b) => a - b);
  });
  assert.equal(ids.length, 1600);
  assert.deepEqual(ids.slice(100, 103), [101, 102, 103]);
  assert.deepEqual(errors, []);
  await close();
});
