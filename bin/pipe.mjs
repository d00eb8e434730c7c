// `edge-tail pipe`: stdin to a stream, in order, each line once.
import { randomUUID } from "node:crypto";
import { createInterface } from "node:readline";
import { LineGrouper } from "../lib/multiline.js";

/** @typedef {Extract<import("./args.mjs").Command, { command: "pipe" }>} PipeCommand */

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Reads stdin line by line and posts batches, one at a time and in order. A batch is retried with backoff
 * until the server accepts it; its Idempotency-Key makes a resend after a lost answer harmless, so no line
 * is lost or doubled. With multiline (lib/multiline.js, the server's rule), a batch ends only where an entry
 * starts, and the last entry is held while more lines may join it, so a stack trace is not split between
 * batches. Resolves to the exit code once every line read has been accepted (0), or when the server refuses
 * a batch for good (1).
 * @param {PipeCommand} options
 * @param {(message: string) => void} warn
 * @returns {Promise<number>}
 */
export async function pipe(options, warn) {
  const { batchLines: maxLines, batchBytes: maxBytes, batchMs: maxWait } = options;
  const grouping = options.multiline && options.format !== "ndjson";
  const endpoint = `${options.url}/api/streams/${encodeURIComponent(options.stream)}/logs${options.multiline ? "" : "?multiline=off"}`;
  /** @type {Record<string, string>} */
  const auth = options.token ? { Authorization: `Bearer ${options.token}` } : {};
  /** @type {string[]} */
  let queue = [];
  /** Whether each queued line starts an entry; a batch is cut only before one. */
  /** @type {boolean[]} */
  let starts = [];
  const grouper = grouping ? new LineGrouper() : null;
  /** Where the last entry starts, counted in queued lines from queue[0]; and when its last line came. */
  let openFrom = 0;
  let lastLineAt = 0;
  let queuedBytes = 0;
  let ended = false;
  /** @type {(() => void) | null} */
  let wake = null;
  const notify = () => {
    wake?.();
    wake = null;
  };
  const woken = () =>
    new Promise((resolve) => {
      wake = () => resolve(undefined);
    });

  const lines = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
  let paused = false;
  lines.on("line", (line) => {
    // A blank line is kept only inside an entry, where it may belong to a trace (the server drops the rest).
    if (line.length === 0 && !grouper?.open) return;
    let start = true;
    if (grouper) {
      grouper.now = Date.now();
      start = grouper.push(line);
      if (start) openFrom = queue.length;
    }
    lastLineAt = Date.now();
    queue.push(line);
    starts.push(start);
    queuedBytes += Buffer.byteLength(line) + 1;
    // Backpressure: stop reading while the server is behind, so memory stays bounded.
    if (queue.length >= maxLines * 20 && !paused) {
      paused = true;
      lines.pause();
    }
    // The first line into an empty queue wakes the loop too, or a trickle would wait for a full batch.
    if (queue.length === 1 || queue.length >= maxLines || queuedBytes >= maxBytes) notify();
  });
  lines.on("close", () => {
    ended = true;
    notify();
  });

  /**
   * Posts one batch until it is accepted; false when the server refuses it for good.
   * @param {string[]} batch
   * @returns {Promise<boolean>}
   */
  async function send(batch) {
    const ndjson =
      options.format === "ndjson" ||
      (options.format === "auto" && batch.every((line) => line === "" || isJsonObject(line)));
    const body = `${batch.join("\n")}\n`;
    const key = randomUUID();
    for (let attempt = 0; ; attempt++) {
      let wait = Math.min(10_000, 250 * 2 ** Math.min(attempt, 6));
      try {
        const response = await fetch(endpoint, {
          method: "POST",
          headers: {
            "Content-Type": ndjson ? "application/x-ndjson" : "text/plain; charset=utf-8",
            "Idempotency-Key": key,
            ...auth,
          },
          body,
        });
        if (response.status === 202) return true;
        const text = await response.text();
        if (response.status === 413 && batch.length > 1) {
          // Too big for the server's limits: halve and send in order.
          const half = Math.ceil(batch.length / 2);
          return (await send(batch.slice(0, half))) && send(batch.slice(half));
        }
        if (response.status !== 429 && response.status < 500) {
          warn(`the server refused a batch (${response.status}): ${errorOf(text)}`);
          return false;
        }
        const retryAfter = Number(response.headers.get("Retry-After"));
        if (retryAfter > 0) wait = retryAfter * 1000;
        warn(`server answered ${response.status}, retrying in ${wait} ms`);
      } catch (error) {
        if (attempt === 0 || attempt % 10 === 0) warn(`${describe(error)}, retrying in ${wait} ms`);
      }
      await sleep(wait);
    }
  }

  let sent = 0;
  /** Just waited for the open entry: its wait stands for the batch's. */
  let held = false;
  for (;;) {
    if (queue.length === 0) {
      if (ended) break;
      await woken();
      continue;
    }
    if (!held && !ended && queue.length < maxLines && queuedBytes < maxBytes) {
      // Give a trickle of lines a moment to become a batch.
      await Promise.race([sleep(maxWait), woken()]);
      wake = null;
    }
    // The last entry stays open until the next one starts, --batch-ms passes without a line, or stdin ends.
    const quiet = Date.now() - lastLineAt;
    const ready = !grouper || ended || quiet >= maxWait ? queue.length : openFrom;
    if (ready === 0) {
      await Promise.race([sleep(maxWait - quiet), woken()]);
      wake = null;
      held = true;
      continue;
    }
    held = false;
    let count = 0;
    let bytes = 0;
    // Whole entries only: a full batch ends where the next entry starts (an entry is capped at 500 lines).
    while (count < ready && ((count < maxLines && bytes < maxBytes) || !starts[count])) {
      bytes += Buffer.byteLength(/** @type {string} */ (queue[count])) + 1;
      count++;
    }
    const batch = queue.slice(0, count);
    if (!(await send(batch))) return 1;
    queue = queue.slice(count);
    starts = starts.slice(count);
    openFrom = Math.max(0, openFrom - count);
    queuedBytes -= bytes;
    sent += batch.filter((line) => line !== "").length;
    if (paused && queue.length < maxLines * 10) {
      paused = false;
      lines.resume();
    }
  }
  warn(`${sent} line${sent === 1 ? "" : "s"} delivered`);
  return 0;
}

/** @param {string} line */
function isJsonObject(line) {
  if (!line.startsWith("{")) return false;
  try {
    const value = JSON.parse(line);
    return typeof value === "object" && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

/** The `error` of a JSON error body, else the body. @param {string} text */
function errorOf(text) {
  try {
    const { error } = JSON.parse(text);
    if (typeof error === "string") return error;
  } catch {
    // Not JSON: the body itself says what went wrong.
  }
  return text.trim();
}

/** A network error's code (ECONNREFUSED) or message. @param {unknown} error */
function describe(error) {
  if (!(error instanceof Error)) return String(error);
  const cause = /** @type {{ code?: unknown } | undefined} */ (error.cause);
  return typeof cause?.code === "string" ? cause.code : error.message;
}
