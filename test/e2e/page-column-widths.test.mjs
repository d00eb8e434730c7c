// Column widths in real Chromium: a header's handle dragged by the pointer or moved by the keyboard widens the
// header and every row's cells together, the width is kept in the URL (`cols=path:width`) through new lines and a
// reload, a touch drag resizes too, a double-click or Enter sizes the column to its values again, and an old
// `cols=a,b` URL still works.
import assert from "node:assert/strict";
import { test } from "node:test";
import { openPage, viewerAndBrowser, waitFor } from "./harness.mjs";

const run = viewerAndBrowser();

const fresh = () => `widths-${crypto.randomUUID().slice(0, 8)}`;
const ndjson = (/** @type {number} */ from, /** @type {number} */ count) =>
  Array.from({ length: count }, (_, i) =>
    JSON.stringify({
      level: "info",
      msg: `line ${from + i}`,
      http: { status: 200 + i },
      user: { id: `u-${from + i}` },
    }),
  ).join("\n");

/** Left edge and width of a column's header and of its cell in every entry row, in px. @param {import("playwright-core").Page} page @param {string} path */
const boxes = (page, path) =>
  page.evaluate((path) => {
    const headers = [...document.querySelectorAll("[role=columnheader]")];
    const header = headers.find((cell) => cell.querySelector(".colname-text")?.textContent === path);
    const at = headers.filter((cell) => cell.classList.contains("colname")).indexOf(/** @type {Element} */ (header));
    const box = (/** @type {Element | null | undefined} */ node) => {
      const rect = node?.getBoundingClientRect();
      return rect ? [Math.round(rect.left), Math.round(rect.width)] : null;
    };
    return {
      header: box(header),
      cells: [...document.querySelectorAll("#log .row.entry")].map((row) => box(row.querySelectorAll(".col")[at])),
    };
  }, path);

/** The `cols` parameter of the page's URL. @param {import("playwright-core").Page} page */
const cols = (page) => new URL(page.url()).searchParams.get("cols");

/** @param {import("playwright-core").Page} page @param {string} path */
const handle = (page, path) => page.getByRole("separator", { name: `Resize column ${path}` });

/** Asserts every row's cell of the column is where its header is, as wide. */
function assertAligned(/** @type {Awaited<ReturnType<typeof boxes>>} */ found, /** @type {string} */ what) {
  for (const cell of found.cells) assert.deepEqual(cell, found.header, `${what}: cells under their header`);
}

test("dragging a column's handle widens its header and cells together, kept in the URL through new lines and a reload", async () => {
  const stream = fresh();
  await run.viewer.post(stream, ndjson(0, 3), "application/x-ndjson");
  const url = `${run.viewer.url}/?stream=${stream}&cols=http.status,user.id`;
  const { page, errors, close } = await openPage(run.browser, url, { viewport: { width: 1440, height: 900 } });
  await waitFor("3 rows", async () => (await page.locator("#log .row.entry").count()) === 3);
  const before = await boxes(page, "http.status");
  assertAligned(before, "before");
  const userBefore = await boxes(page, "user.id");

  assert.equal(await page.getByRole("columnheader", { name: "http.status", exact: true }).count(), 1);
  const grip = handle(page, "http.status");
  assert.equal(await grip.getAttribute("aria-orientation"), "vertical");
  const start = Number(await grip.getAttribute("aria-valuenow"));
  const box = await grip.boundingBox();
  assert.ok(box, "the handle is shown");
  const x = box.x + box.width / 2;
  const y = box.y + box.height / 2;
  await page.mouse.move(x, y);
  await page.mouse.down();
  for (let dx = 20; dx <= 100; dx += 20) await page.mouse.move(x + dx, y);
  await page.mouse.up();

  const after = await boxes(page, "http.status");
  assertAligned(after, "after the drag");
  const widthBefore = before.header?.[1] ?? 0;
  const widthAfter = after.header?.[1] ?? 0;
  assert.ok(
    Math.abs(widthAfter - widthBefore - 100) < 12,
    `100 px wider, to a whole character: ${widthBefore} → ${widthAfter}`,
  );
  const userAfter = await boxes(page, "user.id");
  assertAligned(userAfter, "the next column");
  assert.ok(
    (userAfter.header?.[0] ?? 0) - (userBefore.header?.[0] ?? 0) > 80,
    "the next column moved right with the edge",
  );
  const width = Number(await grip.getAttribute("aria-valuenow"));
  assert.ok(width > start + 8, `aria-valuenow grew: ${start} → ${width}`);
  await waitFor("the width in the URL", async () => cols(page) === `http.status:${width},user.id`);

  // New lines keep the chosen width.
  await run.viewer.post(stream, ndjson(3, 2), "application/x-ndjson");
  await waitFor("5 rows", async () => (await page.locator("#log .row.entry").count()) === 5);
  const later = await boxes(page, "http.status");
  assertAligned(later, "with new lines");
  assert.deepEqual(later.header, after.header, "the width survives new lines");

  await page.reload();
  await waitFor("5 rows after reload", async () => (await page.locator("#log .row.entry").count()) === 5);
  const reloaded = await boxes(page, "http.status");
  assertAligned(reloaded, "after reload");
  assert.deepEqual(reloaded.header, after.header, "the width survives a reload");
  assert.equal(Number(await handle(page, "http.status").getAttribute("aria-valuenow")), width);

  // A double-click sizes it to its values again.
  await handle(page, "http.status").dblclick();
  await waitFor("sized to its values", async () => cols(page) === "http.status,user.id");
  assert.deepEqual((await boxes(page, "http.status")).header, before.header, "back to its first width");
  assert.deepEqual(errors, []);
  await close();
});

test("the keyboard resizes a column from its focused handle; Enter sizes it to its values", async () => {
  const stream = fresh();
  await run.viewer.post(stream, ndjson(0, 2), "application/x-ndjson");
  const { page, errors, close } = await openPage(run.browser, `${run.viewer.url}/?stream=${stream}&cols=user.id`);
  await waitFor("2 rows", async () => (await page.locator("#log .row.entry").count()) === 2);
  const grip = handle(page, "user.id");
  const start = Number(await grip.getAttribute("aria-valuenow"));
  assert.match((await grip.getAttribute("aria-valuetext")) ?? "", /sized to its values/);
  assert.equal(Number(await grip.getAttribute("aria-valuemin")), 4);
  const before = await boxes(page, "user.id");
  await grip.focus();
  for (let i = 0; i < 4; i++) await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowLeft");
  assert.equal(Number(await grip.getAttribute("aria-valuenow")), start + 3);
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("role")), "separator", "focus stays");
  const after = await boxes(page, "user.id");
  assertAligned(after, "after the keys");
  assert.ok((after.header?.[1] ?? 0) > (before.header?.[1] ?? 0) + 10, "three characters wider");
  await waitFor("the width in the URL", async () => cols(page) === `user.id:${start + 3}`);
  // Shift moves by 8 (rightwards: a column sized to values of 3 characters is at the least width already).
  await page.keyboard.press("Shift+ArrowRight");
  assert.equal(Number(await grip.getAttribute("aria-valuenow")), start + 11);
  await page.keyboard.press("Shift+ArrowLeft");
  assert.equal(Number(await grip.getAttribute("aria-valuenow")), start + 3);
  // End widens the column to the most, not "follow the newest line".
  await page.keyboard.press("End");
  assert.equal(Number(await grip.getAttribute("aria-valuenow")), 120);
  await page.keyboard.press("Enter");
  assert.equal(Number(await grip.getAttribute("aria-valuenow")), start);
  await waitFor("no width in the URL", async () => cols(page) === "user.id");
  assert.deepEqual((await boxes(page, "user.id")).header, before.header);
  assert.deepEqual(errors, []);
  await close();
});

test("an old cols=a,b URL still shows its columns sized to their values; a width in the URL is kept", async () => {
  const stream = fresh();
  await run.viewer.post(stream, ndjson(0, 2), "application/x-ndjson");
  const opened = await openPage(run.browser, `${run.viewer.url}/?stream=${stream}&cols=user.id,http.status`);
  const { page } = opened;
  await waitFor("2 rows", async () => (await page.locator("#log .row.entry").count()) === 2);
  assert.deepEqual(await page.$$eval("#log .row.entry .col", (cells) => cells.map((cell) => cell.textContent)), [
    "u-0",
    "200",
    "u-1",
    "201",
  ]);
  assert.equal(cols(page), "user.id,http.status");
  assertAligned(await boxes(page, "http.status"), "old URL");
  assert.deepEqual(opened.errors, []);
  await opened.close();

  const sized = await openPage(run.browser, `${run.viewer.url}/?stream=${stream}&cols=user.id:30,http.status`);
  await waitFor("2 rows", async () => (await sized.page.locator("#log .row.entry").count()) === 2);
  assert.equal(Number(await handle(sized.page, "user.id").getAttribute("aria-valuenow")), 30);
  const px = await sized.page.evaluate(() => {
    const probe = document.createElement("span");
    probe.style.cssText = "position:absolute;width:30ch";
    document.getElementById("colhead")?.append(probe);
    return probe.getBoundingClientRect().width;
  });
  const found = await boxes(sized.page, "user.id");
  assertAligned(found, "a width from the URL");
  assert.ok(Math.abs((found.header?.[1] ?? 0) - px) <= 1, `30 characters wide: ${found.header?.[1]} vs ${px}`);
  assert.equal(cols(sized.page), "user.id:30,http.status");
  assert.deepEqual(sized.errors, []);
  await sized.close();
});

test("a touch drag on a handle resizes its column (the drag does not scroll the page)", async () => {
  const stream = fresh();
  await run.viewer.post(stream, ndjson(0, 2), "application/x-ndjson");
  const { page, errors, close } = await openPage(run.browser, `${run.viewer.url}/?stream=${stream}&cols=user.id`, {
    hasTouch: true,
    isMobile: true,
    viewport: { width: 375, height: 667 },
  });
  await waitFor("2 rows", async () => (await page.locator("#log .row.entry").count()) === 2);
  const grip = handle(page, "user.id");
  const start = Number(await grip.getAttribute("aria-valuenow"));
  const box = await grip.boundingBox();
  assert.ok(box, "the handle is shown");
  const x = Math.round(box.x + box.width / 2);
  const y = Math.round(box.y + box.height / 2);
  const cdp = await page.context().newCDPSession(page);
  const touch = (/** @type {"touchStart" | "touchMove" | "touchEnd"} */ type, /** @type {number} */ dx) =>
    cdp.send("Input.dispatchTouchEvent", {
      type,
      touchPoints: type === "touchEnd" ? [] : [{ x: x + dx, y, id: 1 }],
    });
  await touch("touchStart", 0);
  for (let dx = 10; dx <= 60; dx += 10) await touch("touchMove", dx);
  await touch("touchEnd", 60);
  const width = Number(await grip.getAttribute("aria-valuenow"));
  assert.ok(width > start + 4, `wider by touch: ${start} → ${width}`);
  assertAligned(await boxes(page, "user.id"), "after a touch drag");
  await waitFor("the width in the URL", async () => cols(page) === `user.id:${width}`);
  assert.deepEqual(errors, []);
  await close();
});
