// Child process for the issue-2 round benchmarks. It runs only the CLIENT side (dist/probes) so that
// process.cpuUsage() counts the probe engine's CPU, not the loopback world's TLS servers (which live in the parent).
//
//   node bench/lib/round-worker.mjs <config.json> healthy <runs> <warmup>
//   node bench/lib/round-worker.mjs <config.json> blackhole <runs> <warmup>
// Prints one JSON object on stdout.
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { parseConfig } from "../../dist/config/load.js";
import { buildProbeContext } from "../../dist/probes/context.js";
import { runRound } from "../../dist/probes/round.js";
import { probeTarget } from "../../dist/probes/target.js";

const [file, mode, runsArg, warmupArg] = process.argv.slice(2);
const parsed = parseConfig(readFileSync(file, "utf8"), file);
if (!parsed.ok) throw new Error(parsed.message);
const config = parsed.value;
const runs = Number(runsArg);
const warmup = Number(warmupArg);

const cpuMs = (u) => (u.user + u.system) / 1000;
const failed = (t) => Object.values(t.phases).some((p) => p.status === "fail") || t.broken !== null;
const codes = (r) => [...new Set(r.targets.map((t) => Object.values(t.phases).find((p) => p.status === "fail")?.code ?? (t.broken ? "BROKEN" : "ok")))];

/** One round of the targets only (no gateway, no status page): the same work the single probes do. */
async function timedRound(opts) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await runRound(config, opts);
  const wallMs = performance.now() - t0;
  return { wallMs, cpuMs: cpuMs(process.cpuUsage(c0)), round: r };
}

/**
 * Each target alone, one after the other, two ways: `ms` = probeTarget only (its probe context built beforehand and
 * not timed: `ctxMs`); `roundMs` = a round of just that target (runRound with only: [id]), i.e. a single probe
 * carrying the same per-round fixed costs (probe context, trust store) as the 20-target round.
 */
async function singles() {
  const out = [];
  for (const t of config.targets) {
    const ac = new AbortController();
    const c0 = performance.now();
    const ctx = buildProbeContext(config, ac.signal);
    const ctxMs = performance.now() - c0;
    const t0 = performance.now();
    const r = await probeTarget(t, ctx);
    const probeMs = performance.now() - t0;
    const t1 = performance.now();
    const one = await runRound(config, { only: [t.id], gateway: false, statusApi: false });
    out.push({ id: t.id, ms: probeMs, ctxMs, roundMs: performance.now() - t1, ok: !failed(r) && !failed(one.targets[0]) });
  }
  return out;
}

const result = { mode, targets: config.targets.length, probe: config.probe, runs: [] };
if (mode === "healthy") {
  for (let i = 0; i < warmup + runs; i++) {
    const s = await singles();
    const r = await timedRound({ gateway: false, statusApi: false });
    if (i < warmup) continue;
    const slowest = s.reduce((a, b) => (b.ms > a.ms ? b : a));
    const slowestRound = s.reduce((a, b) => (b.roundMs > a.roundMs ? b : a));
    result.runs.push({
      wallMs: r.wallMs,
      cpuMs: r.cpuMs,
      reportedMs: r.round.durationMs,
      failedTargets: r.round.targets.filter(failed).length,
      codes: codes(r.round),
      slowestSingleMs: slowest.ms,
      slowestSingleId: slowest.id,
      sumSinglesMs: s.reduce((a, b) => a + b.ms, 0),
      medianCtxMs: s.map((x) => x.ctxMs).sort((a, b) => a - b)[Math.floor(s.length / 2)],
      singlesFailed: s.filter((x) => !x.ok).length,
      ratio: r.wallMs / slowest.ms,
      slowestSingleRoundMs: slowestRound.roundMs,
      slowestSingleRoundId: slowestRound.id,
      ratioVsSingleRound: r.wallMs / slowestRound.roundMs,
    });
  }
} else {
  // The product's round: every target, the gateway and the status page, under the one deadline.
  for (let i = 0; i < warmup + runs; i++) {
    const r = await timedRound({});
    if (i < warmup) continue;
    result.runs.push({ wallMs: r.wallMs, cpuMs: r.cpuMs, reportedMs: r.round.durationMs, deadlineHit: r.round.deadlineHit, failedTargets: r.round.targets.filter(failed).length, codes: codes(r.round) });
  }
}
process.stdout.write(JSON.stringify(result) + "\n");
