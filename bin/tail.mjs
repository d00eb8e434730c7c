// `edge-tail tail`: one or more streams printed live, each entry as the page would copy it.
import { stripAnsi } from "../lib/ansi.js";
import { compactFields, lineText, showsLevel } from "../lib/format.js";
import { SseClient, SseRefusedError } from "../lib/sse-client.js";
import { isoTime } from "../lib/time.js";

/** @typedef {Extract<import("./args.mjs").Command, { command: "tail" }>} TailCommand */
/** @typedef {import("../lib/types").LogEntry} LogEntry */

/** @type {Record<import("../lib/levels.js").Level, number>} SGR colour of each level's name. */
const LEVEL_COLORS = { trace: 90, debug: 36, info: 32, warn: 33, error: 31, fatal: 41 };
const GREY = 90;

/**
 * The events URL: one stream's own, or the multi-stream endpoint for several streams or a prefix.
 * @param {TailCommand} options
 */
export function eventsUrl(options) {
  const query = new URLSearchParams({ tail: String(options.tail) });
  if (options.query !== "") query.set("q", options.query);
  const [only] = options.streams;
  if (options.streams.length === 1 && only !== undefined && !only.endsWith("*")) {
    return `${options.url}/api/streams/${encodeURIComponent(only)}/events?${query}`;
  }
  return `${options.url}/api/events?streams=${options.streams.map(encodeURIComponent).join(",")}&${query}`;
}

/**
 * Prints entries until interrupted; after a drop it resumes with Last-Event-ID, so nothing repeats or goes
 * missing unannounced. Resolves to the exit code: 0 when a single stream was deleted (said on stderr; a merged
 * tail says so and goes on with the others); when the server refuses the request, 2 for a 400 (the command
 * line asked for something the server cannot read, such as an invalid query), else 1.
 * @param {TailCommand} options
 * @param {{ out: NodeJS.WriteStream, warn: (message: string) => void, color: boolean }} io
 * @returns {Promise<number>}
 */
export async function tail(options, { out, warn, color }) {
  /** @param {number} code @param {string} text */
  const painted = (code, text) => (color ? paint(code, text) : text);
  /**
   * A slow reader of our output (a pager, a pipe) slows the tail down instead of filling memory.
   * @param {string} line
   */
  const print = (line) => (out.write(`${line}\n`) ? undefined : new Promise((resolve) => out.once("drain", resolve)));
  // Lines from several streams say which stream they come from, as the page's stream column does.
  const several = options.streams.length > 1 || options.streams.some((name) => name.endsWith("*"));
  /** @param {object} data */
  const from = (data) => {
    const { stream } = /** @type {{ stream?: unknown }} */ (data);
    return several && typeof stream === "string" ? `${painted(35, stream)} ` : "";
  };
  let dropped = false;
  const stop = new AbortController();
  const client = new SseClient(eventsUrl(options), {
    headers: options.token ? { Authorization: `Bearer ${options.token}` } : {},
    signal: stop.signal,
    onLog: (entry, id) => print(`${from(entry)}${formatEntry(entry, id, color)}`),
    onGap: (gap) => {
      const count = gap.to - gap.from + 1;
      print(
        `${from(gap)}${painted(33, `… ${count} line${count === 1 ? "" : "s"} missed (ids ${gap.from}–${gap.to})`)}`,
      );
    },
    onDeleted: (stream) => {
      // The stream's next lines would be a new stream under new ids: a single tail ends instead of following them.
      warn(`the stream "${stream}" was deleted${several ? "; going on with the others" : ""}`);
      if (!several) stop.abort();
    },
    onMalformed: (event) => {
      const text = `? unreadable ${event.event} event ${event.id ?? ""}: ${event.data}`;
      print(indentBreaks(color ? paint(GREY, text) : stripAnsi(text)));
    },
    onState: (state) => {
      if (state.state === "waiting") {
        dropped = true;
        warn(`${state.reason}, reconnecting in ${state.retryInMs} ms`);
      } else if (state.state === "open" && dropped) {
        dropped = false;
        warn("reconnected");
      }
    },
  });
  try {
    await client.run();
    return 0;
  } catch (error) {
    if (!(error instanceof SseRefusedError)) throw error;
    warn(`the server refused the tail (${error.status}): ${error.message}`);
    if (error.status === 400 && options.query !== "") warn(`the query sent: ${options.query}`);
    return error.status === 400 ? 2 : 1;
  }
}

/**
 * One entry as lib/format.js writes it for the page; in colour, the same text with the time, level and
 * fields painted. An entry of an unexpected shape is printed as its JSON instead, so it never stops the tail.
 * @param {LogEntry} entry
 * @param {string} id
 * @param {boolean} color
 */
export function formatEntry(entry, id, color) {
  return indentBreaks(entryText(entry, id, color));
}

/**
 * Every line after an entry's first indented, so a message with line breaks (a stack trace, or a forged
 * "2026-… ERROR …") never reads as entries of its own.
 * @param {string} text
 */
function indentBreaks(text) {
  return text.replace(/\r\n|\r|\n|\u2028|\u2029/g, "\n  ");
}

/** @param {LogEntry} entry @param {string} id @param {boolean} color */
function entryText(entry, id, color) {
  try {
    // Escapes in a message colour a terminal as the app meant; anywhere else they are noise.
    if (!color) return stripAnsi(lineText(entry));
    const level = entry.level ?? "-";
    const fields = entry.fields ? ` ${paint(GREY, compactFields(entry.fields))}` : "";
    const code = entry.level ? (LEVEL_COLORS[entry.level] ?? 0) : 0;
    const time = paint(GREY, isoTime(entry.time) ?? String(entry.time));
    // As lineText: a message that shows its level already ("INFO x") prints it once.
    const shown = showsLevel(entry.message, entry.level) ? "" : `${paint(code, level.toUpperCase())} `;
    // The reset after the message keeps colours a message sets from spilling into the fields.
    return `${time} ${shown}${entry.message}\x1b[0m${fields}`;
  } catch {
    const text = `? entry ${id} of an unexpected shape: ${safeJson(entry)}`;
    return color ? paint(GREY, text) : stripAnsi(text);
  }
}

/** @param {number} code @param {string} text */
function paint(code, text) {
  return `\x1b[${code}m${text}\x1b[0m`;
}

/** @param {unknown} value */
function safeJson(value) {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
