#!/usr/bin/env node
// edge-tail CLI: `pipe` ships stdin to a stream, `tail` prints a stream live. Node 20+, no build step.
import { randomUUID } from "node:crypto";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { EventSourceParserStream } from "eventsource-parser/stream";

const USAGE = `Usage:
  edge-tail pipe <url> <stream> [--format auto|text|ndjson] [--batch-lines 1000] [--batch-ms 200] [--token T]
  edge-tail tail <url> <stream> [--level warn] [--grep text] [--tail 100] [--no-color] [--token T]

  some-app 2>&1 | npx edge-tail pipe http://localhost:8787 my-app
  npx edge-tail tail http://localhost:8787 my-app --level warn

The token may also come from EDGE_TAIL_TOKEN.`;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    format: { type: "string", default: "auto" },
    "batch-lines": { type: "string", default: "1000" },
    "batch-bytes": { type: "string", default: String(512 * 1024) },
    "batch-ms": { type: "string", default: "200" },
    level: { type: "string" },
    grep: { type: "string" },
    tail: { type: "string", default: "100" },
    "no-color": { type: "boolean", default: false },
    token: { type: "string" },
    help: { type: "boolean", short: "h", default: false },
  },
});

const [command, base, stream] = positionals;
if (values.help || !command || !base || !stream || !["pipe", "tail"].includes(command)) {
  console.error(USAGE);
  process.exit(values.help ? 0 : 2);
}
const token = values.token ?? process.env.EDGE_TAIL_TOKEN;
const auth = token ? { Authorization: `Bearer ${token}` } : {};
const root = base.replace(/\/+$/, "");

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const warn = (message) => process.stderr.write(`edge-tail: ${message}\n`);

/**
 * Reads stdin line by line and posts batches, one at a time and in order. A batch is retried with backoff
 * until the server accepts it; its Idempotency-Key makes a resend after a lost answer harmless, so no line
 * is lost or doubled. Ends (exit 0) once every line read has been accepted.
 */
async function pipe() {
  const maxLines = Number(values["batch-lines"]);
  const maxBytes = Number(values["batch-bytes"]);
  const maxWait = Number(values["batch-ms"]);
  /** @type {string[]} */
  let queue = [];
  let queuedBytes = 0;
  let ended = false;
  /** @type {(() => void) | null} */
  let wake = null;
  const notify = () => {
    wake?.();
    wake = null;
  };

  const lines = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
  lines.on("line", (line) => {
    if (line.length === 0) return;
    queue.push(line);
    queuedBytes += Buffer.byteLength(line) + 1;
    // Backpressure: stop reading while the server is behind, so memory stays bounded.
    if (queue.length >= maxLines * 20) lines.pause();
    if (queue.length >= maxLines || queuedBytes >= maxBytes) notify();
  });
  lines.on("close", () => {
    ended = true;
    notify();
  });

  let sent = 0;
  for (;;) {
    if (queue.length === 0) {
      if (ended) break;
      await new Promise((resolve) => {
        wake = resolve;
      });
      continue;
    }
    if (!ended && queue.length < maxLines && queuedBytes < maxBytes) {
      // Give a trickle of lines a moment to become a batch.
      await Promise.race([sleep(maxWait), new Promise((resolve) => (wake = resolve))]);
      wake = null;
    }
    let count = 0;
    let bytes = 0;
    while (count < queue.length && count < maxLines && bytes < maxBytes) {
      bytes += Buffer.byteLength(queue[count]) + 1;
      count++;
    }
    const batch = queue.slice(0, count);
    await send(batch);
    queue = queue.slice(count);
    queuedBytes -= bytes;
    sent += count;
    if (lines.paused && queue.length < maxLines * 10) lines.resume();
  }
  warn(`${sent} line${sent === 1 ? "" : "s"} delivered`);
}

/** @param {string[]} batch */
async function send(batch) {
  const ndjson = values.format === "ndjson" || (values.format === "auto" && batch.every((line) => isJsonObject(line)));
  const body = `${batch.join("\n")}\n`;
  const key = randomUUID();
  for (let attempt = 0; ; attempt++) {
    let wait = Math.min(10_000, 250 * 2 ** Math.min(attempt, 6));
    try {
      const response = await fetch(`${root}/api/streams/${encodeURIComponent(stream)}/logs`, {
        method: "POST",
        headers: {
          "Content-Type": ndjson ? "application/x-ndjson" : "text/plain; charset=utf-8",
          "Idempotency-Key": key,
          ...auth,
        },
        body,
      });
      if (response.status === 202) return;
      const text = await response.text();
      if (response.status === 413 && batch.length > 1) {
        // Too big for the server's limits: halve and send in order.
        const half = Math.ceil(batch.length / 2);
        await send(batch.slice(0, half));
        await send(batch.slice(half));
        return;
      }
      if (response.status !== 429 && response.status < 500) {
        warn(`the server refused a batch (${response.status}): ${text}`);
        process.exit(1);
      }
      const retryAfter = Number(response.headers.get("Retry-After"));
      if (retryAfter > 0) wait = retryAfter * 1000;
      warn(`server answered ${response.status}, retrying in ${wait} ms`);
    } catch (error) {
      if (attempt === 0 || attempt % 10 === 0) warn(`${error.cause?.code ?? error.message}, retrying in ${wait} ms`);
    }
    await sleep(wait);
  }
}

/** @param {string} line */
function isJsonObject(line) {
  if (!line.startsWith("{")) return false;
  try {
    const value = JSON.parse(line);
    return typeof value === "object" && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

const COLORS = { trace: 90, debug: 36, info: 32, warn: 33, error: 31, fatal: 41 };

/** Prints the stream live; after a drop it reconnects with Last-Event-ID, so nothing repeats or goes missing. */
async function tail() {
  const color = !values["no-color"] && process.stdout.isTTY && !process.env.NO_COLOR;
  const paint = (code, text) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
  const query = new URLSearchParams({ tail: values.tail });
  if (values.level) query.set("level", values.level);
  if (values.grep) query.set("q", values.grep);
  /** @type {string | undefined} */
  let lastEventId;
  let retry = 1000;
  for (;;) {
    try {
      const response = await fetch(`${root}/api/streams/${encodeURIComponent(stream)}/events?${query}`, {
        headers: { Accept: "text/event-stream", ...auth, ...(lastEventId ? { "Last-Event-ID": lastEventId } : {}) },
      });
      if (response.status === 401 || response.status === 400) {
        warn(`${response.status}: ${(await response.json()).error}`);
        process.exit(1);
      }
      if (response.status !== 200 || !response.body) throw new Error(`server answered ${response.status}`);
      const events = response.body
        .pipeThrough(new TextDecoderStream())
        .pipeThrough(new EventSourceParserStream({ onRetry: (ms) => (retry = ms), onComment: () => {} }));
      for await (const event of events) {
        if (event.id !== undefined) lastEventId = event.id;
        if (event.event === "gap") {
          const gap = JSON.parse(event.data);
          console.log(paint(33, `… ${gap.to - gap.from + 1} lines missed (ids ${gap.from}–${gap.to})`));
        } else if (event.event === "log") {
          const entry = JSON.parse(event.data);
          const time = new Date(entry.time).toISOString().slice(11, 23);
          const level = (entry.level ?? "").toUpperCase().padEnd(5);
          const fields = entry.fields ? ` ${paint(90, JSON.stringify(entry.fields))}` : "";
          console.log(`${paint(90, time)} ${paint(COLORS[entry.level] ?? 0, level)} ${entry.message}${fields}`);
        }
      }
      warn("stream ended, reconnecting");
    } catch (error) {
      warn(`${error.cause?.code ?? error.message}, reconnecting in ${retry} ms`);
    }
    // Resume after the last id; the backfill must not repeat what was printed.
    if (lastEventId !== undefined) query.set("tail", "0");
    await sleep(retry);
  }
}

if (command === "pipe") await pipe();
else await tail();
