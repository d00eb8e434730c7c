// The token secrets (INGEST_TOKEN, READ_TOKEN, ADMIN_TOKEN, STREAM_TOKENS), read once into the Config.
/** What a request wants to do with a stream: read it, write lines to it, or manage its alert rules (admin). */
export type Access = "read" | "write" | "admin";

/** One stream-prefix rule from `STREAM_TOKENS`. */
export interface StreamRule {
  prefix: string;
  read?: string;
  write?: string;
  admin?: string;
}

export interface AuthConfig {
  read?: string;
  write?: string;
  admin?: string;
  streams: StreamRule[];
}

/** Reads the token secrets; throws with a message an operator can act on when STREAM_TOKENS is malformed. */
export function parseStreamTokens(
  env: Pick<Env, "INGEST_TOKEN" | "READ_TOKEN" | "ADMIN_TOKEN" | "STREAM_TOKENS">,
): AuthConfig {
  const config: AuthConfig = { streams: [] };
  if (env.READ_TOKEN) config.read = env.READ_TOKEN;
  if (env.INGEST_TOKEN) config.write = env.INGEST_TOKEN;
  if (env.ADMIN_TOKEN) config.admin = env.ADMIN_TOKEN;
  if (!env.STREAM_TOKENS) return config;
  let map: unknown;
  try {
    map = JSON.parse(env.STREAM_TOKENS);
  } catch {
    throw new Error(
      'STREAM_TOKENS is not JSON: expected {"prefix": "token"} or {"prefix": {"read": "…", "write": "…", "admin": "…"}}',
    );
  }
  if (typeof map !== "object" || map === null || Array.isArray(map)) {
    throw new Error("STREAM_TOKENS must be a JSON object mapping stream-name prefixes to tokens");
  }
  for (const [prefix, value] of Object.entries(map)) {
    if (typeof value === "string" && value !== "") config.streams.push({ prefix, read: value, write: value });
    else if (typeof value === "object" && value !== null) {
      const { read, write, admin } = value as Record<string, unknown>;
      const rule: StreamRule = { prefix };
      if (typeof read === "string" && read !== "") rule.read = read;
      if (typeof write === "string" && write !== "") rule.write = write;
      if (typeof admin === "string" && admin !== "") rule.admin = admin;
      config.streams.push(rule);
    } else throw new Error(`STREAM_TOKENS["${prefix}"] must be a token or {"read": "…", "write": "…", "admin": "…"}`);
  }
  return config;
}
