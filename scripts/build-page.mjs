// Bundles the page (page/main.ts and what it imports: lib/ and the libraries) into public/app.js with a
// source map. Run by wrangler's [build] before `wrangler dev` and `wrangler deploy`, so neither needs a step.
import { build } from "esbuild";

const root = new URL("..", import.meta.url).pathname;

await build({
  absWorkingDir: root,
  entryPoints: ["page/main.ts"],
  outfile: "public/app.js",
  bundle: true,
  format: "esm",
  target: "es2022",
  minify: process.env.PAGE_MINIFY !== "0",
  sourcemap: "linked",
  legalComments: "none",
  logLevel: "warning",
});
