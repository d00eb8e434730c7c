// A row's layout in real Chromium: a level word further in a message is an ordinary word (the pill says the
// level), a text line's own timestamp is dimmed, a column is as wide as its values (numbers right-aligned), and
// the level column is left out until a row needs it, the header and the rows staying aligned.
import assert from "node:assert/strict";
import { test } from "node:test";
import { openPage, viewerAndBrowser, waitFor } from "./harness.mjs";

const run = viewerAndBrowser();

const fresh = () => `layout-${crypto.randomUUID().slice(0, 8)}`;
const ndjson = (/** @type {object[]} */ lines) => lines.map((line) => JSON.stringify(line)).join("\n");
const entries = (/** @type {import("playwright-core").Page} */ page) => page.locator("#log .row.entry").count();

test("a level word further in a message is an ordinary word: the pill shows the level, c copies it once", async () => {
  const stream = fresh();
  await run.viewer.post(
    stream,
    ndjson([
      { level: "error", msg: "unhandled error rendering order history" },
      { level: "info", msg: "INFO already said" },
    ]),
    "application/x-ndjson",
  );
  const { page, errors, close } = await openPage(run.browser, `${run.viewer.url}/?stream=${stream}`);
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: run.viewer.url });
  await waitFor("2 rows", async () => (await entries(page)) === 2);
  const rows = await page.$$eval("#log .row.entry", (nodes) =>
    nodes.map((row) => {
      const box = (/** @type {string} */ selector) => row.querySelector(selector)?.getBoundingClientRect();
      return {
        pill: row.querySelector(".level")?.textContent,
        pillRight: Math.round(box(".level")?.right ?? -1),
        word: row.querySelector(".message .lvl")?.textContent ?? null,
        body: Math.round(box(".body")?.left ?? -1),
      };
    }),
  );
  const [error, info] = rows;
  assert.equal(error?.pill, "error", "the pill says the level");
  assert.equal(error?.word, null, "the ordinary word is not coloured as the level");
  assert.ok((error?.body ?? 0) > (error?.pillRight ?? 0), "the message starts after the level column");
  assert.equal(info?.pill, "", "a message that starts with its level shows it once");
  assert.equal(info?.word, "INFO");
  assert.equal(error?.body, info?.body, "both messages start in the same column");

  await page.focus("#log");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("c");
  await waitFor("the info line copied", async () =>
    /Z INFO already said$/.test(await page.evaluate(() => navigator.clipboard.readText())),
  );
  await page.keyboard.press("ArrowUp");
  await page.keyboard.press("c");
  await waitFor("the error line copied", async () =>
    /Z ERROR unhandled error rendering order history$/.test(await page.evaluate(() => navigator.clipboard.readText())),
  );
  assert.deepEqual(errors, []);
  await close();
});

test("a text line's own timestamp, which the time column shows, is dimmed in its message; the text stays", async () => {
  const stream = fresh();
  const line = "2026-11-25 10:11:12,250 WARNING disk almost full";
  // Apart: a line without a time after one with a time would join its entry.
  await run.viewer.post(stream, line);
  await run.viewer.post(stream, "no time here");
  await run.viewer.post(
    stream,
    ndjson([{ time: "2026-11-25T10:00:00Z", msg: "2020-01-01 00:00:00 replayed, not this entry's time" }]),
    "application/x-ndjson",
  );
  const { page, errors, close } = await openPage(run.browser, `${run.viewer.url}/?stream=${stream}&tz=utc`);
  await waitFor("3 rows", async () => (await entries(page)) === 3);
  const rows = await page.$$eval("#log .row.entry", (nodes) =>
    nodes.map((row) => {
      const stamp = row.querySelector(".message .stamp");
      return {
        time: row.querySelector(".time")?.textContent,
        text: row.querySelector(".message")?.textContent,
        stamp: stamp?.textContent ?? null,
        stampColour: stamp ? getComputedStyle(stamp).color : null,
        timeColour: getComputedStyle(/** @type {Element} */ (row.querySelector(".time"))).color,
        textColour: getComputedStyle(/** @type {Element} */ (row.querySelector(".message"))).color,
      };
    }),
  );
  const [dated, plain, replayed] = rows;
  assert.match(dated?.time ?? "", /10:11:12\.250$/, "the time column shows the line's time");
  assert.equal(dated?.text, line, "the message keeps its text whole");
  assert.equal(dated?.stamp, "2026-11-25 10:11:12,250");
  assert.equal(dated?.stampColour, dated?.timeColour, "dimmed as the time column is");
  assert.notEqual(dated?.stampColour, dated?.textColour);
  assert.equal(plain?.stamp, null);
  assert.equal(replayed?.stamp, null, "a time that is not the entry's is not dimmed");
  assert.deepEqual(errors, []);
  await close();
});

test("a column is as wide as its values: a narrow one names its path's last segment, numbers right-aligned", async () => {
  const stream = fresh();
  await run.viewer.post(
    stream,
    ndjson([
      { level: "info", msg: "GET /a", http: { duration_ms: 123.4, path: "/a" } },
      { level: "info", msg: "GET /b", http: { duration_ms: 5, path: "/b/c" } },
    ]),
    "application/x-ndjson",
  );
  const url = `${run.viewer.url}/?stream=${stream}&cols=http.duration_ms,http.path`;
  const { page, errors, close } = await openPage(run.browser, url, { viewport: { width: 1440, height: 900 } });
  await waitFor("2 rows", async () => (await entries(page)) === 2);
  const grip = page.getByRole("separator", { name: "Resize column http.duration_ms" });
  const width = Number(await grip.getAttribute("aria-valuenow"));
  assert.ok(width <= 10, `sized to values of 5 characters, not to its 16-character name: ${width}ch`);
  const header = page.getByRole("columnheader", { name: "http.duration_ms", exact: true });
  assert.equal(await header.count(), 1, "the header is named for its whole path");
  assert.equal(await header.getAttribute("title"), "http.duration_ms");
  const shown = () =>
    header
      .locator(".colname-text")
      // biome-ignore lint/performance/useDomNodeTextContent: what is rendered is the point (the parents hide).
      .evaluate((node) => /** @type {HTMLElement} */ (node).innerText);
  assert.equal(await shown(), "duration_ms", "a narrow column names its last segment");

  const cells = await page.$$eval("#log .row.entry", (rows) =>
    rows.map((row) =>
      [...row.querySelectorAll(".col")].map((cell) => ({
        text: cell.textContent,
        align: getComputedStyle(cell).textAlign,
        figures: getComputedStyle(cell).fontVariantNumeric,
        // Where the text itself ends, not the cell's box.
        right: (() => {
          const range = document.createRange();
          range.selectNodeContents(cell);
          return Math.round(range.getBoundingClientRect().right);
        })(),
      })),
    ),
  );
  assert.deepEqual(
    cells.map((row) => row.map((cell) => [cell.text, cell.align])),
    [
      [
        ["123.4", "right"],
        ["/a", "start"],
      ],
      [
        ["5", "right"],
        ["/b/c", "start"],
      ],
    ],
  );
  assert.equal(cells[0]?.[0]?.figures, "tabular-nums");
  assert.equal(cells[0]?.[0]?.right, cells[1]?.[0]?.right, "numbers end at one edge");

  // A chosen width wins, and a column wide enough names its whole path.
  await grip.focus();
  await page.keyboard.press("End");
  assert.equal(Number(await grip.getAttribute("aria-valuenow")), 120);
  assert.equal(await shown(), "http.duration_ms");
  await waitFor("the width in the URL", async () =>
    new URL(page.url()).searchParams.get("cols")?.startsWith("http.duration_ms:120,"),
  );
  assert.deepEqual(errors, []);
  await close();
});

/** Left edges of the time, level, first column and body of every entry row and of the header's cells. */
const edges = (/** @type {import("playwright-core").Page} */ page) =>
  page.evaluate(() => {
    const left = (/** @type {Element | null} */ node) =>
      node && getComputedStyle(node).display !== "none" ? Math.round(node.getBoundingClientRect().left) : null;
    const headers = [...document.querySelectorAll("#colhead [role=columnheader]")];
    return {
      rows: [...document.querySelectorAll("#log .row.entry")].map((row) => ({
        level: left(row.querySelector(".level")),
        col: left(row.querySelector(".col")),
        body: left(row.querySelector(".body")),
        timeRight: Math.round(row.querySelector(".time")?.getBoundingClientRect().right ?? -1),
      })),
      head: {
        level: left(headers.find((cell) => cell.textContent === "Level") ?? null),
        col: left(document.querySelector("#colhead .colname")),
        message: left(headers.find((cell) => cell.textContent === "Message") ?? null),
      },
    };
  });

test("the level column is left out while no row shows a level pill, and comes back, aligned, when one does", async () => {
  const text = fresh();
  await run.viewer.post(text, "2026-11-25 10:11:12 status installed libc6:amd64 2.36\n2026-11-25 10:11:13 configure");
  const dpkg = await openPage(run.browser, `${run.viewer.url}/?stream=${text}`);
  await waitFor("2 rows", async () => (await entries(dpkg.page)) === 2);
  for (const row of (await edges(dpkg.page)).rows) {
    assert.equal(row.level, null, "no level column");
    const gap = (row.body ?? 0) - row.timeRight;
    assert.ok(gap < 15, `the message right after the time: ${gap}px`);
  }
  assert.deepEqual(dpkg.errors, []);
  await dpkg.close();

  const stream = fresh();
  await run.viewer.post(
    stream,
    ndjson([
      { level: "info", msg: "INFO says its level", user: { id: "u-1" } },
      { level: "error", msg: "ERROR: so does this one", user: { id: "u-2" } },
    ]),
    "application/x-ndjson",
  );
  const { page, errors, close } = await openPage(run.browser, `${run.viewer.url}/?stream=${stream}&cols=user.id`);
  await waitFor("2 rows", async () => (await entries(page)) === 2);
  let found = await edges(page);
  assert.equal(found.head.level, null, "the header has no level column either");
  for (const row of found.rows) {
    assert.equal(row.level, null);
    assert.equal(row.col, found.head.col, "each cell under its header");
    assert.equal(row.body, found.head.message);
  }
  const narrow = found.rows[0]?.col ?? 0;

  await run.viewer.post(
    stream,
    ndjson([{ level: "warn", msg: "disk low", user: { id: "u-3" } }]),
    "application/x-ndjson",
  );
  await waitFor("3 rows", async () => (await entries(page)) === 3);
  await waitFor("the level column", async () => (await edges(page)).head.level !== null);
  found = await edges(page);
  for (const row of found.rows) {
    assert.equal(row.level, found.head.level, "every row has the level column, under its header");
    assert.equal(row.col, found.head.col, "each cell under its header");
    assert.equal(row.body, found.head.message);
  }
  assert.ok((found.rows[0]?.col ?? 0) > narrow, "the columns moved right to make room for it");
  assert.equal(await page.locator("#log .row.entry .level", { hasText: "warn" }).count(), 1);

  // A filter to the lines that say their level themselves: the column goes again.
  await page.fill("#q", "says");
  await waitFor("1 row", async () => (await entries(page)) === 1);
  await waitFor("no level column", async () => (await edges(page)).head.level === null);
  found = await edges(page);
  assert.equal(found.rows[0]?.level, null);
  assert.equal(found.rows[0]?.col, narrow, "the columns back in their place");
  assert.deepEqual(errors, []);
  await close();
});
