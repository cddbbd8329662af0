/**
 * What one measured target amounts to, before any cross-target rule: did it work, did something answer, or is the
 * evidence missing? Pure functions over `TargetResult`, shared by the verdict rules and the evidence texts.
 */
import type { FailureCode, PhaseName, PhaseResult, TargetResult } from "./types.js";
import { PHASES } from "./types.js";

export type TargetState = "ok" | "answered" | "failed" | "missing";

export interface FirstFailure {
  phase: PhaseName;
  code: FailureCode;
  message: string;
  ms: number;
}

/** Certificate problems: a TLS server completed the handshake, so the network path answered (someone's server did). */
export const CERT_CODES: ReadonlySet<FailureCode> = new Set(["TLS_UNTRUSTED", "TLS_HOSTNAME_MISMATCH", "TLS_EXPIRED"]);

/** The first failed phase, if any. */
export function firstFailureOf(phases: Record<PhaseName, PhaseResult>): FirstFailure | null {
  for (const phase of PHASES) {
    const r = phases[phase];
    if (r.status === "fail") return { phase, code: r.code, message: r.message, ms: r.ms };
  }
  return null;
}

/** The first failed phase of a target, if any. */
export const firstFailure = (t: TargetResult): FirstFailure | null => firstFailureOf(t.phases);

/** ok / answered (4xx) / failed / missing (cut off or broken), for any set of phases. */
export function phasesState(phases: Record<PhaseName, PhaseResult>): TargetState {
  const f = firstFailureOf(phases);
  if (f === null) return PHASES.some((p) => phases[p].status === "ok") ? "ok" : "missing";
  if (f.code === "DEADLINE" || f.code === "PROBE_BROKEN") return "missing";
  if (f.code === "HTTP_4XX") return "answered";
  return "failed";
}

/**
 * ok: every phase passed. answered: BSG's server answered with a 4xx (reachable, refused the probe's request).
 * failed: a measured failure. missing: broken probe or cut by the round deadline before it could tell.
 */
export function targetState(t: TargetResult): TargetState {
  if (t.broken !== null) return "missing";
  return phasesState(t.phases);
}

export const reachable = (t: TargetResult): boolean => {
  const s = targetState(t);
  return s === "ok" || s === "answered";
};

export const isIpLiteral = (host: string): boolean => /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(":");

/** The first failure is a certificate problem: a TLS server (not necessarily BSG's) answered. */
export function certAnswered(t: TargetResult): boolean {
  const f = firstFailure(t);
  return t.broken === null && f !== null && CERT_CODES.has(f.code);
}

/** The system resolver's address failed, but the public resolver's address for the same name works. */
export function publicAddressWorks(t: TargetResult): boolean {
  const alt = t.publicAddress;
  if (alt === null || alt === undefined || targetState(t) !== "failed") return false;
  const s = phasesState(alt.phases);
  return s === "ok" || s === "answered";
}

/**
 * Something on the internet answered this target's connection: it worked, a TLS server showed a certificate (an
 * interceptor's or a portal's), or the same name worked at the address a public resolver gave.
 */
export const internetAnswered = (t: TargetResult): boolean => reachable(t) || certAnswered(t) || publicAddressWorks(t);

/** System resolver failed for this name while at least one public resolver answered it. */
export function systemDnsBroken(t: TargetResult): boolean {
  if (isIpLiteral(t.host)) return false;
  const system = t.dns.find((a) => a.role === "system");
  const publicOk = t.dns.some((a) => a.role === "public" && a.result.status === "ok" && a.addresses.length > 0);
  return system !== undefined && system.result.status === "fail" && publicOk;
}
