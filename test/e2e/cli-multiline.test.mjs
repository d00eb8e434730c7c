// `edge-tail pipe` with stack traces against the real Worker (`wrangler dev`): a trace whose lines arrive on
// both sides of a batch is still one entry; --multiline off keeps one entry per line.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { after, before, test } from "node:test";
import { collect, startViewer } from "./harness.mjs";

const CLI = new URL("../../bin/edge-tail.mjs", import.meta.url).pathname;
const JAVA = readFileSync(new URL("../fixtures/traces/java.txt", import.meta.url), "utf8");
const BATCH_MS = 800;

/** @type {import("../../scripts/wrangler-dev.mjs").Viewer} */
let viewer;

before(async () => {
  viewer = await startViewer({ vars: { RATE_LIMIT_PER_SECOND: "0" } });
});

after(async () => {
  await viewer?.stop();
});

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `pipe`, writes `warmUp` and waits until the server has it (so the CLI is up and idle), then writes
 * each part after its delay in ms from the previous one; resolves once the CLI exits.
 * @param {string} stream @param {string} warmUp @param {Array<[number, string]>} parts @param {string[]} [flags]
 */
async function pipeInParts(stream, warmUp, parts, flags = []) {
  const args = [CLI, "pipe", viewer.url, stream, "--batch-ms", String(BATCH_MS), ...flags];
  const cli = spawn(process.execPath, args, { stdio: ["pipe", "ignore", "pipe"] });
  let stderr = "";
  cli.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise((resolve) => cli.on("exit", resolve));
  cli.stdin.write(warmUp);
  assert.equal((await collect(viewer.url, stream, 1)).length, 1, `the warm-up line never arrived: ${stderr}`);
  for (const [delay, part] of parts) {
    await sleep(delay);
    cli.stdin.write(part);
  }
  cli.stdin.end();
  const code = await Promise.race([exited, sleep(20_000).then(() => "timed out")]);
  assert.equal(code, 0, `pipe exited ${code}: ${stderr}`);
}

/** @param {string} stream @returns {Promise<Record<string, number>>} requests accepted, by wire format */
async function received(stream) {
  return (await (await fetch(`${viewer.url}/api/streams/${stream}`)).json()).received;
}

test("a trace whose lines arrive on both sides of a batch is still one entry", async () => {
  const stream = `split-${crypto.randomUUID().slice(0, 8)}`;
  const lines = JAVA.trimEnd().split("\n");
  const cut = lines.indexOf('Caused by: java.lang.NumberFormatException: For input string: "x42"');
  // Line one starts a batch's wait; the trace's first half comes within it, its second half after it.
  await pipeInParts(stream, "warm-up\n", [
    [0, `${lines[0]}\n`],
    [BATCH_MS * 0.4, `${lines.slice(1, cut).join("\n")}\n`],
    [BATCH_MS * 1.1, `${lines.slice(cut).join("\n")}\n`],
  ]);
  const entries = (await collect(viewer.url, stream, 5)).slice(1);
  assert.deepEqual(
    entries.map((entry) => [entry.message.split("\n")[0], entry.message.split("\n").length, entry.level]),
    [
      ["INFO  Shop - starting", 1, "info"],
      ["ERROR Shop - order failed", 11, "error"],
      ["INFO  Shop - next order", 1, "info"],
      ['Exception in thread "main" java.lang.IllegalStateException: cannot load order y7', 10, null],
    ],
  );
  assert.equal(entries.map((entry) => entry.message).join("\n"), JAVA.trimEnd());
  const requests = (await received(stream))["text/plain"] ?? 0;
  assert.ok(requests >= 3, `expected the lines in at least three batches, got ${requests}`);
});

test("--multiline off: one entry per line, the server told so too", async () => {
  const stream = `off-${crypto.randomUUID().slice(0, 8)}`;
  await pipeInParts(
    stream,
    "warm-up\n",
    [[0, "ERROR boom\n\tat A.b(A.java:1)\n\tat A.c(A.java:2)\n"]],
    ["--multiline", "off"],
  );
  const entries = (await collect(viewer.url, stream, 4)).slice(1);
  assert.deepEqual(
    entries.map((entry) => entry.message),
    ["ERROR boom", "\tat A.b(A.java:1)", "\tat A.c(A.java:2)"],
  );
});
