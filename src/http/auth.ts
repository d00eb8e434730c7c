// Who may do what: the tokens that grant an access, the token a request presents, and the client it comes from.
import type { Access, AuthConfig } from "../tokens";

/**
 * The tokens that grant `access` to `stream` (to any stream when omitted), or null when that access is
 * open because no token of its kind is configured at all. Admin is the exception: without an admin token
 * it is open only on a server with no token at all, and otherwise the readers' (never the shippers' token).
 */
export function grantingTokens(config: AuthConfig, access: Access, stream?: string): string[] | null {
  const global = config[access];
  const scoped = config.streams.filter((rule) => rule[access] !== undefined);
  if (global === undefined && scoped.length === 0) {
    if (access !== "admin") return null;
    const anyToken = config.read !== undefined || config.write !== undefined || config.streams.length > 0;
    return anyToken ? readersNotWriters(config, stream) : null;
  }
  const tokens = global === undefined ? [] : [global];
  for (const rule of scoped) {
    if (stream === undefined || stream.startsWith(rule.prefix)) tokens.push(rule[access] as string);
  }
  return tokens;
}

/**
 * Who manages rules when no admin token is set: the readers' tokens (the people who watch the streams), except
 * any that is also a write token, which every shipper holds. Nobody where reads are open to all.
 */
function readersNotWriters(config: AuthConfig, stream: string | undefined): string[] {
  const writers = new Set(grantingTokens(config, "write", stream) ?? []);
  return (grantingTokens(config, "read", stream) ?? []).filter((token) => !writers.has(token));
}

/**
 * The stream-name prefixes a token may read, or null for every stream (it is the global read token, or reads
 * are open). Narrows the stream list to what the token may see, hashing the token once per rule.
 */
export async function readablePrefixes(config: AuthConfig, token: string | undefined): Promise<string[] | null> {
  if (grantingTokens(config, "read") === null) return null;
  if (config.read !== undefined && (await matchesAny(token, [config.read]))) return null;
  const prefixes: string[] = [];
  for (const rule of config.streams) {
    if (rule.read !== undefined && (await matchesAny(token, [rule.read]))) prefixes.push(rule.prefix);
  }
  return prefixes;
}

const encoder = new TextEncoder();

/** Compares in constant time: both sides are hashed first, so neither length nor content leaks. */
export async function matchesAny(presented: string | undefined, tokens: readonly string[]): Promise<boolean> {
  if (presented === undefined || tokens.length === 0) return false;
  const digest = (text: string) => crypto.subtle.digest("SHA-256", encoder.encode(text));
  const mine = await digest(presented);
  let found = false;
  for (const token of tokens) {
    // Every candidate is compared, so the time does not say which one matched.
    if (crypto.subtle.timingSafeEqual(mine, await digest(token))) found = true;
  }
  return found;
}

export const TOKEN_COOKIE = "edge_tail_token";

/**
 * The token a request presents. Writes and admin: only a Bearer header, which no other site can make a browser send
 * and which stays out of URLs and their logs. Reads: a Bearer header, the `access_token` query parameter
 * (RFC 6750, for EventSource, which cannot send headers) or the page's cookie.
 */
export function presentedToken(request: Request, access: Access): string | undefined {
  const header = request.headers.get("Authorization");
  const bearer = header === null ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (bearer) return bearer[1];
  if (access !== "read") return undefined;
  const query = new URL(request.url).searchParams.get("access_token");
  if (query) return query;
  const cookies = request.headers.get("Cookie") ?? "";
  for (const part of cookies.split(";")) {
    const [name, ...value] = part.trim().split("=");
    if (name !== TOKEN_COOKIE) continue;
    // A cookie that cannot be decoded is no token: the request is then as if it sent none.
    try {
      return decodeURIComponent(value.join("="));
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * Who a viewer is, for the per-client cap on viewers: its IP address (Cloudflare sets CF-Connecting-IP; a
 * client cannot), else a hash of the token it reads with, else one shared "anonymous".
 */
export async function clientKey(request: Request): Promise<string> {
  const ip = request.headers.get("CF-Connecting-IP");
  if (ip) return `ip:${ip.slice(0, 64)}`;
  const token = presentedToken(request, "read");
  if (token === undefined) return "anonymous";
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(token)));
  return `token:${Array.from(hash.subarray(0, 12), (byte) => byte.toString(16).padStart(2, "0")).join("")}`;
}
