// `edge-tail patterns URL a,b` and `URL team-a.*` against the real Worker (`wrangler dev`): several streams'
// templates through GET /api/patterns, each row naming its stream, a query that picks one stream's pattern, and
// usage errors for a bad part of the list.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { after, before, test } from "node:test";
import { startViewer, waitFor } from "./harness.mjs";

const CLI = new URL("../../bin/edge-tail.mjs", import.meta.url).pathname;

/** @type {import("../../scripts/wrangler-dev.mjs").Viewer} */
let viewer;

before(async () => {
  viewer = await startViewer({ vars: { RATE_LIMIT_PER_SECOND: "0" } });
});

after(async () => {
  await viewer?.stop();
});

/** @param {string[]} args */
function runCli(args) {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", timeout: 30_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

test("edge-tail patterns URL a,b lists both streams' templates, each row naming its stream", async () => {
  const team = `team-${crypto.randomUUID().slice(0, 8)}`;
  const [api, web] = [`${team}.api`, `${team}.web`];
  await viewer.post(api, Array.from({ length: 3 }, (_, i) => `GET /health 200 in ${i + 1} ms`).join("\n"));
  await viewer.post(web, "ERROR render failed for page 7\nGET /health 200 in 9 ms");
  const both = runCli(["patterns", viewer.url, `${api},${web}`]);
  assert.equal(both.code, 0, both.stderr);
  const rows = both.stdout.trimEnd().split("\n");
  assert.equal(rows.length, 4, both.stdout);
  assert.match(rows[0] ?? "", new RegExp(`^3\\s+60\\.0%\\s+-\\s+${api}\\s+p[0-9a-z]+\\s+GET /health .*<\\*>`));
  assert.match(rows.slice(1, 3).join("\n"), new RegExp(`${web}\\s+p[0-9a-z]+\\s+ERROR render failed`));
  assert.match(
    rows.slice(1, 3).join("\n"),
    new RegExp(`^1\\s+20\\.0%\\s+-\\s+${web}\\s+p[0-9a-z]+\\s+GET /health`, "m"),
  );
  assert.equal(rows[3], "3 patterns over 5 lines");

  // One stream's pattern, as the page picks it: stream:NAME pattern:ID.
  const id = new RegExp(`${api}\\s+(p[0-9a-z]+)`).exec(rows[0] ?? "")?.[1];
  const one = runCli(["patterns", viewer.url, `${api},${web}`, `stream:${api} pattern:${id}`]);
  assert.equal(one.code, 0, one.stderr);
  assert.match(one.stdout, new RegExp(`^3\\s+100\\.0%\\s+-\\s+${api}\\s+${id}\\s`));
  assert.match(one.stdout, /1 pattern over 3 lines\n$/);

  // A prefix reads every stream under it, once the stream list knows them.
  await waitFor(
    "both streams under the prefix",
    () => /3 patterns over 5 lines/.test(runCli(["patterns", viewer.url, `${team}.*`]).stdout),
    15_000,
  );
});

test("edge-tail patterns refuses a bad part of the list before sending, and a bad query with exit 2", async () => {
  const bad = runCli(["patterns", viewer.url, "ok,no spaces"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /Invalid stream name "no spaces"/);
  const query = runCli(["patterns", viewer.url, "a,b", "status:"]);
  assert.equal(query.code, 2);
  assert.match(query.stderr, /refused \(400\).*Invalid query/);
});
