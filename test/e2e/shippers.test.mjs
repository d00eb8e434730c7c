// The README's recipes, each run with the real client against `wrangler dev` (the CLI's own tests: cli.test.mjs).
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { after, before, test } from "node:test";
import { promisify } from "node:util";
import { collect, startViewer } from "./harness.mjs";

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

/** @param {string} name */
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
