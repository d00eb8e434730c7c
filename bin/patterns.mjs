// `edge-tail patterns`: a stream's templates with their counts, largest first, as GET …/patterns gives them;
// several streams' (`a,b`, `team-a.*`) as GET /api/patterns?streams= gives them, each row naming its stream.
import { stripAnsi } from "../lib/ansi.js";

/** @typedef {Extract<import("./args.mjs").Command, { command: "patterns" }>} PatternsCommand */
/**
 * @typedef {{ id: string, template: string, count: number, level: import("../lib/levels.js").Level | null,
 *   firstSeen: number, lastSeen: number, example: string, stream?: string }} Pattern
 */

/** SGR colour of each level's name, as `tail` paints them. */
const LEVEL_COLORS = { trace: 90, debug: 36, info: 32, warn: 33, error: 31, fatal: 41 };

/**
 * Fetches and prints the patterns; resolves to the exit code: 0, 2 when the server calls the request bad
 * (an invalid query, a bad stream name), else 1.
 * @param {PatternsCommand} options
 * @param {{ out: NodeJS.WriteStream, warn: (message: string) => void, color: boolean }} io
 * @returns {Promise<number>}
 */
export async function patterns(options, { out, warn, color }) {
  const [stream] = options.streams;
  const single = options.streams.length === 1 && stream !== undefined && !stream.endsWith("*");
  const params = new URLSearchParams(single ? {} : { streams: options.streams.join(",") });
  if (options.query !== "") params.set("q", options.query);
  const query = params.size === 0 ? "" : `?${params}`;
  const url = single
    ? `${options.url}/api/streams/${encodeURIComponent(stream)}/patterns${query}`
    : `${options.url}/api/patterns${query}`;
  let response;
  try {
    response = await fetch(url, { headers: options.token ? { Authorization: `Bearer ${options.token}` } : {} });
  } catch (error) {
    warn(`cannot reach ${options.url}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  const body = await response.text();
  if (!response.ok) {
    let message = body;
    try {
      message = JSON.parse(body).error ?? body;
    } catch {
      // Not JSON (a proxy's page): shown as it came.
    }
    warn(`the server refused (${response.status}): ${message}`);
    return response.status === 400 ? 2 : 1;
  }
  const list = /** @type {{ patterns: Pattern[], lines: number }} */ (JSON.parse(body));
  out.write(formatPatterns(list.patterns, list.lines, color));
  return 0;
}

/**
 * The table: count, share of the lines, level, stream (several streams' only), id, template; one row per
 * pattern, a total line last.
 * @param {Pattern[]} list @param {number} lines @param {boolean} color
 */
export function formatPatterns(list, lines, color) {
  const width = String(list[0]?.count ?? 0).length;
  const streamWidth = Math.max(0, ...list.map((pattern) => pattern.stream?.length ?? 0));
  const rows = list.map((pattern) => {
    const share = lines === 0 ? 0 : (pattern.count / lines) * 100;
    const level = (pattern.level ?? "-").padEnd(5);
    const painted = color && pattern.level ? `\x1b[${LEVEL_COLORS[pattern.level]}m${level}\x1b[0m` : level;
    // A template is text from the logs: escapes and line breaks never reach the terminal as such.
    const template = Array.from(stripAnsi(pattern.template), (c) =>
      c < " " || c === "\x7f" || c === "\u2028" || c === "\u2029" ? " " : c,
    ).join("");
    const stream = pattern.stream === undefined ? "" : `${pattern.stream.padEnd(streamWidth)}  `;
    return `${String(pattern.count).padStart(width)}  ${share.toFixed(1).padStart(5)}%  ${painted}  ${stream}${pattern.id.padEnd(6)} ${template}`;
  });
  const total = `${list.length} pattern${list.length === 1 ? "" : "s"} over ${lines} line${lines === 1 ? "" : "s"}`;
  return `${[...rows, total].join("\n")}\n`;
}
