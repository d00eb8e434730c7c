// Alerts against the real Worker (`wrangler dev`) and a real HTTP receiver on loopback: firings per match,
// N-in-T and cooldown, the captured window with "after" lines that come later, retries, and a restart of
// `wrangler dev` between the match and the delivery.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { jsonReceiver } from "../../scripts/json-receiver.mjs";
import { startViewer, waitFor } from "./harness.mjs";

/**
 * @typedef {object} Received
 * @property {string} path
 * @property {import("node:http").IncomingHttpHeaders} headers
 * @property {any} body
 */

/** Every request the receiver got, in arrival order. */
/** @type {Received[]} */
const received = [];
/** Paths under /flaky/ answer 500 to their first two requests. */
/** @type {Map<string, number>} */
const failures = new Map();

const receiver = jsonReceiver((request, body) => {
  const path = request.url ?? "";
  received.push({ path, headers: request.headers, body });
  const failed = failures.get(path) ?? 0;
  if (path.startsWith("/flaky/") && failed < 2) {
    failures.set(path, failed + 1);
    return [500, "not now"];
  }
  return [200, "ok"];
});

/** @type {import("../../scripts/wrangler-dev.mjs").Viewer} */
let viewer;
/** @type {string} */
let hook;

before(async () => {
  await new Promise((resolve) => receiver.listen(0, "127.0.0.1", () => resolve(undefined)));
  const { port } = /** @type {import("node:net").AddressInfo} */ (receiver.address());
  hook = `http://127.0.0.1:${port}`;
  viewer = await startViewer({ vars: { ALERT_WEBHOOK_HOSTS: `127.0.0.1:${port}`, RATE_LIMIT_PER_SECOND: "0" } });
});

after(async () => {
  await viewer?.stop();
  receiver.close();
});

/** @param {string} name */
const fresh = (name) => `${name}-${crypto.randomUUID().slice(0, 8)}`;

/**
 * @param {string} stream
 * @param {string} name
 * @param {object} rule
 */
async function putRule(stream, name, rule) {
  const response = await fetch(`${viewer.url}/api/streams/${stream}/alerts/${name}`, {
    method: "PUT",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(rule),
  });
  assert.equal(response.status, 201, await response.text());
}

/**
 * @param {string} path
 * @returns {Promise<any>}
 */
async function get(path) {
  const response = await fetch(`${viewer.url}${path}`);
  assert.equal(response.status, 200, path);
  return response.json();
}

/**
 * The stream's incidents of one rule, oldest first.
 * @param {string} stream
 * @param {string} alert
 * @returns {Promise<{id: string, state: string, matchId: number, delivery: any}[]>}
 */
async function incidents(stream, alert) {
  const { incidents } = await get(`/api/streams/${stream}/incidents?alert=${alert}&limit=100`);
  return incidents.reverse();
}

/** @param {string} path */
const at = (path) => received.filter((request) => request.path === path);

test("a rule without cooldown fires once per match, each notification with its own stable id", async () => {
  const stream = fresh("per-match");
  const path = `/hook/${stream}`;
  await putRule(stream, "payments", {
    query: "level:error payment",
    cooldownSeconds: 0,
    after: 0,
    webhook: { url: `${hook}${path}` },
  });
  await viewer.post(stream, "ERROR payment a\nINFO payment ok\nERROR refund b\nERROR payment c");
  await viewer.post(stream, "ERROR payment d");
  await waitFor("3 notifications", () => at(path).length >= 3);
  const fired = await incidents(stream, "payments");
  assert.deepEqual(
    fired.map((incident) => incident.matchId),
    [1, 4, 5],
  );
  await waitFor("3 deliveries", async () =>
    (await incidents(stream, "payments")).every((incident) => incident.state === "delivered"),
  );
  assert.equal(at(path).length, 3);
  const ids = at(path).map((request) => request.body.id);
  assert.deepEqual(new Set(ids), new Set(fired.map((incident) => incident.id)));
  for (const { headers, body } of at(path)) {
    assert.equal(headers["idempotency-key"], body.id);
    assert.equal(headers["x-edge-tail-alert-id"], body.id);
    assert.equal(headers["content-type"], "application/json");
  }
});

test("N matches within T seconds fire once, and the cooldown holds back the next firing", async () => {
  const stream = fresh("conditions");
  const rule = (/** @type {object} */ extra) => ({
    query: "timeout",
    after: 0,
    webhook: { url: `${hook}/sink` },
    ...extra,
  });
  await putRule(stream, "three-in-a-minute", rule({ when: { count: 3, seconds: 60 }, cooldownSeconds: 0 }));
  await putRule(stream, "cooled", rule({ cooldownSeconds: 3600 }));
  await viewer.post(stream, "WARN timeout 1\nINFO fine");
  await viewer.post(stream, "WARN timeout 2");
  assert.equal((await incidents(stream, "three-in-a-minute")).length, 0);
  await viewer.post(stream, "WARN timeout 3");
  assert.deepEqual(
    (await incidents(stream, "three-in-a-minute")).map((incident) => incident.matchId),
    [4],
  );
  await viewer.post(stream, "WARN timeout 4\nWARN timeout 5");
  assert.equal((await incidents(stream, "three-in-a-minute")).length, 1);
  await viewer.post(stream, "WARN timeout 6");
  assert.equal((await incidents(stream, "three-in-a-minute")).length, 2);
  assert.deepEqual(
    (await incidents(stream, "cooled")).map((incident) => incident.matchId),
    [1],
  );
  const view = await get(`/api/streams/${stream}/alerts/cooled`);
  assert.equal(view.lastIncident, (await incidents(stream, "cooled"))[0]?.id);
});

test("the capture holds exactly the configured window; the 'after' lines come later than the match", async () => {
  const stream = fresh("window");
  const path = `/hook/${stream}`;
  await putRule(stream, "payments", {
    query: "level:error payment",
    before: 3,
    after: 4,
    webhook: { url: `${hook}${path}` },
  });
  await viewer.post(stream, "INFO 1\nINFO 2\nINFO 3\nINFO 4\nINFO 5\nERROR payment failed");
  await viewer.post(stream, "INFO 7\nINFO 8");
  const [open] = await incidents(stream, "payments");
  assert.equal(open?.state, "capturing");
  assert.equal(at(path).length, 0);
  await viewer.post(stream, "INFO 9\nINFO 10\nINFO 11");
  await waitFor("the notification", () => at(path).length === 1);
  const { body } = /** @type {Received} */ (at(path)[0]);
  assert.deepEqual(Object.keys(body), ["id", "alert", "stream", "firedAt", "entry", "before", "after", "url"]);
  assert.equal(body.id, open?.id);
  assert.equal(body.entry.id, 6);
  assert.equal(body.entry.message, "ERROR payment failed");
  assert.deepEqual(
    body.before.map((/** @type {{id: number}} */ entry) => entry.id),
    [3, 4, 5],
  );
  assert.deepEqual(
    body.after.map((/** @type {{message: string}} */ entry) => entry.message),
    ["INFO 7", "INFO 8", "INFO 9", "INFO 10"],
  );
  assert.equal(body.url, `${viewer.url}/?stream=${stream}&incident=${body.id}`);
  const incident = await get(`/api/streams/${stream}/incidents/${body.id}`);
  assert.deepEqual(incident.before, body.before);
  assert.deepEqual(incident.after, body.after);
});

test("a receiver that fails twice gets the same notification a third time, and the rule shows it delivered", async () => {
  const stream = fresh("flaky");
  const path = `/flaky/${stream}`;
  await putRule(stream, "errors", { query: "level:error", after: 0, webhook: { url: `${hook}${path}` } });
  await viewer.post(stream, "ERROR once");
  await waitFor("a delivery after two failures", () => at(path).length === 3, 20_000);
  assert.equal(new Set(at(path).map((request) => request.body.id)).size, 1);
  const view = await waitFor("the delivery recorded", async () => {
    const rule = await get(`/api/streams/${stream}/alerts/errors`);
    return rule.lastDelivery?.ok ? rule : null;
  });
  assert.deepEqual(
    { ok: view.lastDelivery.ok, status: view.lastDelivery.status, attempts: view.lastDelivery.attempts },
    { ok: true, status: 200, attempts: 3 },
  );
});

test("a firing survives a restart of wrangler dev between the match and the delivery, in the Slack format", async () => {
  const stream = fresh("restart");
  const path = `/hook/${stream}`;
  await putRule(stream, "errors", {
    query: "level:error",
    before: 1,
    after: 5,
    webhook: { url: `${hook}${path}`, format: "slack" },
  });
  await viewer.post(stream, "INFO before\nERROR the match\nINFO after");
  const [open] = await incidents(stream, "errors");
  assert.equal(open?.state, "capturing");
  await viewer.restart();
  assert.equal(at(path).length, 0);
  // Nothing is sent to the stream after the restart: its alarm completes the capture at 10 s and delivers.
  await waitFor("the notification after the restart", () => at(path).length === 1, 30_000);
  const { body } = /** @type {Received} */ (at(path)[0]);
  assert.match(body.text, /Alert \*errors\* on stream \*restart-/);
  assert.ok(body.text.includes(`${viewer.url}/?stream=${stream}&incident=${open?.id}`));
  const context = body.blocks[1].text.text;
  assert.match(context, /INFO before\n▶ .* ERROR the match\n .* INFO after/);
  const incident = await get(`/api/streams/${stream}/incidents/${open?.id}`);
  assert.equal(incident.state, "delivered");
  assert.deepEqual(
    incident.after.map((/** @type {{message: string}} */ entry) => entry.message),
    ["INFO after"],
  );
});
