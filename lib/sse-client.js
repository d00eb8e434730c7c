// The one reader of a stream's events for the CLI, the bench and the soak (and the page if it wants): it
// resumes after a drop with Last-Event-ID, so nothing repeats and nothing goes missing unannounced.
// Only `fetch`, `TextDecoderStream` and eventsource-parser: it runs in Node, a browser and workerd alike.
import { createParser } from "eventsource-parser";
import { DELETED_EVENT, GAP_EVENT, LOG_EVENT } from "./events.js";

/** @typedef {import("./types").LogEntry} LogEntry */
/** @typedef {import("./types").Gap} Gap */

/**
 * What the client is doing, for a status line or a count of reconnects.
 * @typedef {{ state: "connecting", attempt: number }
 *   | { state: "open" }
 *   | { state: "waiting", reason: string, retryInMs: number }} ConnectionState
 */

/**
 * The part of `fetch` the client uses; tests pass the Worker's own.
 * @typedef {(url: string, init: { headers: Record<string, string>, signal: AbortSignal }) => Promise<Response>} Fetch
 */

/**
 * A handler may return a promise: the client reads nothing more until it settles (a slow reader stays slow).
 * @typedef {object} SseClientOptions
 * @property {Record<string, string>} [headers] sent on every attempt (Authorization, …)
 * @property {string} [lastEventId] resume after this id from the first attempt on
 * @property {AbortSignal} [signal] ends the client for good: `run()` then resolves
 * @property {Fetch} [fetch] defaults to the global `fetch`
 * @property {number} [retryMs] wait before the first reconnection (1000) until the server sets one with `retry:`
 * @property {number} [maxRetryMs] the longest wait between attempts while they keep failing (30000)
 * @property {(entry: LogEntry, id: string) => unknown} [onLog] each entry, parsed
 * @property {(data: string, id: string) => unknown} [onLogData] each entry as its JSON text, unparsed;
 *   replaces `onLog` for readers that count thousands of events a second
 * @property {(gap: Gap) => unknown} [onGap] ids that left the ring before this reader could get them
 * @property {(stream: string) => unknown} [onDeleted] the stream was deleted (`event: deleted`, which has no id):
 *   a single stream's response then ends, and the reader should stop rather than follow its next lines
 * @property {(event: { event: string, id: string | undefined, data: string }, error: unknown) => unknown} [onMalformed]
 *   a `log`, `gap` or `deleted` event whose data does not parse: reported, skipped, and the stream goes on
 * @property {(state: ConnectionState) => void} [onState]
 */

/** Statuses that no retry can fix: the request itself is wrong or not allowed. */
const FINAL_STATUSES = new Set([400, 401, 403, 404]);

/** The server refused the subscription (400, 401, 403, 404); `message` is its `{"error"}` text. */
export class SseRefusedError extends Error {
  /** @param {number} status @param {string} message */
  constructor(status, message) {
    super(message);
    this.name = "SseRefusedError";
    this.status = status;
  }
}

export class SseClient {
  /** @param {string} url the events URL, with its query @param {SseClientOptions} [options] */
  constructor(url, options = {}) {
    this.url = url;
    this.options = options;
    /** The id of the last event received (a log's or a gap's), sent as Last-Event-ID on reconnection. */
    this.lastEventId = options.lastEventId;
    /** How long to wait before reconnecting after a connection that worked; `retry:` changes it. */
    this.retryMs = options.retryMs ?? 1000;
    /** @type {AbortController | null} */
    this.connection = null;
  }

  /** Cuts the current connection; the client reconnects as after any drop. */
  drop() {
    this.connection?.abort();
  }

  /**
   * Reads the stream until `signal` aborts (resolves) or the server refuses it (rejects with SseRefusedError).
   * @returns {Promise<void>}
   */
  async run() {
    const { signal, onState } = this.options;
    const maxRetryMs = this.options.maxRetryMs ?? 30_000;
    let failures = 0;
    for (let attempt = 1; !signal?.aborted; attempt++) {
      onState?.({ state: "connecting", attempt });
      /** @type {{ opened: boolean, reason: string, retryAfterMs?: number }} */
      let outcome;
      try {
        outcome = await this.#connect();
      } catch (error) {
        if (error instanceof SseRefusedError) throw error;
        outcome = { opened: false, reason: describe(error) };
      }
      // Waits grow while attempts keep failing; a connection that opened starts the count again.
      failures = outcome.opened ? 0 : failures + 1;
      if (signal?.aborted) return;
      const backoff = failures === 0 ? this.retryMs : Math.min(maxRetryMs, this.retryMs * 2 ** (failures - 1));
      const retryInMs = Math.max(backoff, outcome.retryAfterMs ?? 0);
      onState?.({ state: "waiting", reason: outcome.reason, retryInMs });
      await sleep(retryInMs, signal);
    }
  }

  /**
   * One connection, read to its end; says whether it opened and why it ended.
   * @returns {Promise<{ opened: boolean, reason: string, retryAfterMs?: number }>}
   */
  async #connect() {
    const { signal } = this.options;
    const connection = new AbortController();
    this.connection = connection;
    const stop = () => connection.abort();
    signal?.addEventListener("abort", stop, { once: true });
    try {
      /** @type {Record<string, string>} */
      const headers = { Accept: "text/event-stream", ...this.options.headers };
      if (this.lastEventId !== undefined) headers["Last-Event-ID"] = this.lastEventId;
      const fetcher = this.options.fetch ?? fetch;
      const response = await fetcher(this.url, { headers, signal: connection.signal });
      if (response.status !== 200 || response.body === null) {
        const text = await response.text().catch(() => "");
        if (FINAL_STATUSES.has(response.status)) throw new SseRefusedError(response.status, errorText(text, response));
        const retryAfter = Number(response.headers.get("Retry-After"));
        return {
          opened: false,
          reason: `the server answered ${response.status}${text ? `: ${errorText(text, response)}` : ""}`,
          retryAfterMs: retryAfter > 0 ? retryAfter * 1000 : undefined,
        };
      }
      this.options.onState?.({ state: "open" });
      try {
        await this.#read(response.body);
      } catch (error) {
        if (!connection.signal.aborted) return { opened: true, reason: `the connection dropped: ${describe(error)}` };
      }
      return { opened: true, reason: connection.signal.aborted ? "the connection was cut" : "the server closed it" };
    } finally {
      signal?.removeEventListener("abort", stop);
      if (this.connection === connection) this.connection = null;
      connection.abort();
    }
  }

  /** @param {ReadableStream<Uint8Array>} body */
  async #read(body) {
    /** @type {Array<{ event?: string, id?: string, data: string }>} */
    const pending = [];
    const parser = createParser({
      onEvent: (event) => pending.push(event),
      onRetry: (ms) => {
        if (Number.isFinite(ms) && ms >= 0) this.retryMs = ms;
      },
    });
    const opening = new OpeningId();
    // The cast keeps one reading of the types under the DOM, Node and Workers libraries alike.
    const decoder = /** @type {TransformStream<Uint8Array, string>} */ (new TextDecoderStream());
    const reader = body.pipeThrough(decoder).getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        const id = opening.scan(value);
        if (id !== undefined) this.lastEventId = id;
        parser.feed(value);
        for (let i = 0; i < pending.length; i++) {
          const handled = this.#dispatch(/** @type {{ event?: string, id?: string, data: string }} */ (pending[i]));
          if (handled instanceof Promise) await handled;
          // A handler that ends the client (on `deleted`, say) gets nothing more; in Node a read after the
          // abort may never settle.
          if (this.options.signal?.aborted) return;
        }
        pending.length = 0;
      }
    } finally {
      reader.cancel().catch(() => {});
    }
  }

  /** @param {{ event?: string, id?: string, data: string }} event @returns {unknown} */
  #dispatch(event) {
    const { onLog, onLogData, onGap, onDeleted, onMalformed } = this.options;
    const id = event.id;
    if (id !== undefined && id !== "") this.lastEventId = id;
    if (event.event === LOG_EVENT) {
      if (onLogData) return onLogData(event.data, id ?? "");
      if (!onLog) return undefined;
      const entry = parseJson(event.data);
      if (entry instanceof SyntaxError || typeof entry !== "object" || entry === null) {
        return onMalformed?.({ event: event.event, id, data: event.data }, entry);
      }
      return onLog(/** @type {LogEntry} */ (entry), id ?? "");
    }
    if (event.event === GAP_EVENT && onGap) {
      const gap = /** @type {Partial<Gap> | SyntaxError | null} */ (parseJson(event.data));
      if (gap instanceof SyntaxError || !Number.isSafeInteger(gap?.from) || !Number.isSafeInteger(gap?.to)) {
        return onMalformed?.({ event: event.event, id, data: event.data }, gap);
      }
      return onGap(/** @type {Gap} */ (gap));
    }
    if (event.event === DELETED_EVENT && onDeleted) {
      const deleted = /** @type {{ stream?: unknown } | SyntaxError | null} */ (parseJson(event.data));
      if (deleted instanceof SyntaxError || typeof deleted?.stream !== "string") {
        return onMalformed?.({ event: event.event, id, data: event.data }, deleted);
      }
      return onDeleted(deleted.stream);
    }
    return undefined;
  }
}

/**
 * The id of an event without data at the start of a connection. The server opens with one (`id: 41`) so that
 * a reader that gets no entry before a drop still resumes where it connected, as EventSource does; but
 * eventsource-parser reports only events with data. Scanning stops at the first data line: from there on
 * every event the server sends has data, and its id comes with it, in order.
 */
class OpeningId {
  #line = "";
  /** @type {string | undefined} */
  #id;
  #done = false;

  /** @param {string} text the next chunk of the stream @returns {string | undefined} the id, when an event ended with one */
  scan(text) {
    if (this.#done) return undefined;
    const lines = (this.#line + text).split(/\r\n|\r|\n/);
    this.#line = lines.pop() ?? "";
    /** @type {string | undefined} */
    let found;
    for (const line of lines) {
      if (line.startsWith("data")) {
        this.#done = true;
        break;
      }
      if (line.startsWith("id:")) this.#id = line.slice(line.startsWith("id: ") ? 4 : 3);
      else if (line === "" && this.#id !== undefined) {
        if (!this.#id.includes("\0")) found = this.#id;
        this.#id = undefined;
      }
    }
    return found;
  }
}

/** The value of a JSON text, or the SyntaxError that says why it is none. @param {string} text @returns {unknown} */
function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch (error) {
    return error instanceof SyntaxError ? error : new SyntaxError(String(error));
  }
}

/** The `error` of a JSON error body, else the body itself, else the status text. @param {string} text @param {Response} response */
function errorText(text, response) {
  try {
    const body = JSON.parse(text);
    if (typeof body?.error === "string") return body.error;
  } catch {
    // Not JSON: the text itself says what went wrong.
  }
  return text.trim().slice(0, 500) || `${response.status} ${response.statusText}`.trim();
}

/** @param {unknown} error */
function describe(error) {
  if (error instanceof Error) {
    const cause = /** @type {{ code?: unknown } | undefined} */ (error.cause);
    return typeof cause?.code === "string" ? cause.code : error.message;
  }
  return String(error);
}

/** @param {number} ms @param {AbortSignal | undefined} signal */
function sleep(ms, signal) {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(undefined);
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve(undefined);
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}
