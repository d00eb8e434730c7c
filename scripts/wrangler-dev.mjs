// Starts the real Worker with `wrangler dev` on a free port and a state folder of its own: for the browser
// and CLI tests (through test/e2e/harness.mjs) and for the soak.
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";

const BIN = new URL("../node_modules/.bin", import.meta.url).pathname;

/**
 * A free TCP port on loopback.
 * @returns {Promise<number>}
 */
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

/**
 * Calls `check` every 50 ms until it returns a truthy value, which it resolves to; rejects after `ms` with a
 * message naming what was awaited.
 * @template T
 * @param {string} what
 * @param {() => T | Promise<T>} check
 * @param {number} [ms]
 * @returns {Promise<NonNullable<T>>}
 */
export async function waitFor(what, check, ms = 10_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return /** @type {NonNullable<T>} */ (value);
    if (Date.now() > deadline) throw new Error(`Timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * @typedef {object} Viewer
 * @property {string} url e.g. `http://127.0.0.1:41234`
 * @property {() => Promise<void>} stop
 * @property {() => Promise<void>} restart stops and starts on the same port and state folder, which restarts
 *   the Durable Objects with their storage
 * @property {(stream: string, body: string, contentType?: string) => Promise<import("../lib/types").IngestResult>} post
 *   posts a body to a stream and returns the 202 answer
 */

/**
 * `wrangler dev` on its own port and state folder, with `vars` overriding wrangler.toml's.
 * @param {{ vars?: Record<string, string> }} [options]
 * @returns {Promise<Viewer>}
 */
export async function startViewer({ vars = {} } = {}) {
  let port = await freePort();
  const persist = mkdtempSync(join(tmpdir(), "edge-tail-e2e-"));
  let url = `http://127.0.0.1:${port}`;
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
      // The project's wrangler, on the Node it needs (the `node` devDependency), also outside npm scripts.
      env: { ...process.env, PATH: `${BIN}${delimiter}${process.env.PATH ?? ""}`, WRANGLER_SEND_METRICS: "false" },
    });
    child.on("error", (error) => {
      output += `${error.message}\n`;
    });
    child.stdout?.on("data", (chunk) => {
      output += chunk;
    });
    child.stderr?.on("data", (chunk) => {
      output += chunk;
    });
    const started = /** @type {import("node:child_process").ChildProcess} */ (child);
    const healthy = async () => {
      if (started.exitCode !== null) throw new Error(`wrangler dev on ${url} exited`);
      try {
        return (await fetch(`${url}/api/health`)).ok;
      } catch {
        return false;
      }
    };
    await waitFor(`wrangler dev on ${url}`, healthy, 60_000).catch((error) => {
      throw new Error(`${error.message}; its output ends with: ${output.slice(-500)}`);
    });
  }

  async function stop() {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null) return;
    const pid = /** @type {number} */ (running.pid);
    const exited = new Promise((resolve) => running.once("exit", resolve));
    process.kill(-pid, "SIGTERM");
    const timer = setTimeout(() => process.kill(-pid, "SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
  }

  // Viewers started at once (test files run side by side) may pick the same free port, theirs or workerd's own.
  for (let attempt = 1; ; attempt++) {
    try {
      await start();
      break;
    } catch (error) {
      if (attempt === 3 || !output.includes("Address already in use")) throw error;
      await stop();
      output = "";
      port = await freePort();
      url = `http://127.0.0.1:${port}`;
    }
  }
  return {
    url,
    stop,
    async restart() {
      await stop();
      await start();
    },
    async post(stream, body, contentType = "text/plain") {
      const response = await fetch(`${url}/api/streams/${stream}/logs`, {
        method: "POST",
        headers: { "Content-Type": contentType },
        body,
      });
      if (response.status !== 202) throw new Error(`POST answered ${response.status}: ${await response.text()}`);
      return /** @type {Promise<import("../lib/types").IngestResult>} */ (response.json());
    },
  };
}
