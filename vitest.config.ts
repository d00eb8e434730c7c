import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.toml" },
      // Short heartbeats and a small ring make disconnects and eviction observable within a test.
      miniflare: { bindings: { HEARTBEAT_MS: "200", RING_SIZE: "50", MAX_BODY_BYTES: "65536" } },
    }),
  ],
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 20_000,
  },
});
