// The CLI's version: the package's, embedded in the bundled cli.mjs by scripts/build-cli.mjs, so the file a
// deployment serves says which deployment it came from.
import { readFileSync } from "node:fs";

/** The package.json version; read from the file beside bin/ when run unbundled. */
export const VERSION =
  typeof EDGE_TAIL_VERSION === "string"
    ? EDGE_TAIL_VERSION
    : /** @type {{ version: string }} */ (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")))
        .version;
