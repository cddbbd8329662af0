/**
 * When toasts wait for a raid to end, and when they stop waiting. Pure: the raid phase and the clock come in.
 *
 * Toasts wait while the game log shows matching or a raid, so a drop does not pop up over the game. Waiting is
 * bounded three ways, because a raid's end can be missed (a build that logs none of the markers we know, a crash):
 * - the raid ends (the phase goes back to idle): everything held is delivered as one summary;
 * - the raid should be over by now (its phase started longer ago than any raid lasts): held toasts are delivered
 *   and new ones are no longer held, so a drop that outlasts the raid reaches the player in the menu;
 * - a held toast is never older than `maxHoldMs`, whatever the log says.
 */
import type { RaidPhase } from "./eft-log.js";

export interface HoldLimits {
  /** No held toast waits longer than this. */
  maxHoldMs: number;
  /** After this long in a phase, the raid (or the matching) is over, whether or not the log said so. */
  likelyEndMs: Record<Exclude<RaidPhase, "idle">, number>;
}

export const HOLD_LIMITS: HoldLimits = {
  maxHoldMs: 45 * 60_000,
  likelyEndMs: {
    // Matching rarely takes more than a quarter of an hour; loading the map is part of it.
    matching: 30 * 60_000,
    // The longest raid timers are about 50 minutes (Streets), plus loading and the result screens.
    "in-raid": 60 * 60_000,
  },
};

/** What the agent knows about the game: the phase and when it began (ms since the epoch). */
export interface RaidView {
  phase: RaidPhase;
  sinceMs: number;
}

/** Why held toasts are delivered now. */
export type ReleaseReason = "raid-ended" | "raid-should-be-over" | "held-too-long";

const likelyOver = (raid: RaidView, nowMs: number, limits: HoldLimits): boolean =>
  raid.phase !== "idle" && nowMs - raid.sinceMs >= limits.likelyEndMs[raid.phase];

/** True when a toast raised now should wait: matching or in a raid that may still be running. */
export function shouldHold(raid: RaidView | null, nowMs: number, limits: HoldLimits = HOLD_LIMITS): boolean {
  return raid !== null && raid.phase !== "idle" && !likelyOver(raid, nowMs, limits);
}

/** Whether toasts held since `oldestHeldMs` are delivered now, and why; null while they keep waiting. */
export function releaseReason(raid: RaidView | null, oldestHeldMs: number, nowMs: number, limits: HoldLimits = HOLD_LIMITS): ReleaseReason | null {
  if (raid === null || raid.phase === "idle") return "raid-ended";
  if (likelyOver(raid, nowMs, limits)) return "raid-should-be-over";
  if (nowMs - oldestHeldMs >= limits.maxHoldMs) return "held-too-long";
  return null;
}
