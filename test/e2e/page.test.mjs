// The page in real Chromium against `wrangler dev`: the everyday features of tailing a stream.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { headerAction, openPage, rowMessages, viewerAndBrowser, waitFor } from "./harness.mjs";

const run = viewerAndBrowser();

const fresh = () => `e2e-${crypto.randomUUID().slice(0, 8)}`;

test("lines posted over HTTP appear in order, as text, with time, the level once, and fields", async () => {
  const stream = fresh();
  const { page, errors, close } = await openPage(run.browser, `${run.viewer.url}/?stream=${stream}`);
  await page.waitForSelector('#state[data-state="live"]');
  const xss = "<img src=x onerror=alert(1)>";
  await run.viewer.post(stream, `INFO first\n${xss}\nERROR third`);
  await run.viewer.post(
    stream,
    JSON.stringify({ level: "warn", msg: "with fields", user: "ann", n: 3 }),
    "application/json",
  );
  await waitFor("4 rows", async () => (await rowMessages(page)).length === 4);
  assert.deepEqual(await rowMessages(page), ["INFO first", xss, "ERROR third", "with fields"]);
  assert.equal(await page.locator("#log img").count(), 0, "the log line must not become an element");
  const levels = await page.$$eval("#log .row .level", (nodes) => nodes.map((node) => node.textContent));
  assert.deepEqual(levels, ["", "", "", "warn"], "a message that starts with its level word carries it already");
  assert.match((await page.textContent("#log .row .time")) ?? "", /^\d\d:\d\d:\d\d\.\d{3}$/);
  assert.equal(await page.textContent("#log .row:nth-child(4) .fields"), " user=ann n=3");
  await page.click("#log .row:nth-child(4) .message");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#log .row .detail");
  const tree = await page.$$eval("#log .row .detail .leaf", (leaves) =>
    leaves.map((leaf) => [leaf.querySelector(".key")?.textContent, leaf.querySelector(".value")?.textContent]),
  );
  assert.deepEqual(
    tree,
    [
      ["user", "ann"],
      ["n", "3"],
    ],
    "each field once, in the expansion's tree",
  );
  await page.keyboard.press("Enter");
  await waitFor("the row collapsed", async () => (await page.locator("#log .row .detail").count()) === 0);
  await page.click("#log .row:nth-child(4) .message");
  await waitFor("a second click expands it", async () => (await page.locator("#log .row .detail").count()) === 1);
  assert.deepEqual(errors, []);
  await close();
});

test("filters by level and query on the server and in the page, keeps them in the URL, and highlights matches", async () => {
  const stream = fresh();
  const body = ["DEBUG cache timeout ignored", "WARN request timeout", "ERROR disk full", "INFO Timeout retried"];
  await run.viewer.post(stream, body.join("\n"));
  const { page, errors, close } = await openPage(
    run.browser,
    `${run.viewer.url}/?stream=${stream}&level=warn&q=timeout`,
  );
  await waitFor("the filtered line", async () => (await rowMessages(page)).length === 1);
  assert.deepEqual(await rowMessages(page), ["WARN request timeout"]);
  assert.equal(await page.textContent("#log mark"), "timeout");
  assert.equal(await page.inputValue("#level"), "warn");
  await page.selectOption("#level", "");
  await waitFor("every timeout line", async () => (await rowMessages(page)).length === 3);
  assert.match(page.url(), /[?&]q=timeout/);
  assert.doesNotMatch(page.url(), /level=/);
  await run.viewer.post(stream, "WARN another TIMEOUT\nWARN unrelated");
  await waitFor("the live match", async () => (await rowMessages(page)).length === 4);
  assert.equal((await rowMessages(page)).at(-1), "WARN another TIMEOUT");
  assert.deepEqual(errors, []);
  await close();
});

test("Download saves what the page holds as NDJSON; Clear empties the view", async () => {
  const stream = fresh();
  await run.viewer.post(stream, "a\nb");
  const { page, errors, close } = await openPage(run.browser, `${run.viewer.url}/?stream=${stream}`);
  await waitFor("two lines", async () => (await rowMessages(page)).length === 2);
  const [download] = await Promise.all([page.waitForEvent("download"), headerAction(page, "#download")]);
  const saved = readFileSync(/** @type {string} */ (await download.path()), "utf8")
    .trim()
    .split("\n");
  assert.deepEqual(
    saved.map((line) => JSON.parse(line).message),
    ["a", "b"],
  );
  await headerAction(page, "#clear");
  await waitFor("an empty view", async () => (await rowMessages(page)).length === 0);
  await run.viewer.post(stream, "c");
  await waitFor("the next line", async () => (await rowMessages(page)).length === 1);
  assert.deepEqual(await rowMessages(page), ["c"]);
  assert.deepEqual(errors, []);
  await close();
});

test("a reconnect after the server restarts resumes with no duplicate and no missing line, and marks the outage", async () => {
  const stream = fresh();
  const { page, errors, close } = await openPage(run.browser, `${run.viewer.url}/?stream=${stream}`);
  await page.waitForSelector('#state[data-state="live"]');
  await run.viewer.post(stream, "a1\na2\na3");
  await waitFor("the first lines", async () => (await rowMessages(page)).length === 3);
  await run.viewer.restart();
  await run.viewer.post(stream, "b1\nb2");
  await waitFor("the lines posted after the restart", async () => (await rowMessages(page)).length >= 5, 20_000);
  await page.waitForSelector('#state[data-state="live"]');
  await run.viewer.post(stream, "c1");
  await waitFor("the live line", async () => (await rowMessages(page)).length >= 6);
  assert.deepEqual(await rowMessages(page), ["a1", "a2", "a3", "b1", "b2", "c1"]);
  const ids = await page.$$eval("#log .row.entry", (nodes) => nodes.map((node) => Number(node.dataset.id)));
  assert.deepEqual(ids, [1, 2, 3, 4, 5, 6]);
  const marks = await page.$$eval("#log .row.mark", (nodes) => nodes.map((node) => node.textContent));
  assert.equal(marks.length, 1);
  assert.match(marks[0] ?? "", /^disconnected \d\d:\d\d:\d\d–\d\d:\d\d:\d\d, nothing missed$/);
  const order = await page.$$eval("#log .row", (nodes) =>
    nodes.map((node) => (node.classList.contains("mark") ? "mark" : node.textContent?.includes("a3") ? "a3" : "")),
  );
  assert.equal(order.indexOf("mark"), order.indexOf("a3") + 1, "the mark is where the outage happened");
  assert.deepEqual(errors, []);
  await close();
});

test("?access_token= is passed on, and ?tail= limits the backfill", async () => {
  const stream = fresh();
  await run.viewer.post(stream, Array.from({ length: 30 }, (_, i) => `line ${i}`).join("\n"));
  const { page, errors, close } = await openPage(
    run.browser,
    `${run.viewer.url}/?stream=${stream}&tail=5&access_token=t`,
  );
  await waitFor("five lines", async () => (await rowMessages(page)).length === 5);
  assert.deepEqual(await rowMessages(page), ["line 25", "line 26", "line 27", "line 28", "line 29"]);
  assert.deepEqual(errors, []);
  await close();
});
