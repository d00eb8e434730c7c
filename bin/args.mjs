// The command line: every flag checked before anything is sent, so a typo is a usage error (exit 2) that
// names the flag, never a loop of empty batches or a tail of the wrong thing.
import { parseArgs } from "node:util";
import { LEVELS, levelOf } from "../lib/levels.js";
import { isStreamName, streamNameProblem } from "../lib/names.js";

export const USAGE = `Usage:
  edge-tail pipe URL STREAM [--format auto|text|ndjson] [--multiline on|off] [--batch-lines N] [--batch-bytes N]
                            [--batch-ms MS]
  edge-tail tail URL STREAM... [QUERY] [--query Q] [--level L] [--grep TEXT] [--tail N] [--no-color]
  edge-tail patterns URL STREAM[,STREAM…] [QUERY] [--query Q] [--level L] [--grep TEXT] [--no-color]

pipe   reads stdin line by line and posts it to STREAM in batches, in order, retrying until every line is
       accepted (--batch-lines 1000, --batch-bytes 524288, --batch-ms 200 by default). A stack trace is one
       entry: a batch ends only where an entry starts, and the last entry waits --batch-ms for more lines
       (--multiline off: one entry per line).
tail   prints STREAM live, resuming after a drop without repeating or losing a line.
       Several streams (or prefixes such as team-a.*) are read together.
       QUERY filters in the viewer's query language: level:>=warn timeout, status:>=500, /time(d)?out/i …
       The last word after URL is the query when it cannot be a stream name (it has a space, ':', '"',
       '/', …) or when it comes after --; a one-word query needs -q or --: tail URL app -- timeout
       --level warn means level:>=warn; --grep TEXT means the phrase "TEXT"; all given parts must match.
       --tail N: entries to show before going live (100).
patterns
       prints the templates of the lines STREAM holds (of those QUERY matches), largest count first: count,
       share, highest level, id and template (variable parts written <*>). Tail one of them with
       tail URL STREAM pattern:ID, or leave it out with -pattern:ID. Several streams (a,b or team-a.*):
       each row names its stream; ids are per stream, so pick one with stream:NAME pattern:ID.

Everywhere: --token T (or EDGE_TAIL_TOKEN), --help, --version.

  some-app 2>&1 | npx edge-tail pipe http://localhost:8787 my-app
  npx edge-tail tail http://localhost:8787 my-app 'level:>=warn timeout'
  npx edge-tail tail http://localhost:8787 team-a.* api-gateway -q status:>=500
  npx edge-tail patterns http://localhost:8787 my-app level:>=warn
  npx edge-tail patterns http://localhost:8787 api,web,team-a.*

Exit codes: 0 done, 1 the server refused or failed, 2 a usage error.`;

/** A mistake on the command line: printed with a pointer to --help, exit code 2. */
export class UsageError extends Error {}

/**
 * @typedef {{ command: "help" } | { command: "version" }
 *   | { command: "pipe", url: string, stream: string, token: string | undefined, format: "auto" | "text" | "ndjson",
 *       multiline: boolean, batchLines: number, batchBytes: number, batchMs: number }
 *   | { command: "tail", url: string, streams: string[], token: string | undefined, query: string, tail: number,
 *       color: boolean | undefined }
 *   | { command: "patterns", url: string, streams: string[], token: string | undefined, query: string,
 *       color: boolean | undefined }} Command
 *   `color` undefined: decided by the terminal; `streams`: one name, or names and prefixes (`team-a.*`).
 */

const OPTIONS = /** @type {const} */ ({
  format: { type: "string" },
  multiline: { type: "string" },
  "batch-lines": { type: "string" },
  "batch-bytes": { type: "string" },
  "batch-ms": { type: "string" },
  query: { type: "string", short: "q" },
  level: { type: "string" },
  grep: { type: "string" },
  tail: { type: "string" },
  "no-color": { type: "boolean" },
  token: { type: "string" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean" },
});

const PIPE_ONLY = ["format", "multiline", "batch-lines", "batch-bytes", "batch-ms"];
const TAIL_ONLY = ["query", "level", "grep", "tail", "no-color"];

/**
 * Reads the command line (without `node` and the script).
 * @param {string[]} argv
 * @param {NodeJS.ProcessEnv} env
 * @returns {Command}
 */
export function parseCommandLine(argv, env) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true, tokens: true });
  } catch (error) {
    throw new UsageError(parseArgsProblem(error));
  }
  const { values, positionals, tokens } = parsed;
  if (values.help) return { command: "help" };
  if (values.version) return { command: "version" };
  const [command, url, ...rest] = positionals;
  if (command === undefined) throw new UsageError("expected a command: pipe, tail or patterns");
  if (command !== "pipe" && command !== "tail" && command !== "patterns") {
    throw new UsageError(`unknown command "${command}": use pipe, tail or patterns`);
  }
  const foreign = Object.keys(values).filter((name) =>
    (command === "pipe" ? TAIL_ONLY : command === "tail" ? PIPE_ONLY : [...PIPE_ONLY, "tail"]).includes(name),
  );
  if (foreign.length > 0)
    throw new UsageError(`--${foreign[0]} is an option of ${PIPE_ONLY.includes(foreign[0] ?? "") ? "pipe" : "tail"}`);
  if (url === undefined) throw new UsageError(`${command} needs the viewer's URL, e.g. http://localhost:8787`);
  const base = baseUrl(url);
  const token = values.token || env.EDGE_TAIL_TOKEN || undefined;

  if (command === "pipe") {
    const [stream, ...extra] = rest;
    if (stream === undefined) throw new UsageError("pipe needs a stream name after the URL");
    const problem = streamNameProblem(stream);
    if (problem !== null) throw new UsageError(problem);
    if (extra.length > 0) throw new UsageError(`pipe writes to one stream: unexpected "${extra[0]}"`);
    return {
      command,
      url: base,
      stream,
      token,
      format: choice("--format", values.format ?? "auto", /** @type {const} */ (["auto", "text", "ndjson"])),
      multiline: choice("--multiline", values.multiline ?? "on", /** @type {const} */ (["on", "off"])) === "on",
      batchLines: integer("--batch-lines", values["batch-lines"] ?? "1000", 1, 100_000),
      batchBytes: integer("--batch-bytes", values["batch-bytes"] ?? String(512 * 1024), 1, 100 * 1024 * 1024),
      batchMs: integer("--batch-ms", values["batch-ms"] ?? "200", 0, 60_000),
    };
  }

  if (command === "patterns") {
    const [list, ...words] = rest;
    if (list === undefined) throw new UsageError("patterns needs a stream name after the URL");
    // `a,b` or a prefix: the merged route; each part a name or a prefix.
    const streams = list.split(",").filter((part) => part !== "");
    for (const part of streams.length === 0 ? [list] : streams) {
      if (!isStreamPattern(part)) throw new UsageError(/** @type {string} */ (streamNameProblem(part)));
    }
    const query = buildQuery(words.join(" "), values.query, values.level, values.grep);
    return { command, url: base, streams, token, query, color: values["no-color"] ? false : undefined };
  }

  // After `--` everything is the query; before it, the last word is the query when it is no stream.
  const terminator = tokens.find((token) => token.kind === "option-terminator")?.index ?? Number.POSITIVE_INFINITY;
  const afterTerminator = Math.min(
    rest.length,
    tokens.filter((token) => token.kind === "positional" && token.index > terminator).length,
  );
  const words = rest.slice(0, rest.length - afterTerminator);
  let query = rest.slice(rest.length - afterTerminator).join(" ");
  const last = words.at(-1);
  if (afterTerminator === 0 && last !== undefined && !isStreamPattern(last))
    query = /** @type {string} */ (words.pop());
  if (words.length === 0) {
    const hint = last !== undefined && afterTerminator === 0 ? `; "${last}" is taken as the query` : "";
    throw new UsageError(`tail needs at least one stream name after the URL${hint}`);
  }
  for (const word of words) {
    if (!isStreamPattern(word)) throw new UsageError(/** @type {string} */ (streamNameProblem(word)));
  }
  return {
    command,
    url: base,
    streams: words,
    token,
    query: buildQuery(query, values.query, values.level, values.grep),
    tail: integer("--tail", values.tail ?? "100", 0, Number.MAX_SAFE_INTEGER),
    color: values["no-color"] ? false : undefined,
  };
}

/**
 * A stream name, or a prefix of names ending in `*` (`team-a.*`), which only the multi-stream endpoint reads.
 * @param {string} word
 */
export function isStreamPattern(word) {
  return isStreamName(word) || (word.length > 1 && word.endsWith("*") && isStreamName(word.slice(0, -1)));
}

/**
 * One query from its parts, all of which must match: the positional query and `--query` as written (in
 * parentheses when combined, so an OR inside stays inside), `--level` as a minimum, `--grep` as a phrase.
 * @param {string} positional
 * @param {string | undefined} query
 * @param {string | undefined} level
 * @param {string | undefined} grep
 */
function buildQuery(positional, query, level, grep) {
  /** @type {string[]} */
  const free = [positional, query ?? ""].map((part) => part.trim()).filter((part) => part !== "");
  /** @type {string[]} */
  const terms = [];
  if (level !== undefined) {
    const name = levelOf(level);
    if (name === null) throw new UsageError(`--level must be one of ${LEVELS.join(", ")}, got "${level}"`);
    terms.push(`level:>=${name}`);
  }
  if (grep !== undefined) {
    if (grep === "") throw new UsageError("--grep needs some text");
    terms.push(`"${grep.replace(/[\\"*]/g, "\\$&")}"`);
  }
  if (free.length + terms.length <= 1) return [...free, ...terms].join("");
  return [...free.map((part) => `(${part})`), ...terms].join(" ");
}

/**
 * The viewer's base URL without a trailing slash; http or https only.
 * @param {string} text
 */
function baseUrl(text) {
  let url;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`"${text}" is not a URL: give the viewer's address, e.g. http://localhost:8787`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UsageError(`"${text}" is not an http(s) URL: give the viewer's address, e.g. http://localhost:8787`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}

/**
 * A whole number in [min, max] written in plain digits.
 * @param {string} flag @param {string} text @param {number} min @param {number} max
 */
function integer(flag, text, min, max) {
  const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `${min} or more` : `from ${min} to ${max}`;
    throw new UsageError(`${flag} must be a whole number ${range}, got "${text}"`);
  }
  return n;
}

/**
 * @template {string} T
 * @param {string} flag @param {string} text @param {readonly T[]} allowed
 * @returns {T}
 */
function choice(flag, text, allowed) {
  if (!(/** @type {readonly string[]} */ (allowed).includes(text))) {
    throw new UsageError(`${flag} must be one of ${allowed.join(", ")}, got "${text}"`);
  }
  return /** @type {T} */ (text);
}

/**
 * What node:util's parseArgs objected to, in this CLI's words, always naming the option.
 * @param {unknown} error
 */
function parseArgsProblem(error) {
  const code = /** @type {{ code?: unknown }} */ (error).code;
  const message = error instanceof Error ? error.message : String(error);
  const option = /'(-[^' ]+)/.exec(message)?.[1] ?? "an option";
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") return `unknown option ${option}`;
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
    if (message.includes("ambiguous")) {
      return `${option} needs a value, and the next word starts with "-" (write ${option}=VALUE to mean it)`;
    }
    if (message.includes("missing")) return `${option} needs a value`;
    return `${option} takes no value`;
  }
  return message.split("\n")[0] ?? message;
}
