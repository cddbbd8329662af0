/**
 * The monitor's judgement calls, kept pure so they can be tested without timers: what counts as an observation,
 * which targets a quick re-probe covers, how a partial re-probe is combined with the last full picture, and the
 * small timing constants.
 */
import { targetState } from "./classify.js";
import type { Evidence, RoundResult, StatusApiResult, TargetResult, VerdictId } from "./types.js";

/** After a clock jump or network change, unhealthy results are not counted for this long (Wi-Fi / VPN settling). */
export const RESUME_SETTLE_MS = 10_000;
/** A round that has not resolved this long after its deadline is given up as missing evidence. */
export const ROUND_WATCHDOG_GRACE_MS = 5_000;
/** Game-log evidence stays attached to rounds for this long, at most {@link GAME_EVIDENCE_CAP} lines. */
export const GAME_EVIDENCE_TTL_MS = 5 * 60_000;
export const GAME_EVIDENCE_CAP = 10;
/** Cause changes during an incident need this many consecutive observations (no flapping between causes). */
export const VERDICT_THRESHOLD = 2;
/** Do not re-read the status page for a new suspicion if it was read this recently. */
export const STATUS_KICK_MIN_AGE_MS = 10_000;

/** Quick re-probes per suspicion before falling back to the normal interval (broken rounds do not count). */
export function confirmAttemptCap(failureThreshold: number, successThreshold: number): number {
  return Math.max(failureThreshold, successThreshold, VERDICT_THRESHOLD) + 2;
}

export type ObservationKind = "healthy" | "unhealthy" | "missing";

/**
 * Healthy is `ok`. `inconclusive` is missing evidence (Uptime Kuma #774: "the test isn't a failure, it's
 * inconclusive") unless the round really saw BSG fail while the controls could be checked: then it is trouble of
 * unclear cause, which is still trouble (BSG failing in mixed ways, or names no resolver knows).
 */
export function observationKind(verdict: VerdictId, round: RoundResult): ObservationKind {
  if (verdict === "ok") return "healthy";
  if (verdict !== "inconclusive") return "unhealthy";
  const bsgFailed = round.targets.some((t) => t.group === "bsg" && targetState(t) === "failed");
  const controlsUsable = round.targets.some((t) => t.group === "control" && targetState(t) !== "missing");
  return bsgFailed && controlsUsable ? "unhealthy" : "missing";
}

/** BSG targets that measurably failed (not broken, not cut by the deadline, not an HTTP 4xx answer). */
export function failingBsgTargets(round: RoundResult): string[] {
  return round.targets.filter((t) => t.group === "bsg" && targetState(t) === "failed").map((t) => t.id);
}

/**
 * Targets for a quick re-probe: the failing BSG targets plus every control (the controls gate the verdict).
 * `undefined` (a full round) when nothing specific is failing yet, e.g. a suspicion raised by the liveness
 * connect: re-probing one host against stale "ok" results for the others would misname a total drop as partial.
 */
export function confirmationTargets(base: RoundResult | null, controlIds: readonly string[]): string[] | undefined {
  if (base === null) return undefined;
  const failing = failingBsgTargets(base);
  return failing.length === 0 ? undefined : [...failing, ...controlIds];
}

/**
 * A re-probe measures a subset; the verdict needs the whole picture. Fresh target results replace the base's,
 * the others keep their last measurement. The gateway is taken fresh unless the re-probe could not read it; the
 * status page is the freshest reading the caller has.
 */
export function mergeRound(
  base: RoundResult | null,
  fresh: RoundResult,
  opts: { status: StatusApiResult | null; extraEvidence: readonly Evidence[] },
): RoundResult {
  const byId = new Map<string, TargetResult>((base?.targets ?? []).map((t) => [t.id, t]));
  for (const t of fresh.targets) byId.set(t.id, t);
  const extra = [...(fresh.extraEvidence ?? []), ...opts.extraEvidence];
  return {
    at: fresh.at,
    durationMs: fresh.durationMs,
    deadlineHit: fresh.deadlineHit,
    targets: [...byId.values()],
    gateway: fresh.gateway.state === "unknown" && base !== null ? base.gateway : fresh.gateway,
    statusApi: opts.status ?? fresh.statusApi,
    ...(extra.length > 0 ? { extraEvidence: extra } : {}),
  };
}

/** BSG's own words for a maintenance (the global message, else the newest unsolved incident message), or null. */
export function bsgMaintenanceWords(s: StatusApiResult): string | null {
  const text = s.message?.trim() || s.messages.find((m) => m.solveTime === null && m.content.trim() !== "")?.content.trim();
  return text || null;
}

/** BSG's own words for a maintenance, as shown to the player. */
export function maintenanceMessage(s: StatusApiResult): string {
  return bsgMaintenanceWords(s) ?? "BSG reports that the servers are being updated (no message given).";
}

/**
 * How long a liveness connect may take before it counts as a suspicion, without waiting for the timeout:
 * four times the usual connect time, between 300 ms and 1 s. A lost SYN is retransmitted after 1 s (Linux) or
 * 3 s (Windows), so a slow connect means loss or a blackhole; either way the confirming rounds sort it out.
 */
export function suspectDelayMs(typicalConnectMs: number | null): number {
  if (typicalConnectMs === null || !Number.isFinite(typicalConnectMs)) return 1_000;
  return Math.round(Math.min(1_000, Math.max(300, 4 * typicalConnectMs)));
}

/** A timer that fired this far off schedule means the machine slept or the clock was set: not outage time. */
export function isClockJump(dueAt: number, firedAt: number, intervalMs: number): boolean {
  return Math.abs(firedAt - dueAt) > 2 * intervalMs;
}
