// The one Config: every setting, typed, defaulted from one DEFAULTS table and validated once per isolate.
import { type AuthConfig, parseStreamTokens } from "./tokens";

/** Every setting, typed and validated: read once per isolate from `env` by `loadConfig`. */
export interface Config {
  /** Entries kept per stream. */
  ringSize: number;
  /** How long an entry stays in the ring after its commit; 0 keeps entries until the count pushes them out. */
  ringMaxAgeMs: number;
  /** Largest ingest body in bytes, counted after decompression. */
  maxBodyBytes: number;
  /** Interval of the SSE keep-alive comment. */
  heartbeatMs: number;
  /** Most entries in one request. */
  maxEntries: number;
  /** Longest message, and longest fields JSON, in characters. */
  maxEntryLength: number;
  /** Open event streams per stream. */
  maxSubscribers: number;
  /** Open event streams per stream from one client (its IP address, else its token). */
  maxSubscribersPerClient: number;
  /** POSTs per second per stream; 0 turns the limit off. */
  rateLimitPerSecond: number;
  rateLimitBurst: number;
  /** Origins whose browser apps may call the API; empty turns CORS off. */
  allowedOrigins: string[];
  /** Labels that name the stream of a Loki push, tried in order. */
  lokiStreamLabels: string[];
  /** Resource attributes that name the stream of an OTLP export to `POST /v1/logs`, tried in order. */
  otlpStreamAttributes: string[];
  /** How often, at most, a stream reports its activity to the stream index. */
  indexReportMs: number;
  /** Durable Objects the stream list is spread over (each stream reports to one, placed by its name). */
  streamIndexShards: number;
  /** Hosts (`host` or `host:port`) an alert's webhook may call; empty: no alert can be saved. */
  alertWebhookHosts: string[];
  /** How long an alert's incident is kept. */
  incidentTtlMs: number;
  /** Patterns a stream keeps, the catch-all included; 0 turns pattern mining off. */
  patternLimit: number;
  auth: AuthConfig;
  /** Test-only fault injection (TEST_FAIL_FIRST_APPEND): "" in every deployment. */
  testFailFirstAppend: string;
  /** Settings that could not be read, each logged once; numeric ones fall back to their default. */
  problems: string[];
  /** Why nothing can be served (tokens that cannot be read: failing open would expose every stream). */
  unusable: string | null;
}

type Numeric = "RING_SIZE" | "MAX_BODY_BYTES" | "HEARTBEAT_MS" | "MAX_ENTRIES" | "MAX_ENTRY_LENGTH";
type Setting =
  | Numeric
  | "RING_MAX_AGE"
  | "MAX_SUBSCRIBERS"
  | "MAX_SUBSCRIBERS_PER_CLIENT"
  | "RATE_LIMIT_PER_SECOND"
  | "RATE_LIMIT_BURST"
  | "INDEX_REPORT_MS"
  | "STREAM_INDEX_SHARDS"
  | "INCIDENT_TTL"
  | "PATTERN_LIMIT";

/** The one table of defaults: wrangler.toml leaves a setting empty to take it. */
export const DEFAULTS: Record<Setting, number> & {
  ALLOWED_ORIGINS: string;
  LOKI_STREAM_LABELS: string;
  OTLP_STREAM_ATTRIBUTES: string;
  ALERT_WEBHOOK_HOSTS: string;
} = {
  RING_SIZE: 100_000,
  RING_MAX_AGE: 7 * 86_400,
  MAX_BODY_BYTES: 1 << 20,
  HEARTBEAT_MS: 15_000,
  MAX_ENTRIES: 10_000,
  MAX_ENTRY_LENGTH: 32_768,
  MAX_SUBSCRIBERS: 2000,
  MAX_SUBSCRIBERS_PER_CLIENT: 50,
  RATE_LIMIT_PER_SECOND: 1000,
  RATE_LIMIT_BURST: 2000,
  INDEX_REPORT_MS: 5000,
  STREAM_INDEX_SHARDS: 32,
  INCIDENT_TTL: 7 * 86_400,
  PATTERN_LIMIT: 1000,
  ALLOWED_ORIGINS: "",
  LOKI_STREAM_LABELS: "stream,service_name,job",
  OTLP_STREAM_ATTRIBUTES: "service.name",
  ALERT_WEBHOOK_HOSTS: "",
};

type ConfigEnv = Partial<
  Record<Setting | "ALLOWED_ORIGINS" | "LOKI_STREAM_LABELS" | "OTLP_STREAM_ATTRIBUTES" | "ALERT_WEBHOOK_HOSTS", string>
> &
  Pick<Env, "INGEST_TOKEN" | "READ_TOKEN" | "ADMIN_TOKEN" | "STREAM_TOKENS" | "TEST_FAIL_FIRST_APPEND">;

const loaded = new WeakMap<object, Config>();

/** The configuration for `env`, read and validated once; problems are logged once and kept in `problems`. */
export function loadConfig(env: ConfigEnv): Config {
  let config = loaded.get(env);
  if (config === undefined) {
    config = readConfig(env);
    for (const problem of config.problems) console.error(`edge-tail configuration: ${problem}`);
    loaded.set(env, config);
  }
  return config;
}

/** Reads `env` without memoising or logging; exported for tests. */
export function readConfig(env: ConfigEnv): Config {
  const problems: string[] = [];
  const integer = (name: Setting, allowZero = false): number => {
    const raw = env[name]?.trim() ?? "";
    if (raw === "") return DEFAULTS[name];
    const n = Number(raw);
    if (Number.isSafeInteger(n) && (n > 0 || (allowZero && n === 0))) return n;
    problems.push(
      `${name}=${JSON.stringify(raw)} is not a ${allowZero ? "non-negative" : "positive"} integer; using ${DEFAULTS[name]}`,
    );
    return DEFAULTS[name];
  };
  const list = (raw: string | undefined, fallback: string) =>
    (raw?.trim() ? raw : fallback)
      .split(",")
      .map((item) => item.trim())
      .filter(Boolean);
  const rateLimitPerSecond = integer("RATE_LIMIT_PER_SECOND", true);
  let auth: AuthConfig = { streams: [] };
  let unusable: string | null = null;
  try {
    auth = parseStreamTokens(env);
  } catch (error) {
    unusable = (error as Error).message;
    problems.push(unusable);
  }
  return {
    ringSize: integer("RING_SIZE"),
    ringMaxAgeMs: integer("RING_MAX_AGE", true) * 1000,
    maxBodyBytes: integer("MAX_BODY_BYTES"),
    heartbeatMs: integer("HEARTBEAT_MS"),
    maxEntries: integer("MAX_ENTRIES"),
    maxEntryLength: integer("MAX_ENTRY_LENGTH"),
    maxSubscribers: integer("MAX_SUBSCRIBERS"),
    maxSubscribersPerClient: integer("MAX_SUBSCRIBERS_PER_CLIENT"),
    rateLimitPerSecond,
    rateLimitBurst: env.RATE_LIMIT_BURST?.trim() ? integer("RATE_LIMIT_BURST") : Math.max(1, 2 * rateLimitPerSecond),
    allowedOrigins: list(env.ALLOWED_ORIGINS, DEFAULTS.ALLOWED_ORIGINS),
    lokiStreamLabels: list(env.LOKI_STREAM_LABELS, DEFAULTS.LOKI_STREAM_LABELS),
    otlpStreamAttributes: list(env.OTLP_STREAM_ATTRIBUTES, DEFAULTS.OTLP_STREAM_ATTRIBUTES),
    indexReportMs: integer("INDEX_REPORT_MS"),
    streamIndexShards: integer("STREAM_INDEX_SHARDS"),
    alertWebhookHosts: list(env.ALERT_WEBHOOK_HOSTS, DEFAULTS.ALERT_WEBHOOK_HOSTS),
    incidentTtlMs: integer("INCIDENT_TTL") * 1000,
    patternLimit: integer("PATTERN_LIMIT", true),
    auth,
    testFailFirstAppend: env.TEST_FAIL_FIRST_APPEND ?? "",
    problems,
    unusable,
  };
}
