/** Shared setup for probe tests: a world's config parsed like the CLI would, and a probe context for it. */
import { configSchema, type ResolvedConfig } from "../../src/config/schema.js";
import { buildProbeContext, type ProbeContext } from "../../src/probes/index.js";
import type { World } from "../world/index.js";

/** The world's config through the real schema (so the world's output is checked too). */
export function resolved(world: World, patch: Partial<ResolvedConfig> = {}): ResolvedConfig {
  const parsed = configSchema.parse(world.config);
  return { ...parsed, targets: parsed.targets ?? [], ...patch };
}

/**
 * A probe context as a round would build it. The default per-phase timeout is long on purpose: the world's servers
 * run in this same process, so a worker descheduled on a loaded CI machine fires its timers before it polls their
 * answers, and a short timeout turns a healthy host into a *_TIMEOUT. Tests that expect a timeout pass a short one.
 */
export function contextFor(world: World, timeoutMs = 10_000, signal: AbortSignal = new AbortController().signal): ProbeContext {
  const config = resolved(world);
  return { ...buildProbeContext(config, signal), timeoutMs };
}

export const target = (world: World, id: string): { id: string; group: "bsg" | "control"; url: string } => {
  const t = world.config.targets.find((x) => x.id === id);
  if (t === undefined) throw new Error(`no target ${id}`);
  return t;
};
