/**
 * Runs phase probes in order on one chain state: each timed on its own, later phases skipped once one fails.
 * Shared by the target probe and the public-address cross-check so both measure a connection the same way.
 */
import type { PhaseName, PhaseResult } from "../core/types.js";
import type { ChainState, PhaseProbe, ProbeContext } from "./context.js";
import { abortMessage, elapsed } from "./limits.js";

/** The code a phase reports when its time runs out (its own timer or the round deadline). */
export const PHASE_TIMEOUT_CODE = {
  dns: "DNS_TIMEOUT",
  tcp: "TCP_TIMEOUT",
  tls: "TLS_TIMEOUT",
  http: "HTTP_TIMEOUT",
} as const satisfies Record<PhaseName, string>;

/** Runs `phases` on `state`, writing each outcome into `into`; returns the phase that failed, or null. */
export async function runPhases(state: ChainState, ctx: ProbeContext, phases: readonly PhaseProbe[], into: Record<PhaseName, PhaseResult>): Promise<PhaseName | null> {
  let failedAt: PhaseName | null = null;
  for (const probe of phases) {
    if (failedAt !== null) {
      into[probe.phase] = { status: "skipped", reason: `${failedAt} failed` };
      continue;
    }
    if (!probe.appliesTo(state.target)) {
      into[probe.phase] = { status: "skipped", reason: `not applicable to ${state.target.scheme}:// targets` };
      continue;
    }
    if (ctx.signal.aborted) {
      into[probe.phase] = { status: "fail", code: PHASE_TIMEOUT_CODE[probe.phase], ms: 0, message: `${probe.phase}: ${abortMessage(ctx.signal)}` };
      failedAt = probe.phase;
      continue;
    }
    const t0 = performance.now();
    const r = await probe.run(state, ctx);
    const ms = elapsed(t0);
    into[probe.phase] = r.ok ? { status: "ok", ms } : { status: "fail", code: r.code, ms, message: r.message };
    if (!r.ok) failedAt = probe.phase;
  }
  return failedAt;
}
