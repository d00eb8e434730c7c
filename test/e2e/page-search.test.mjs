// Search in real Chromium: one query language over everything the page holds and over the server's backfill,
// with the same meaning; never a half-typed query on the wire.
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseQuery } from "../../lib/query.js";
import { openPage, rowMessages, viewerAndBrowser, waitFor } from "./harness.mjs";

const run = viewerAndBrowser();

const fresh = () => `search-${crypto.randomUUID().slice(0, 8)}`;

/** A dpkg log: 32 of its 40 lines name libc6. */
const dpkg = Array.from({ length: 40 }, (_, i) =>
  i % 5 === 4
    ? `2026-01-02 10:00:${String(i).padStart(2, "0")} status unpacked tzdata:all`
    : `2026-01-02 10:00:${String(i).padStart(2, "0")} status half-configured libc6:amd64 2.36-${i}`,
);

/** Records the `q` of every events request the page makes. */
/** @param {import("playwright-core").Page} page */
function recordQueries(page) {
  /** @type {string[]} */
  const sent = [];
  page.on("request", (request) => {
    const url = new URL(request.url());
    if (url.pathname.endsWith("/events")) sent.push(url.searchParams.get("q") ?? "");
  });
  return sent;
}

test("a regex matches over every line the page holds and over the server's backfill alike", async () => {
  const stream = fresh();
  await run.viewer.post(stream, dpkg.join("\n"));
  const { page, errors, close } = await openPage(run.browser, `${run.viewer.url}/?stream=${stream}`);
  await waitFor("40 lines", async () => (await rowMessages(page)).length === 40);
  await page.fill("#q", "libc6");
  await waitFor("32 word matches", async () => (await rowMessages(page)).length === 32);
  await page.fill("#q", "/libc6:(amd64|i386)/");
  await waitFor("32 regex matches", async () => (await rowMessages(page)).length === 32);
  assert.equal(await page.textContent("#matches"), "32 of 40 match");
  await waitFor(
    "the regex's highlights",
    async () => (await page.locator("#log mark").first().textContent()) === "libc6:amd64",
  );
  await page.fill("#q", "/LIBC6/i -/2\\.36-1\\d/");
  await waitFor("the narrowed matches", async () => (await rowMessages(page)).length === 24);

  const fromServer = await openPage(
    run.browser,
    `${run.viewer.url}/?stream=${stream}&q=${encodeURIComponent("/libc6:(amd64|i386)/")}`,
  );
  await waitFor("32 backfilled matches", async () => (await rowMessages(fromServer.page)).length === 32);
  assert.deepEqual(
    await rowMessages(fromServer.page),
    dpkg.filter((line) => line.includes("libc6")),
  );
  assert.deepEqual(errors, []);
  assert.deepEqual(fromServer.errors, []);
  await fromServer.close();
  await close();
});

test("half-typed queries are never sent; an invalid one is explained next to the box", async () => {
  const stream = fresh();
  await run.viewer.post(stream, "INFO payment accepted\nINFO pay later\nWARN refund");
  const { page, errors, close } = await openPage(run.browser, `${run.viewer.url}/?stream=${stream}`);
  const sent = recordQueries(page);
  await waitFor("3 lines", async () => (await rowMessages(page)).length === 3);
  await page.locator("#q").pressSequentially("/pay(ment", { delay: 40 });
  await waitFor("the error", async () => ((await page.textContent("#q-error")) ?? "").length > 0);
  assert.match((await page.textContent("#q-error")) ?? "", /^Invalid query at position \d+: /);
  assert.equal(await page.getAttribute("#q", "aria-invalid"), "true");
  assert.match((await page.getAttribute("#q", "aria-describedby")) ?? "", /\bq-error\b/);
  assert.ok(await page.isVisible("#q-error"), "the message is visible text, not a tooltip");
  assert.equal((await rowMessages(page)).length, 3, "an invalid query filters nothing");
  await page.locator("#q").pressSequentially(")/", { delay: 40 });
  await waitFor("the valid query applied", async () => (await rowMessages(page)).length === 1);
  assert.equal(await page.textContent("#q-error"), "");
  await waitFor("the query sent", async () => sent.some((q) => q !== ""));
  for (const q of sent) assert.ok(parseQuery(q).ok, `an invalid query was sent: ${q}`);
  assert.ok(sent.includes("/pay(ment)/"));
  assert.match(page.url(), /[?&]q=%2Fpay%28ment%29%2F/);

  // Escape clears the filter, not only the box.
  await page.press("#q", "Escape");
  await waitFor("every line again", async () => (await rowMessages(page)).length === 3);
  assert.equal(await page.inputValue("#q"), "");
  assert.doesNotMatch(page.url(), /[?&]q=/);
  assert.deepEqual(errors, []);
  await close();
});

test("a filter changed while paused shows the matching lines, those that came meanwhile too", async () => {
  const stream = fresh();
  await run.viewer.post(stream, "INFO alpha one\nINFO beta");
  const { page, errors, close } = await openPage(run.browser, `${run.viewer.url}/?stream=${stream}`);
  await waitFor("2 lines", async () => (await rowMessages(page)).length === 2);
  await page.click("#pause");
  await run.viewer.post(stream, "INFO alpha two");
  await waitFor("1 new line", async () => /^1 new line/.test((await page.textContent("#jump")) ?? ""));
  await page.fill("#q", "alpha");
  await waitFor(
    "both alpha lines",
    async () => (await rowMessages(page)).join("|") === "INFO alpha one|INFO alpha two",
  );
  assert.equal(await page.textContent("#state"), "paused");
  await page.selectOption("#level", "warn");
  await waitFor("no line", async () => (await rowMessages(page)).length === 0);
  assert.match((await page.textContent("#empty")) ?? "", /No line matches alpha, level ≥ warn/);
  assert.deepEqual(errors, []);
  await close();
});

test("a filter changed while paused in a long stream ends the view at the newest match, above the jump control", async () => {
  const stream = fresh();
  await run.viewer.post(
    stream,
    Array.from({ length: 300 }, (_, i) => `INFO ${i % 2 === 0 ? "alpha" : "beta"} ${i} ${"words ".repeat(i % 9)}`).join(
      "\n",
    ),
  );
  const { page, errors, close } = await openPage(run.browser, `${run.viewer.url}/?stream=${stream}`);
  await waitFor("300 lines", async () => (await page.textContent("#matches")) === "300 lines");
  await page.click("#pause");
  await run.viewer.post(stream, "INFO beta while paused");
  await page.waitForSelector("#jump:not([hidden])");
  await page.fill("#q", "alpha");
  const newest = page.locator("#log .row .message", { hasText: /^INFO alpha 298 / });
  await newest.waitFor();
  await page.waitForTimeout(300);
  const row = await newest.boundingBox();
  const log = await page.locator("#log").boundingBox();
  const jump = await page.locator("#jump").boundingBox();
  assert.ok(row && log && jump);
  assert.ok(row.y >= log.y && row.y + row.height <= log.y + log.height, "the newest match is fully in view");
  assert.ok(row.y + row.height <= jump.y, "the newest match ends above the jump control");
  assert.equal(await page.textContent("#state"), "paused");
  assert.deepEqual(errors, []);
  await close();
});

test("clicking a field value or a level adds a term; with Alt, a negated one", async () => {
  const stream = fresh();
  await run.viewer.post(
    stream,
    [
      { level: "info", msg: "GET /a", status: 200, user: { plan: "pro plan" } },
      { level: "warn", msg: "GET /b", status: 404, user: { plan: "free" } },
      { level: "error", msg: "GET /c", status: 500, user: { plan: "pro plan" } },
    ]
      .map((line) => JSON.stringify(line))
      .join("\n"),
    "application/x-ndjson",
  );
  const { page, errors, close } = await openPage(run.browser, `${run.viewer.url}/?stream=${stream}`);
  await waitFor("3 lines", async () => (await rowMessages(page)).length === 3);
  const rowA = page.locator("#log .row", { hasText: "GET /a" });
  await rowA.locator(".message").click();
  await rowA.locator(".message").click();
  await rowA.locator(".detail .value", { hasText: "pro plan" }).click();
  await waitFor("the plan's lines", async () => (await rowMessages(page)).length === 2);
  assert.equal(await page.inputValue("#q"), 'user.plan:"pro plan"');
  await rowA.locator(".detail .value", { hasText: "200" }).click({ modifiers: ["Alt"] });
  await waitFor("one line", async () => (await rowMessages(page)).length === 1);
  assert.equal(await page.inputValue("#q"), 'user.plan:"pro plan" -status:200');
  await page.press("#q", "Escape");
  await waitFor("3 lines", async () => (await rowMessages(page)).length === 3);
  await page.locator("#log .row", { hasText: "GET /b" }).locator(".level").click();
  await waitFor("warn and above", async () => (await rowMessages(page)).length === 2);
  assert.equal(await page.inputValue("#q"), "level:>=warn");
  assert.deepEqual(errors, []);
  await close();
});

test("a search with no match says so and offers to search the whole stream", async () => {
  const stream = fresh();
  await run.viewer.post(stream, "INFO one\nINFO two");
  const { page, errors, close } = await openPage(run.browser, `${run.viewer.url}/?stream=${stream}&q=nowhere`);
  await page.waitForSelector("#empty:not([hidden])");
  assert.match((await page.textContent("#empty")) ?? "", /No line matches nowhere/);
  const button = page.locator("#empty button");
  await waitFor(
    "the stream's size on the button",
    async () => (await button.textContent()) === "Search all 2 lines in this stream",
  );
  await button.click();
  await waitFor("the answer", async () =>
    /No line in this stream matches either/.test((await page.textContent("#empty")) ?? ""),
  );
  assert.deepEqual(errors, []);
  await close();
});
