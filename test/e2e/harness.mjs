// Starts the real viewer (`wrangler dev`) and Debian's Chromium for the browser tests.
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** A free TCP port on loopback. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = /** @type {import("node:net").AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

/** Rejects after `ms` with a message naming what was awaited. */
export async function waitFor(what, check, ms = 10_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * `wrangler dev` on its own port and state folder; `restart()` stops and starts it on the same port and
 * folder, which restarts the Durable Objects with their storage.
 */
export async function startViewer({ vars = {} } = {}) {
  const port = await freePort();
  const persist = mkdtempSync(join(tmpdir(), "edge-tail-e2e-"));
  const url = `http://127.0.0.1:${port}`;
  /** @type {import("node:child_process").ChildProcess | null} */
  let child = null;
  let output = "";

  async function start() {
    const args = [
      "dev",
      "--ip",
      "127.0.0.1",
      "--port",
      String(port),
      "--persist-to",
      persist,
      "--show-interactive-dev-session=false",
    ];
    for (const [name, value] of Object.entries(vars)) args.push("--var", `${name}:${value}`);
    child = spawn("wrangler", args, {
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
    });
    child.stdout?.on("data", (chunk) => (output += chunk));
    child.stderr?.on("data", (chunk) => (output += chunk));
    await waitFor(
      `wrangler dev on ${url} (output so far: ${output.slice(-500)})`,
      async () => {
        try {
          return (await fetch(`${url}/api/health`)).ok;
        } catch {
          return false;
        }
      },
      60_000,
    );
  }

  async function stop() {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once("exit", resolve));
    process.kill(-(/** @type {number} */ (running.pid)), "SIGTERM");
    const timer = setTimeout(() => process.kill(-(/** @type {number} */ (running.pid)), "SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
  }

  await start();
  return {
    url,
    stop,
    async restart() {
      await stop();
      await start();
    },
    /** Posts a body to a stream and returns the 202 answer. */
    async post(stream, body, contentType = "text/plain") {
      const response = await fetch(`${url}/api/streams/${stream}/logs`, {
        method: "POST",
        headers: { "Content-Type": contentType },
        body,
      });
      if (response.status !== 202) throw new Error(`POST answered ${response.status}: ${await response.text()}`);
      return response.json();
    },
  };
}

export function launchBrowser() {
  const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  return chromium.launch({ executablePath, args: CHROMIUM_FLAGS });
}

/**
 * Reads a stream's buffered entries over SSE until `count` have arrived (or `ms` pass), with a real parser.
 * @returns {Promise<import("../../src/types").LogEntry[]>}
 */
export async function collect(url, stream, count, { ms = 20_000, headers = {} } = {}) {
  const { EventSourceParserStream } = await import("eventsource-parser/stream");
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), ms);
  const entries = [];
  try {
    const response = await fetch(`${url}/api/streams/${stream}/events?tail=${count}`, {
      headers,
      signal: controller.signal,
    });
    const events = response.body.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream());
    for await (const event of events) {
      if (event.event === "log") entries.push(JSON.parse(event.data));
      if (entries.length >= count) break;
    }
  } catch (error) {
    if (!controller.signal.aborted) throw error;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return entries;
}
