/**
 * One target, end to end: the phases from the registry in order (dns → tcp → tls → http), each timed on its own,
 * while the public resolvers answer the same name in parallel for comparison.
 */
import type { TargetConfig } from "../config/schema.js";
import { PHASES, type PhaseName, type PhaseResult, type ResolverAnswer, type TargetResult } from "../core/types.js";
import { runPhases } from "./chain.js";
import { parseTargetUrl, type ChainState, type PhaseProbe, type ProbeContext } from "./context.js";
import { resolveName } from "./dns.js";
import { describeError, elapsed } from "./limits.js";
import { crossCheckPublicAddress } from "./public-address.js";
import { PHASE_PROBES } from "./registry.js";

export { PHASE_TIMEOUT_CODE } from "./chain.js";

const allSkipped = (reason: string): Record<PhaseName, PhaseResult> =>
  Object.fromEntries(PHASES.map((p) => [p, { status: "skipped", reason }])) as Record<PhaseName, PhaseResult>;

/** The result shell for a target before anything is measured. */
function emptyResult(target: TargetConfig, reason: string): TargetResult {
  let scheme: "https" | "tcp" = "https";
  let host = "";
  let port = 0;
  try {
    const p = parseTargetUrl(target.url);
    scheme = p.scheme === "tcp" ? "tcp" : "https";
    host = p.host;
    port = p.port;
  } catch {
    // The config schema validated the URL; an unparsable one only reaches here through a bug, reported as broken.
  }
  return { id: target.id, group: target.group, url: target.url, scheme, host, port, address: null, phases: allSkipped(reason), dns: [], tls: null, httpStatus: null, ttfbMs: null, broken: null, durationMs: 0 };
}

/** A target the round deadline hit before it started: DEADLINE on dns, the rest skipped. */
export function notStartedResult(target: TargetConfig, message = "not started before the round deadline"): TargetResult {
  const r = emptyResult(target, "the round deadline passed before this target started");
  r.phases.dns = { status: "fail", code: "DEADLINE", ms: 0, message };
  return r;
}

/** A target whose probe threw: missing evidence (a bug), never an outage. */
export function brokenResult(target: TargetConfig, error: unknown, durationMs = 0): TargetResult {
  const message = describeError(error);
  const r = emptyResult(target, `probe broken: ${message}`);
  r.broken = message;
  r.durationMs = durationMs;
  return r;
}

/** Probes one target through every registered phase. Never throws: a throwing phase makes the result `broken`. */
export async function probeTarget(target: TargetConfig, ctx: ProbeContext, phases: readonly PhaseProbe[] = PHASE_PROBES): Promise<TargetResult> {
  const start = performance.now();
  const result = emptyResult(target, "not run");
  const state: Partial<ChainState> = {};
  try {
    const parsed = parseTargetUrl(target.url);
    // User info (`https://tok@host/`) would be sent to the host: such a URL is never probed (issue 7 §1).
    const { username, password } = new URL(target.url);
    if (username !== "" || password !== "") throw new Error("refusing a target URL that carries a user name or password");
    Object.assign(state, { target: parsed, addresses: [], address: null, socket: null, tlsSocket: null, tls: null, httpStatus: null, ttfbMs: null } satisfies ChainState);
    const chain = state as ChainState;
    const limits = { timeoutMs: ctx.timeoutMs, signal: ctx.signal };
    const publicAnswers = Promise.all(
      ctx.publicResolvers.map(async (resolver): Promise<ResolverAnswer> => {
        const t0 = performance.now();
        const r = await resolveName(parsed.host, resolver, limits);
        const ms = elapsed(t0);
        return { resolver: resolver.label, role: "public", result: r.ok ? { status: "ok", ms } : { status: "fail", code: r.code, ms, message: r.message }, addresses: r.ok ? r.value : [] };
      }),
    );
    const failedAt = await runPhases(chain, ctx, phases, result.phases);
    const dnsPhase = result.phases.dns;
    const systemAnswer: ResolverAnswer = { resolver: ctx.systemResolver.label, role: "system", result: dnsPhase, addresses: chain.addresses };
    result.dns = [systemAnswer, ...(await publicAnswers)];
    const failed = failedAt === null ? null : result.phases[failedAt];
    if (failedAt !== null && failed?.status === "fail") {
      // Free the failed connection first: the cross-check opens its own.
      chain.tlsSocket?.destroy();
      chain.socket?.destroy();
      result.publicAddress = await crossCheckPublicAddress(parsed, chain.address, { phase: failedAt, code: failed.code }, result.dns, ctx, phases);
    }
    result.scheme = parsed.scheme === "tcp" ? "tcp" : "https";
    result.address = chain.address;
    result.tls = chain.tls;
    result.httpStatus = chain.httpStatus;
    result.ttfbMs = chain.ttfbMs;
    result.durationMs = elapsed(start);
    return result;
  } catch (e) {
    return brokenResult(target, e, elapsed(start));
  } finally {
    state.tlsSocket?.destroy();
    state.socket?.destroy();
  }
}
