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

/**
 * What the stream's Durable Object counted by wire format since it started: what the shipper really sent.
 * @param {string} stream
 * @returns {Promise<Record<string, number>>}
 */
async function received(stream) {
  const response = await fetch(`${viewer.url}/api/streams/${stream}`);
  return (await response.json()).received;
}

/**
 * An OpenTelemetry logger provider exporting with @opentelemetry/exporter-logs-otlp-proto.
 * @param {Record<string, unknown>} exporterOptions
 * @param {string} serviceName
 */
async function protoProvider(exporterOptions, serviceName) {
  const { LoggerProvider, BatchLogRecordProcessor } = await import("@opentelemetry/sdk-logs");
  const { OTLPLogExporter } = await import("@opentelemetry/exporter-logs-otlp-proto");
  const { resourceFromAttributes } = await import("@opentelemetry/resources");
  const exporter = new OTLPLogExporter(exporterOptions);
  return new LoggerProvider({
    resource: resourceFromAttributes({ "service.name": serviceName }),
    processors: [new BatchLogRecordProcessor({ exporter })],
  });
}

for (const compression of ["none", "gzip"]) {
  test(`OpenTelemetry exporter-logs-otlp-proto (compression: ${compression}) at /otlp/{stream}`, async () => {
    const stream = fresh(`otlp-proto-${compression}`);
    const provider = await protoProvider({ url: `${viewer.url}/otlp/${stream}/v1/logs`, compression }, "checkout");
    const logger = provider.getLogger("recipes");
    logger.emit({ severityNumber: 17, severityText: "ERROR", body: "payment failed", attributes: { order: 42 } });
    logger.emit({ severityNumber: 9, body: { nested: { ok: true } } });
    await provider.forceFlush();
    await provider.shutdown();
    const entries = await collect(viewer.url, stream, 2);
    assert.deepEqual(
      entries.map((entry) => [entry.level, entry.message, entry.fields?.["service.name"]]),
      [
        ["error", "payment failed", "checkout"],
        ["info", '{"nested":{"ok":true}}', "checkout"],
      ],
    );
    assert.equal(entries[0]?.fields?.order, 42);
    const format = compression === "gzip" ? "otlp-protobuf+gzip" : "otlp-protobuf";
    assert.deepEqual(await received(stream), { [format]: 1 });
  });
}

test("OpenTelemetry with an SDK's defaults: OTEL_EXPORTER_OTLP_ENDPOINT=http://host, streams by service.name", async () => {
  const [web, worker] = [fresh("svc-web"), fresh("svc-worker")];
  const saved = process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  process.env.OTEL_EXPORTER_OTLP_ENDPOINT = viewer.url;
  try {
    for (const [service, line] of [
      [web, "GET / 200"],
      [worker, "job done"],
    ]) {
      const provider = await protoProvider({}, service);
      provider.getLogger("recipes").emit({ severityNumber: 9, body: line });
      await provider.forceFlush();
      await provider.shutdown();
    }
  } finally {
    if (saved === undefined) delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    else process.env.OTEL_EXPORTER_OTLP_ENDPOINT = saved;
  }
  assert.deepEqual(
    (await collect(viewer.url, web, 1)).map((entry) => entry.message),
    ["GET / 200"],
  );
  assert.deepEqual(
    (await collect(viewer.url, worker, 1)).map((entry) => entry.message),
    ["job done"],
  );
  assert.deepEqual(await received(web), { "otlp-protobuf": 1 });
});

test("winston-loki with its default options sends Snappy protobuf, and it arrives", async () => {
  const stream = fresh("winston-loki");
  const winston = (await import("winston")).default;
  const LokiTransport = (await import("winston-loki")).default;
  const transport = new LokiTransport({ host: viewer.url, labels: { stream, app: "shop" } });
  const logger = winston.createLogger({ transports: [transport] });
  logger.error("card declined", { order: 7 });
  logger.info("order placed");
  await transport.flush();
  transport.close?.();
  const entries = await collect(viewer.url, stream, 2);
  // By default winston-loki writes the line as `message {meta as JSON}`; the level comes from its level label.
  assert.deepEqual(
    entries.map((entry) => [entry.level, entry.message]),
    [
      ["error", 'card declined {"order":7,"level":"error"}'],
      ["info", 'order placed {"level":"info"}'],
    ],
  );
  assert.equal(entries[0]?.fields?.app, "shop");
  // winston-loki silently falls back to JSON when its native snappy module is missing: this says it did not.
  assert.deepEqual(await received(stream), { "loki-protobuf": 1 });
});

test("pino-loki (JSON) with its default options", async () => {
  const stream = fresh("pino-loki");
  const pino = (await import("pino")).default;
  const { pinoLoki } = await import("pino-loki");
  const transport = pinoLoki({ host: viewer.url, labels: { stream } });
  const logger = pino(transport);
  logger.warn({ user: 7 }, "slow login");
  logger.error("it broke");
  const closed = new Promise((resolve) => transport.on("close", resolve));
  transport.end();
  await closed;
  const entries = await collect(viewer.url, stream, 2);
  assert.deepEqual(
    entries.map((entry) => [entry.level, entry.message]),
    [
      ["warn", "slow login"],
      ["error", "it broke"],
    ],
  );
  assert.equal(entries[0]?.fields?.user, 7);
  assert.deepEqual(await received(stream), { "loki-json": 1 });
});

/**
 * Posts a committed fixture (see test/fixtures/generate.mjs) as its shipper sends it.
 * @param {string} file @param {string} path @param {Record<string, string>} headers
 */
async function postFixture(file, path, headers) {
  const { readFile } = await import("node:fs/promises");
  const body = await readFile(new URL(`../fixtures/${file}`, import.meta.url));
  return fetch(`${viewer.url}${path}`, { method: "POST", headers, body });
}

test("fixture: the OpenTelemetry Collector's otlphttp exporter (protobuf, gzip) at /v1/logs", async () => {
  const response = await postFixture("otelcol-otlp-protobuf.gz", "/v1/logs", {
    "Content-Type": "application/x-protobuf",
    "Content-Encoding": "gzip",
  });
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("Content-Type"), "application/x-protobuf");
  assert.equal((await response.arrayBuffer()).byteLength, 0);
  const [failed, retrying] = await collect(viewer.url, "collector-app", 2);
  assert.deepEqual(
    { time: failed?.time, level: failed?.level, message: failed?.message, fields: failed?.fields },
    {
      time: Date.UTC(2026, 0, 2, 3, 4, 5, 678),
      level: "error",
      message: "payment failed: card declined",
      fields: {
        "service.name": "collector-app",
        "host.name": "node-7",
        order: "A-1001",
        http: { status: 502 },
        trace_id: "0102030405060708090a0b0c0d0e0f10",
        span_id: "a0a1a2a3a4a5a6a7",
      },
    },
  );
  assert.equal(retrying?.time, Date.UTC(2026, 0, 2, 3, 4, 5, 680));
  assert.equal(retrying?.level, "info");
});

test("fixture: Vector's loki sink (protobuf, Content-Encoding: snappy)", async () => {
  const response = await postFixture("vector-loki-protobuf.snappy", "/loki/api/v1/push", {
    "Content-Type": "application/x-protobuf",
    "Content-Encoding": "snappy",
  });
  assert.equal(response.status, 204);
  const app = await collect(viewer.url, "vector-app", 2);
  assert.deepEqual(
    app.map((entry) => [entry.level, entry.message, entry.fields]),
    [
      ["info", "user signed in", { source_type: "file", host: "web-1", user: 7 }],
      ["warn", "WARN disk 91% full", { source_type: "file", host: "web-1", file: "/var/log/app.log" }],
    ],
  );
  const jobs = await collect(viewer.url, "vector-jobs", 1);
  assert.deepEqual(
    jobs.map((entry) => [entry.level, entry.message]),
    [["error", "job 42 failed"]],
  );
});
