// Fields as columns, the time zone, and the hidden tab's title, in real Chromium: all kept in the URL or cleared
// as a reader expects.
import assert from "node:assert/strict";
import { test } from "node:test";
import { headerAction, openPage, viewerAndBrowser, waitFor } from "./harness.mjs";

const run = viewerAndBrowser();

const fresh = () => `columns-${crypto.randomUUID().slice(0, 8)}`;
const lines = [
  { level: "info", msg: "ok", http: { status: 200 }, user: { id: "u-1" } },
  { level: "error", msg: "failed", http: { status: 502 }, user: { id: "u-22" } },
]
  .map((line) => JSON.stringify(line))
  .join("\n");

test("a field from the expanded row becomes a column under a header, kept in the URL and in a CSV download", async () => {
  const stream = fresh();
  await run.viewer.post(stream, lines, "application/x-ndjson");
  const { page, errors, close } = await openPage(run.browser, `${run.viewer.url}/?stream=${stream}&cols=user.id`, {
    acceptDownloads: true,
  });
  await waitFor("2 rows", async () => (await page.locator("#log .row.entry").count()) === 2);
  assert.deepEqual(await page.$$eval("#log .row .col", (cells) => cells.map((cell) => cell.textContent)), [
    "u-1",
    "u-22",
  ]);
  await page.locator("#log .row.entry").nth(1).locator(".message").click();
  await page.locator("#log .row.entry").nth(1).locator(".message").click();
  const leaf = page.locator("#log .row.expanded .leaf", { has: page.locator(".key", { hasText: "status" }) });
  await leaf.locator("[data-op=col]").click();
  await waitFor(
    "the new column",
    async () => (await page.locator("[role=columnheader]", { hasText: "http.status" }).count()) === 1,
  );
  assert.match(page.url(), /[?&]cols=user\.id%2Chttp\.status|[?&]cols=user\.id,http\.status/);
  const cells = () =>
    page.$$eval("#log .row.entry", (rows) =>
      rows.map((row) => [...row.querySelectorAll(".col")].map((cell) => cell.textContent)),
    );
  // The header comes at once; rows are rebuilt in the next frame (the oldest in the one after, if it runs out).
  await waitFor("every row's cells", async () => (await cells()).every((row) => row.length === 2));
  assert.deepEqual(await cells(), [
    ["u-1", "200"],
    ["u-22", "502"],
  ]);
  // Aligned: every row's cell of a column starts where its header does.
  const lefts = await page.evaluate(() =>
    [
      ...[...document.querySelectorAll("#log .row.entry")].map((row) => row.querySelectorAll(".col")[1]),
      [...document.querySelectorAll("[role=columnheader]")].find((cell) => cell.textContent?.startsWith("http.status")),
    ].map((node) => Math.round(node?.getBoundingClientRect().left ?? -1)),
  );
  assert.equal(new Set(lefts).size, 1, `aligned: ${lefts}`);
  const [download] = await Promise.all([page.waitForEvent("download"), headerAction(page, "#download")]);
  assert.match(download.suggestedFilename(), /\.csv$/);
  const text = await new Response(/** @type {any} */ (await download.createReadStream())).text();
  assert.equal(text.split("\r\n")[0], "time,level,message,user.id,http.status");
  assert.match(text, /,error,failed,u-22,502\r\n/);
  assert.deepEqual(errors, []);
  await close();
});

test("UTC or local time, kept in the URL, the full timestamp with its zone on hover, and the date for another day", async () => {
  const stream = fresh();
  const yesterday = Date.now() - 86_400_000 * 2;
  await run.viewer.post(
    stream,
    [{ time: new Date(yesterday).toISOString(), msg: "old" }, { msg: "first" }, { msg: "now" }]
      .map((line) => JSON.stringify(line))
      .join("\n"),
    "application/x-ndjson",
  );
  const { page, errors, close } = await openPage(run.browser, `${run.viewer.url}/?stream=${stream}`, {
    timezoneId: "Asia/Kolkata",
  });
  await waitFor("3 rows", async () => (await page.locator("#log .row.entry").count()) === 3);
  const times = () =>
    page.$$eval("#log .row .time", (nodes) => nodes.map((node) => [node.textContent, node.getAttribute("title")]));
  let [old, first, now] = await times();
  const dated = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/;
  assert.match(old?.[0] ?? "", dated, "another day shows its date");
  assert.match(first?.[0] ?? "", dated, "today's first line under another day's shows its date");
  assert.match(now?.[0] ?? "", /^\d\d:\d\d:\d\d\.\d{3}$/, "today's lines under today's show the time only");
  assert.match(now?.[1] ?? "", /UTC\+05:30$/);
  await headerAction(page, "#tz");
  await waitFor("UTC times", async () => /UTC$/.test((await times())[2]?.[1] ?? ""));
  assert.match(page.url(), /[?&]tz=utc/);
  [old, first, now] = await times();
  const utcNow = new Date().toISOString().slice(11, 13);
  assert.equal(now?.[0]?.slice(0, 2), utcNow);
  assert.deepEqual(errors, []);
  await close();
});

test("a row shows its date where the day changes from the row above, today's included", async () => {
  const stream = fresh();
  // Three days ago in Kolkata (UTC+05:30, no daylight saving): its midnight, and the page's clock at its noon.
  const ago = new Date(Date.now() - 3 * 86_400_000);
  const midnight = Date.UTC(ago.getUTCFullYear(), ago.getUTCMonth(), ago.getUTCDate()) - 5.5 * 3_600_000;
  const times = [midnight - 2000, midnight + 1000, midnight + 2000, midnight + 3000];
  await run.viewer.post(
    stream,
    times.map((time, i) => JSON.stringify({ time: new Date(time).toISOString(), msg: `line ${i}` })).join("\n"),
    "application/x-ndjson",
  );
  const { page, errors, close } = await openPage(run.browser, "about:blank", { timezoneId: "Asia/Kolkata" });
  await page.clock.setFixedTime(midnight + 12 * 3_600_000);
  await page.goto(`${run.viewer.url}/?stream=${stream}`);
  await waitFor("4 rows", async () => (await page.locator("#log .row.entry").count()) === 4);
  const day = (/** @type {number} */ ms) => new Date(ms + 5.5 * 3_600_000).toISOString().slice(0, 10);
  const shown = () =>
    page.$$eval("#log .row .time", (nodes) => nodes.map((node) => [node.textContent, node.getAttribute("title")]));
  const rows = await shown();
  assert.deepEqual(
    rows.map(([text]) => text),
    [`${day(midnight - 2000)} 23:59:58.000`, `${day(midnight)} 00:00:01.000`, "00:00:02.000", "00:00:03.000"],
    "the date on the day before today's, and where today's starts; not again below",
  );
  assert.equal(rows[3]?.[1], `${day(midnight)} 00:00:03.000 UTC+05:30`, "the full timestamp with its zone on hover");
  // In UTC every line is on the day before the page's today: each shows its date.
  await headerAction(page, "#tz");
  // A frame out of time rebuilds the oldest rows of the view in the next one: wait for every row.
  await waitFor("UTC times", async () => (await shown()).every(([, title]) => /UTC$/.test(title ?? "")));
  for (const [text] of await shown()) assert.match(text ?? "", /^\d{4}-\d\d-\d\d 18:(29|30):\d\d\.000$/);
  // Back in local time, with the first line of today's filtered out, the next one is where the day changes.
  await headerAction(page, "#tz");
  await page.fill("#q", '-"line 1"');
  const expected = [`${day(midnight - 2000)} 23:59:58.000`, `${day(midnight)} 00:00:02.000`, "00:00:03.000"];
  const texts = async () => (await shown()).map(([text]) => text);
  // Its row is rebuilt with the date in the refilter's frame, or the next one when that frame ran out of time.
  await waitFor("the date where the day now changes", async () => (await texts())[1] === expected[1]);
  assert.deepEqual(await texts(), expected);
  assert.deepEqual(errors, []);
  await close();
});

test("older lines loaded above a row of today's put its date on it, where the day changes", async () => {
  const stream = fresh();
  const ago = new Date(Date.now() - 3 * 86_400_000);
  const midnight = Date.UTC(ago.getUTCFullYear(), ago.getUTCMonth(), ago.getUTCDate());
  const times = [midnight - 2000, midnight + 1000, midnight + 2000];
  await run.viewer.post(
    stream,
    times.map((time, i) => JSON.stringify({ time: new Date(time).toISOString(), msg: `line ${i}` })).join("\n"),
    "application/x-ndjson",
  );
  const { page, errors, close } = await openPage(run.browser, "about:blank", { timezoneId: "UTC" });
  await page.clock.setFixedTime(midnight + 12 * 3_600_000);
  await page.goto(`${run.viewer.url}/?stream=${stream}&tail=2`);
  await waitFor("2 rows", async () => (await page.locator("#log .row.entry").count()) === 2);
  const shown = () => page.$$eval("#log .row .time", (nodes) => nodes.map((node) => node.textContent));
  assert.deepEqual(await shown(), ["00:00:01.000", "00:00:02.000"], "today's first row held shows no date");
  await page.click("#pause");
  await page.$eval("#log", (log) => log.dispatchEvent(new Event("scroll")));
  await waitFor("the older line", async () => (await page.locator("#log .row.entry").count()) === 3);
  const day = new Date(midnight).toISOString().slice(0, 10);
  const before = new Date(midnight - 2000).toISOString().slice(0, 10);
  await waitFor("the date where the day changes", async () => (await shown())[1] === `${day} 00:00:01.000`);
  assert.deepEqual(await shown(), [`${before} 23:59:58.000`, `${day} 00:00:01.000`, "00:00:02.000"]);
  assert.deepEqual(errors, []);
  await close();
});

test("a hidden tab's title counts new lines and errors, and clears when the tab is seen", async () => {
  const stream = fresh();
  await run.viewer.post(stream, "INFO first");
  const { page, errors, close } = await openPage(run.browser, `${run.viewer.url}/?stream=${stream}`);
  await waitFor("the row", async () => (await page.locator("#log .row.entry").count()) === 1);
  assert.equal(await page.title(), `${stream} — edge-tail`);
  await page.evaluate(() => {
    Object.defineProperty(document, "visibilityState", { configurable: true, get: () => "hidden" });
    document.dispatchEvent(new Event("visibilitychange"));
  });
  await run.viewer.post(stream, "INFO two\nERROR three\nERROR four");
  await waitFor("the count", async () => (await page.title()) === `(2 errors) ${stream} — edge-tail`);
  assert.match((await page.getAttribute("link[rel=icon]", "href")) ?? "", /circle/);
  await page.evaluate(() => {
    Object.defineProperty(document, "visibilityState", { configurable: true, get: () => "visible" });
    document.dispatchEvent(new Event("visibilitychange"));
  });
  assert.equal(await page.title(), `${stream} — edge-tail`);
  assert.doesNotMatch((await page.getAttribute("link[rel=icon]", "href")) ?? "", /circle/);
  assert.deepEqual(errors, []);
  await close();
});
