/** The HTTP statuses a client's mistake (or a refusal it can act on) is answered with. */
export type ClientStatus = 400 | 401 | 403 | 404 | 405 | 409 | 413 | 415 | 422 | 429 | 503;

/**
 * A request the client must change (or retry later) before it can succeed. Domain modules throw it; the one
 * `onError` answers with `status` and `{"error": message}`, so the message must say what to fix.
 */
export class ClientError extends Error {
  constructor(
    readonly status: ClientStatus,
    message: string,
    /** Extra response headers, such as `Retry-After` or `WWW-Authenticate`. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "ClientError";
  }
}
