// With READ_TOKEN set, the page asks for the token once, keeps it in a cookie, and then tails as usual.
import assert from "node:assert/strict";
import { test } from "node:test";
import { viewerAndBrowser, waitFor } from "./harness.mjs";

const run = viewerAndBrowser({ vars: { READ_TOKEN: "let-me-read", INGEST_TOKEN: "let-me-write" } });

test("the page asks for a read token once, then shows the stream", async () => {
  const stream = `signin-${crypto.randomUUID().slice(0, 8)}`;
  const context = await run.browser.newContext();
  const page = await context.newPage();
  await page.goto(`${run.viewer.url}/?stream=${stream}`);
  await page.waitForSelector("#signin:not([hidden])");
  await page.fill("#token", "wrong");
  await page.click("#signin button");
  await waitFor("the refusal", async () => ((await page.textContent("#signin-error")) ?? "").length > 0);
  await page.fill("#token", "let-me-read");
  await page.click("#signin button");
  await page.waitForSelector('#state[data-state="live"]');
  const response = await fetch(`${run.viewer.url}/api/streams/${stream}/logs`, {
    method: "POST",
    headers: { "Content-Type": "text/plain", Authorization: "Bearer let-me-write" },
    body: "secret line",
  });
  assert.equal(response.status, 202);
  await page.waitForSelector("#log .row");
  assert.equal(await page.textContent("#log .row .message"), "secret line");
  const cookies = await context.cookies();
  assert.ok(cookies.some((cookie) => cookie.name === "edge_tail_token" && cookie.httpOnly));

  // A second tab of the same browser needs no token.
  const again = await context.newPage();
  await again.goto(`${run.viewer.url}/?stream=${stream}`);
  await again.waitForSelector("#log .row");
  assert.equal(await again.isHidden("#signin"), true);
  await context.close();
});
