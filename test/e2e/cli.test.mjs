// The CLI against the real Worker (`wrangler dev`): its usage errors, pipe under load and across an outage,
// and tail with queries and odd entries.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { after, before, test } from "node:test";
import { lineText } from "../../lib/format.js";
import { collect, startViewer, waitFor } from "./harness.mjs";

const CLI = new URL("../../bin/edge-tail.mjs", import.meta.url).pathname;

/** @type {import("../../scripts/wrangler-dev.mjs").Viewer} */
let viewer;

before(async () => {
  viewer = await startViewer({ vars: { RING_SIZE: "200000", RATE_LIMIT_PER_SECOND: "0" } });
});

after(async () => {
  await viewer?.stop();
});

/** @param {string} name */
const fresh = (name) => `${name}-${crypto.randomUUID().slice(0, 8)}`;

/**
 * Runs the CLI to its end with `input` on stdin.
 * @param {string[]} args
 * @param {string} [input]
 */
function runCli(args, input = "") {
  const result = spawnSync(process.execPath, [CLI, ...args], { input, encoding: "utf8", timeout: 30_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * `edge-tail tail …` running in the background, its output collected.
 * @param {string[]} args
 */
function startTail(args) {
  const child = spawn(process.execPath, [CLI, "tail", viewer.url, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  const output = { stdout: "", stderr: "" };
  child.stdout.on("data", (chunk) => {
    output.stdout += chunk;
  });
  child.stderr.on("data", (chunk) => {
    output.stderr += chunk;
  });
  const exited = new Promise((resolve) => child.on("exit", resolve));
  return {
    output,
    exited,
    /** @returns {string[]} */
    lines: () => output.stdout.split("\n").filter(Boolean),
    stop: () => child.kill(),
  };
}

test("every bad flag is a usage error naming the flag, exit code 2, before anything is sent", () => {
  const stream = fresh("flags");
  /** @type {Array<[string[], RegExp]>} */
  const cases = [
    [
      ["pipe", viewer.url, stream, "--batch-lines", "abc"],
      /--batch-lines must be a whole number from 1 to 100000, got "abc"/,
    ],
    [["pipe", viewer.url, stream, "--batch-lines", "0"], /--batch-lines must be a whole number .*got "0"/],
    [["pipe", viewer.url, stream, "--batch-lines=-5"], /--batch-lines must be a whole number .*got "-5"/],
    [["pipe", viewer.url, stream, "--batch-lines", "-5"], /--batch-lines needs a value/],
    [["pipe", viewer.url, stream, "--batch-ms", "1.5"], /--batch-ms must be a whole number/],
    [["pipe", viewer.url, stream, "--batch-bytes", ""], /--batch-bytes must be a whole number/],
    [["pipe", viewer.url, stream, "--format", "xml"], /--format must be one of auto, text, ndjson, got "xml"/],
    [["pipe", viewer.url, stream, "--level", "warn"], /--level is an option of tail/],
    [["pipe", viewer.url, "bad/name"], /Invalid stream name "bad\/name"/],
    [["pipe", viewer.url, stream, "another"], /pipe writes to one stream: unexpected "another"/],
    [["tail", viewer.url, stream, "--tail", "x"], /--tail must be a whole number 0 or more, got "x"/],
    [["tail", viewer.url, stream, "--tail"], /--tail needs a value/],
    [["tail", viewer.url, stream, "--level", "loud"], /--level must be one of trace, debug, info, warn, error, fatal/],
    [["tail", viewer.url, stream, "--batch-lines", "10"], /--batch-lines is an option of pipe/],
    [["tail", viewer.url, stream, "--frobnicate"], /unknown option --frobnicate/],
    [["tail", viewer.url, "no good", stream], /Invalid stream name "no good"/],
    [["tail", viewer.url, "level:>=warn"], /tail needs at least one stream name.*"level:>=warn" is taken as the query/],
    [["tail", "localhost:8787", stream], /is not an http\(s\) URL/],
    [["tail"], /tail needs the viewer's URL/],
    [["watch", viewer.url, stream], /unknown command "watch"/],
  ];
  for (const [args, message] of cases) {
    const { code, stdout, stderr } = runCli(args, "a line that must not be sent\n");
    assert.equal(code, 2, `${args.join(" ")} → exit ${code}: ${stderr}`);
    assert.match(stderr, message, args.join(" "));
    assert.equal(stdout, "");
  }
  assert.equal(runCli(["--help"]).code, 0);
});

test("tail prints each entry as the page copies it, backfill then live", async () => {
  const stream = fresh("tail");
  await viewer.post(
    stream,
    '{"level":"info","msg":"quiet","user":"ann"}\n{"level":"error","msg":"loud"}',
    "application/x-ndjson",
  );
  const tail = startTail([stream, "--no-color"]);
  try {
    await waitFor("the backfill", () => tail.lines().length >= 2);
    await viewer.post(stream, "WARN live one");
    await waitFor("the live line", () => tail.lines().length >= 3);
    const entries = await collect(viewer.url, stream, 3);
    assert.deepEqual(tail.lines(), entries.map(lineText));
    assert.match(tail.lines()[0] ?? "", /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z INFO quiet user=ann$/);
  } finally {
    tail.stop();
  }
});

test("tail with a query prints only what matches: positional, --query, -- and the --level and --grep aliases", async () => {
  const lines = [
    { level: "info", msg: "GET /a", status: 200 },
    { level: "warn", msg: "GET /b timeout", status: 504 },
    { level: "error", msg: "GET /c", status: 500 },
    { level: "error", msg: "GET /d timeout", status: 404 },
  ];
  // Matches every query below: once it is printed, everything before it has been judged.
  const sentinel = { level: "fatal", msg: "GET /z timeout", status: 503 };
  /** @type {Array<[string[], string[]]>} */
  const cases = [
    [["status:>=500"], ["GET /b timeout", "GET /c"]],
    [
      ["-q", "timeout"],
      ["GET /b timeout", "GET /d timeout"],
    ],
    [
      ["--", "timeout"],
      ["GET /b timeout", "GET /d timeout"],
    ],
    [
      ["--level", "error"],
      ["GET /c", "GET /d timeout"],
    ],
    [["status:>=500 OR status:404", "--level", "error", "--grep", "timeout"], ["GET /d timeout"]],
  ];
  for (const [query, expected] of cases) {
    const stream = fresh("query");
    await viewer.post(stream, lines.map((line) => JSON.stringify(line)).join("\n"), "application/x-ndjson");
    const tail = startTail([stream, ...query, "--no-color"]);
    try {
      await waitFor(`the backfill of tail ${query.join(" ")}`, () => tail.lines().length >= expected.length);
      await viewer.post(stream, JSON.stringify(sentinel), "application/x-ndjson");
      await waitFor("the sentinel", () => tail.output.stdout.includes(sentinel.msg));
      const messages = tail.lines().map((line) => /^\S+ \S+ (.*?) status=\d+$/.exec(line)?.[1]);
      assert.deepEqual(messages, [...expected, sentinel.msg], query.join(" "));
    } finally {
      tail.stop();
    }
  }
});

test("tail: an invalid query is the server's 400 with its position, exit code 2", async () => {
  const { code, stderr } = runCli(["tail", viewer.url, fresh("bad-query"), "status:>=500 (timeout"]);
  assert.equal(code, 2, stderr);
  assert.match(stderr, /refused the tail \(400\): .*position \d+/);
  assert.match(stderr, /the query sent: status:>=500 \(timeout/);
});

test("tail of several streams and a prefix prints each stream's entries, marked with the stream", async () => {
  const one = fresh("solo");
  const team = fresh("team");
  await viewer.post(one, "INFO from the named stream");
  await viewer.post(`${team}.api`, "WARN from a stream under the prefix");
  const tail = startTail([one, `${team}.*`, "--no-color"]);
  try {
    await waitFor("both backfills", () => tail.lines().length >= 2);
    await viewer.post(`${team}.web`, "ERROR from a stream that appeared later");
    // A new stream joins a prefix once the stream list has it (INDEX_REPORT_MS, 5 s).
    await waitFor("the later stream's line", () => tail.output.stdout.includes("appeared later"), 30_000);
    const lines = tail.lines().map((line) => line.replace(/ \S+Z /, " "));
    assert.deepEqual(lines, [
      `${one} INFO from the named stream`,
      `${team}.api WARN from a stream under the prefix`,
      `${team}.web ERROR from a stream that appeared later`,
    ]);
  } finally {
    tail.stop();
  }
});

test("tail keeps going past odd entries: the epoch's first millisecond, odd fields, escapes stripped off a TTY", async () => {
  const stream = fresh("odd");
  const odd = [
    { time: "1970-01-01T00:00:00.001Z", msg: "at the epoch" },
    { msg: "odd fields", nested: { deep: [1, { x: null }] }, "key with space": "v w", empty: {}, big: 1e308 },
    { msg: "first line\n2026-01-01T00:00:00.000Z ERROR forged\r\nthird" },
    { msg: "\u001b[31mred\u001b[0m and \u001b]8;;https://x.test\u0007link\u001b]8;;\u0007", colour: "\u001b[1mbold" },
  ];
  await viewer.post(stream, odd.map((line) => JSON.stringify(line)).join("\n"), "application/x-ndjson");
  const tail = startTail([stream, "--no-color"]);
  try {
    await waitFor("the odd entries", () => tail.lines().length >= 6);
    await viewer.post(stream, "INFO after the odd ones");
    await waitFor("the line after them", () => tail.output.stdout.includes("after the odd ones"));
    const lines = tail.lines();
    assert.equal(lines.length, 7, tail.output.stdout);
    assert.match(lines[0] ?? "", /^1970-01-01T00:00:00\.001Z - at the epoch$/);
    assert.match(lines[1] ?? "", /odd fields .*nested=\{"deep":\[1,\{"x":null\}\]\}/);
    assert.match(lines[2] ?? "", / - first line$/);
    assert.deepEqual(lines.slice(3, 5), ["  2026-01-01T00:00:00.000Z ERROR forged", "  third"]);
    assert.match(lines[5] ?? "", / red and link colour=bold$/);
    assert.equal(tail.output.stdout.includes("\u001b"), false, "an escape reached the output");
  } finally {
    tail.stop();
  }
});

test("tail on a terminal: levels in colour, a message's own escapes passed through", async () => {
  const stream = fresh("tty");
  await viewer.post(
    stream,
    JSON.stringify({ level: "error", msg: "\u001b[31mred\u001b[0m alert" }),
    "application/x-ndjson",
  );
  // util-linux `script` gives the CLI a pseudo-terminal, so it takes the path a person at a terminal sees.
  const command = [process.execPath, CLI, "tail", viewer.url, stream].map((word) => `'${word}'`).join(" ");
  const child = spawn("script", ["-qfec", command, "/dev/null"], { stdio: ["pipe", "pipe", "pipe"], detached: true });
  let out = "";
  child.stdout.on("data", (chunk) => {
    out += chunk;
  });
  try {
    await waitFor("the coloured line", () => out.includes("alert"));
    assert.ok(out.includes("\u001b[31mERROR\u001b[0m \u001b[31mred\u001b[0m alert"), JSON.stringify(out));
  } finally {
    process.kill(-(/** @type {number} */ (child.pid)), "SIGTERM");
  }
});

test("tokens: a refusal is the server's message and exit 1; --token and EDGE_TAIL_TOKEN open the stream", async () => {
  const secured = await startViewer({ vars: { INGEST_TOKEN: "write-secret", READ_TOKEN: "read-secret" } });
  try {
    const stream = fresh("secured");
    const refused = runCli(["pipe", secured.url, stream], "a line\n");
    assert.equal(refused.code, 1, refused.stderr);
    assert.match(refused.stderr, /refused a batch \(401\): [^{]/);
    const piped = runCli(["pipe", secured.url, stream, "--token", "write-secret"], "INFO let in\n");
    assert.equal(piped.code, 0, piped.stderr);
    const unread = runCli(["tail", secured.url, stream]);
    assert.equal(unread.code, 1, unread.stderr);
    assert.match(unread.stderr, /refused the tail \(401\): /);
    const child = spawn(process.execPath, [CLI, "tail", secured.url, stream], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, EDGE_TAIL_TOKEN: "read-secret" },
    });
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
    });
    try {
      await waitFor("the line through the token", () => out.includes("let in"));
    } finally {
      child.kill();
    }
  } finally {
    await secured.stop();
  }
});

/**
 * Pipes `count` numbered lines through the CLI, `ratePerMs` at most; resolves to its stderr.
 * @param {string} stream
 * @param {number} count
 * @param {{ ratePerMs?: number }} [options]
 * @returns {Promise<string>}
 */
function pipeNumbered(stream, count, { ratePerMs = Number.POSITIVE_INFINITY } = {}) {
  return new Promise((resolve, reject) => {
    const cli = spawn(process.execPath, [CLI, "pipe", viewer.url, stream], { stdio: ["pipe", "ignore", "pipe"] });
    let stderr = "";
    cli.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
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

test("pipe: 100,000 lines arrive complete and in order", async () => {
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

test("pipe: survives the server being down for a few seconds, with no lost or doubled line", async () => {
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
