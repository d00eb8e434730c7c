import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// Short heartbeats and a small ring make disconnects and eviction observable within a test.
// Alerts may call port 9 on loopback, where nothing listens: deliveries fail for real, without leaving the machine.
const base = {
  HEARTBEAT_MS: "200",
  RING_SIZE: "50",
  MAX_BODY_BYTES: "65536",
  INDEX_REPORT_MS: "50",
  ALERT_WEBHOOK_HOSTS: "127.0.0.1:9,hooks.example.com",
  // Test-only fault injection: a stream named fail-once-… fails the first append its object gets.
  TEST_FAIL_FIRST_APPEND: "fail-once-",
};

/** Tokens and tight limits for the tests of who may read and write, and how much. */
const secured = {
  ...base,
  INGEST_TOKEN: "ingest-secret",
  READ_TOKEN: "read-secret",
  ADMIN_TOKEN: "admin-secret",
  STREAM_TOKENS: JSON.stringify({
    "team-a.": "token-a",
    "team-b.": { read: "read-b", write: "write-b", admin: "admin-b" },
  }),
  ALLOWED_ORIGINS: "https://app.example",
  RATE_LIMIT_PER_SECOND: "5",
  RATE_LIMIT_BURST: "10",
  MAX_SUBSCRIBERS: "3",
  MAX_SUBSCRIBERS_PER_CLIENT: "2",
  MAX_ENTRIES: "100",
  MAX_ENTRY_LENGTH: "1000",
};

const project = (name: string, include: string, bindings: Record<string, string>, exclude: string[] = []) => ({
  plugins: [cloudflareTest({ wrangler: { configPath: "./wrangler.toml" }, miniflare: { bindings } })],
  test: { name, include: [include], exclude: ["**/node_modules/**", ...exclude], testTimeout: 20_000 },
});

export default defineConfig({
  test: {
    projects: [
      project("open", "test/**/*.test.ts", base, ["test/secured/**", "test/e2e/**"]),
      project("secured", "test/secured/*.test.ts", secured),
    ],
  },
});
