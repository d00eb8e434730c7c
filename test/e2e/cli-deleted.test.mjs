// `edge-tail tail` when a stream is deleted under it: a single tail says so and exits 0; a merged tail says so
// and goes on with its other streams.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
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

/** @param {string} name */
const fresh = (name) => `${name}-${crypto.randomUUID().slice(0, 8)}`;

/** @param {string} stream */
async function remove(stream) {
  const response = await fetch(`${viewer.url}/api/streams/${stream}`, { method: "DELETE" });
  assert.equal(response.status, 204, await response.text());
}

/** `edge-tail tail URL …` in the background, its output and exit code collected. @param {string[]} args */
function startTail(args) {
  const child = spawn(process.execPath, [CLI, "tail", viewer.url, ...args, "--no-color"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output = { stdout: "", stderr: "", code: /** @type {number | null | undefined} */ (undefined) };
  child.stdout.on("data", (chunk) => {
    output.stdout += chunk;
  });
  child.stderr.on("data", (chunk) => {
    output.stderr += chunk;
  });
  child.on("exit", (code) => {
    output.code = code;
  });
  return { output, stop: () => child.kill() };
}

test("a single tail says its stream was deleted and exits 0, printing nothing of the stream's next lines", async () => {
  const stream = fresh("gone");
  await viewer.post(stream, "INFO before the delete");
  const tail = startTail([stream]);
  try {
    await waitFor("the backfill", () => tail.output.stdout.includes("before the delete"));
    await remove(stream);
    await waitFor("the tail to exit", () => tail.output.code !== undefined, 10_000);
    assert.equal(tail.output.code, 0, tail.output.stderr);
    assert.match(tail.output.stderr, new RegExp(`the stream "${stream}" was deleted`));
    assert.equal(tail.output.stdout.trim().split("\n").length, 1, tail.output.stdout);
  } finally {
    tail.stop();
  }
});

test("a merged tail says which stream was deleted and goes on with the others", async () => {
  const gone = fresh("gone");
  const kept = fresh("kept");
  await viewer.post(gone, "INFO from the stream to delete");
  await viewer.post(kept, "INFO from the stream kept");
  const tail = startTail([gone, kept]);
  try {
    await waitFor("both backfills", () => tail.output.stdout.trim().split("\n").length >= 2);
    await remove(gone);
    await waitFor("the notice", () => tail.output.stderr.includes(`the stream "${gone}" was deleted`), 10_000);
    await viewer.post(kept, "WARN after the delete");
    await waitFor("the kept stream's next line", () => tail.output.stdout.includes("after the delete"), 10_000);
    assert.equal(tail.output.code, undefined, "the merged tail exited");
    assert.match(tail.output.stderr, /going on with the others/);
  } finally {
    tail.stop();
  }
});
