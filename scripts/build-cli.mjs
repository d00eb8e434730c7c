// Bundles the CLI (bin/edge-tail.mjs and what it imports: lib/ and eventsource-parser) into one file,
// public/cli.mjs, with the package's version embedded: the deployment serves it at /cli.mjs and `npm pack`
// ships it as the package's only file. Node 20+, no install, no dependencies.
import { readFileSync } from "node:fs";
import { build } from "esbuild";

const root = new URL("..", import.meta.url).pathname;
const { version } = JSON.parse(readFileSync(`${root}package.json`, "utf8"));

await build({
  absWorkingDir: root,
  entryPoints: ["bin/edge-tail.mjs"],
  outfile: "public/cli.mjs",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  define: { EDGE_TAIL_VERSION: JSON.stringify(version) },
  // The entry's own `#!/usr/bin/env node` line is kept: `npm i -g` links the file as the `edge-tail` command.
  // Folds the version test, so the bundle never reads a package.json.
  minifySyntax: true,
  legalComments: "none",
  logLevel: "warning",
});
