// The page's sign-in: a token exchanged for an HttpOnly cookie.
import { ClientError } from "../errors";
import { mediaTypeOf, readBody } from "./body";
import type { AppContext } from "./context";

/** The sign-in body is `{"token": "…"}`: a few hundred bytes at most. */
export const MAX_SESSION_BYTES = 4096;

const utf8 = new TextDecoder();

/**
 * The token a sign-in presents, from `POST /api/session` with a JSON body `{"token": "…"}` only (never the
 * query string, which a link or a form could set). A cross-site request is refused with 403 before its
 * body is read: a form on another site cannot replace a signed-in user's cookie with its own token.
 */
export async function sessionToken(c: AppContext): Promise<string> {
  const site = c.req.header("Sec-Fetch-Site");
  const origin = c.req.header("Origin");
  const own = new URL(c.req.url).origin;
  if ((site !== undefined && site !== "same-origin" && site !== "none") || (origin !== undefined && origin !== own)) {
    throw new ClientError(403, `Sign-in is only accepted from this viewer's own page (${own}), not from another site`);
  }
  if (mediaTypeOf(c.req.header("Content-Type")) !== "application/json") {
    throw new ClientError(415, 'Send the token as JSON: Content-Type: application/json and {"token": "…"}');
  }
  let body: unknown;
  try {
    body = JSON.parse(utf8.decode(await readBody(c.req.raw, MAX_SESSION_BYTES)));
  } catch (error) {
    if (error instanceof ClientError) throw error;
    throw new ClientError(400, 'The body is not JSON: send {"token": "…"}');
  }
  const token = (body as { token?: unknown } | null)?.token;
  if (typeof token !== "string" || token === "") {
    throw new ClientError(400, 'Send the token as {"token": "…"}, a non-empty string');
  }
  return token;
}
