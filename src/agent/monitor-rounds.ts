/**
 * The monitor's round pipeline: launches probe rounds, guards each with a watchdog, merges the fresh result with
 * the last full picture, the status-page reading and the game log's evidence, classifies it, records it in the
 * evidence history, and hands completed rounds to the confirmation logic strictly in launch order (re-probes
 * overlap, so they can finish out of order). Results of rounds launched before an epoch bump are dropped.
 * What to do with a result (hysteresis, events, incidents) and when to launch is the monitor's (./monitor.ts).
 */
import { GAME_EVIDENCE_CAP, GAME_EVIDENCE_TTL_MS, mergeRound, ROUND_WATCHDOG_GRACE_MS } from "../core/monitor-policy.js";
import type { Diagnosis, Evidence, RoundResult, StatusApiResult } from "../core/types.js";
import type { MonitorClock } from "./monitor-timers.js";
import type { MonitorDeps, MonitorHistory, MonitorLogger, ProbeRoundOptions, RoundKind } from "./monitor-types.js";

/** A round that finished: its place in launch order, when it started, the merged picture and its diagnosis. */
export interface Completed {
  seq: number;
  startedAt: number;
  round: RoundResult;
  diagnosis: Diagnosis;
}

export interface RoundPipelineDeps {
  config: MonitorDeps["config"];
  clock: MonitorClock;
  log: MonitorLogger;
  probeRound: MonitorDeps["probeRound"];
  classify: MonitorDeps["classify"];
  /** Runs a step; a throw is logged, never fatal. */
  guard(what: string, fn: () => void): void;
  /** Tells the evidence history (a failing history never disturbs monitoring). */
  told(what: string, fn: (h: MonitorHistory) => void): void;
  epoch(): number;
  running(): boolean;
  liveness: { learnFromRound(r: RoundResult): void };
  statusPoller: { accept(s: StatusApiResult): void; freshest(): StatusApiResult | null };
  /** True (and handled) when the machine slept or the network changed while the round ran. */
  detectDiscontinuity(dueAt: number, exact: boolean): boolean;
  /** A completed round, in launch order (fed rounds only). */
  observe(c: Completed): void;
  /** After every result of the current epoch: the scheduler's turn (launch what is due, publish the state). */
  settled(): void;
}

export interface RoundPipeline {
  /** Runs one round; `fed` results go through the ordered pipeline. Resolves with the result or null. */
  launch(kind: RoundKind, opts: ProbeRoundOptions, fed: boolean): Promise<Completed | null>;
  /** Forgets everything in flight (the epoch was bumped): their results will be dropped. */
  reset(): void;
  confirmInFlight(): number;
  fullInFlight(): number;
  /** The latest merged picture (the base the next round is merged with). */
  base(): { round: RoundResult; startedAt: number } | null;
  /** Game-log evidence that rides along with rounds for a while. */
  addGameEvidence(evidence: readonly Evidence[], at: number): void;
  /** The reason of a `triggerImmediate`; the next round (not a manual one) logs what it found. */
  setTrigger(reason: string | null): void;
}

const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export function createRoundPipeline(d: RoundPipelineDeps): RoundPipeline {
  const { config, clock, log } = d;
  const now = () => clock.now();
  let seqNext = 0;
  let seqFeed = 0;
  const completed = new Map<number, Completed | null>();
  let confirmInFlight = 0;
  let fullInFlight = 0;
  let base: { round: RoundResult; startedAt: number } | null = null;
  let gameEvidence: { e: Evidence; at: number }[] = [];
  /** Reason of a `triggerImmediate` whose round has not been launched yet; the next round logs its result. */
  let pendingTrigger: string | null = null;

  function liveGameEvidence(): Evidence[] {
    const t = now();
    gameEvidence = gameEvidence.filter((g) => t - g.at <= GAME_EVIDENCE_TTL_MS).slice(-GAME_EVIDENCE_CAP);
    return gameEvidence.map((g) => g.e);
  }

  /** Feeds completed rounds to the confirmation logic strictly in launch order. */
  function drain(): void {
    while (completed.has(seqFeed)) {
      const c = completed.get(seqFeed) ?? null;
      completed.delete(seqFeed);
      seqFeed++;
      if (c !== null) d.observe(c);
    }
  }

  function launch(kind: RoundKind, opts: ProbeRoundOptions, fed: boolean): Promise<Completed | null> {
    const myEpoch = d.epoch();
    const trigger = kind === "manual" ? null : pendingTrigger;
    if (trigger !== null) pendingTrigger = null;
    const startedAt = now();
    const seq = fed ? seqNext++ : -1;
    if (fed) {
      if (kind === "confirm") confirmInFlight++;
      else fullInFlight++;
    }
    return new Promise<Completed | null>((resolve) => {
      let finished = false;
      const watchdog = clock.setTimeout(() => {
        log.warn("probe round did not finish; treated as missing evidence", { kind });
        finish(null);
      }, config.probe.deadlineMs + ROUND_WATCHDOG_GRACE_MS);
      function finish(c: Completed | null): void {
        if (finished) return;
        finished = true;
        clock.clearTimeout(watchdog);
        resolve(c);
        if (myEpoch !== d.epoch()) return;
        d.guard("round result", () => {
          if (fed) {
            if (kind === "confirm") confirmInFlight--;
            else fullInFlight--;
          }
          if (c !== null && d.running() && d.detectDiscontinuity(startedAt + config.probe.deadlineMs + ROUND_WATCHDOG_GRACE_MS, false)) return;
          if (fed) {
            completed.set(seq, c);
            drain();
          }
          d.settled();
        });
      }
      void (async () => {
        let fresh: RoundResult;
        try {
          fresh = await d.probeRound(opts);
        } catch (e) {
          log.warn("probe round threw; treated as missing evidence", { kind, error: errText(e) });
          finish(null);
          return;
        }
        try {
          if (myEpoch === d.epoch()) d.liveness.learnFromRound(fresh);
          if (opts.statusApi && myEpoch === d.epoch()) d.statusPoller.accept(fresh.statusApi);
          const merged = mergeRound(base?.round ?? null, fresh, {
            status: opts.statusApi ? fresh.statusApi : d.statusPoller.freshest(),
            extraEvidence: liveGameEvidence(),
          });
          if (myEpoch === d.epoch() && (base === null || startedAt >= base.startedAt)) base = { round: merged, startedAt };
          const diagnosis = d.classify(merged);
          // What was measured, as measured (not merged with older results), with the status reading and the verdict
          // it was judged with.
          d.told("round", (h) => h.round(kind, startedAt, { ...fresh, statusApi: merged.statusApi }, diagnosis.verdict));
          // A round the game log asked for: say what it found, so the trigger and its evidence can be followed.
          if (trigger !== null) log.info("diagnosis", { trigger, verdict: diagnosis.verdict, confidence: diagnosis.confidence, evidence: diagnosis.evidence });
          finish({ seq, startedAt, round: merged, diagnosis });
        } catch (e) {
          log.warn("classify threw; treated as missing evidence", { kind, error: errText(e) });
          finish(null);
        }
      })();
    });
  }

  return {
    launch,
    reset() {
      completed.clear();
      seqFeed = seqNext;
      confirmInFlight = 0;
      fullInFlight = 0;
    },
    confirmInFlight: () => confirmInFlight,
    fullInFlight: () => fullInFlight,
    base: () => base,
    addGameEvidence(evidence, at) {
      for (const e of evidence) gameEvidence.push({ e, at });
    },
    setTrigger(reason) {
      pendingTrigger = reason;
    },
  };
}
