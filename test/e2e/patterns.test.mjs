// Live patterns against the real Worker (`wrangler dev`): ids that survive a restart of `wrangler dev`, a
// `newPattern` alert delivered to a real receiver, and `edge-tail patterns`.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { after, before, test } from "node:test";
import { jsonReceiver } from "../../scripts/json-receiver.mjs";
import { startViewer, waitFor } from "./harness.mjs";

const CLI = new URL("../../bin/edge-tail.mjs", import.meta.url).pathname;

/** The JSON bodies the receiver got, in arrival order. @type {any[]} */
const received = [];
const receiver = jsonReceiver((_, body) => {
  received.push(body);
  return [200, "ok"];
});

/** @type {import("../../scripts/wrangler-dev.mjs").Viewer} */
let viewer;

before(async () => {
  await new Promise((resolve) => receiver.listen(0, "127.0.0.1", () => resolve(undefined)));
  const { port } = /** @type {import("node:net").AddressInfo} */ (receiver.address());
  viewer = await startViewer({ vars: { ALERT_WEBHOOK_HOSTS: `127.0.0.1:${port}`, RATE_LIMIT_PER_SECOND: "0" } });
});

after(async () => {
  await viewer?.stop();
  receiver.close();
});

/** @param {string} name */
const fresh = (name) => `${name}-${crypto.randomUUID().slice(0, 8)}`;

/** @param {string} path @returns {Promise<any>} */
async function get(path) {
  const response = await fetch(`${viewer.url}${path}`);
  assert.equal(response.status, 200, `${path}: ${await response.clone().text()}`);
  return response.json();
}

/** @param {string[]} args */
function runCli(args) {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", timeout: 30_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

test("pattern ids and templates survive a restart of wrangler dev; new shapes get new ids", async () => {
  const stream = fresh("restart");
  await viewer.post(
    stream,
    "order 1001 shipped to warehouse berlin via dhl\norder 1002 shipped to warehouse berlin via ups",
  );
  const [first] = (await get(`/api/streams/${stream}/patterns`)).patterns;
  assert.equal(first.count, 2);
  await viewer.restart();
  await viewer.post(stream, "order 1003 shipped to warehouse berlin via dhl\ncertificate expires in 3 days");
  const { entries } = await get(`/api/streams/${stream}/entries`);
  assert.deepEqual(
    entries.map((/** @type {any} */ entry) => entry.pattern === first.id),
    [false, true, true, true],
  );
  const after = await get(`/api/streams/${stream}/patterns`);
  assert.equal(after.lines, 4);
  assert.deepEqual(
    after.patterns.map((/** @type {any} */ p) => [p.id, p.count]),
    [
      [first.id, 3],
      [entries[0].pattern, 1],
    ],
  );
  assert.equal(after.patterns[0].template, first.template);
  assert.equal(after.patterns[0].firstSeen, first.firstSeen);
});

test("a newPattern rule notifies the receiver once per new pattern its query matches", async () => {
  const stream = fresh("novel");
  await viewer.post(stream, "ERROR replica 3 lagging by 120 s behind primary");
  const { port } = /** @type {import("node:net").AddressInfo} */ (receiver.address());
  const rule = {
    query: "level:>=warn",
    when: { newPattern: true },
    cooldownSeconds: 0,
    before: 1,
    after: 0,
    webhook: { url: `http://127.0.0.1:${port}/novel/${stream}` },
  };
  const put = await fetch(`${viewer.url}/api/streams/${stream}/alerts/novel`, {
    method: "PUT",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(rule),
  });
  assert.equal(put.status, 201, await put.text());
  const start = received.length;
  await viewer.post(
    stream,
    [
      "ERROR replica 4 lagging by 300 s behind primary", // known before the rule
      "INFO nightly report sent to 41 subscribers", // new, but not warn
      "WARN certificate for api.example.com expires in 6 days", // new: fires
      "WARN certificate for www.example.com expires in 2 days", // a repeat
      "ERROR payment provider answered 502 for order 7", // new: fires
    ].join("\n"),
  );
  const mine = () => received.slice(start).filter((body) => body.stream === stream);
  await waitFor("two new-pattern notifications", () => mine().length >= 2, 20_000);
  await new Promise((resolve) => setTimeout(resolve, 1500));
  assert.deepEqual(
    mine()
      .map((body) => body.entry.message)
      .sort(),
    ["ERROR payment provider answered 502 for order 7", "WARN certificate for api.example.com expires in 6 days"],
  );
  for (const body of mine()) assert.match(body.entry.pattern, /^p[0-9a-z]+$/);
});

test("edge-tail patterns prints the templates, largest first, and says what is wrong with a bad query", async () => {
  const stream = fresh("cli");
  const lines = [
    ...Array.from({ length: 6 }, (_, i) => `GET /health 200 in ${i + 1} ms`),
    ...Array.from({ length: 3 }, (_, i) => `ERROR lost connection to db-${i} after 30 s`),
    "INFO started worker pool with 8 threads",
  ];
  await viewer.post(stream, lines.join("\n"));
  const all = runCli(["patterns", viewer.url, stream]);
  assert.equal(all.code, 0, all.stderr);
  const rows = all.stdout.trimEnd().split("\n");
  assert.equal(rows.length, 4, all.stdout);
  // Text lines without a level word have none ("-"); the variable parts read <*>, however the miner masks them.
  assert.match(rows[0] ?? "", /^6\s+60\.0%\s+-\s+p[0-9a-z]+\s+GET \/health .*<\*>/);
  assert.match(rows[1] ?? "", /^3\s+30\.0%\s+error\s+p[0-9a-z]+\s+ERROR lost connection to .*<\*>/);
  assert.match(rows[2] ?? "", /^1\s+10\.0%\s+info\s+p[0-9a-z]+\s+INFO started worker pool with <\*> threads$/);
  assert.equal(rows[3], "3 patterns over 10 lines");
  const errors = runCli(["patterns", viewer.url, stream, "level:error"]);
  assert.equal(errors.code, 0, errors.stderr);
  assert.match(errors.stdout, /^3\s+100\.0%\s+error\s+p[0-9a-z]+\s+ERROR lost connection/);
  const id = /(p[0-9a-z]+)\s+ERROR/.exec(errors.stdout)?.[1];
  const hidden = runCli(["patterns", viewer.url, stream, "--", `-pattern:${id}`]);
  assert.equal(hidden.code, 0, hidden.stderr);
  assert.doesNotMatch(hidden.stdout, /ERROR lost connection/);
  assert.match(hidden.stdout, /2 patterns over 7 lines/);
  const bad = runCli(["patterns", viewer.url, stream, "status:"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /refused \(400\).*Invalid query/);
});
