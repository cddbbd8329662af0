/**
 * Worker threads load compiled JavaScript only: the compiled module next to a caller, or null when the caller runs
 * from the TypeScript sources (the tests), where the work then runs in-process.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** `name` (e.g. "./bundle-worker.js") next to the module at `from` (its `import.meta.url`), if it exists. */
export function compiledSibling(name: string, from: string): URL | null {
  const url = new URL(name, from);
  try {
    return existsSync(fileURLToPath(url)) ? url : null;
  } catch {
    return null;
  }
}
