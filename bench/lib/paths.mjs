// Where the bench finds the built agent and the compiled loopback world.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

export const ROOT = join(import.meta.dirname, "..", "..");
export const CLI = join(ROOT, "dist", "cli", "main.js");
export const WORLD_JS = join(ROOT, "node_modules", ".cache", "tarkov-world", "test", "world", "index.js");

/** The loopback world compiled for bare node (`npm run bench` compiles it first; see test/world/tsconfig.json). */
export async function loadWorld() {
  if (!existsSync(WORLD_JS)) throw new Error(`${WORLD_JS} is missing: run \`npx tsc -p test/world/tsconfig.json\` (npm run bench does it)`);
  return import(pathToFileURL(WORLD_JS).href);
}

/** The probe settings of the shipped defaults (src/config/schema.ts); the world's own defaults are shorter. */
export const DEFAULT_PROBE = { timeoutMs: 4_000, concurrency: 8, deadlineMs: 8_000 };

/** Target specs: `n` copies of the world's default set (3 controls + 3 https BSG + 1 tcp BSG), or 20 https. */
export function defaultTargets(copies = 1) {
  const base = [
    { id: "ctl-alpha", group: "control" },
    { id: "ctl-bravo", group: "control" },
    { id: "ctl-charlie", group: "control" },
    { id: "bsg-prod", group: "bsg" },
    { id: "bsg-gw-pvp", group: "bsg" },
    { id: "bsg-launcher", group: "bsg" },
    { id: "bsg-wsn", group: "bsg", scheme: "tcp" },
  ];
  if (copies === 1) return base;
  return Array.from({ length: copies }, (_, i) => base.map((t) => ({ ...t, id: `${t.id}-${String(i + 1).padStart(2, "0")}` }))).flat();
}
