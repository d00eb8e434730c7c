// Secrets are not in wrangler.toml, so `wrangler types` cannot see them; set them with `wrangler secret put`.
interface Env {
  /** Bearer token required to POST logs. Unset: anyone may write. */
  INGEST_TOKEN?: string;
  /** Bearer token required to read streams. Unset: anyone may read. */
  READ_TOKEN?: string;
  /** JSON: stream-name prefix → token, or → {"read": token, "write": token}. */
  STREAM_TOKENS?: string;
}
