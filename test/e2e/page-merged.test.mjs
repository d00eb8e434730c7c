// Several streams in one view, in real Chromium: one connection to /api/events, each line tagged with its
// stream in a colour by its place in the view, a tag click filters, and a restart of the server resumes every stream with
// no line repeated or lost.
import assert from "node:assert/strict";
import { test } from "node:test";
import { openPage, viewerAndBrowser, waitFor } from "./harness.mjs";

// A small ring: lines sent while a view is away can leave it, and the view must say which stream missed them.
const run = viewerAndBrowser({ vars: { RING_SIZE: "50", RATE_LIMIT_PER_SECOND: "0" } });

const fresh = (name = "merged") => `${name}-${crypto.randomUUID().slice(0, 8)}`;

/** @param {import("playwright-core").Page} page @returns {Promise<Array<[string, string]>>} stream and message */
const rows = (page) =>
  page.$$eval("#log .row.entry", (nodes) =>
    nodes.map((node) => [
      node.querySelector(".tag")?.textContent ?? "",
      node.querySelector(".message")?.textContent ?? "",
    ]),
  );

test("a merged view shows both streams' lines over one connection, tagged in a colour that stays", async () => {
  const a = fresh("alpha");
  const b = fresh("beta");
  await run.viewer.post(a, "INFO a one\nINFO a two");
  await run.viewer.post(b, "WARN b one");
  const { page, errors, close } = await openPage(run.browser, `${run.viewer.url}/?stream=${a},${b}`);
  /** @type {string[]} */
  const events = [];
  page.on("request", (request) => {
    if (request.url().includes("/events")) events.push(request.url());
  });
  await page.reload();
  await waitFor("three lines", async () => (await rows(page)).length === 3);
  assert.deepEqual((await rows(page)).map(([stream]) => stream).sort(), [a, a, b].sort());
  await run.viewer.post(b, "ERROR b two");
  await run.viewer.post(a, "INFO a three");
  await waitFor("five lines", async () => (await rows(page)).length === 5);
  assert.equal(events.length, 1, `one connection for both streams: ${events.join(" ")}`);
  assert.match(events[0] ?? "", /\/api\/events\?.*streams=/);
  assert.equal(await page.textContent("#title"), `Streams ${a}, ${b}`);
  assert.deepEqual(await page.$$eval("#selection .tag", (nodes) => nodes.map((node) => node.textContent)), [a, b]);

  // The same stream has the same colour on every line and in the header; the two streams' differ.
  const colours = await page.$$eval("#log .tag, #selection .tag", (nodes) =>
    nodes.map((node) => [node.textContent, getComputedStyle(node).backgroundColor]),
  );
  const byStream = new Map();
  for (const [stream, colour] of colours) {
    if (byStream.has(stream)) assert.equal(byStream.get(stream), colour, `${stream} keeps its colour`);
    byStream.set(stream, colour);
  }
  assert.equal(byStream.size, 2);

  // A click on a tag filters to its stream.
  await page.locator("#log .row", { hasText: "b one" }).locator(".tag").click();
  await waitFor("b's lines only", async () => (await rows(page)).length === 2);
  assert.equal(await page.inputValue("#q"), `stream:${b}`);
  assert.deepEqual(
    (await rows(page)).map(([, message]) => message),
    ["WARN b one", "ERROR b two"],
  );
  assert.deepEqual(errors, []);
  await close();
});

test("a prefix shows every stream under it, also one that appears later", async () => {
  const team = fresh("team");
  await run.viewer.post(`${team}.api`, "INFO from api");
  const { page, errors, close } = await openPage(run.browser, `${run.viewer.url}/?stream=${team}.*`);
  await waitFor("the api line", async () => (await rows(page)).length === 1);
  await run.viewer.post(`${team}.web`, "INFO from web");
  await waitFor("the new stream's line", async () => (await rows(page)).length === 2, 30_000);
  assert.deepEqual(
    (await rows(page)).map(([stream]) => stream),
    [`${team}.api`, `${team}.web`],
  );
  // Streams a prefix brings in take hues by order of appearance: two of them never share one.
  const hues = await page.$$eval("#log .row.entry .tag", (nodes) => nodes.map((node) => node.className));
  assert.deepEqual(hues, ["tag h0", "tag h1"]);
  assert.deepEqual(errors, []);
  await close();
});

test("after a restart of the server both streams resume with no line repeated or missing", async () => {
  const a = fresh("ra");
  const b = fresh("rb");
  await run.viewer.post(a, "INFO a 1\nINFO a 2");
  await run.viewer.post(b, "INFO b 1");
  const { page, errors, close } = await openPage(run.browser, `${run.viewer.url}/?stream=${a},${b}`);
  await waitFor("three lines", async () => (await rows(page)).length === 3);
  await waitFor("live", async () => (await page.textContent("#state")) === "live");
  await run.viewer.restart();
  // Lines sent while the page reconnects: it must get each once.
  await run.viewer.post(a, "INFO a 3\nINFO a 4");
  await run.viewer.post(b, "INFO b 2");
  await waitFor("the lines sent meanwhile", async () => (await rows(page)).length === 6, 30_000);
  await run.viewer.post(b, "INFO b 3");
  await waitFor("every line", async () => (await rows(page)).length === 7, 30_000);
  const messages = (await rows(page)).map(([stream, message]) => `${stream === a ? "A" : "B"} ${message}`);
  assert.deepEqual([...messages].sort(), [
    "A INFO a 1",
    "A INFO a 2",
    "A INFO a 3",
    "A INFO a 4",
    "B INFO b 1",
    "B INFO b 2",
    "B INFO b 3",
  ]);
  assert.match((await page.textContent("#log .row.mark")) ?? "", /every stream resumed where it stopped/);
  assert.deepEqual(errors, []);
  await close();
});

test("the switcher's Several… list opens the ticked streams together; Escape closes it", async () => {
  const a = fresh("pick");
  const b = fresh("pick");
  await run.viewer.post(a, "INFO from a");
  await run.viewer.post(b, "INFO from b");
  const { page, errors, close } = await openPage(run.browser, `${run.viewer.url}/?stream=${a}`);
  await waitFor("a's line", async () => (await page.locator("#log .row").count()) === 1);
  assert.equal(await page.locator("#log .tag").count(), 0, "a single stream's lines carry no tag");
  await page.click("#several summary");
  await waitFor("the stream list", async () => (await page.locator(`#several-list input[value="${b}"]`).count()) === 1);
  assert.ok(await page.isChecked(`#several-list input[value="${a}"]`), "the stream shown is ticked");
  await page.keyboard.press("Escape");
  assert.equal(await page.getAttribute("#several", "open"), null);
  assert.equal(await page.evaluate(() => document.activeElement?.tagName), "SUMMARY");
  await page.click("#several summary");
  await page.check(`#several-list input[value="${b}"]`);
  await page.click("#several-form button[type=submit]");
  await waitFor("both streams", async () => (await rows(page)).length === 2);
  assert.deepEqual((new URL(page.url()).searchParams.get("stream") ?? "").split(",").sort(), [a, b].sort());
  assert.deepEqual(
    (await rows(page)).map(([stream]) => stream),
    [a, b],
  );
  assert.deepEqual(errors, []);
  await close();
});

test("lines one stream lost while the view was away are marked as that stream's gap", async () => {
  const a = fresh("ga");
  const b = fresh("gb");
  await run.viewer.post(a, "INFO a 1");
  await run.viewer.post(b, "INFO b 1");
  const { page, errors, close } = await openPage(run.browser, `${run.viewer.url}/?stream=${a},${b}`, {
    // Tall enough for every row to be in the DOM.
    viewport: { width: 1100, height: 2400 },
  });
  await waitFor("two lines", async () => (await rows(page)).length === 2);
  await waitFor("live", async () => (await page.textContent("#state")) === "live");
  // The view stays away (its reconnections refused) while 60 lines go to a: ids 2–11 leave the 50-line ring.
  await page.route("**/api/events?**", (route) => route.abort());
  await run.viewer.restart();
  await run.viewer.post(a, Array.from({ length: 60 }, (_, i) => `INFO a fill ${i + 2}`).join("\n"));
  await run.viewer.post(b, "INFO b 2");
  await page.unroute("**/api/events?**");
  await waitFor("the lines after the gap", async () => (await page.textContent("#matches")) === "53 lines", 60_000);
  const readMarks = () => page.$$eval("#log .row.mark", (nodes) => nodes.map((node) => node.textContent));
  // The marks are the view's oldest rows: a frame out of time builds them in the next one.
  await waitFor("both marks, resumed", async () => {
    const now = await readMarks();
    return now.length === 2 && now.some((text) => text?.includes("missed") && !text.includes("disconnected"));
  });
  const marks = await readMarks();
  assert.equal(marks.length, 2, marks.join(" | "));
  assert.match(marks.find((text) => text?.includes("disconnected")) ?? "", /every stream resumed where it stopped/);
  assert.equal(
    marks.find((text) => text?.includes("missed")),
    `${a} ⚠ 10 lines of ${a} missed (ids 2–11): they left the buffer before this view could read them`,
  );
  assert.equal(await page.locator("#log .row.gap .tag").textContent(), a);
  assert.deepEqual(errors, []);
  await close();
});
