// The page made for reading, in real Chromium: "show more" exactly on the rows that hide text, a search match
// never hidden, a text line's level shown, and a screen of JSON service logs dense enough to scan.
import assert from "node:assert/strict";
import { test } from "node:test";
import { openPage, viewerAndBrowser, waitFor } from "./harness.mjs";

const run = viewerAndBrowser();

const fresh = () => `reading-${crypto.randomUUID().slice(0, 8)}`;
const stack = "UpstreamError: connect ECONNREFUSED\n    at PaymentClient.charge (/srv/app/payment.js:88:13)";

/** A JSON service log: every ninth request a 502 with a stack trace, the rest short. */
function serviceLog(count = 120) {
  return Array.from({ length: count }, (_, i) => {
    const failed = i % 9 === 0;
    return JSON.stringify({
      level: failed ? "error" : "info",
      msg: failed ? "payment provider failed" : `handled /api/cart ${i}`,
      http: { method: "POST", path: "/api/cart", status: failed ? 502 : 200 },
      user: { id: `u-${i}`, email: `someone.with.a.long.name${i}@example.com` },
      trace_id: `4bf92f3577b34da6a3ce929d0e0e${String(i).padStart(4, "0")}`,
      ...(failed ? { err: { type: "UpstreamError", stack } } : {}),
    });
  }).join("\n");
}

/** Per row: whether its "show more" shows, and whether some of its text is cut off. */
const clampState = (/** @type {import("playwright-core").Page} */ page) =>
  page.$$eval("#log .row.entry", (rows) =>
    rows.map((row) => {
      const more = /** @type {HTMLElement} */ (row.querySelector(".more"));
      const message = /** @type {HTMLElement} */ (row.querySelector(".message"));
      const fields = row.querySelector(".fields");
      const cut =
        message.scrollHeight > message.clientHeight + 1 ||
        (fields !== null && fields.scrollWidth > fields.clientWidth + 1) ||
        row.dataset.more !== undefined;
      return { id: row.dataset.id, more: getComputedStyle(more).visibility === "visible", cut };
    }),
  );

test("show more appears on exactly the rows that hide text, and a search match is never hidden", async () => {
  const stream = fresh();
  await run.viewer.post(
    stream,
    `${serviceLog(40)}\n${JSON.stringify({ level: "info", msg: "short", a: 1 })}`,
    "application/x-ndjson",
  );
  const { page, errors, close } = await openPage(run.browser, `${run.viewer.url}/?stream=${stream}`, {
    viewport: { width: 1440, height: 900 },
  });
  await waitFor("41 rows", async () => (await page.textContent("#matches")) === "41 lines");
  await page.waitForTimeout(300);
  const rows = await clampState(page);
  const failed = rows.filter((row) => Number(row.id) % 9 === 1);
  assert.ok(failed.length > 0);
  for (const row of failed) assert.ok(row.more, `row ${row.id} hides its stack trace: it offers show more`);
  const short = rows.at(-1);
  assert.equal(short?.more, false, "a short row hides nothing: no show more");
  for (const row of rows) assert.equal(row.more, row.cut, `row ${row.id}: show more exactly when text is cut`);
  await close();

  // A phone: the match in a field past the line's end is shown, not cut off.
  const phone = await openPage(run.browser, `${run.viewer.url}/?stream=${stream}&q=long.name7`, {
    viewport: { width: 375, height: 667 },
  });
  await waitFor("the match", async () => (await phone.page.locator("#log .row.entry").count()) === 1);
  await phone.page.waitForTimeout(300);
  const hidden = await phone.page.$$eval(
    "#log mark",
    (marks) =>
      marks.filter((mark) => {
        const rect = mark.getBoundingClientRect();
        for (let box = mark.parentElement; box && !box.classList.contains("row"); box = box.parentElement) {
          const outer = box.getBoundingClientRect();
          if (rect.right > outer.right + 1 || rect.bottom > outer.bottom + 1) return true;
        }
        return false;
      }).length,
  );
  assert.equal((await phone.page.locator("#log mark").count()) > 0, true);
  assert.equal(hidden, 0, "no match is cut off");
  assert.deepEqual([...errors, ...phone.errors], []);
  await phone.close();
});

test("a text line shows its level once, coloured, and every row carries its level's colour at its edge", async () => {
  const stream = fresh();
  await run.viewer.post(stream, "INFO one\nERROR three");
  const { page, errors, close } = await openPage(run.browser, `${run.viewer.url}/?stream=${stream}`);
  await waitFor("2 rows", async () => (await page.locator("#log .row.entry").count()) === 2);
  const looks = await page.$$eval("#log .row.entry", (rows) =>
    rows.map((row) => ({
      word: row.querySelector(".lvl")?.textContent,
      colour: getComputedStyle(/** @type {Element} */ (row.querySelector(".lvl") ?? row)).color,
      text: getComputedStyle(/** @type {Element} */ (row.querySelector(".message"))).color,
      edge: getComputedStyle(row).borderLeftColor,
      pill: row.querySelector(".level")?.textContent,
    })),
  );
  const [info, error] = looks;
  assert.equal(error?.word, "ERROR");
  assert.notEqual(error?.colour, error?.text, "the level word is coloured");
  assert.notEqual(error?.edge, info?.edge, "the edge says the level");
  assert.equal(error?.pill, "", "shown once");
  assert.deepEqual(errors, []);
  await close();
});

test("a screen of JSON service logs at 1440×900 shows at least 30 rows under a one-row header that stays put", async () => {
  const stream = fresh();
  const { page, errors, close } = await openPage(run.browser, `${run.viewer.url}/?stream=${stream}`, {
    viewport: { width: 1440, height: 900 },
  });
  await page.waitForSelector("#controls:not([hidden])");
  const before = await page.$eval(".bar", (bar) => bar.getBoundingClientRect().height);
  await run.viewer.post(stream, serviceLog(120), "application/x-ndjson");
  await waitFor("120 rows", async () => (await page.textContent("#matches")) === "120 lines");
  await page.waitForTimeout(300);
  const after = await page.$eval(".bar", (bar) => bar.getBoundingClientRect().height);
  assert.equal(after, before, "the header does not grow when lines arrive");
  assert.ok(after < 50, `one header row (${after}px)`);
  const inView = await page.evaluate(() => {
    const log = /** @type {HTMLElement} */ (document.getElementById("log")).getBoundingClientRect();
    return [...document.querySelectorAll("#log .row")].filter((row) => {
      const rect = row.getBoundingClientRect();
      return rect.top >= log.top - 1 && rect.bottom <= log.bottom + 1;
    }).length;
  });
  assert.ok(inView >= 30, `${inView} rows in view`);
  await page.setViewportSize({ width: 375, height: 667 });
  await page.waitForTimeout(200);
  const phone = await page.$eval(".bar", (bar) => bar.getBoundingClientRect().height);
  assert.ok(phone < 80, `at most two header rows on a phone (${phone}px)`);
  assert.deepEqual(errors, []);
  await close();
});

test("with some held lines matching, search all loads the older matches", async () => {
  const stream = fresh();
  const text = Array.from({ length: 100 }, (_, i) => (i % 10 === 0 ? `INFO needle ${i}` : `INFO hay ${i}`));
  await run.viewer.post(stream, text.join("\n"));
  const { page, errors, close } = await openPage(run.browser, `${run.viewer.url}/?stream=${stream}&tail=3&q=needle`);
  await waitFor("3 matches", async () => (await page.locator("#log .row.entry").count()) === 3);
  await page.click("#search-older");
  await waitFor("all 10 matches", async () => (await page.locator("#log .row.entry").count()) === 10);
  assert.equal(await page.textContent("#matches"), "10 matching lines");
  assert.deepEqual(errors, []);
  await close();
});
