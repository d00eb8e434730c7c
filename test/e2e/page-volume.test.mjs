// The volume strip in real Chromium: counts of the whole stream (not only what the page holds) under the query,
// live without polling, a click that jumps to a moment, a drag that freezes a window, "Go live", and axe.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { test } from "node:test";
import { headerAction, openPage, viewerAndBrowser, waitFor } from "./harness.mjs";

const run = viewerAndBrowser({ vars: { RATE_LIMIT_PER_SECOND: "0" } });
const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
const fresh = () => `volume-${crypto.randomUUID().slice(0, 8)}`;
const START = Date.now() - 10 * 60_000;

/** 3,000 lines over 5 minutes ten minutes ago: every 10th an error. @param {string} stream */
async function fill(stream) {
  const lines = Array.from({ length: 3000 }, (_, i) =>
    JSON.stringify({ time: START + i * 100, level: i % 10 === 0 ? "error" : "info", msg: `line ${i}` }),
  );
  await run.viewer.post(stream, lines.join("\n"), "application/x-ndjson");
}

/** The strip's counts as its hidden table says them. @param {import("playwright-core").Page} page */
const tableTotal = (page) =>
  page.$$eval('[aria-label="Lines over time"] table tbody tr td:nth-child(2)', (cells) =>
    cells.reduce((sum, cell) => sum + Number((cell.textContent ?? "").split(" ")[0]?.replace(/,/g, "")), 0),
  );

test("counts every line the stream holds under the query, and stays live from the lines the page receives", async () => {
  const stream = fresh();
  await fill(stream);
  /** @type {string[]} */
  const requests = [];
  const { page, errors, close } = await openPage(run.browser, `${run.viewer.url}/?stream=${stream}&tail=50`);
  page.on("request", (request) => {
    if (request.url().includes("/histogram")) requests.push(request.url());
  });
  await waitFor("the strip's counts", async () => (await tableTotal(page)) === 3000);
  assert.equal((await page.locator("#log .row").count()) <= 60, true, "the page holds only its tail");
  await run.viewer.post(stream, Array.from({ length: 10 }, (_, i) => `ERROR live ${i}`).join("\n"));
  await waitFor("the live lines counted", async () => (await tableTotal(page)) === 3010, 10_000);
  assert.equal(requests.length, 0, "no histogram request after the first: live counts come from the events");
  await page.fill("#q", "level:error");
  await waitFor("the errors only", async () => (await tableTotal(page)) === 310, 10_000);
  assert.match(requests[0] ?? "", /q=level%3Aerror/);
  assert.deepEqual(errors, []);
  await close();
});

test("hover shows a bucket's counts; a click jumps there paused with its line marked; Go live follows again", async () => {
  const stream = fresh();
  await fill(stream);
  await run.viewer.post(stream, "INFO the newest line");
  const { page, errors, close } = await openPage(run.browser, `${run.viewer.url}/?stream=${stream}&tail=20`);
  await waitFor("the strip", async () => (await tableTotal(page)) === 3001);
  const bars = page.locator(".volume-bars");
  const box = await bars.boundingBox();
  assert.ok(box);
  await page.mouse.move(box.x + 2, box.y + box.height - 2);
  await page.waitForSelector(".volume-tip:not([hidden])");
  assert.match((await page.textContent(".volume-tip")) ?? "", /\d+ lines: \d+ error, \d+ info/);
  await page.mouse.down();
  await page.mouse.up();
  await waitFor("the first line of the stream, marked", async () =>
    /line 0$/.test(
      (await page
        .locator("#log .row[aria-current='true'] .message")
        .textContent()
        .catch(() => "")) ?? "",
    ),
  );
  assert.equal(await page.getAttribute("#pause", "aria-pressed"), "true");
  assert.match(page.url(), /[?&]line=1(&|$)/);
  await page.click(".volume-live");
  await waitFor(
    "following the newest line",
    async () => (await page.getAttribute("#pause", "aria-pressed")) === "false",
  );
  assert.doesNotMatch(page.url(), /line=/);
  await waitFor(
    "the newest line in view",
    async () => await page.locator("#log .row .message", { hasText: "the newest line" }).isVisible(),
  );
  assert.deepEqual(errors, []);
  await close();
});

test("a drag freezes a window (from= and to= in the URL), and Go live returns to the whole stream", async () => {
  const stream = fresh();
  await fill(stream);
  const { page, errors, close } = await openPage(run.browser, `${run.viewer.url}/?stream=${stream}&tail=20`);
  await waitFor("the strip", async () => (await tableTotal(page)) === 3000);
  const box = await page.locator(".volume-bars").boundingBox();
  assert.ok(box);
  await page.mouse.move(box.x + box.width * 0.1, box.y + 10);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.3, box.y + 10, { steps: 5 });
  await page.mouse.up();
  await waitFor("the frozen window in the URL", async () => /from=.*&to=/.test(decodeURIComponent(page.url())));
  const url = new URL(page.url());
  const from = Date.parse(url.searchParams.get("from") ?? "");
  const to = Date.parse(url.searchParams.get("to") ?? "");
  assert.ok(to > from && from >= START - 60_000, `a window within the stream: ${from}–${to}`);
  await waitFor("fewer lines counted", async () => {
    const total = await tableTotal(page);
    return total > 0 && total < 3000;
  });
  assert.equal(await page.getAttribute("#pause", "aria-pressed"), "true");
  assert.equal(await page.locator(".volume-live").isVisible(), true);
  await page.click(".volume-live");
  await waitFor("the whole stream again", async () => (await tableTotal(page)) === 3000);
  assert.doesNotMatch(page.url(), /from=|to=/);
  assert.deepEqual(errors, []);
  await close();
});

test("a burst flattens nothing: small bars keep their height, the burst's is cut; round times label it, local or UTC", async () => {
  const stream = fresh();
  // A line a second for five minutes, and 3,000 more at one moment in the middle (so in one bucket, whatever its width).
  const lines = [
    ...Array.from({ length: 300 }, (_, i) => ({ time: START + i * 1000, level: "info", msg: `steady ${i}` })),
    ...Array.from({ length: 3000 }, (_, i) => ({
      time: START + 150_000,
      level: "error",
      msg: `burst ${i}`,
    })),
  ];
  await run.viewer.post(stream, lines.map((line) => JSON.stringify(line)).join("\n"), "application/x-ndjson");
  const { page, errors, close } = await openPage(run.browser, `${run.viewer.url}/?stream=${stream}&tail=20`, {
    timezoneId: "Asia/Kolkata",
  });
  await waitFor("the strip", async () => (await tableTotal(page)) === 3300);
  const { full, heights, cut } = await page.$eval(".volume-bars", (bars) => ({
    full: bars.getBoundingClientRect().height,
    heights: [...bars.querySelectorAll(".vbar:not(.cut)")]
      .map((bar) => bar.getBoundingClientRect().height)
      .filter((h) => h > 0)
      .sort((a, b) => a - b),
    cut: [...bars.querySelectorAll(".vbar.cut")].map((bar) => bar.getBoundingClientRect().height),
  }));
  assert.deepEqual(cut, [full], "the burst's bar: full height, cut");
  const median = heights[Math.floor(heights.length / 2)] ?? 0;
  assert.ok(median >= full * 0.3, `a bar of the steady lines is no sliver: ${median}px of ${full}px`);
  assert.match((await page.textContent(".volume-range")) ?? "", /per bar, bars above [\d,]+ lines cut$/);
  // The counts stay exact: the burst's bar says its own.
  const burst = await page.locator(".vbar.cut").boundingBox();
  assert.ok(burst);
  await page.mouse.move(burst.x + burst.width / 2, burst.y + burst.height / 2);
  await page.waitForSelector(".volume-tip:not([hidden])");
  assert.match((await page.textContent(".volume-tip")) ?? "", /: 3,0\d\d lines: 3,000 error, \d+ info$/);

  /** The labels, and what they should say at `offset` from UTC. @param {number} offset */
  const ticks = async (offset) => {
    const found = await page.$$eval(".volume-tick", (nodes) =>
      nodes.map((node) => ({
        text: node.textContent ?? "",
        at: Date.parse(node.getAttribute("datetime") ?? ""),
        x: node.getBoundingClientRect().left,
      })),
    );
    return found.map(({ text, at, x }) => {
      const iso = new Date(at + offset).toISOString();
      return { text, x, wanted: /^\d\d-\d\d$/.test(text) ? iso.slice(5, 10) : iso.slice(11, 11 + text.length) };
    });
  };
  const local = await ticks(5.5 * 3_600_000);
  assert.ok(local.length >= 3 && local.length <= 5, `3–5 labels: ${local.length}`);
  for (const tick of local) assert.equal(tick.text, tick.wanted, "a label in Kolkata's time");
  for (let i = 1; i < local.length; i++) assert.ok((local[i]?.x ?? 0) > (local[i - 1]?.x ?? 0), "left to right");
  assert.equal(await page.getAttribute(".volume-ticks", "aria-hidden"), "true");
  await headerAction(page, "#tz");
  await waitFor("UTC labels", async () => (await ticks(0)).every((tick) => tick.text === tick.wanted));
  assert.notDeepEqual(
    (await ticks(0)).map((tick) => tick.text),
    local.map((tick) => tick.text),
  );
  assert.deepEqual(errors, []);
  await close();
});

test("axe finds no serious or critical violation with the strip shown and hovered, light and dark", async () => {
  const stream = fresh();
  await fill(stream);
  const { page, errors, close } = await openPage(run.browser, `${run.viewer.url}/?stream=${stream}&tail=20`);
  await waitFor("the strip", async () => (await tableTotal(page)) === 3000);
  assert.equal(await page.getAttribute("section.volume", "aria-label"), "Lines over time");
  const box = await page.locator(".volume-bars").boundingBox();
  assert.ok(box);
  await page.mouse.move(box.x + box.width / 2, box.y + 10);
  await page.addScriptTag({ path: AXE });
  const found = [];
  for (const colorScheme of /** @type {const} */ (["light", "dark"])) {
    await page.emulateMedia({ colorScheme });
    const result = await page.evaluate(() => /** @type {any} */ (window).axe.run(document));
    for (const v of result.violations)
      if (v.impact === "serious" || v.impact === "critical") found.push(`${colorScheme}: ${v.id}`);
  }
  assert.deepEqual(found, []);
  assert.deepEqual(errors, []);
  await close();
});
