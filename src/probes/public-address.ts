/**
 * The DNS cross-check. Different resolvers give different addresses all the time (CDNs answer per resolver), so a
 * different answer proves nothing. What does: your resolver's address FAILS (a block page, a sinkhole, a refusal)
 * while the address a public resolver gave for the same name, connected to with the same name (SNI and Host),
 * works. Then your DNS is sending Tarkov to the wrong place. Run only after the system's address failed, so a
 * healthy round pays nothing for it.
 */
import { isIP } from "node:net";
import type { FailureCode, PhaseName, PhaseResult, PublicAddressCheck, ResolverAnswer } from "../core/types.js";
import { runPhases } from "./chain.js";
import type { ChainState, ParsedTarget, PhaseProbe, ProbeContext } from "./context.js";

/** Codes after which trying another address cannot tell anything (the round is over, or BSG's server answered). */
const NOT_WORTH_IT: ReadonlySet<FailureCode> = new Set(["DEADLINE", "PROBE_BROKEN", "HTTP_4XX"]);

/** The public resolver's address to try instead of `systemAddress`, or null when there is none worth trying. */
export function alternativeAddress(systemAddress: string | null, answers: readonly ResolverAnswer[]): { address: string; resolver: string } | null {
  if (systemAddress === null) return null;
  for (const a of answers) {
    if (a.role !== "public" || a.result.status !== "ok" || a.addresses.length === 0) continue;
    // The same address failed already; and one resolver agreeing with yours means yours is not lying.
    if (a.addresses.includes(systemAddress)) return null;
    return { address: a.addresses[0]!, resolver: a.resolver };
  }
  return null;
}

/**
 * Connects to the public resolver's address when the system resolver's address failed after DNS. Returns null
 * when the check does not apply (DNS itself failed, an IP target, nothing different to try, the round is over).
 */
export async function crossCheckPublicAddress(
  target: ParsedTarget,
  systemAddress: string | null,
  failure: { phase: PhaseName; code: FailureCode } | null,
  answers: readonly ResolverAnswer[],
  ctx: ProbeContext,
  phases: readonly PhaseProbe[],
): Promise<PublicAddressCheck | null> {
  if (failure === null || failure.phase === "dns" || NOT_WORTH_IT.has(failure.code) || isIP(target.host) !== 0 || ctx.signal.aborted) return null;
  const alt = alternativeAddress(systemAddress, answers);
  if (alt === null) return null;
  const state: ChainState = { target, addresses: [alt.address], address: alt.address, socket: null, tlsSocket: null, tls: null, httpStatus: null, ttfbMs: null };
  const results: Record<PhaseName, PhaseResult> = {
    dns: { status: "skipped", reason: `address from ${alt.resolver}` },
    tcp: { status: "skipped", reason: "not run" },
    tls: { status: "skipped", reason: "not run" },
    http: { status: "skipped", reason: "not run" },
  };
  try {
    await runPhases(state, ctx, phases.filter((p) => p.phase !== "dns"), results);
  } finally {
    state.tlsSocket?.destroy();
    state.socket?.destroy();
  }
  return { address: alt.address, resolver: alt.resolver, phases: results, tls: state.tls, httpStatus: state.httpStatus };
}
