// Serves the Worker's production bundle straight in workerd (through Miniflare), without wrangler dev's proxy.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { unstable_getMiniflareWorkerOptions } from "wrangler";

const ROOT = new URL("..", import.meta.url).pathname;

/**
 * Bundles with `wrangler deploy --dry-run` and starts it; `vars` override wrangler.toml's. With
 * `inspectorPort`, workerd's V8 inspector listens there (for a CPU profile, see bench/profile.mjs).
 * With `direct`, `url` is workerd's own socket for the Worker, without Miniflare's entry worker in front (as
 * on Cloudflare, where nothing sits between the client and the Worker). `workers` run beside it (Miniflare 4's
 * worker options; a Durable Object binding with `scriptName: "edge-tail"` reaches the Worker's objects).
 * @param {Record<string, string>} [vars]
 * @param {{ inspectorPort?: number, direct?: boolean, workers?: object[] }} [options]
 */
export async function serveBundle(vars = {}, { inspectorPort, direct = false, workers = [] } = {}) {
  // Inside the project: workerd refuses module paths that leave its root.
  const outdir = join(ROOT, "bench", ".build");
  execFileSync("wrangler", ["deploy", "--dry-run", "--outdir", outdir], { cwd: ROOT, stdio: "ignore" });
  const { workerOptions } = unstable_getMiniflareWorkerOptions(join(ROOT, "wrangler.toml"));
  const persist = mkdtempSync(join(tmpdir(), "edge-tail-bench-state-"));
  const main = {
    ...workerOptions,
    name: "edge-tail",
    assets: undefined,
    modules: [{ type: /** @type {const} */ ("ESModule"), path: join(outdir, "index.js") }],
    // wrangler types its options loosely; they are wrangler.toml's [vars], strings like `vars`.
    bindings: { .../** @type {Record<string, string>} */ (workerOptions.bindings), ...vars },
    ...(direct ? { unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }] } : {}),
  };
  const shared = { host: "127.0.0.1", port: 0, ...(inspectorPort === undefined ? {} : { inspectorPort }) };
  // wrangler still derives Miniflare 4's option shape; Miniflare 5 converts it.
  const options = convertV4MiniflareOptions(
    workers.length === 0
      ? { ...shared, ...main }
      : /** @type {import("miniflare").V4MiniflareOptions} */ ({ ...shared, workers: [main, ...workers] }),
  );
  const mf = new Miniflare(process.env.BENCH_MEMORY ? options : { ...options, resourcePersistencePath: persist });
  const origin = (await mf.ready).origin;
  const url = direct ? (await mf.unsafeGetDirectURL("edge-tail")).origin : origin;
  return {
    url,
    async dispose() {
      await mf.dispose();
      rmSync(outdir, { recursive: true, force: true });
      rmSync(persist, { recursive: true, force: true });
    },
  };
}
