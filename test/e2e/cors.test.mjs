// What the README's Security section says about tokens, cookies and CORS, checked in Chromium from other
// origins: the viewer on 127.0.0.1, apps on localhost (another site) served by a Node server.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { after, before, test } from "node:test";
import { freePort, launchBrowser, startViewer, waitFor } from "./harness.mjs";

const READ = "reader-token";
const WRITE = "writer-token";
const OTHER = "other-team-token";

/** @type {Awaited<ReturnType<typeof startViewer>>} */
let viewer;
/** @type {import("playwright-core").Browser} */
let browser;
/** @type {import("node:http").Server[]} */
const servers = [];
let app = "";
let evil = "";

/**
 * Serves `html` for every path on localhost, a different site from the viewer's 127.0.0.1.
 * @param {(origin: string) => string} html
 */
async function serve(html) {
  const port = await freePort();
  const origin = `http://localhost:${port}`;
  const server = createServer((_, response) => {
    response.writeHead(200, { "Content-Type": "text/html" });
    response.end(html(origin));
  });
  await new Promise((resolve) => server.listen(port, "127.0.0.1", () => resolve(undefined)));
  servers.push(server);
  return origin;
}

before(async () => {
  app = await serve(() => "<!doctype html><title>app</title>");
  // The attacker's page: a text/plain form whose body reads as JSON carrying the attacker's own token.
  evil = await serve(
    () =>
      `<!doctype html><title>evil</title><form method="POST" enctype="text/plain"><input name='{"token":"${OTHER}","x":"' value='"}'></form>`,
  );
  viewer = await startViewer({
    vars: {
      READ_TOKEN: READ,
      INGEST_TOKEN: WRITE,
      STREAM_TOKENS: JSON.stringify({ "team-x.": OTHER }),
      ALLOWED_ORIGINS: app,
      HEARTBEAT_MS: "3000",
    },
  });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await viewer?.stop();
  for (const server of servers) server.close();
});

const fresh = () => `cors-${crypto.randomUUID().slice(0, 8)}`;

/** @param {string} stream @param {string} line */
async function write(stream, line) {
  const response = await fetch(`${viewer.url}/api/streams/${stream}/logs`, {
    method: "POST",
    headers: { "Content-Type": "text/plain", Authorization: `Bearer ${WRITE}` },
    body: line,
  });
  assert.equal(response.status, 202);
}

/**
 * Opens an EventSource in the page; resolves to the first log line's message, or "error" when it fails.
 * @param {import("playwright-core").Page} page @param {string} url @param {boolean} withCredentials
 */
function firstLine(page, url, withCredentials) {
  return page.evaluate(
    ([source, credentials]) =>
      new Promise((resolve) => {
        const events = new EventSource(source, { withCredentials: credentials });
        events.addEventListener("log", (event) => {
          events.close();
          resolve(JSON.parse(event.data).message);
        });
        events.onerror = () => {
          events.close();
          resolve("error");
        };
      }),
    /** @type {[string, boolean]} */ ([url, withCredentials]),
  );
}

/** Signs in on the viewer's own page, as a user would, so the context holds the viewer's cookie. */
async function signedInContext() {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${viewer.url}/`);
  const status = await page.evaluate(
    async (token) =>
      (
        await fetch("/api/session", {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ token }),
        })
      ).status,
    READ,
  );
  assert.equal(status, 200);
  await page.close();
  return context;
}

test("a listed origin reads with ?access_token= (EventSource) and writes with a Bearer header (fetch)", async () => {
  const stream = fresh();
  await write(stream, "hello across sites");
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(app);
  const url = `${viewer.url}/api/streams/${stream}/events?access_token=${READ}`;
  assert.equal(await firstLine(page, url, false), "hello across sites");
  const posted = await page.evaluate(
    async ([target, token]) =>
      (
        await fetch(target, {
          method: "POST",
          headers: { "Content-Type": "text/plain", Authorization: `Bearer ${token}` },
          body: "from the app",
        })
      ).status,
    [`${viewer.url}/api/streams/${stream}/logs`, WRITE],
  );
  assert.equal(posted, 202);
  await context.close();
});

test("the SameSite=Strict cookie is not sent cross-site, even with withCredentials; the viewer's own page uses it", async () => {
  const stream = fresh();
  await write(stream, "cookie line");
  const context = await signedInContext();
  const page = await context.newPage();
  await page.goto(app);
  const events = `${viewer.url}/api/streams/${stream}/events`;
  assert.equal(await firstLine(page, events, true), "error");
  // The listed origin may read the answer with credentials: it is a 401, so no cookie came along.
  const status = await page.evaluate(async (url) => (await fetch(url, { credentials: "include" })).status, events);
  assert.equal(status, 401);
  await page.goto(`${viewer.url}/`);
  assert.equal(await firstLine(page, events, false), "cookie line");
  await context.close();
});

test("an unlisted origin cannot read, even with a valid ?access_token=", async () => {
  const stream = fresh();
  await write(stream, "secret");
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${evil}/blank`);
  await page.evaluate(() => document.querySelector("form")?.remove());
  const url = `${viewer.url}/api/streams/${stream}/events?access_token=${READ}`;
  assert.equal(await firstLine(page, url, false), "error");
  const read = await page.evaluate(
    (target) =>
      fetch(target).then(
        () => "read",
        () => "blocked",
      ),
    url,
  );
  assert.equal(read, "blocked");
  await context.close();
});

test("a cross-site form cannot replace a signed-in user's cookie at /api/session", async () => {
  const context = await signedInContext();
  const page = await context.newPage();
  await page.goto(evil);
  // The form posts to the viewer's sign-in, with the attacker's token in the query string and the body.
  const answer = page.waitForResponse((response) => response.url().includes("/api/session"));
  await page.evaluate((target) => {
    const form = /** @type {HTMLFormElement} */ (document.querySelector("form"));
    form.action = target;
    form.submit();
  }, `${viewer.url}/api/session?access_token=${OTHER}`);
  assert.equal((await answer).status(), 403);
  // The cookie's Path is /api, so it is looked up by that URL.
  const cookies = await context.cookies(`${viewer.url}/api/session`);
  assert.deepEqual(
    cookies.filter((cookie) => cookie.name === "edge_tail_token").map((cookie) => cookie.value),
    [READ],
  );
  await context.close();
});

test('ALLOWED_ORIGINS="*": any origin reads with a token, never with credentials', async () => {
  const open = await startViewer({ vars: { READ_TOKEN: READ, INGEST_TOKEN: WRITE, ALLOWED_ORIGINS: "*" } });
  try {
    const stream = fresh();
    const posted = await fetch(`${open.url}/api/streams/${stream}/logs`, {
      method: "POST",
      headers: { "Content-Type": "text/plain", Authorization: `Bearer ${WRITE}`, Origin: evil },
      body: "for everyone with the token",
    });
    assert.equal(posted.status, 202);
    assert.equal(posted.headers.get("Access-Control-Allow-Origin"), "*");
    assert.equal(posted.headers.get("Access-Control-Allow-Credentials"), null);
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${evil}/blank`);
    await page.evaluate(() => document.querySelector("form")?.remove());
    const url = `${open.url}/api/streams/${stream}/events?access_token=${READ}`;
    assert.equal(await firstLine(page, url, false), "for everyone with the token");
    assert.equal(await firstLine(page, url, true), "error");
    const withCookies = await page.evaluate(
      (target) =>
        fetch(target, { credentials: "include" }).then(
          () => "read",
          () => "blocked",
        ),
      url,
    );
    assert.equal(withCookies, "blocked");
    await context.close();
  } finally {
    await open.stop();
  }
});

test("HEAD on /events takes no viewer slot", async () => {
  const stream = fresh();
  for (let i = 0; i < 5; i++) {
    const head = await fetch(`${viewer.url}/api/streams/${stream}/events?access_token=${READ}`, { method: "HEAD" });
    assert.equal(head.status, 200);
  }
  const stats = await waitFor("the stream's stats", async () => {
    const response = await fetch(`${viewer.url}/api/streams/${stream}`, {
      headers: { Authorization: `Bearer ${READ}` },
    });
    return response.ok ? response.json() : null;
  });
  assert.equal(stats.subscribers, 0);
});

test("a viewer that disconnects, early or late, holds its slot at most one HEARTBEAT_MS (3 s here)", async () => {
  const stream = fresh();
  const subscribers = async () => {
    const response = await fetch(`${viewer.url}/api/streams/${stream}`, {
      headers: { Authorization: `Bearer ${READ}` },
    });
    return (await response.json()).subscribers;
  };
  const events = `${viewer.url}/api/streams/${stream}/events?access_token=${READ}`;
  const late = new AbortController();
  const response = await fetch(events, { signal: late.signal });
  await response.body?.getReader().read();
  assert.equal(await subscribers(), 1);
  late.abort();
  await waitFor("the late viewer's slot to be released", async () => (await subscribers()) === 0, 3000);
  // Viewers that leave before the answer arrives.
  for (let i = 0; i < 5; i++) {
    const early = new AbortController();
    const pending = fetch(events, { signal: early.signal }).catch(() => undefined);
    setTimeout(() => early.abort(), 1);
    await pending;
  }
  await waitFor("the early viewers' slots to be released", async () => (await subscribers()) === 0, 3000);
});
