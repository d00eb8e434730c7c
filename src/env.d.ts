// Secrets are not in wrangler.toml, so `wrangler types` cannot see them; set them with `wrangler secret put`.
interface Env {
  /** Bearer token required to POST logs. Unset: anyone may write. */
  INGEST_TOKEN?: string;
  /** Bearer token required to read streams. Unset: anyone may read. */
  READ_TOKEN?: string;
  /**
   * Bearer token required to manage alert rules (PUT/DELETE) and to see their webhook URLs whole. Unset: only a
   * server with no token at all lets anyone manage rules; with other tokens set, nobody may until it is set.
   */
  ADMIN_TOKEN?: string;
  /** JSON: stream-name prefix → token (read and write), or → {"read": token, "write": token, "admin": token}. */
  STREAM_TOKENS?: string;
  /**
   * Test-only, never set in wrangler.toml: streams whose names start with it fail the first append their object
   * gets after it starts (fault injection for the resend tests; vitest.config.ts sets it).
   */
  TEST_FAIL_FIRST_APPEND?: string;
}
