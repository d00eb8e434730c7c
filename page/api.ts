// The page's one way to the server: every URL carries the read token the page's own URL gave
// (`?access_token=`, else the sign-in cookie does the work), and an answer other than 2xx becomes an ApiError
// carrying the server's own message, which says what to fix.
import type { AlertSettings } from "../lib/types";

/** A read token given in the page's URL, or null. */
export const accessToken = new URLSearchParams(location.search).get("access_token");

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** `path` with `params` and the read token as its query. */
export function apiUrl(path: string, params: Record<string, string> | URLSearchParams = {}): string {
  const query = new URLSearchParams(params);
  if (accessToken) query.set("access_token", accessToken);
  const search = query.toString();
  return search ? `${path}?${search}` : path;
}

/** The URL of one stream's resource: `/api/streams/{name}{rest}`. */
export const streamPath = (stream: string, rest = "") => `/api/streams/${encodeURIComponent(stream)}${rest}`;

/** Fetches `path`; throws ApiError with the server's message on an answer other than 2xx. */
export async function request(
  path: string,
  init: RequestInit = {},
  params?: Record<string, string> | URLSearchParams,
): Promise<Response> {
  const response = await fetch(apiUrl(path, params), init);
  if (!response.ok) throw new ApiError(response.status, await errorOf(response));
  return response;
}

/** The JSON body of a GET (or of `init`'s request); throws like `request`. */
export async function getJson<T>(
  path: string,
  params?: Record<string, string> | URLSearchParams,
  init: RequestInit = {},
): Promise<T> {
  return (await (await request(path, init, params)).json()) as T;
}

/** What the Alerts dialog needs before a rule is typed: the webhook hosts this server allows. */
export const alertSettings = (stream: string) => getJson<AlertSettings>("/api/alerts/settings", { stream });

/** A request's failure in words: the server's message, an ApiError's, or a network error's. */
export function failure(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function errorOf(response: Response): Promise<string> {
  const body = (await response.json().catch(() => ({}))) as { error?: unknown };
  return typeof body.error === "string" ? body.error : `The server answered ${response.status}`;
}
