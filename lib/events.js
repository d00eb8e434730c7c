// The SSE event names of a stream, as the server sends them and the page and CLI listen for them.

/** An entry: `data` is a LogEntry as JSON. */
export const LOG_EVENT = "log";
/** Ids that left the ring before the reader could get them: `data` is a Gap as JSON. */
export const GAP_EVENT = "gap";

/** The stream was deleted (`DELETE /api/streams/{stream}`): `data` is `{"stream":NAME}`; the server then ends the response. */
export const DELETED_EVENT = "deleted";

/** @typedef {typeof LOG_EVENT | typeof GAP_EVENT | typeof DELETED_EVENT} StreamEventName */
