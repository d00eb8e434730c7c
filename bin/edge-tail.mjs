#!/usr/bin/env node
// edge-tail CLI: `pipe` ships stdin to a stream, `tail` prints streams live, `patterns` lists a stream's
// templates. Node 20+; runs from bin/ as it is, or bundled into one file (scripts/build-cli.mjs) that each
// deployment serves at /cli.mjs.
import { parseCommandLine, USAGE, UsageError } from "./args.mjs";
import { patterns } from "./patterns.mjs";
import { pipe } from "./pipe.mjs";
import { tail } from "./tail.mjs";
import { VERSION } from "./version.mjs";

/** @param {string} message */
const warn = (message) => {
  process.stderr.write(`edge-tail: ${message}\n`);
};

// `edge-tail tail … | head` closing the pipe is the reader being done, not an error.
process.stdout.on("error", (error) => {
  if (/** @type {NodeJS.ErrnoException} */ (error).code === "EPIPE") process.exit(0);
  throw error;
});

/** @returns {Promise<number>} the exit code */
async function main() {
  let command;
  try {
    command = parseCommandLine(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    warn(error.message);
    process.stderr.write("Run edge-tail --help for usage.\n");
    return 2;
  }
  if (command.command === "help") {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (command.command === "version") {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  if (command.command === "pipe") return pipe(command, warn);
  const color = command.color ?? (process.stdout.isTTY === true && !process.env.NO_COLOR);
  if (command.command === "patterns") return patterns(command, { out: process.stdout, warn, color });
  return tail(command, { out: process.stdout, warn, color });
}

process.exitCode = await main();
