// Lint is part of `npm test`: typescript-eslint's recommended rules plus a guard that keeps src/core pure.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", ".tools/**", "coverage/**", "installer/build/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: "readonly", console: "readonly", setTimeout: "readonly", clearTimeout: "readonly", setInterval: "readonly", clearInterval: "readonly", Buffer: "readonly", URL: "readonly", AbortController: "readonly", AbortSignal: "readonly" } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
    },
  },
  {
    // The dashboard page runs in the player's browser (plain JS, no build step): browser globals, nothing else.
    files: ["src/dashboard/page/**/*.js"],
    languageOptions: { sourceType: "module", globals: { window: "readonly", document: "readonly", fetch: "readonly", EventSource: "readonly", DOMParser: "readonly", Intl: "readonly" } },
  },
  {
    // The core decides; it never touches the world. Anything with I/O comes in through an interface.
    files: ["src/core/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [
        { group: ["node:*", "fs", "net", "tls", "dns", "http", "https", "child_process", "os", "path"], message: "src/core is pure: pass I/O in through an interface." },
        { group: ["../probes/*", "../ports/*", "../agent/*", "../tray/*", "../cli/*", "../fixes/*"], message: "src/core must not depend on outer layers." },
      ] }],
    },
  },
);
