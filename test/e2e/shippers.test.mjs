// The README's recipes, each run with the real client against `wrangler dev`, and the CLI under stress.
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { after, before, test } from "node:test";
import { promisify } from "node:util";
import { collect, startViewer, waitFor } from "./harness.mjs";

const run = promisify(execFile);
const ROOT = new URL("../..", import.meta.url).pathname;
const CLI = `${ROOT}bin/edge-tail.mjs`;

/** @type {Awaited<ReturnType<typeof startViewer>>} */
let viewer;

before(async () => {
  viewer = await startViewer({ vars: { RING_SIZE: "200000", RATE_LIMIT_PER_SECOND: "0" } });
});

after(async () => {
  await viewer?.stop();
});

const fresh = (name) => `${name}-${crypto.randomUUID().slice(0, 8)}`;

test("curl: the README's one-liner", async () => {
  const stream = fresh("curl");
  const { stdout } = await run("curl", [
    "-sS",
    "-X",
    "POST",
    `${viewer.url}/api/streams/${stream}/logs`,
    "-H",
    "Content-Type: text/plain",
    "--data-binary",
    "INFO hello\nERROR it broke",
  ]);
  assert.deepEqual(JSON.parse(stdout), { accepted: 2, firstId: 1, lastId: 2 });
  const entries = await collect(viewer.url, stream, 2);
  assert.deepEqual(
    entries.map((entry) => [entry.level, entry.message]),
    [
      ["info", "INFO hello"],
      ["error", "ERROR it broke"],
    ],
  );
});

test("OpenTelemetry JS SDK: OTLPLogExporter pointed at /otlp/{stream}", async () => {
  const stream = fresh("otel");
  const { LoggerProvider, BatchLogRecordProcessor } = await import("@opentelemetry/sdk-logs");
  const { OTLPLogExporter } = await import("@opentelemetry/exporter-logs-otlp-http");
  const { resourceFromAttributes } = await import("@opentelemetry/resources");
  const exporter = new OTLPLogExporter({ url: `${viewer.url}/otlp/${stream}/v1/logs` });
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ "service.name": "checkout" }),
    processors: [new BatchLogRecordProcessor({ exporter })],
  });
  const logger = provider.getLogger("recipes");
  logger.emit({ severityNumber: 17, severityText: "ERROR", body: "payment failed", attributes: { order: 42 } });
  logger.emit({ severityNumber: 9, body: "order placed" });
  await provider.forceFlush();
  await provider.shutdown();
  const entries = await collect(viewer.url, stream, 2);
  assert.equal(entries.length, 2);
  assert.deepEqual(
    entries.map((entry) => [entry.level, entry.message, entry.fields?.["service.name"]]),
    [
      ["error", "payment failed", "checkout"],
      ["info", "order placed", "checkout"],
    ],
  );
  assert.equal(entries[0]?.fields?.order, 42);
});

test("winston: the Http transport", async () => {
  const stream = fresh("winston");
  const winston = (await import("winston")).default;
  const { hostname, port } = new URL(viewer.url);
  const transport = new winston.transports.Http({
    host: hostname,
    port: Number(port),
    path: `/api/streams/${stream}/logs`,
  });
  const logger = winston.createLogger({ level: "debug", transports: [transport] });
  // winston counts only 200 as success, so a 202 arrives as a "warn" event; the line is delivered either way.
  const done = new Promise((resolve) => {
    transport.on("logged", resolve);
    transport.on("warn", resolve);
  });
  logger.warn("disk almost full", { disk: "/dev/sda1", used: 0.93 });
  await done;
  const [entry] = await collect(viewer.url, stream, 1);
  assert.equal(entry?.level, "warn");
  assert.equal(entry?.message, "disk almost full");
  assert.deepEqual(entry?.fields, { disk: "/dev/sda1", used: 0.93 });
});

test("pino: stdout piped through the CLI", async () => {
  const stream = fresh("pino");
  const script = `const pino = require("pino")(); pino.info({ user: 7 }, "signed in"); pino.error(new Error("boom"), "failed");`;
  await new Promise((resolve, reject) => {
    const app = spawn(process.execPath, ["-e", script], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
    const cli = spawn(process.execPath, [CLI, "pipe", viewer.url, stream], { stdio: ["pipe", "ignore", "pipe"] });
    app.stdout.pipe(cli.stdin);
    cli.on("exit", (code) => (code === 0 ? resolve(undefined) : reject(new Error(`pipe exited with ${code}`))));
  });
  const entries = await collect(viewer.url, stream, 2);
  assert.deepEqual(
    entries.map((entry) => [entry.level, entry.message]),
    [
      ["info", "signed in"],
      ["error", "failed"],
    ],
  );
  assert.equal(entries[0]?.fields?.user, 7);
  assert.match(String(/** @type {any} */ (entries[1]?.fields?.err)?.message), /boom/);
});

test("CLI tail: prints the stream with levels, filtered by --level", async () => {
  const stream = fresh("tail");
  await viewer.post(stream, "INFO quiet\nERROR loud\nWARN warm");
  const child = spawn(process.execPath, [CLI, "tail", viewer.url, stream, "--level", "warn", "--no-color"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (chunk) => (out += chunk));
  try {
    await waitFor("two lines from tail", () => out.split("\n").filter(Boolean).length >= 2);
    await viewer.post(stream, "FATAL live one");
    await waitFor("the live line", () => out.includes("live one"));
    const lines = out.trim().split("\n");
    assert.deepEqual(
      lines.map((line) => line.replace(/^\S+ /, "")),
      ["ERROR ERROR loud", "WARN  WARN warm", "FATAL FATAL live one"],
    );
  } finally {
    child.kill();
  }
});

/** Pipes `count` numbered lines through the CLI; `during` runs while it works. */
function pipeNumbered(stream, count, { ratePerMs = Number.POSITIVE_INFINITY } = {}) {
  return new Promise((resolve, reject) => {
    const cli = spawn(process.execPath, [CLI, "pipe", viewer.url, stream], { stdio: ["pipe", "ignore", "pipe"] });
    let stderr = "";
    cli.stderr.on("data", (chunk) => (stderr += chunk));
    cli.on("exit", (code) => (code === 0 ? resolve(stderr) : reject(new Error(`pipe exited with ${code}: ${stderr}`))));
    let next = 1;
    const started = Date.now();
    const write = () => {
      const due = Number.isFinite(ratePerMs) ? Math.min(count, Math.floor((Date.now() - started) * ratePerMs)) : count;
      let chunk = "";
      while (next <= due) chunk += `line ${next++}\n`;
      if (chunk) cli.stdin.write(chunk);
      if (next > count) cli.stdin.end();
      else setTimeout(write, 10);
    };
    write();
  });
}

test("CLI pipe: 100,000 lines arrive complete and in order", async () => {
  const stream = fresh("bulk");
  const started = Date.now();
  await pipeNumbered(stream, 100_000);
  const seconds = (Date.now() - started) / 1000;
  const entries = await collect(viewer.url, stream, 100_000, { ms: 60_000 });
  console.log(`pipe: 100000 lines in ${seconds.toFixed(1)} s (${Math.round(100_000 / seconds)} lines/s)`);
  assert.equal(entries.length, 100_000);
  for (let i = 0; i < entries.length; i++) {
    if (entries[i]?.message !== `line ${i + 1}`)
      assert.fail(`entry ${i} is "${entries[i]?.message}", expected "line ${i + 1}"`);
  }
});

test("CLI pipe: survives the server being down for a few seconds, with no lost or doubled line", async () => {
  const stream = fresh("outage");
  const count = 20_000;
  const piping = pipeNumbered(stream, count, { ratePerMs: 4 });
  await new Promise((resolve) => setTimeout(resolve, 1500));
  await viewer.stop();
  await new Promise((resolve) => setTimeout(resolve, 3000));
  await viewer.restart();
  const stderr = await piping;
  assert.match(stderr, /retrying/, "the CLI should have met the outage");
  const entries = await collect(viewer.url, stream, count, { ms: 30_000 });
  const messages = entries.map((entry) => entry.message);
  assert.equal(new Set(messages).size, messages.length, "a line arrived twice");
  assert.deepEqual(
    messages,
    Array.from({ length: count }, (_, i) => `line ${i + 1}`),
  );
});
