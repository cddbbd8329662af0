/** The monitor's public shapes: what it needs injected, what it exposes, and what the tray reads from it. */
import type { ResolvedConfig } from "../config/schema.js";
import type { Diagnosis, Evidence, RoundResult, StatusApiResult, VerdictId } from "../core/types.js";
import type { AgentEvent } from "./events.js";
import type { IncidentStore } from "./incidents.js";
import type { LivenessProbe, LivenessResult, LivenessTarget } from "./liveness.js";
import type { MonitorClock } from "./monitor-timers.js";

/** Options the monitor passes to the round runner; a subset of `runRound`'s options. */
export interface ProbeRoundOptions {
  /** Only these target ids; `[]` probes no target (status page only). */
  only?: string[];
  statusApi?: boolean;
  gateway?: boolean;
}

type LogFn = (msg: string, fields?: Record<string, unknown>) => void;
/** Constant messages, variables in fields (a winston child logger fits). */
export interface MonitorLogger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
}

export type RoundKind = "full" | "confirm" | "manual";

/**
 * Where the monitor's measurements go for the evidence report (src/agent/evidence-history.ts). Every call is a
 * fact that already happened; the monitor never waits on it and a throwing sink is logged and ignored.
 */
export interface MonitorHistory {
  /** A round as it was measured (before merging with older results), with the verdict it led to. */
  round(kind: RoundKind, startedAt: number, round: RoundResult, verdict: VerdictId): void;
  /** One liveness connect, whatever came of it. */
  liveness(target: LivenessTarget, result: LivenessResult, startedAt: number): void;
  /** A confirmed change, as emitted; `diagnosis` for down/verdict events. */
  event(e: AgentEvent, diagnosis: Diagnosis | null): void;
  /** Monitoring started, stopped, paused, resumed, or lost time to a sleep / network change. */
  lifecycle(op: "start" | "stop" | "pause" | "resume" | "gap", at: number, detail?: { reason?: string; gapMs?: number }): void;
}

export interface MonitorDeps {
  config: ResolvedConfig;
  /** Runs one round; production: `(o) => runRound(config, o)`. May throw: a thrown round is missing evidence. */
  probeRound(opts: ProbeRoundOptions): Promise<RoundResult>;
  classify(round: RoundResult): Diagnosis;
  liveness: LivenessProbe;
  clock: MonitorClock;
  /** Changes when the machine's network changes (e.g. a digest of `os.networkInterfaces()` addresses). */
  networkSignature(): string;
  incidents: IncidentStore;
  /** Confirmed changes (the `--events json` stream, toasts, tray). Never called while paused or stopped. */
  onEvent(e: AgentEvent): void;
  /** Optional: called whenever {@link Monitor.state} changes (tray icon, tooltip, status line). */
  onStateChange?(s: MonitorSnapshot): void;
  /** Optional status-page reader; default `probeRound({ only: [], statusApi: true, gateway: false }).statusApi`. */
  pollStatus?(): Promise<StatusApiResult>;
  logger: MonitorLogger;
  /** Optional id generator for incidents (tests). */
  newIncidentId?(at: number): string;
  /** Optional evidence history (rounds, connects, confirmed changes) for the report and the support bundle. */
  history?: MonitorHistory;
}

export type MonitorMode = "stopped" | "running" | "paused";
/** For the tray icon: `problem` = a drop is being confirmed. */
export type MonitorStatus = "unknown" | "ok" | "problem" | "down";

/** What the tray and `status` show. */
export interface MonitorSnapshot {
  mode: MonitorMode;
  status: MonitorStatus;
  /** Confirmed verdict: the incident's cause while down, `ok` while up, null before the first result. */
  verdict: VerdictId | null;
  /** ISO time `status` last changed. */
  since: string | null;
  incidentId: string | null;
  pausedUntil: string | null;
  lastDiagnosis: Diagnosis | null;
  lastRoundAt: string | null;
  maintenance: { active: boolean; message: string | null };
}

export interface Monitor {
  start(): void;
  /** Stops every timer; an open incident is closed as "agent stopped". */
  stop(): void;
  /** A full round now (with the status page); its verdict also feeds the monitor when running. Never rejects. */
  diagnoseNow(): Promise<Diagnosis>;
  /** No probes and no events for `ms`; then resumes by itself. */
  pause(ms: number): void;
  resume(): void;
  state(): MonitorSnapshot;
  /** Something outside the probes (game log) saw trouble: run a round now, with `evidence` attached. */
  triggerImmediate(reason: string, evidence?: Evidence[]): void;
}
