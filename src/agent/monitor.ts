/**
 * The always-on monitor: schedules probe rounds, turns their verdicts into confirmed `down` / `verdict` / `up`
 * events through the hysteresis, records incidents, announces BSG maintenance once, and survives anything its
 * collaborators throw. Everything that touches the world is injected (see {@link MonitorDeps}).
 *
 * Scheduling, at defaults (interval 15 s, confirm 0.7 s, liveness 2 s, fail 3 / success 2):
 * - A full round every `intervalMs`. Full rounds do not read the status page; it is polled on its own every
 *   `statusPollMs` and the latest reading is merged into every round before `classify`.
 * - Between rounds, one TCP connect every `livenessIntervalMs` to one BSG host (round-robin, the address the
 *   last round resolved). A failed or slow connect is a *weak* observation: it counts as the first failure of a
 *   streak but can never confirm one, and it starts fast confirmation at once.
 * - Fast confirmation: while a change is suspected, re-probes are launched `confirmIntervalMs` apart without
 *   waiting for the previous one to finish (a blackholed re-probe takes the probe timeout; overlapping them keeps
 *   the detection bound at "timeout + a few seconds" instead of "3 × timeout"). They cover the failing BSG
 *   targets plus the controls, or everything when nothing specific is failing yet. Results are fed to the
 *   hysteresis in launch order. After a few attempts without a decision the normal interval resumes.
 * - Hard drop: refused connect at u ∈ [0, 2 s) → weak #1, re-probe #2 at once, #3 at +0.7 s → `down` at
 *   ≈ u + 0.7 s + one round trip (p50 ≈ 1.7 s, p95 ≈ 2.6 s).
 * - Blackhole: connect silent for the suspect delay S (4 × usual connect time, 0.3–1 s) → weak #1, re-probes at
 *   +0 and +0.7 s each time out after `probe.timeoutMs` → `down` at ≈ u + S + 0.7 s + timeout (p95 ≈ 7 s at the
 *   4 s default timeout).
 * - Recovery: a liveness connect that works again after failing triggers a round at once; one more healthy
 *   re-probe 0.7 s later confirms. Causes the connect cannot see (DNS, TLS) recover on the 15 s rounds.
 * - A timer that fires more than 2 × interval late (sleep/resume, clock set) or a change of network signature
 *   discards what is in flight, resets the counters, re-probes at once and ignores unhealthy results for
 *   {@link RESUME_SETTLE_MS}; gap time inside an open incident is not counted in its duration.
 */
import { initialHysteresis, isConfirming, remainingToConfirm, stepHysteresis, type Observation, type Thresholds, type Transition } from "../core/hysteresis.js";
import {
  confirmAttemptCap,
  confirmationTargets,
  failingBsgTargets,
  isClockJump,
  observationKind,
  RESUME_SETTLE_MS,
  STATUS_KICK_MIN_AGE_MS,
  VERDICT_THRESHOLD,
} from "../core/monitor-policy.js";
import type { Advice, Diagnosis, VerdictId } from "../core/types.js";
import type { AgentEvent } from "./events.js";
import { newIncidentId as defaultIncidentId } from "./incidents.js";
import { createLivenessScheduler } from "./monitor-liveness.js";
import { createRoundPipeline, type Completed } from "./monitor-rounds.js";
import { createStatusPoller } from "./monitor-status.js";
import { createTimers } from "./monitor-timers.js";
import type { Monitor, MonitorDeps, MonitorMode, MonitorSnapshot, MonitorStatus } from "./monitor-types.js";

export { networkSignatureOf, osNetworkSignature, systemClock, type MonitorClock } from "./monitor-timers.js";
export type { Monitor, MonitorDeps, MonitorHistory, MonitorLogger, MonitorMode, MonitorSnapshot, MonitorStatus, ProbeRoundOptions, RoundKind } from "./monitor-types.js";

const iso = (ms: number): string => new Date(ms).toISOString();
const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e));
const firstAdvice = (d: Diagnosis): { step: number | null; text: string; fixId?: string } | null => {
  const a: Advice | undefined = d.advice[0];
  return a === undefined ? null : { step: a.step, text: a.text, ...(a.fixId === undefined ? {} : { fixId: a.fixId }) };
};

/** Builds the monitor; nothing runs until `start()`. */
export function createMonitor(deps: MonitorDeps): Monitor {
  const { config, clock, logger: log } = deps;
  const m = config.monitor;
  const thresholds: Thresholds = { failureThreshold: m.failureThreshold, successThreshold: m.successThreshold, verdictThreshold: VERDICT_THRESHOLD };
  const controlIds = config.targets.filter((t) => t.group === "control").map((t) => t.id);
  const attemptCap = confirmAttemptCap(m.failureThreshold, m.successThreshold);
  const jumpIntervalMs = m.intervalMs;
  const now = () => clock.now();
  const makeIncidentId = deps.newIncidentId ?? defaultIncidentId;
  const history = deps.history;

  let mode: MonitorMode = "stopped";
  let hys = initialHysteresis;
  /** Bumped on stop/pause/discontinuity: results of rounds launched before are dropped. */
  let epoch = 0;
  let nextFullAt = 0;
  let lastRequestAt = -Infinity;
  let episode: { attempts: number; lastLaunchAt: number } | null = null;
  /** Target of a weak (liveness) observation that no round has backed yet. */
  let pendingWeak: string | null = null;
  let settleUntil = -Infinity;
  let lastDiagnosis: Diagnosis | null = null;
  let lastObserved: VerdictId | null = null;
  let incident: { id: string; verdict: VerdictId; start: number } | null = null;
  let pausedAt = 0;
  let pausedUntil: number | null = null;
  let lastSig: string | null = null;
  /** Last moment a timer or result showed the process awake and on time: the start of a sleep gap. */
  let lastAwakeAt = 0;
  // snapshot
  let status: MonitorStatus = "unknown";
  let statusSince: number | null = null;
  let lastPublished = "";

  const guard = (what: string, fn: () => void) => {
    try {
      fn();
    } catch (e) {
      log.error("monitor step failed", { step: what, error: errText(e) });
    }
  };

  const timers = createTimers(clock, guard, (name, due) => name !== "resume" && detectDiscontinuity(due, true));
  const { arm, disarm, disarmAll } = timers;
  const running = () => mode === "running";
  const currentEpoch = () => epoch;

  const liveness = createLivenessScheduler({
    config,
    clock,
    log,
    timers,
    probe: deps.liveness,
    history,
    guard,
    epoch: currentEpoch,
    running,
    confirming: () => episode !== null,
    down: () => hys.down,
    settleUntil: () => settleUntil,
    detectDiscontinuity,
    requestRound,
    weakFailure(target, startedAt, code, message) {
      log.info("liveness connect failed; confirming", { target: target.targetId, code, reason: message });
      feed({ healthy: false, verdict: "bsg-unreachable", at: startedAt, weak: true }, null);
      pendingWeak = target.targetId;
      if (!isConfirming(hys)) requestRound("liveness connect failed");
      pump();
      publish();
    },
  });

  const statusPoller = createStatusPoller({
    config,
    clock,
    log,
    timers,
    deps,
    guard,
    epoch: currentEpoch,
    running,
    incidentId: () => incident?.id ?? null,
    emit: (e) => emit(e, null),
    publish,
  });

  const rounds = createRoundPipeline({
    config,
    clock,
    log,
    probeRound: deps.probeRound,
    classify: deps.classify,
    guard,
    told,
    epoch: currentEpoch,
    running,
    liveness,
    statusPoller,
    detectDiscontinuity,
    observe: observeRound,
    settled() {
      pump();
      publish();
    },
  });
  const launch = rounds.launch;

  /** Tells the evidence history; a failing history never disturbs monitoring. */
  function told(what: string, fn: (h: NonNullable<MonitorDeps["history"]>) => void): void {
    if (history) guard(`history ${what}`, () => fn(history));
  }

  function signature(): string | null {
    try {
      return deps.networkSignature();
    } catch (e) {
      log.warn("network signature failed", { error: errText(e) });
      return null;
    }
  }

  /**
   * True (and handled) when the machine slept, the clock jumped or the network changed since we last looked.
   * `dueAt` is when this should have happened at the latest; a timer (`exact`) also must not fire far too early,
   * which means the wall clock was set back.
   */
  function detectDiscontinuity(dueAt: number, exact: boolean): boolean {
    if (mode !== "running") return false;
    const t = now();
    if (isClockJump(dueAt, t, jumpIntervalMs) && (exact || t > dueAt)) {
      // The gap runs from the last time we were seen awake (at most one liveness interval before the sleep).
      onDiscontinuity("clock jump", Math.max(0, t - lastAwakeAt));
      return true;
    }
    lastAwakeAt = t;
    const sig = signature();
    if (sig !== null && lastSig !== null && sig !== lastSig) {
      lastSig = sig;
      onDiscontinuity("network change", 0);
      return true;
    }
    if (sig !== null) lastSig = sig;
    return false;
  }

  function bumpEpoch(): void {
    epoch++;
    pendingWeak = null;
    rounds.reset();
    liveness.resetBusy();
    statusPoller.resetBusy();
    episode = null;
  }

  function onDiscontinuity(reason: string, gapMs: number): void {
    log.info("discontinuity: re-probing, gap not counted as outage", { reason, gapMs });
    told("gap", (h) => h.lifecycle("gap", now(), { reason, gapMs }));
    bumpEpoch();
    disarmAll();
    lastAwakeAt = now();
    feed({ healthy: true, verdict: "ok", at: now(), discard: true, gapMs }, null);
    settleUntil = now() + RESUME_SETTLE_MS;
    liveness.clearStates();
    lastSig = signature() ?? lastSig;
    nextFullAt = now();
    startBackgroundTimers(true);
    pump();
  }

  // ---- results: the confirmation logic -----------------------------------------------------------------------

  /** A completed round, in launch order (./monitor-rounds.ts), as evidence for the hysteresis. */
  function observeRound(c: Completed): void {
    lastDiagnosis = c.diagnosis;
    const kind = observationKind(c.diagnosis.verdict, c.round);
    if (kind === "missing") {
      log.debug("round gave no usable evidence", { verdict: c.diagnosis.verdict });
      return;
    }
    // A slow round that started before the pending streak began measured the world before the change: it must
    // not cancel the suspicion (e.g. a healthy full round still in flight when the liveness connect failed).
    const streakStart = hys.down ? hys.successSince : hys.failSince;
    const contradicts = hys.down ? kind === "unhealthy" : kind === "healthy";
    if (streakStart !== null && contradicts && c.startedAt < streakStart) {
      log.debug("result older than the pending change; ignored", { verdict: c.diagnosis.verdict });
      return;
    }
    lastObserved = c.diagnosis.verdict;
    if (kind === "unhealthy" && c.startedAt < settleUntil) {
      log.info("unhealthy result while the network settles; not counted", { verdict: c.diagnosis.verdict });
      nextFullAt = Math.min(nextFullAt, settleUntil);
      return;
    }
    const weakTarget = pendingWeak;
    pendingWeak = null;
    if (weakTarget !== null && kind === "unhealthy" && !failingBsgTargets(c.round).includes(weakTarget)) {
      // The round failed elsewhere while the host whose connect failed is fine: two independent blips, not one
      // outage. Drop the weak count so random loss needs three real failures in a row, like everything else.
      log.debug("liveness suspicion not backed by the round; not counted", { target: weakTarget });
      hys = stepHysteresis(hys, { healthy: false, verdict: c.diagnosis.verdict, at: c.startedAt, discard: true, gapMs: 0 }, thresholds).state;
    }
    feed({ healthy: kind === "healthy", verdict: c.diagnosis.verdict, at: c.startedAt }, c.diagnosis);
  }

  function feed(o: Observation, diagnosis: Diagnosis | null): void {
    const wasConfirming = isConfirming(hys);
    const r = stepHysteresis(hys, o, thresholds);
    hys = r.state;
    if (r.transition) {
      if (diagnosis === null) log.error("transition without a diagnosis", { type: r.transition.type });
      else handleTransition(r.transition, diagnosis);
    }
    if (hys.down && incident) {
      const id = incident.id;
      guard("incident touch", () => deps.incidents.touch(id, now(), hys.gapMs));
    }
    const confirming = isConfirming(hys);
    if (!wasConfirming && confirming) {
      episode = { attempts: 0, lastLaunchAt: o.weak ? -Infinity : now() };
      if (!hys.down && now() - statusPoller.lastPollAt() > STATUS_KICK_MIN_AGE_MS) void statusPoller.poll();
    } else if (wasConfirming && !confirming) {
      episode = null;
      nextFullAt = Math.max(nextFullAt, now() + m.intervalMs);
    }
  }

  function handleTransition(t: Transition, d: Diagnosis): void {
    const at = iso(now());
    if (t.type === "down") {
      const id = safeIncidentId(t.since);
      incident = { id, verdict: t.verdict, start: t.since };
      log.warn("connection down", { incidentId: id, verdict: t.verdict });
      guard("incident open", () => deps.incidents.open({ id, start: t.since, verdict: t.verdict, evidence: d.evidence }));
      emit({ event: "down", verdict: t.verdict, at, incidentId: id, since: iso(t.since), headline: d.headline, advice: firstAdvice(d), confidence: d.confidence }, d);
      armReminder();
    } else if (t.type === "verdict") {
      const id = incident?.id ?? safeIncidentId(now());
      if (incident) incident.verdict = t.verdict;
      log.warn("cause changed", { incidentId: id, verdict: t.verdict, previous: t.previous });
      guard("incident verdict", () => deps.incidents.addVerdict(id, t.verdict, now()));
      emit({ event: "verdict", verdict: t.verdict, previousVerdict: t.previous, at, incidentId: id, headline: d.headline, advice: firstAdvice(d), confidence: d.confidence }, d);
    } else {
      const id = incident?.id ?? safeIncidentId(t.incidentStart);
      incident = null;
      disarm("reminder");
      log.info("connection back", { incidentId: id, durationMs: t.durationMs });
      guard("incident close", () => deps.incidents.close(id, t.since, "recovered", t.gapMs));
      emit({ event: "up", verdict: "ok", previousVerdict: t.previous, at, incidentId: id, durationMs: Math.round(t.durationMs), since: iso(t.since) }, d);
    }
  }

  function safeIncidentId(at: number): string {
    try {
      return makeIncidentId(at);
    } catch {
      return `inc-${at}`;
    }
  }

  function emit(e: AgentEvent, d: Diagnosis | null): void {
    if (mode !== "running") return;
    told("event", (h) => h.event(e, d));
    try {
      deps.onEvent(e);
    } catch (err) {
      log.error("event sink failed", { event: e.event, error: errText(err) });
    }
  }

  /** Asks for a full round now (coalesced to one per confirm interval). */
  function requestRound(reason: string): void {
    const t = now();
    log.debug("round requested", { reason });
    if (t - lastRequestAt < m.confirmIntervalMs) nextFullAt = Math.min(nextFullAt, lastRequestAt + m.confirmIntervalMs);
    else {
      nextFullAt = t;
      lastRequestAt = t;
    }
    pump();
  }

  /** Decides what runs next and arms the round timer. Called after every result, timer and request. */
  function pump(): void {
    if (mode !== "running") return;
    const t = now();
    if (!isConfirming(hys)) episode = null;
    if (episode !== null && episode.attempts < attemptCap) {
      const need = remainingToConfirm(hys, thresholds) - rounds.confirmInFlight();
      if (need <= 0) {
        disarm("round"); // waiting for in-flight re-probes; each completion pumps again
        return;
      }
      const dueAt = episode.lastLaunchAt + m.confirmIntervalMs;
      if (t >= dueAt) {
        episode.attempts++;
        episode.lastLaunchAt = t;
        void launch("confirm", { only: confirmationTargets(rounds.base()?.round ?? null, controlIds), statusApi: false }, true);
        if (need > 1 && episode.attempts < attemptCap) arm("round", m.confirmIntervalMs, pump);
        else disarm("round");
        return;
      }
      arm("round", dueAt - t, pump);
      return;
    }
    if (t >= nextFullAt && rounds.fullInFlight() === 0) {
      nextFullAt = t + m.intervalMs;
      if (episode !== null) episode = { attempts: 0, lastLaunchAt: t };
      void launch("full", { statusApi: false }, true);
    }
    if (rounds.fullInFlight() > 0 && t >= nextFullAt) disarm("round");
    else arm("round", nextFullAt - t, pump);
  }

  // ---- reminders, lifecycle, snapshot -----------------------------------------------------------------------

  function armReminder(): void {
    const minutes = m.reminderMinutes;
    if (minutes <= 0 || incident === null) return;
    arm("reminder", minutes * 60_000, () => {
      if (mode !== "running" || incident === null || !hys.down) return;
      const durationMs = Math.max(0, Math.round(now() - incident.start - hys.gapMs));
      emit({ event: "reminder", verdict: incident.verdict, at: iso(now()), incidentId: incident.id, durationMs, headline: lastDiagnosis?.headline ?? incident.verdict }, null);
      armReminder();
    });
  }

  function startBackgroundTimers(statusNow: boolean): void {
    arm("liveness", m.livenessIntervalMs, liveness.tick);
    if (config.statusApi !== null) {
      arm("status", m.statusPollMs, statusPoller.tick);
      if (statusNow) void statusPoller.poll();
    }
    if (incident !== null) armReminder();
  }

  function snapshot(): MonitorSnapshot {
    return {
      mode,
      status,
      verdict: hys.down ? hys.verdict : lastObserved === null ? null : "ok",
      since: statusSince === null ? null : iso(statusSince),
      incidentId: incident?.id ?? null,
      pausedUntil: mode === "paused" && pausedUntil !== null ? iso(pausedUntil) : null,
      lastDiagnosis,
      lastRoundAt: lastDiagnosis === null || rounds.base() === null ? null : rounds.base()!.round.at,
      maintenance: statusPoller.maintenance(),
    };
  }

  function publish(): void {
    const next: MonitorStatus = hys.down ? "down" : hys.failStreak > 0 ? "problem" : lastObserved === null ? "unknown" : "ok";
    if (next !== status || statusSince === null) {
      status = next;
      statusSince = now();
    }
    if (!deps.onStateChange) return;
    const s = snapshot();
    const key = JSON.stringify({ ...s, lastDiagnosis: s.lastDiagnosis?.verdict ?? null });
    if (key === lastPublished) return;
    lastPublished = key;
    try {
      deps.onStateChange(s);
    } catch (e) {
      log.error("state listener failed", { error: errText(e) });
    }
  }

  function resume(): void {
    if (mode !== "paused") return;
    disarm("resume");
    const t = now();
    mode = "running";
    pausedUntil = null;
    lastAwakeAt = t;
    told("resume", (h) => h.lifecycle("resume", t, { gapMs: Math.max(0, t - pausedAt) }));
    // What happened while paused is unknown: counters restart and the paused time is no outage time.
    feed({ healthy: true, verdict: "ok", at: t, discard: true, gapMs: Math.max(0, t - pausedAt) }, null);
    lastSig = signature() ?? lastSig;
    nextFullAt = t;
    log.info("monitor resumed");
    guard("resume", () => {
      startBackgroundTimers(true);
      pump();
      publish();
    });
  }

  return {
    start() {
      if (mode !== "stopped") return;
      guard("incident recovery", () => {
        for (const inc of deps.incidents.recoverOpen()) log.warn("closed an incident left open by a previous run", { incidentId: inc.id });
      });
      mode = "running";
      hys = initialHysteresis;
      lastSig = signature();
      lastAwakeAt = now();
      settleUntil = -Infinity;
      nextFullAt = now();
      log.info("monitor started", { intervalMs: m.intervalMs, livenessIntervalMs: m.livenessIntervalMs });
      told("start", (h) => h.lifecycle("start", now()));
      guard("start", () => {
        startBackgroundTimers(true);
        pump();
        publish();
      });
    },

    stop() {
      if (mode === "stopped") return;
      const t = now();
      bumpEpoch();
      disarmAll();
      if (incident !== null) {
        const id = incident.id;
        guard("incident close", () => deps.incidents.close(id, t, "agent stopped", hys.gapMs));
        incident = null;
      }
      hys = initialHysteresis;
      rounds.setTrigger(null);
      mode = "stopped";
      pausedUntil = null;
      log.info("monitor stopped");
      told("stop", (h) => h.lifecycle("stop", t));
      publish();
    },

    async diagnoseNow() {
      const fed = mode === "running";
      const c = await launch("manual", { statusApi: config.statusApi !== null }, fed);
      if (c !== null) return c.diagnosis;
      return {
        verdict: "inconclusive",
        confidence: "low",
        headline: "The check could not run",
        meaning: "The agent could not complete a check just now. This says nothing about your connection; try again in a moment.",
        evidence: [{ kind: "broken-probe", text: "The probe round failed to run (see the agent log)." }],
        advice: [],
      };
    },

    pause(ms) {
      if (mode === "stopped") return;
      const t = now();
      if (mode === "running") {
        pausedAt = t;
        told("pause", (h) => h.lifecycle("pause", t));
      }
      bumpEpoch();
      disarmAll();
      rounds.setTrigger(null);
      mode = "paused";
      pausedUntil = t + Math.max(0, ms);
      arm("resume", Math.max(0, ms), resume);
      log.info("monitor paused", { ms });
      publish();
    },

    resume,

    state: snapshot,

    triggerImmediate(reason, evidence) {
      rounds.addGameEvidence(evidence ?? [], now());
      if (mode !== "running") return;
      log.info("immediate round requested", { reason });
      rounds.setTrigger(reason);
      // During a confirmation the re-probes are already running; they pick the evidence up.
      if (episode !== null) return;
      guard("trigger", () => requestRound(reason));
    },
  };
}
