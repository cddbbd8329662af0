/**
 * The monitor's cheap signal between full rounds: one TCP connect every `livenessIntervalMs` to one BSG host
 * (round-robin over the addresses the last rounds resolved). A failed or slow connect is a *weak* observation: the
 * host ({@link LivenessHost.weakFailure}) counts it as the first failure of a streak and starts fast confirmation,
 * but it can never confirm a drop on its own. A connect that works again during an incident asks for a round.
 */
import type { ResolvedConfig } from "../config/schema.js";
import { suspectDelayMs } from "../core/monitor-policy.js";
import type { RoundResult } from "../core/types.js";
import type { LivenessResult, LivenessTarget } from "./liveness.js";
import type { MonitorTimers } from "./monitor-timers.js";
import type { MonitorClock } from "./monitor-timers.js";
import type { MonitorDeps, MonitorLogger } from "./monitor-types.js";

/** What the liveness scheduler reads from and asks of the monitor core. */
export interface LivenessHost {
  config: ResolvedConfig;
  clock: MonitorClock;
  log: MonitorLogger;
  timers: MonitorTimers;
  probe: MonitorDeps["liveness"];
  history: MonitorDeps["history"];
  guard(what: string, fn: () => void): void;
  /** Bumped on stop/pause/discontinuity: a connect started before is stale. */
  epoch(): number;
  running(): boolean;
  /** A confirmation episode is running (its re-probes cover what liveness would). */
  confirming(): boolean;
  /** An incident is open. */
  down(): boolean;
  /** Unhealthy results before this moment are not counted (network settling after a resume). */
  settleUntil(): number;
  detectDiscontinuity(dueAt: number, exact: boolean): boolean;
  requestRound(reason: string): void;
  /** A connect failed (or was too slow) on a host that was fine: a weak first failure. */
  weakFailure(target: LivenessTarget, startedAt: number, code: string, message: string): void;
}

export interface LivenessScheduler {
  /** One tick: re-arms itself, then starts a connect unless one is in flight or a confirmation runs. */
  tick(): void;
  /** Records the addresses and TCP outcome of the BSG targets a round measured. */
  learnFromRound(fresh: RoundResult): void;
  /** Forgets per-host states (after a discontinuity: the network may be a different one). */
  clearStates(): void;
  /** Forgets the connect in flight (its epoch is over). */
  resetBusy(): void;
}

const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Builds the liveness scheduler for one monitor. */
export function createLivenessScheduler(host: LivenessHost): LivenessScheduler {
  const { config, clock, log, timers } = host;
  const m = config.monitor;
  const bsgIds = config.targets.filter((t) => t.group === "bsg").map((t) => t.id);
  const addresses = new Map<string, { address: string; port: number }>();
  const liveState = new Map<string, "ok" | "fail">();
  let rr = 0;
  let liveBusy = false;
  let typicalConnectMs: number | null = null;

  function livenessTargets(): LivenessTarget[] {
    return bsgIds.flatMap((id) => {
      const a = addresses.get(id);
      return a === undefined ? [] : [{ targetId: id, address: a.address, port: a.port }];
    });
  }

  function tick(): void {
    timers.arm("liveness", m.livenessIntervalMs, tick);
    if (!host.running() || liveBusy || host.confirming()) return;
    const targets = livenessTargets();
    if (targets.length === 0) return;
    const target = targets[rr++ % targets.length]!;
    const myEpoch = host.epoch();
    const startedAt = clock.now();
    const timeoutMs = config.probe.timeoutMs;
    let suspected = false;
    liveBusy = true;
    timers.arm("suspect", suspectDelayMs(typicalConnectMs), () => {
      if (myEpoch !== host.epoch() || !liveBusy) return;
      suspected = true;
      onFailure(target, startedAt, "TCP_TIMEOUT", "connect slower than usual");
    });
    // The probe promises to settle within its timeout; the race guards against one that does not.
    let stuck: unknown = null;
    const check = Promise.race([
      Promise.resolve().then(() => host.probe.check(target, timeoutMs)),
      new Promise<LivenessResult>((resolve) => {
        stuck = clock.setTimeout(
          () => resolve({ ok: false, targetId: target.targetId, ms: timeoutMs, code: "PROBE_BROKEN", message: "liveness check did not settle" }),
          timeoutMs + 2_000,
        );
      }),
    ]);
    check
      .catch((e: unknown): LivenessResult => ({ ok: false, targetId: target.targetId, ms: 0, code: "PROBE_BROKEN", message: errText(e) }))
      .then((res) => {
        clock.clearTimeout(stuck);
        // A measurement happened whatever the monitor does with it next.
        if (host.history) host.guard("history liveness", () => host.history?.liveness(target, res, startedAt));
        if (myEpoch !== host.epoch()) return;
        liveBusy = false;
        timers.disarm("suspect");
        host.guard("liveness result", () => {
          if (!host.running()) return;
          if (host.detectDiscontinuity(startedAt + timeoutMs, false)) return;
          onResult(target, res, startedAt, suspected);
        });
      })
      .catch(() => undefined);
  }

  function onResult(target: LivenessTarget, res: LivenessResult, startedAt: number, suspected: boolean): void {
    if (res.ok) {
      typicalConnectMs = typicalConnectMs === null ? res.ms : 0.8 * typicalConnectMs + 0.2 * res.ms;
      const prev = liveState.get(target.targetId);
      liveState.set(target.targetId, "ok");
      if (host.down() && prev === "fail" && !host.confirming()) host.requestRound("liveness connect works again");
      return;
    }
    if (res.code === "PROBE_BROKEN") {
      log.warn("liveness check broken; ignored", { target: target.targetId, error: res.message });
      return;
    }
    if (!suspected) onFailure(target, startedAt, res.code, res.message);
  }

  function onFailure(target: LivenessTarget, startedAt: number, code: string, message: string): void {
    const prev = liveState.get(target.targetId);
    liveState.set(target.targetId, "fail");
    if (host.down() || prev === "fail" || startedAt < host.settleUntil()) return;
    host.weakFailure(target, startedAt, code, message);
  }

  return {
    tick,
    learnFromRound(fresh) {
      for (const t of fresh.targets) {
        if (t.group !== "bsg") continue;
        if (t.address !== null) addresses.set(t.id, { address: t.address, port: t.port });
        const tcp = t.phases.tcp.status;
        if (tcp === "ok") liveState.set(t.id, "ok");
        else if (tcp === "fail") liveState.set(t.id, "fail");
      }
    },
    clearStates: () => liveState.clear(),
    resetBusy: () => {
      liveBusy = false;
    },
  };
}
