/**
 * One probe round: every target, the gateway and the status API, concurrently through a bounded pool and under
 * ONE overall deadline. A world where every host hangs costs the deadline, not N timeouts. Nothing here throws
 * for the network's sake; a probe that throws is reported as broken (a bug), never as an outage.
 */
import { setMaxListeners } from "node:events";
import type { ResolvedConfig, TargetConfig } from "../config/schema.js";
import type { GatewayResult, RoundResult, StatusApiResult, TargetResult } from "../core/types.js";
import { buildProbeContext, type PhaseProbe, type ProbeContext } from "./context.js";
import { defaultGatewayDeps, probeGateway, type GatewayDeps } from "./gateway.js";
import { DEADLINE_MESSAGE, describeError, elapsed } from "./limits.js";
import { PHASE_PROBES } from "./registry.js";
import { probeStatusApi } from "./status-api.js";
import { brokenResult, notStartedResult, probeTarget } from "./target.js";

export interface RoundOptions {
  /** Probe only these target ids (in config order). */
  only?: string[];
  /** Probe the gateway (default true). */
  gateway?: boolean;
  /** Read the status API (default true). */
  statusApi?: boolean;
  /** Cancels the round like the deadline does (e.g. on shutdown), without setting `deadlineHit`. */
  signal?: AbortSignal;
  now?: () => Date;
  /** Test seam: the phase registry to run (default PHASE_PROBES). */
  phases?: readonly PhaseProbe[];
  /** Test seam: the gateway probe's I/O. */
  gatewayDeps?: GatewayDeps;
  /** Test seam: replaces the status API reader. */
  statusProbe?: (base: string | null, ctx: ProbeContext) => Promise<StatusApiResult>;
  /** After the deadline, how long probes get to wind down before they are given up as broken (default 500). */
  graceMs?: number;
}

const gatewayUnknown = (config: ResolvedConfig, message: string): GatewayResult => ({
  host: config.gateway === "auto" ? null : config.gateway.host,
  source: config.gateway === "auto" ? "auto" : "config",
  state: "unknown",
  via: null,
  ms: null,
  message,
  icmp: null,
});

const statusUnknown = (error: string): StatusApiResult => ({ state: "unknown", globalStatus: null, message: null, services: [], messages: [], error, ms: null });

interface Task {
  run(ctx: ProbeContext): Promise<void>;
  /** Fills in a result when the task never started or never finished. */
  giveUp(started: boolean, reason: string): void;
}

/** Runs one round. Resolves near `probe.deadlineMs` at the latest; never rejects for network reasons. */
export async function runRound(config: ResolvedConfig, options: RoundOptions = {}): Promise<RoundResult> {
  const now = options.now ?? (() => new Date());
  const at = now().toISOString();
  const t0 = performance.now();
  const deadline = new AbortController();
  let deadlineHit = false;
  const timer = setTimeout(() => {
    deadlineHit = true;
    deadline.abort(new Error(DEADLINE_MESSAGE));
  }, config.probe.deadlineMs);
  const onCancel = (): void => deadline.abort(new Error("cut short: the round was cancelled"));
  if (options.signal?.aborted) onCancel();
  else options.signal?.addEventListener("abort", onCancel, { once: true });
  const signal = deadline.signal;
  // Every running phase listens on this one signal; dozens of listeners are expected, not a leak.
  setMaxListeners(0, signal);

  const only = options.only === undefined ? null : new Set(options.only);
  const targets: TargetConfig[] = config.targets.filter((t) => only === null || only.has(t.id));
  const targetResults: (TargetResult | null)[] = targets.map(() => null);
  let gateway: GatewayResult | null = options.gateway === false ? gatewayUnknown(config, "not probed this round") : null;
  let statusApi: StatusApiResult | null =
    config.statusApi === null ? { ...statusUnknown(""), state: "disabled", error: null } : options.statusApi === false ? statusUnknown("not read this round") : null;

  const tasks: Task[] = [];
  if (gateway === null) {
    tasks.push({
      async run(ctx) {
        try {
          gateway = await probeGateway(config.gateway, { timeoutMs: ctx.timeoutMs, signal: ctx.signal }, options.gatewayDeps ?? defaultGatewayDeps);
        } catch (e) {
          gateway = gatewayUnknown(config, `gateway probe broken: ${describeError(e)}`);
        }
      },
      giveUp(started, reason) {
        gateway ??= gatewayUnknown(config, started ? `gateway probe did not stop: ${reason}` : `not probed: ${reason}`);
      },
    });
  }
  if (statusApi === null) {
    tasks.push({
      async run(ctx) {
        try {
          statusApi = await (options.statusProbe ?? probeStatusApi)(config.statusApi, ctx);
        } catch (e) {
          statusApi = statusUnknown(`status API probe broken: ${describeError(e)}`);
        }
      },
      giveUp(started, reason) {
        statusApi ??= statusUnknown(started ? `status API read did not stop: ${reason}` : `not read: ${reason}`);
      },
    });
  }
  targets.forEach((target, i) => {
    tasks.push({
      async run(ctx) {
        try {
          targetResults[i] = await probeTarget(target, ctx, options.phases ?? PHASE_PROBES);
        } catch (e) {
          targetResults[i] = brokenResult(target, e);
        }
      },
      giveUp(started) {
        targetResults[i] ??= started ? brokenResult(target, new Error("the probe did not stop at the round deadline")) : notStartedResult(target);
      },
    });
  });

  const started = tasks.map(() => false);
  try {
    let ctx: ProbeContext | null = null;
    let ctxError: unknown = null;
    try {
      ctx = buildProbeContext(config, signal);
    } catch (e) {
      ctxError = e;
    }
    if (ctx !== null) {
      const context = ctx;
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < tasks.length && !signal.aborted) {
          const i = next++;
          started[i] = true;
          await tasks[i]!.run(context);
        }
      };
      const pool = Promise.all(Array.from({ length: Math.min(config.probe.concurrency, tasks.length) }, worker));
      // Probes honour the abort signal; the grace period only guards against one that does not.
      const giveUpAfterDeadline = new Promise<void>((resolve) => {
        const arm = (): void => void setTimeout(resolve, options.graceMs ?? 500).unref();
        if (signal.aborted) arm();
        else signal.addEventListener("abort", arm, { once: true });
      });
      await Promise.race([pool, giveUpAfterDeadline]);
    } else {
      targets.forEach((t, i) => (targetResults[i] = brokenResult(t, ctxError)));
      gateway ??= gatewayUnknown(config, `round setup broken: ${describeError(ctxError)}`);
      statusApi ??= statusUnknown(`round setup broken: ${describeError(ctxError)}`);
    }
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onCancel);
  }
  const reason = signal.aborted ? describeError(signal.reason) : "the round ended";
  tasks.forEach((task, i) => task.giveUp(started[i]!, reason));
  // Anything still running (a probe ignoring the signal) is told to stop; its late result is ignored.
  if (!signal.aborted) deadline.abort(new Error("the round is over"));
  return {
    at,
    durationMs: elapsed(t0),
    deadlineHit,
    targets: targetResults.map((r, i) => r ?? notStartedResult(targets[i]!)),
    gateway: gateway ?? gatewayUnknown(config, "not probed"),
    statusApi: statusApi ?? statusUnknown("not read"),
  };
}
