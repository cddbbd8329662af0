import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // CI runs the suite on 2 cores at load 5–15 (wine, Chromium, pwsh and many agent processes at once): a bare CLI
    // start took ~6 s there. Tests that measure time assert their own bounds; this is only the "hung" backstop.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores: keep end-to-end suites from starving each other's timers.
    maxWorkers: 2,
    reporters: ["default"],
  },
});
