// The CLI as a reader gets it from a deployment: `curl -fsSLO HOST/cli.mjs` into an empty folder outside the
// repository, then pipe and tail with the system's Node 20, with no install and no node_modules in reach.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter } from "node:path";
import { after, before, test } from "node:test";
import { startViewer, waitFor } from "./harness.mjs";

const ROOT = new URL("../..", import.meta.url).pathname;
const { version } = JSON.parse(readFileSync(`${ROOT}package.json`, "utf8"));

/** PATH without node_modules/.bin (where npm scripts put the project's own Node): `node` is the system's. */
const PATH = (process.env.PATH ?? "")
  .split(delimiter)
  .filter((dir) => !dir.includes("node_modules"))
  .join(delimiter);
const ENV = { ...process.env, PATH, NODE_PATH: "", NO_COLOR: "1" };

/** @type {import("../../scripts/wrangler-dev.mjs").Viewer} */
let viewer;
/** @type {string} */
let folder;

before(async () => {
  viewer = await startViewer();
  folder = mkdtempSync(`${tmpdir()}/edge-tail-cli-`);
});

after(async () => {
  await viewer?.stop();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

/**
 * Runs a shell line in the folder, as a reader would paste it.
 * @param {string} line
 */
const sh = (line) => execFileSync("sh", ["-c", line], { cwd: folder, env: ENV, encoding: "utf8", timeout: 60_000 });

test("the README's one line downloads /cli.mjs and pipes with it; tail reads it back; --version is the deployment's", async () => {
  assert.ok(!folder.startsWith(ROOT), "the folder is outside the repository");
  const major = Number(/^v(\d+)\./.exec(sh("node --version"))?.[1]);
  assert.ok(major >= 20, `the system node is 20 or newer (got ${major})`);
  const stream = `dl-${crypto.randomUUID().slice(0, 8)}`;

  sh(
    `curl -fsSLO ${viewer.url}/cli.mjs && printf 'INFO first line\\nERROR second line\\n' 2>&1 | node cli.mjs pipe ${viewer.url} ${stream}`,
  );
  assert.deepEqual(readdirSync(folder), ["cli.mjs"], "one file, nothing installed beside it");
  assert.equal(sh("node cli.mjs --version").trim(), version);

  const child = spawn("node", ["cli.mjs", "tail", viewer.url, stream, "--tail", "10"], {
    cwd: folder,
    env: ENV,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (chunk) => {
    out += chunk;
  });
  child.stderr.on("data", (chunk) => {
    err += chunk;
  });
  try {
    await waitFor(`both lines from tail (stdout ${JSON.stringify(out)}, stderr ${JSON.stringify(err)})`, () =>
      out.includes("second line"),
    );
    const lines = out.split("\n").filter(Boolean);
    assert.match(lines[0] ?? "", /INFO.*first line/);
    assert.match(lines[1] ?? "", /ERROR.*second line/);
    // Live: a line piped now reaches the running tail.
    sh(`echo 'WARN third line' | node cli.mjs pipe ${viewer.url} ${stream}`);
    await waitFor("the live line", () => out.includes("third line"));
  } finally {
    child.kill();
  }
});

test("GET /cli.mjs is one self-contained ES module that needs nothing but Node", async () => {
  const response = await fetch(`${viewer.url}/cli.mjs`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get("Content-Type") ?? "", /javascript/);
  const text = await response.text();
  assert.ok(text.startsWith("#!/usr/bin/env node\n"));
  const imports = [...text.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]);
  assert.deepEqual(
    imports.filter((name) => !name?.startsWith("node:")),
    [],
    "it imports only Node's own modules",
  );
});
