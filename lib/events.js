// The SSE event names of a stream, as the server sends them and the page and CLI listen for them.

/** An entry: `data` is a LogEntry as JSON. */
export const LOG_EVENT = "log";
/** Ids that left the ring before the reader could get them: `data` is a Gap as JSON. */
export const GAP_EVENT = "gap";

/** @typedef {typeof LOG_EVENT | typeof GAP_EVENT} StreamEventName */
