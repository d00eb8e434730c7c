// Finding one's way in real Chromium: the stream list, the switcher, empty states that say what to do, and the
// page on a phone.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { test } from "node:test";
import { openPage, rowMessages, viewerAndBrowser, waitFor } from "./harness.mjs";

const run = viewerAndBrowser();

const fresh = () => `nav-${crypto.randomUUID().slice(0, 8)}`;

/** Runs a shell-quoted curl command as the reader would paste it (single quotes only). */
/** @param {string} command */
function runCurl(command) {
  const args = [...command.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? "");
  assert.equal(args.shift(), "curl");
  execFileSync("curl", ["-sS", "--fail", ...args]);
}

test("the landing page lists the streams, opens one, and says how to send a first line", async () => {
  const stream = fresh();
  await run.viewer.post(stream, "INFO listed");
  const { page, errors, close } = await openPage(run.browser, `${run.viewer.url}/`);
  await page.waitForSelector("#landing:not([hidden])");
  const command = (await page.textContent("#landing-curl")) ?? "";
  assert.equal(
    command,
    `curl -H 'Content-Type: text/plain' --data-binary 'INFO hello from curl' ${run.viewer.url}/api/streams/my-app/logs`,
  );
  const link = page.locator("#stream-links a", { hasText: stream });
  await waitFor("the stream in the list", async () => (await link.count()) === 1, 15_000);
  await link.click();
  await page.waitForSelector("#log .row");
  assert.deepEqual(await rowMessages(page), ["INFO listed"]);
  assert.match(page.url(), new RegExp(`[?&]stream=${stream}`));
  await page.click("#home");
  await page.waitForSelector("#landing:not([hidden])");
  await page.fill("#pick-name", stream);
  await page.press("#pick-name", "Enter");
  await page.waitForSelector("#log .row");
  assert.deepEqual(errors, []);
  await close();
});

test("the header's switcher types ahead over the stream list and opens another stream", async () => {
  const one = fresh();
  const two = fresh();
  await run.viewer.post(one, "INFO in one");
  await run.viewer.post(two, "INFO in two");
  const { page, errors, close } = await openPage(run.browser, `${run.viewer.url}/?stream=${one}`);
  await page.waitForSelector("#log .row");
  assert.equal(await page.inputValue("#switch-name"), one);
  await waitFor(
    "the streams offered",
    async () =>
      (await page.$$eval("#stream-list option", (options) => options.map((o) => o.getAttribute("value")))).includes(
        two,
      ),
    15_000,
  );
  await page.fill("#switch-name", two);
  await page.press("#switch-name", "Enter");
  await page.waitForURL(new RegExp(`[?&]stream=${two}`));
  await page.waitForSelector("#log .row");
  assert.deepEqual(await rowMessages(page), ["INFO in two"]);
  assert.deepEqual(errors, []);
  await close();
});

test("a stream with no lines says so and shows the exact command that sends one; it works", async () => {
  const stream = fresh();
  const { page, errors, close } = await openPage(run.browser, `${run.viewer.url}/?stream=${stream}`);
  await page.waitForSelector("#empty:not([hidden])");
  assert.match((await page.textContent("#empty")) ?? "", /^No lines yet — send one:/);
  const command = (await page.textContent("#empty code")) ?? "";
  assert.equal(
    command,
    `curl -H 'Content-Type: text/plain' --data-binary 'INFO hello from curl' ${run.viewer.url}/api/streams/${stream}/logs`,
  );
  runCurl(command);
  await waitFor("the line sent with it", async () => (await rowMessages(page)).length === 1);
  assert.equal(await page.isHidden("#empty"), true);
  assert.deepEqual(errors, []);
  await close();
});

test("on a phone: a compact header, no sideways scrolling, copy from a tapped row, and a jump control that never covers the newest line", async () => {
  const stream = fresh();
  await run.viewer.post(
    stream,
    Array.from({ length: 80 }, (_, i) => `INFO phone line ${i} with some words to wrap`).join("\n"),
  );
  const { page, errors, close } = await openPage(run.browser, `${run.viewer.url}/?stream=${stream}`, {
    viewport: { width: 375, height: 667 },
    hasTouch: true,
    isMobile: true,
  });
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: run.viewer.url });
  await waitFor("the newest line", async () =>
    (await rowMessages(page)).includes("INFO phone line 79 with some words to wrap"),
  );
  const header = await page.locator("header").boundingBox();
  assert.ok(header && header.height <= 667 * 0.3, `the header takes ${header?.height}px of 667`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow}px wider than the screen`);

  const row = page.locator("#log .row", { hasText: "phone line 78 " });
  await row.locator(".message").tap();
  const copy = row.locator(".copy");
  assert.ok(await copy.isVisible(), "the tapped row shows its copy control");
  await copy.tap();
  await waitFor("the clipboard", async () =>
    /INFO phone line 78 with some words to wrap$/.test(await page.evaluate(() => navigator.clipboard.readText())),
  );

  // Paused at the bottom: the jump control sits below the newest line, not over it.
  await page.click("#pause");
  await run.viewer.post(stream, "INFO phone line 80 while paused");
  await page.waitForSelector("#jump:not([hidden])");
  await page.mouse.move(200, 400);
  await page.mouse.wheel(0, 5000);
  await waitFor("the bottom", () =>
    page.$eval("#log", (log) => log.scrollHeight - log.scrollTop - log.clientHeight < 2),
  );
  await page.waitForTimeout(100);
  assert.equal(await page.textContent("#state"), "paused", "Pause holds even at the bottom");
  const jump = await page.locator("#jump").boundingBox();
  const newest = await page.locator("#log .row", { hasText: "phone line 79 " }).boundingBox();
  assert.ok(jump && newest);
  assert.ok(newest.y + newest.height <= jump.y, "the newest line ends above the jump control");
  assert.deepEqual(errors, []);
  await close();
});

test("scrolling up past the first line held loads the older lines, and the view stays where it was", async () => {
  const stream = fresh();
  await run.viewer.post(stream, Array.from({ length: 300 }, (_, i) => `INFO old line ${i}`).join("\n"));
  const { page, errors, close } = await openPage(run.browser, `${run.viewer.url}/?stream=${stream}&tail=50`);
  await waitFor("50 lines", async () => (await page.textContent("#matches")) === "50 lines");
  await page.mouse.move(400, 400);
  for (let i = 0; i < 20 && (await page.textContent("#matches")) === "50 lines"; i++) {
    await page.mouse.wheel(0, -3000);
    await page.waitForTimeout(150);
  }
  await waitFor("the older lines", async () => (await page.textContent("#matches")) === "300 lines");
  assert.equal(await page.textContent("#state"), "paused");
  const first = page.locator("#log .row .message", { hasText: /^INFO old line 250$/ });
  const box = await first.boundingBox();
  const log = await page.locator("#log").boundingBox();
  // In view: at least half of it (the jumps this guards against are tens of pixels and more).
  assert.ok(
    box && log && box.y + box.height / 2 >= log.y && box.y < log.y + log.height,
    `the line that was first is still in view (its top at ${box?.y}, the log's at ${log?.y})`,
  );
  assert.deepEqual(errors, []);
  await close();
});
