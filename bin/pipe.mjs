// `edge-tail pipe`: stdin to a stream, in order, each line once.
import { randomUUID } from "node:crypto";
import { createInterface } from "node:readline";

/** @typedef {Extract<import("./args.mjs").Command, { command: "pipe" }>} PipeCommand */

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Reads stdin line by line and posts batches, one at a time and in order. A batch is retried with backoff
 * until the server accepts it; its Idempotency-Key makes a resend after a lost answer harmless, so no line
 * is lost or doubled. Resolves to the exit code once every line read has been accepted (0), or when the
 * server refuses a batch for good (1).
 * @param {PipeCommand} options
 * @param {(message: string) => void} warn
 * @returns {Promise<number>}
 */
export async function pipe(options, warn) {
  const { batchLines: maxLines, batchBytes: maxBytes, batchMs: maxWait } = options;
  const endpoint = `${options.url}/api/streams/${encodeURIComponent(options.stream)}/logs`;
  /** @type {Record<string, string>} */
  const auth = options.token ? { Authorization: `Bearer ${options.token}` } : {};
  /** @type {string[]} */
  let queue = [];
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
    if (line.length === 0) return;
    queue.push(line);
    queuedBytes += Buffer.byteLength(line) + 1;
    // Backpressure: stop reading while the server is behind, so memory stays bounded.
    if (queue.length >= maxLines * 20 && !paused) {
      paused = true;
      lines.pause();
    }
    if (queue.length >= maxLines || queuedBytes >= maxBytes) notify();
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
    const ndjson = options.format === "ndjson" || (options.format === "auto" && batch.every(isJsonObject));
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
  for (;;) {
    if (queue.length === 0) {
      if (ended) break;
      await woken();
      continue;
    }
    if (!ended && queue.length < maxLines && queuedBytes < maxBytes) {
      // Give a trickle of lines a moment to become a batch.
      await Promise.race([sleep(maxWait), woken()]);
      wake = null;
    }
    let count = 0;
    let bytes = 0;
    while (count < queue.length && count < maxLines && bytes < maxBytes) {
      bytes += Buffer.byteLength(/** @type {string} */ (queue[count])) + 1;
      count++;
    }
    if (!(await send(queue.slice(0, count)))) return 1;
    queue = queue.slice(count);
    queuedBytes -= bytes;
    sent += count;
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
