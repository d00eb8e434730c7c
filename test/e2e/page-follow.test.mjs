// Follow mode in real Chromium: the newest line stays fully in view whatever the row heights, and only the
// reader's own acts stop or resume following.
import assert from "node:assert/strict";
import { test } from "node:test";
import { openPage, viewerAndBrowser, waitFor } from "./harness.mjs";

const run = viewerAndBrowser();

const fresh = () => `follow-${crypto.randomUUID().slice(0, 8)}`;

/** A line that is tall at any width: a stack trace, or a long wrapped message. */
/** @param {number} i */
function tallLine(i) {
  if (i % 3 === 0) {
    const stack = [
      "Error: failed",
      ...Array.from({ length: 4 + (i % 5) }, (_, k) => `    at f${k} (file${k}.js:${k})`),
    ];
    return JSON.stringify({ level: "error", msg: `trace ${i}`, err: { stack: stack.join("\n") } });
  }
  return JSON.stringify({ level: "info", msg: `line ${i} ${"wrapped words ".repeat(i % 4 === 0 ? 30 : 2)}` });
}

/**
 * Records in every frame whether the newest held line is fully in view and whether any two rows overlap (a row
 * placed at an estimated height would cover the next one's first lines). Each frame is checked twice: as painted
 * (after the list's ResizeObserver has placed the rows it measured: a probe observed later is told later), and
 * from the second frame on at its start, as a page script's own requestAnimationFrame loop would see it.
 * @param {import("playwright-core").Page} page
 */
async function watchFrames(page) {
  await page.evaluate(() => {
    const w = /** @type {any} */ (window);
    w.frames = { total: 0, bad: [], overlaps: 0, painted: 0 };
    /** @param {boolean} painted */
    const check = (painted) => {
      const log = /** @type {HTMLElement} */ (document.getElementById("log"));
      const rows = [...log.querySelectorAll(".row")].filter((row) => row instanceof HTMLElement);
      if (rows.length === 0) return;
      const newest = rows.reduce((a, b) => (Number(a.dataset.index) > Number(b.dataset.index) ? a : b));
      const box = log.getBoundingClientRect();
      const r = newest.getBoundingClientRect();
      if (painted) w.frames.painted++;
      else w.frames.total++;
      if (r.top < box.top - 1 || r.bottom > box.bottom + 1) {
        w.frames.bad.push({ painted, top: r.top, bottom: r.bottom, boxTop: box.top, boxBottom: box.bottom });
      }
      const boxes = rows.map((row) => row.getBoundingClientRect()).sort((a, b) => a.top - b.top);
      if (boxes.some((b, i) => i > 0 && (boxes[i - 1]?.bottom ?? 0) - b.top > 1)) w.frames.overlaps++;
    };
    // A probe resized every frame, so its observer (made after the list's) is told after the list placed its rows.
    const probe = document.createElement("div");
    probe.style.cssText = "position: fixed; top: 0; left: 0; height: 1px; pointer-events: none";
    document.body.append(probe);
    new ResizeObserver(() => check(true)).observe(probe);
    let frame = 0;
    const loop = () => {
      // The first frame may start with a render the page asked for before this loop existed.
      if (frame++ > 0) check(false);
      probe.style.width = `${1 + (frame % 2)}px`;
      w.frameLoop = requestAnimationFrame(loop);
    };
    w.frameLoop = requestAnimationFrame(loop);
  });
}

/**
 * After two more frames: many frames were watched, in none was the newest line out of view, and in none did
 * two rows overlap.
 * @param {import("playwright-core").Page} page
 */
async function assertFramesWatched(page) {
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  const frames = await page.evaluate(() => /** @type {any} */ (window).frames);
  assert.ok(frames.total > 20 && frames.painted > 20, `only ${frames.total} and ${frames.painted} frames were checked`);
  assert.deepEqual(
    frames.bad,
    [],
    `the newest line was not fully in view in ${frames.bad.length} of ${frames.total} frames`,
  );
  assert.equal(frames.overlaps, 0, `rows overlapped in ${frames.overlaps} of ${frames.total} frames`);
}

const badge = (/** @type {import("playwright-core").Page} */ page) => page.textContent("#state");
const newestText = (/** @type {import("playwright-core").Page} */ page) =>
  page.evaluate(() => {
    const rows = [...document.querySelectorAll("#log .row")].filter((row) => row instanceof HTMLElement);
    const newest =
      rows.length === 0 ? null : rows.reduce((a, b) => (Number(a.dataset.index) > Number(b.dataset.index) ? a : b));
    return newest?.querySelector(".message")?.textContent ?? null;
  });

/**
 * A stream of `count` tall lines (the newest, "line N", at any width) opened in a page at `query`, once live and
 * showing its newest line.
 * @param {number} count @param {string} query @param {import("playwright-core").BrowserContextOptions} [options]
 */
async function openTall(count, query = "", options = {}) {
  const stream = fresh();
  await run.viewer.post(
    stream,
    Array.from({ length: count }, (_, i) => tallLine(i)).join("\n"),
    "application/x-ndjson",
  );
  const opened = await openPage(run.browser, `${run.viewer.url}/?stream=${stream}${query}`, options);
  await opened.page.waitForSelector('#state[data-state="live"]');
  await waitFor("the newest line", async () => (await newestText(opened.page))?.startsWith(`line ${count - 1}`));
  return { stream, ...opened };
}

for (const width of [1440, 375]) {
  test(`at ${width} px, tall rows arriving for seconds keep the newest line fully in view after every frame`, async () => {
    // It opens at its newest line.
    const { stream, page, errors, close } = await openTall(300, "", {
      viewport: { width, height: width === 375 ? 667 : 800 },
    });
    await watchFrames(page);
    for (let i = 300; i < 360; i++) {
      await run.viewer.post(stream, tallLine(i), "application/x-ndjson");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await waitFor("the last line", async () => (await newestText(page))?.startsWith("line 359")).catch(
      async (error) => {
        throw new Error(`${error.message}; newest: ${await newestText(page)}, badge: ${await badge(page)}`);
      },
    );
    await assertFramesWatched(page);
    assert.equal(await badge(page), "live");
    assert.equal(await page.isHidden("#jump"), true, "nobody scrolled: no jump control");
    assert.ok((await page.locator("#log .row").count()) < 120, "only the rows near the viewport are in the DOM");
    assert.deepEqual(errors, []);
    await close();
  });
}

test("rows never overlap while a busy stream of tall rows arrives (a few new rows every frame)", async () => {
  const stream = fresh();
  const { page, errors, close } = await openPage(run.browser, `${run.viewer.url}/?stream=${stream}`);
  await page.waitForSelector('#state[data-state="live"]');
  await watchFrames(page);
  // About 200 lines/s in batches of 4: the view scrolls in every frame, and each frame brings new tall rows.
  for (let i = 0; i < 600; i += 4) {
    await run.viewer.post(stream, [i, i + 1, i + 2, i + 3].map(tallLine).join("\n"), "application/x-ndjson");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await waitFor("the last line", async () => (await newestText(page))?.startsWith("line 599"));
  await assertFramesWatched(page);
  assert.deepEqual(errors, []);
  await close();
});

test("the wheel stops following and the badge says paused; End, the jump control and scrolling back resume", async () => {
  const { stream, page, errors, close } = await openTall(200);
  await page.mouse.move(500, 400);
  await page.mouse.wheel(0, -600);
  await waitFor("paused", async () => (await badge(page)) === "paused");
  assert.equal(await page.getAttribute("#pause", "aria-pressed"), "true");
  await run.viewer.post(stream, "INFO while paused 1\nINFO while paused 2");
  await waitFor("the jump control to count 2", async () =>
    /^2 new lines/.test((await page.textContent("#jump")) ?? ""),
  );
  await page.keyboard.press("End");
  await waitFor("live again", async () => (await badge(page)) === "live");
  await waitFor("the new lines", async () => (await newestText(page)) === "INFO while paused 2");

  await page.mouse.wheel(0, -400);
  await waitFor("paused", async () => (await badge(page)) === "paused");
  await page.click("#jump");
  await waitFor("live after the jump control", async () => (await badge(page)) === "live");

  await page.mouse.move(500, 400);
  await page.mouse.wheel(0, -400);
  await waitFor("paused", async () => (await badge(page)) === "paused");
  for (let i = 0; i < 10 && (await badge(page)) === "paused"; i++) {
    await page.mouse.wheel(0, 2000);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  await waitFor("live after scrolling back to the bottom", async () => (await badge(page)) === "live");
  assert.deepEqual(errors, []);
  await close();
});

test("scrolling a paused view up through rows not yet measured keeps the line being read in place", async () => {
  const { page, errors, close } = await openTall(2000, "&tail=2000");
  await page.mouse.move(500, 400);
  /** The first row whose top is in view, and where it is. */
  const topRow = () =>
    page.evaluate(() => {
      const log = /** @type {HTMLElement} */ (document.getElementById("log"));
      const top = log.getBoundingClientRect().top;
      const rows = [...log.querySelectorAll(".row")]
        .filter((row) => row instanceof HTMLElement)
        .map((row) => ({ id: row.dataset.id ?? "", y: row.getBoundingClientRect().top - top }))
        .filter((row) => row.y >= 0)
        .sort((a, b) => a.y - b.y);
      return rows[0] ?? null;
    });
  /** Where the row with this id is now, from the top of the log. */
  const rowY = (/** @type {string} */ id) =>
    page.evaluate((id) => {
      const log = /** @type {HTMLElement} */ (document.getElementById("log"));
      const row = log.querySelector(`.row[data-id="${id}"]`);
      return row ? row.getBoundingClientRect().top - log.getBoundingClientRect().top : null;
    }, id);
  const moves = [];
  for (let step = 0; step < 25; step++) {
    const before = await topRow();
    assert.ok(before, "a row is in view");
    await page.mouse.wheel(0, -300);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const after = await rowY(before.id);
    // The rows above it are measured as they come into view; the row read before moves down by the wheel's 300 px.
    if (after !== null && Math.abs(after - before.y - 300) > 2)
      moves.push({ id: before.id, from: before.y, to: after });
  }
  assert.equal(await badge(page), "paused");
  assert.deepEqual(moves, [], "a row jumped while the rows above it were measured");
  assert.deepEqual(errors, []);
  await close();
});

test("a paused view that is read while the oldest lines leave the page keeps every row where it belongs", async () => {
  // Room for 300 lines: every new line evicts the oldest, and the paused view's rows move up under the reader.
  const { stream, page, errors, close } = await openTall(300, "&max=300");
  await page.mouse.move(500, 400);
  await page.mouse.wheel(0, -200);
  await waitFor("paused", async () => (await badge(page)) === "paused");
  // Lines arrive while the reader scrolls up (only up: back at the bottom the view would follow again); some
  // frames render the view before they take the new lines.
  const sending = (async () => {
    for (let i = 300; i < 600; i += 3) {
      await run.viewer.post(stream, [i, i + 1, i + 2].map(tallLine).join("\n"), "application/x-ndjson");
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  for (let i = 0; i < 60; i++) {
    await page.mouse.wheel(0, -60);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  await sending;
  await new Promise((resolve) => setTimeout(resolve, 500));
  // Rows next to each other in the list touch on the screen: none over another, no gap between them.
  const misplaced = await page.evaluate(() => {
    const rows = [...document.querySelectorAll("#log .row")]
      .filter((row) => row instanceof HTMLElement)
      .map((row) => ({ index: Number(row.dataset.index), box: row.getBoundingClientRect() }))
      .sort((a, b) => a.index - b.index);
    return rows
      .filter((row, i) => {
        const previous = rows[i - 1];
        return (
          previous !== undefined && previous.index === row.index - 1 && Math.abs(row.box.top - previous.box.bottom) > 1
        );
      })
      .map((row) => row.index);
  });
  assert.deepEqual(misplaced, [], "rows not where the list says they are");
  assert.equal(await badge(page), "paused");
  assert.deepEqual(errors, []);
  await close();
});

test("Pause and p hold the view; selecting text stops following", async () => {
  const stream = fresh();
  const { page, errors, close } = await openPage(run.browser, `${run.viewer.url}/?stream=${stream}`);
  await page.waitForSelector('#state[data-state="live"]');
  await run.viewer.post(stream, "one\ntwo");
  await waitFor("two lines", async () => (await page.locator("#log .row").count()) === 2);
  await page.keyboard.press("p");
  assert.equal(await badge(page), "paused");
  await run.viewer.post(stream, "three");
  await waitFor("1 new line", async () => /^1 new line/.test((await page.textContent("#jump")) ?? ""));
  assert.equal(await page.locator("#log .row").count(), 2, "a paused view holds still");
  await page.keyboard.press("p");
  await waitFor("three lines", async () => (await page.locator("#log .row").count()) === 3);
  assert.equal(await badge(page), "live");

  const message = page.locator("#log .row .message", { hasText: "two" });
  const box = await message.boundingBox();
  assert.ok(box);
  await page.mouse.move(box.x + 1, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width - 1, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  await waitFor("paused by the selection", async () => (await badge(page)) === "paused");
  assert.deepEqual(errors, []);
  await close();
});
