// What every route shares: the Hono environment, the configuration on the context, authorisation, the stream's object.
import type { Context, MiddlewareHandler } from "hono";
import { streamNameProblem } from "../../lib/names.js";
import { type Config, loadConfig } from "../config";
import { ClientError } from "../errors";
import type { Access } from "../tokens";
import { grantingTokens, matchesAny, presentedToken } from "./auth";

/** The Hono environment of every route: the bindings, and the configuration read once. */
export type AppEnv = { Bindings: Env; Variables: { config: Config } };
export type AppContext = Context<AppEnv>;

/** Puts the configuration on the context; a configuration that cannot be served from answers 503 at once. */
export const withConfig: MiddlewareHandler<AppEnv> = async (c, next) => {
  const config = loadConfig(c.env);
  if (config.unusable !== null) {
    return c.json({ error: `edge-tail is misconfigured: ${config.unusable}` }, 503);
  }
  c.set("config", config);
  await next();
};

/** The name, checked: a 400 saying what a stream name may be. */
export function checkStreamName(name: string): string {
  const problem = streamNameProblem(name);
  if (problem !== null) throw new ClientError(400, problem);
  return name;
}

/** What a 401 says to do, by the access refused (`none`: no token grants it on this server). */
const REFUSALS: Record<Access, (none: boolean) => string> = {
  read: () =>
    "Missing or wrong token: send Authorization: Bearer <token>, ?access_token=<token>, or sign in on the page",
  write: () => "Missing or wrong token: send Authorization: Bearer <INGEST_TOKEN or a token for this stream>",
  admin: (none) =>
    none
      ? "Managing alert rules needs an admin token, and this server has none: set ADMIN_TOKEN (wrangler secret put ADMIN_TOKEN), then send Authorization: Bearer <ADMIN_TOKEN>"
      : "Missing or wrong token: managing alert rules needs Authorization: Bearer <ADMIN_TOKEN, this stream's admin token, or without those a read token>",
};

/** Throws 401 unless the request presents a token that grants `access` to `stream` (or to any stream). */
export async function authorize(c: AppContext, access: Access, stream?: string): Promise<void> {
  const tokens = grantingTokens(c.var.config.auth, access, stream);
  if (tokens === null || (await matchesAny(presentedToken(c.req.raw, access), tokens))) return;
  throw new ClientError(401, REFUSALS[access](tokens.length === 0), {
    "WWW-Authenticate": 'Bearer realm="edge-tail"',
  });
}

/** The route's stream name, checked, once the request may do `access` to it. */
export function streamRoute(access: Access): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await authorize(c, access, checkStreamName(c.req.param("stream") ?? ""));
    await next();
  };
}

/** The stream's Durable Object. */
export function streamStub(c: AppContext, stream: string) {
  return c.env.LOG_STREAM.get(c.env.LOG_STREAM.idFromName(stream));
}
