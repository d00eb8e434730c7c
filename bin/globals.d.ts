// Replaced by esbuild's `define` when scripts/build-cli.mjs bundles the CLI; absent when run from bin/.
declare const EDGE_TAIL_VERSION: string | undefined;
