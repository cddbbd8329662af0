/**
 * Alert hysteresis: turns a stream of per-round observations into confirmed transitions (Gatus-style consecutive
 * counters, fail 3 / success 2). Pure: the monitor owns time, I/O and what counts as an observation.
 *
 * Rules:
 * - `down` after `failureThreshold` consecutive unhealthy observations; its verdict is the confirming observation's.
 * - `up` after `successThreshold` consecutive healthy ones; the outage runs from the first failure of the streak
 *   that opened it to the first healthy observation of the streak that closed it, minus gaps (sleep, pause).
 * - `verdict` during an incident when a different cause is seen on `verdictThreshold` consecutive observations, so a
 *   world flapping between two causes produces no event storm.
 * - A `discard` observation (clock jump, network change, resume from pause) resets every counter: what was seen
 *   before the gap is not continued after it, and the gap is never outage time.
 * - A `weak` observation (a bare TCP connect, without the controls that gate the verdict) may start or extend an
 *   unhealthy streak but never completes one, and its verdict never becomes the incident's cause.
 */
import type { VerdictId } from "./types.js";

/** One verdict fed to the machine. `at` is epoch ms of when the evidence was gathered. */
export interface Observation {
  healthy: boolean;
  verdict: VerdictId;
  at: number;
  /** Evidence that straddles a clock jump / network change / pause: resets counting, never counts as outage. */
  discard?: boolean;
  /** With `discard`: wall-clock time before `at` that was a gap (asleep, paused), left out of an open outage. */
  gapMs?: number;
  /** Ungated cheap signal: counts toward an unhealthy streak but can never confirm one. */
  weak?: boolean;
}

/** Consecutive observations needed for each kind of transition. */
export interface Thresholds {
  failureThreshold: number;
  successThreshold: number;
  /** Consecutive observations of a new cause before a `verdict` event; 2 unless given. */
  verdictThreshold?: number;
}

/** Everything the machine remembers; treat as immutable. */
export interface HysteresisState {
  readonly down: boolean;
  /** Confirmed cause of the open incident; null while up. */
  readonly verdict: VerdictId | null;
  readonly failStreak: number;
  /** `at` of the first observation in the current unhealthy streak. */
  readonly failSince: number | null;
  readonly successStreak: number;
  readonly successSince: number | null;
  /** A different cause seen during the incident, not yet confirmed. */
  readonly candidate: VerdictId | null;
  readonly candidateStreak: number;
  /** Start of the open incident (the first failure of the streak that confirmed it). */
  readonly incidentStart: number | null;
  /** Gap time inside the open incident, excluded from its duration. */
  readonly gapMs: number;
}

/** A confirmed change: what the monitor turns into an event and an incident record. */
export type Transition =
  | { type: "down"; verdict: VerdictId; at: number; since: number }
  | { type: "verdict"; verdict: VerdictId; previous: VerdictId; at: number }
  | {
      type: "up";
      at: number;
      /** First healthy observation of the confirming streak: the best estimate of when it came back. */
      since: number;
      incidentStart: number;
      previous: VerdictId;
      durationMs: number;
      gapMs: number;
    };

/** The state before any observation: up, nothing counted. */
export const initialHysteresis: HysteresisState = Object.freeze({
  down: false,
  verdict: null,
  failStreak: 0,
  failSince: null,
  successStreak: 0,
  successSince: null,
  candidate: null,
  candidateStreak: 0,
  incidentStart: null,
  gapMs: 0,
});

const cleared = { failStreak: 0, failSince: null, successStreak: 0, successSince: null, candidate: null, candidateStreak: 0 } as const;

/** Feeds one observation; returns the next state and the transition it confirmed, if any. */
export function stepHysteresis(
  s: HysteresisState,
  o: Observation,
  t: Thresholds,
): { state: HysteresisState; transition: Transition | null } {
  if (o.discard) {
    return { state: { ...s, ...cleared, gapMs: s.down ? s.gapMs + Math.max(0, o.gapMs ?? 0) : s.gapMs }, transition: null };
  }
  if (!s.down) {
    if (o.healthy) {
      // A weak success (a connect that worked) says nothing about DNS/TLS/HTTP: it must not cancel a streak.
      return { state: o.weak ? s : { ...s, ...cleared }, transition: null };
    }
    const failSince = s.failSince ?? o.at;
    const streak = s.failStreak + 1;
    // With a threshold of 1 a weak signal has nothing to count toward: only a gated round can decide.
    if (o.weak && t.failureThreshold <= 1) return { state: s, transition: null };
    if (o.weak || streak < t.failureThreshold) {
      return { state: { ...s, failStreak: Math.min(streak, t.failureThreshold - 1), failSince }, transition: null };
    }
    return {
      state: { ...s, ...cleared, down: true, verdict: o.verdict, incidentStart: failSince, gapMs: 0 },
      transition: { type: "down", verdict: o.verdict, at: o.at, since: failSince },
    };
  }
  // Down: weak signals never move an open incident (a connect says nothing about the cause or the recovery).
  if (o.weak) return { state: s, transition: null };
  const current = s.verdict ?? o.verdict;
  if (o.healthy) {
    const successSince = s.successSince ?? o.at;
    const streak = s.successStreak + 1;
    if (streak < t.successThreshold) {
      return { state: { ...s, successStreak: streak, successSince, candidate: null, candidateStreak: 0 }, transition: null };
    }
    const incidentStart = s.incidentStart ?? successSince;
    return {
      state: initialHysteresis,
      transition: {
        type: "up",
        at: o.at,
        since: successSince,
        incidentStart,
        previous: current,
        durationMs: Math.max(0, successSince - incidentStart - s.gapMs),
        gapMs: s.gapMs,
      },
    };
  }
  const base = { ...s, successStreak: 0, successSince: null };
  if (o.verdict === current) return { state: { ...base, candidate: null, candidateStreak: 0 }, transition: null };
  const streak = o.verdict === s.candidate ? s.candidateStreak + 1 : 1;
  if (streak < (t.verdictThreshold ?? 2)) {
    return { state: { ...base, candidate: o.verdict, candidateStreak: streak }, transition: null };
  }
  return {
    state: { ...base, verdict: o.verdict, candidate: null, candidateStreak: 0 },
    transition: { type: "verdict", verdict: o.verdict, previous: current, at: o.at },
  };
}

/** True while a suspected change awaits confirmation: the monitor re-probes quickly until it resolves. */
export function isConfirming(s: HysteresisState): boolean {
  return s.down ? s.successStreak > 0 || s.candidateStreak > 0 : s.failStreak > 0;
}

/** How many more consecutive observations would confirm the pending change (0 when none is pending). */
export function remainingToConfirm(s: HysteresisState, t: Thresholds): number {
  if (!isConfirming(s)) return 0;
  if (!s.down) return t.failureThreshold - s.failStreak;
  if (s.successStreak > 0) return t.successThreshold - s.successStreak;
  return (t.verdictThreshold ?? 2) - s.candidateStreak;
}
