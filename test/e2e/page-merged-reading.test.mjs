// A merged view reading around a moment, in real Chromium against `wrangler dev`: a click on the volume strip
// jumps in place (no reload) with every stream's lines around that moment merged by time, and a filter that
// loosens loads what the narrower one left out of each stream, merged in, never a silent hole.
import assert from "node:assert/strict";
import { test } from "node:test";
import { openPage, viewerAndBrowser, waitFor } from "./harness.mjs";

const run = viewerAndBrowser({ vars: { RATE_LIMIT_PER_SECOND: "0" } });
const fresh = () => `mread-${crypto.randomUUID().slice(0, 8)}`;

/**
 * Lines `from`…`from+count-1` of a stream as NDJSON, timed so two streams interleave: a's line n at START + 10n,
 * b's 5 ms later; even lines are errors.
 * @param {string} name @param {number} start @param {number} from @param {number} count @param {number} offset
 */
const lines = (name, start, from, count, offset) =>
  Array.from({ length: count }, (_, i) => {
    const n = from + i;
    return JSON.stringify({
      time: start + n * 10 + offset,
      level: n % 2 === 0 ? "error" : "info",
      msg: `${name} line ${n}`,
    });
  }).join("\n");

/** Every row's message, top to bottom, read as the reader scrolls through them. @param {import("playwright-core").Page} page */
const allMessages = (page) =>
  page.evaluate(async () => {
    const log = /** @type {HTMLElement} */ (document.getElementById("log"));
    /** @type {Map<number, string>} */
    const seen = new Map();
    for (let top = 0; top <= log.scrollHeight; top += log.clientHeight / 2) {
      log.scrollTop = top;
      await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
      for (const row of log.querySelectorAll(".row.entry")) {
        const index = Number(/** @type {HTMLElement} */ (row).dataset.index);
        seen.set(index, row.querySelector(".message")?.textContent ?? "");
      }
    }
    return [...seen].sort((a, b) => a[0] - b[0]).map(([, message]) => message);
  });

test("a click on the strip of a merged view jumps in place, every stream's lines around that moment by time", async () => {
  const [a, b] = [fresh(), fresh()];
  const start = Date.now() - 10 * 60_000;
  await run.viewer.post(a, lines(a, start, 0, 1000, 0), "application/x-ndjson");
  await run.viewer.post(b, lines(b, start, 0, 1000, 5), "application/x-ndjson");
  await run.viewer.post(a, "INFO the newest line");
  const { page, errors, close } = await openPage(run.browser, `${run.viewer.url}/?stream=${a},${b}&tail=20`);
  await waitFor("the strip counting both streams", async () => {
    const text = await page.textContent('[aria-label="Lines over time"] table').catch(() => "");
    return /line/.test(text ?? "");
  });
  await waitFor("20 lines held", async () => (await page.textContent("#matches")) === "20 lines");
  // Anything set on the page survives a jump in place, not a reload.
  await page.evaluate(() => Object.assign(window, { keptAcrossTheJump: true }));
  const box = await page.locator(".volume-bars").boundingBox();
  assert.ok(box);
  await page.mouse.click(box.x + 1, box.y + box.height - 2);
  await waitFor("the moment's first line, marked", async () =>
    (
      await page
        .locator("#log .row[aria-current='true'] .message")
        .textContent()
        .catch(() => "")
    )?.endsWith(`${a} line 0`),
  );
  assert.equal(await page.evaluate(() => /** @type {any} */ (window).keptAcrossTheJump), true, "no reload");
  assert.match(decodeURIComponent(page.url()), new RegExp(`[?&]line=${a}:1(&|$)`));
  assert.equal(await page.getAttribute("#pause", "aria-pressed"), "true");
  const messages = await allMessages(page);
  assert.deepEqual(
    messages.slice(0, 6),
    [`${a} line 0`, `${b} line 0`, `${a} line 1`, `${b} line 1`, `${a} line 2`, `${b} line 2`],
    "both streams around the moment, by time",
  );
  assert.ok(messages.includes(`${b} line 100`), "b's lines after the moment too");
  assert.ok(messages.includes("INFO the newest line"), "the lines held before stay");
  assert.deepEqual(errors, []);
  await close();
});

test("clearing a level filter in a merged view brings back every line of each stream, merged in by time", async () => {
  const [a, b] = [fresh(), fresh()];
  const start = Date.now() - 60_000;
  await run.viewer.post(a, lines(a, start, 1, 100, 0), "application/x-ndjson");
  await run.viewer.post(b, lines(b, start, 1, 100, 5), "application/x-ndjson");
  const { page, errors, close } = await openPage(run.browser, `${run.viewer.url}/?stream=${a},${b}`);
  await waitFor("200 lines", async () => (await page.textContent("#matches")) === "200 lines");
  await page.fill("#q", "level:error");
  await waitFor("100 errors", async () => (await page.textContent("#matches")) === "100 of 200 match");
  await run.viewer.post(a, lines(a, start, 101, 750, 0), "application/x-ndjson");
  await run.viewer.post(b, lines(b, start, 101, 750, 5), "application/x-ndjson");
  await waitFor("850 errors", async () => (await page.textContent("#matches")) === "850 of 950 match", 20_000);
  await page.fill("#q", "");
  await waitFor("all 1,700 lines", async () => (await page.textContent("#matches")) === "1,700 lines", 20_000);
  await page.click("#pause");
  const messages = await allMessages(page);
  assert.equal(messages.length, 1700);
  for (const name of [a, b]) {
    const own = messages.filter((message) => message.startsWith(`${name} `)).map((m) => Number(m.split(" ").at(-1)));
    assert.deepEqual(
      own,
      Array.from({ length: 850 }, (_, i) => i + 1),
      `every line of ${name}, in order`,
    );
  }
  // Merged by time, not appended: b's first back-filled line sits among a's lines of its moment.
  assert.ok(messages.indexOf(`${b} line 101`) < messages.indexOf(`${a} line 850`));
  assert.equal(await page.locator("#log .row.gap").count(), 0, "nothing left unloaded");
  assert.deepEqual(errors, []);
  await close();
});
