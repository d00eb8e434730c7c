// A stream deleted while the page shows it, in real Chromium: a single stream's view says so and stops
// following (a line sent afterwards, which starts the stream afresh, does not appear); a merged view names the
// deleted stream and goes on with the others.
import assert from "node:assert/strict";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { openPage, rowMessages, viewerAndBrowser, waitFor } from "./harness.mjs";

const run = viewerAndBrowser({ vars: { RATE_LIMIT_PER_SECOND: "0" } });

const fresh = (name = "deleted") => `${name}-${crypto.randomUUID().slice(0, 8)}`;

/** @param {string} stream */
async function remove(stream) {
  const response = await fetch(`${run.viewer.url}/api/streams/${stream}`, { method: "DELETE" });
  assert.equal(response.status, 204, await response.text());
}

test("a deleted stream's page says it was deleted and stops following", async () => {
  const stream = fresh();
  await run.viewer.post(stream, "INFO before");
  const { page, errors, close } = await openPage(run.browser, `${run.viewer.url}/?stream=${stream}`);
  await waitFor("live", async () => (await page.textContent("#state")) === "live");
  await waitFor("the line", async () => (await rowMessages(page)).includes("INFO before"));
  await remove(stream);
  await waitFor("the badge says deleted", async () => (await page.getAttribute("#state", "data-state")) === "deleted");
  assert.match((await page.textContent("#state")) ?? "", /this stream was deleted; no longer following/);
  // A reconnect would have picked this up within its one-second wait: the page no longer follows.
  await run.viewer.post(stream, "INFO after");
  await sleep(3000);
  assert.deepEqual(await rowMessages(page), ["INFO before"], "the lines held stay; no new one arrives");
  assert.equal(await page.getAttribute("#state", "data-state"), "deleted");
  // A new query filters the lines held, and does not follow the stream again.
  await page.fill("#q", "before");
  await page.keyboard.press("Enter");
  await sleep(2000);
  assert.equal(await page.getAttribute("#state", "data-state"), "deleted");
  assert.deepEqual(errors, []);
  await close();
});

test("a merged view names the deleted stream and goes on with the others", async () => {
  const a = fresh("gone");
  const b = fresh("stays");
  await run.viewer.post(a, "INFO a one");
  await run.viewer.post(b, "INFO b one");
  const { page, errors, close } = await openPage(run.browser, `${run.viewer.url}/?stream=${a},${b}`);
  await waitFor("both lines", async () => (await rowMessages(page)).length === 2);
  await waitFor("live", async () => (await page.textContent("#state")) === "live");
  await remove(a);
  await waitFor("the badge names the deleted stream", async () =>
    ((await page.textContent("#state")) ?? "").includes(`the stream ${a} was deleted; the others go on`),
  );
  assert.equal(await page.getAttribute("#state", "data-state"), "live");
  await run.viewer.post(b, "INFO b two");
  await waitFor("the other stream's new line", async () => (await rowMessages(page)).includes("INFO b two"));
  assert.deepEqual(errors, []);
  await close();
});
