/**
 * The raid phase (idle → matching → in-raid → idle) from real markers (eft-facts §5.6, §5.6b):
 * - matching: `Matching with group id`, `TRACE-NetworkGameMatching`, `LocationLoaded`, `MatchingCompleted`, the
 *   raid server assignment (`TRACE-NetworkGameCreate`, push `UserConfirmed`), `Connect (address: …)`;
 * - in-raid: `Enter to the 'Connected' state`, `GameStarting`/`GameStarted`;
 * - idle: `Disconnect (address: …)` and the other teardown lines, push `UserMatchOver`, the return to the menu
 *   (`CompleteSelectedProfile`, `PrepareSelectedProfileLocally`, older `SelectProfile`), the backend's
 *   `/client/match/local/end` and `/client/match/exit`, `Network/Local game matching cancelled.`, a new session.
 * A stale timer is only the backstop for a game that died without a word.
 */
import type { GameLogEvent } from "./events.js";

export const RAID_PHASES = ["idle", "matching", "in-raid"] as const;
export type RaidPhase = (typeof RAID_PHASES)[number];

export interface RaidServerInfo {
  ip: string;
  port: number | null;
  location: string | null;
  datacenter: string | null;
}

export interface RaidState {
  phase: RaidPhase;
  /** When the phase was entered (event time). */
  since: number;
  /** The raid server, once assigned or connected. */
  server: RaidServerInfo | null;
}

/** A phase change and what caused it. */
export interface PhaseChange {
  from: RaidPhase;
  to: RaidPhase;
  /** Event time of the change (ms since the epoch). */
  at: number;
  /** `<channel>: <marker>` for a log line (`network-connection: Disconnect`), else `stale-timer` / `start-up: …`. */
  source: string;
}

export const initialRaidState = (at = 0): RaidState => ({ phase: "idle", since: at, server: null });

const splitAddress = (address: string): { ip: string; port: number | null } => {
  const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(address);
  return m ? { ip: m[1]!, port: Number(m[2]) } : { ip: address, port: null };
};

/** What caused a phase change, for people and scripts: `push-notifications: UserMatchOver`. */
export function phaseSource(e: GameLogEvent): string {
  return `${e.channel}: ${"marker" in e ? e.marker : e.kind}`;
}

/** Pure transition from one event. */
export function nextRaidState(s: RaidState, e: GameLogEvent): RaidState {
  const to = (phase: RaidPhase, server = s.server): RaidState =>
    phase === s.phase && server === s.server ? s : { phase, since: phase === s.phase ? s.since : e.epochMs, server };
  switch (e.kind) {
    case "session-start":
    case "matching-aborted":
    case "raid-ended":
    case "raid-disconnected":
    case "menu-return":
      return to("idle", null);
    case "matching-started":
      return s.phase === "in-raid" ? s : to("matching", null);
    case "matching-completed":
      return s.phase === "in-raid" ? s : to("matching");
    case "raid-assigned": {
      const server = { ip: e.ip, port: e.port, location: e.location, datacenter: e.datacenter };
      // The push `UserConfirmed` can arrive after the raid started: same server, same raid.
      if (s.phase === "in-raid" && s.server?.ip === e.ip) {
        return to("in-raid", { ip: e.ip, port: e.port ?? s.server.port, location: e.location ?? s.server.location, datacenter: e.datacenter ?? s.server.datacenter });
      }
      // Otherwise a new assignment: while "in raid" that means the end of the last one was missed.
      return to("matching", server);
    }
    case "raid-connect": {
      const { ip, port } = splitAddress(e.address);
      const server = s.server && s.server.ip === ip ? s.server : { ip, port, location: null, datacenter: null };
      // While in a raid, a Connect is a reconnect to it.
      return to(s.phase === "in-raid" ? "in-raid" : "matching", server);
    }
    case "raid-connected":
    case "raid-started":
      return to("in-raid");
    default:
      return s;
  }
}

/** How long a phase may last with no raid event before it is considered stale (the game died without a word). */
export const STALE_MS = {
  matching: 30 * 60_000,
  // The longest raid timers are about 50 minutes (Streets); loading and the result screens add a few more.
  inRaid: 75 * 60_000,
} as const;

/** Tracks the raid phase; `busy` tells the notifier to hold non-urgent toasts until the raid ends. */
export class RaidStateTracker {
  #state: RaidState;
  #lastEventMs: number;

  constructor(
    private readonly staleMs: { matching: number; inRaid: number } = STALE_MS,
    at = 0,
  ) {
    this.#state = initialRaidState(at);
    this.#lastEventMs = at;
  }

  get state(): RaidState {
    return this.#state;
  }

  /** True while matching or in a raid. */
  get busy(): boolean {
    return this.#state.phase !== "idle";
  }

  /** Applies one event; returns the change when the phase changed, else null. */
  update(e: GameLogEvent): PhaseChange | null {
    const prev = this.#state;
    this.#state = nextRaidState(prev, e);
    if (e.kind !== "backend-request" && e.kind !== "backend-response") this.#lastEventMs = Math.max(this.#lastEventMs, e.epochMs);
    return prev.phase === this.#state.phase ? null : { from: prev.phase, to: this.#state.phase, at: e.epochMs, source: phaseSource(e) };
  }

  /** Falls back to idle when the phase has gone stale; call from a timer with the current time. */
  expire(nowMs: number): PhaseChange | null {
    const s = this.#state;
    const limit = s.phase === "matching" ? this.staleMs.matching : s.phase === "in-raid" ? this.staleMs.inRaid : Infinity;
    if (nowMs - Math.max(this.#lastEventMs, s.since) <= limit) return null;
    this.#state = initialRaidState(nowMs);
    return { from: s.phase, to: "idle", at: nowMs, source: "stale-timer" };
  }
}
