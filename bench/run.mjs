// `npm run bench` — the benchmarks of issues 2, 3, 4, 8 and 9 against the BUILT agent (dist/) and the loopback world.
//
//   npm run bench            full run (~13 min: the idle footprint needs ≥ 10 min; detection trials run meanwhile)
//   npm run bench -- --quick smoke version (~2 min): same code paths, few samples; its figures are not evidence
//
// Prints a table per issue with p50/p95/medians and the ratio to each goal, and writes every raw sample to
// bench/results/latest.json; a full run also writes bench/results/<date>-full.json, which is committed as evidence.
// Targets (goals) live here, never in the timed unit tests.
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { parseConfig } from "../dist/config/load.js";
import { runRound } from "../dist/probes/round.js";
import { AgentProcess } from "./lib/agent.mjs";
import { simulate } from "./lib/false-alarms.mjs";
import { FootprintSampler } from "./lib/footprint.mjs";
import { DEFAULT_PROBE, defaultTargets, loadWorld, ROOT } from "./lib/paths.mjs";
import { benchHistory } from "./lib/history.mjs";
import { benchPwsh, findPwsh, SKIP_MESSAGE } from "./lib/pwsh.mjs";
import { benchSupport, supportRows } from "./lib/support.mjs";
import { LoadMonitor, max, median, ms, pct, round1, round3, seededRng, sleep, summary, table, topProcesses, verdict } from "./lib/stats.mjs";

const quick = process.argv.includes("--quick");
const P = quick
  ? { roundRuns: 3, roundWarmup: 1, blackholeRuns: 2, trials: 3, idleWarmupMs: 10_000, idleMs: 60_000, simSeeds: 3, sweepSeeds: 1, pwshRuns: 5 }
  : { roundRuns: 15, roundWarmup: 2, blackholeRuns: 5, trials: 20, idleWarmupMs: 30_000, idleMs: 610_000, simSeeds: 20, sweepSeeds: 5, pwshRuns: 20 };
const SIM_MS = 3_600_000;
const LOSS = 0.02;
const TRIAL_SEED = 20250301;

const GOALS = {
  roundRatio: 1.5,
  deadlineFactor: 1.1,
  hardDropP95Ms: 3_000,
  blackholeExtraMs: 3_000,
  idleCpuPct: 0.5,
  idleRssMb: 80,
  falseAlarms: 0,
  pwshWarmOverheadMs: 300,
};

const { startWorld } = await loadWorld();
const tmp = mkdtempSync(join(tmpdir(), "tarkov-bench-"));
const load = new LoadMonitor();
load.start(5_000);
const log = (line) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

function git(args) {
  try {
    return execFileSync("git", args, { cwd: ROOT, encoding: "utf8", timeout: 10_000 }).trim();
  } catch {
    return null;
  }
}

const results = {
  kind: quick ? "quick" : "full",
  startedAt: new Date().toISOString(),
  // The figures belong to the code that was built: HEAD, and whether the tree had other changes.
  gitHead: git(["rev-parse", "HEAD"]),
  gitDirty: git(["status", "--porcelain", "--untracked-files=no"]) !== "",
  node: process.version,
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model ?? null,
  loadAtStart: loadavg().map(round1),
  topAtStart: topProcesses(),
  goals: GOALS,
  params: { ...P, simMs: SIM_MS, loss: LOSS, trialSeed: TRIAL_SEED },
};

/** Runs a section, recording its wall time and the load average while it ran. */
async function section(name, fn) {
  const from = Date.now();
  load.sample();
  log(`${name} …`);
  const top = topProcesses(3);
  const r = await fn();
  load.sample();
  r.load = load.between(from, Date.now());
  r.topAtStart = top;
  r.sectionS = round1((Date.now() - from) / 1000);
  results[name] = r;
  log(`${name} done in ${r.sectionS} s (load 1-min median ${r.load.median1}, max ${r.load.max1})`);
  return r;
}

function configOf(world) {
  const parsed = parseConfig(JSON.stringify(world.config), "world");
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
}

/** Runs bench/lib/round-worker.mjs in a child: the probe engine's CPU is measured without the world's servers. */
function roundWorker(configFile, mode, runs, warmup) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, "bench", "lib", "round-worker.mjs"), configFile, mode, String(runs), String(warmup)], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (d) => (out += d));
    child.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`round worker (${mode}) exited ${code}`))));
  });
}

// ---- Issue 2 (a): one round of 20 healthy loopback targets -------------------------------------------------------
await section("issue2a", async () => {
  const targets = Array.from({ length: 20 }, (_, i) => ({ id: `t-${String(i + 1).padStart(2, "0")}`, group: i < 6 ? "control" : "bsg" }));
  const world = await startWorld({ targets, probe: DEFAULT_PROBE, status: null });
  try {
    const w = await roundWorker(world.writeConfig(tmp), "healthy", P.roundRuns, P.roundWarmup);
    const runs = w.runs;
    const wall = runs.map((r) => r.wallMs);
    const slowest = runs.map((r) => r.slowestSingleMs);
    const ratio = runs.map((r) => r.ratio);
    const slowestRound = runs.map((r) => r.slowestSingleRoundMs);
    const ratio1 = runs.map((r) => r.ratioVsSingleRound);
    return {
      targets: w.targets,
      probe: w.probe,
      note: "round = the 20 targets only (gateway and status page off), the same work the single probes do. Two readings of 'the slowest single probe', each target alone one after the other: probeTarget with its probe context built beforehand (untimed), and a round of that one target (same fixed per-round costs as the 20-target round). Ratio per run = round wall / slowest single of that run; goal judged on the median ratio",
      wallMs: summary(wall),
      cpuMs: summary(runs.map((r) => r.cpuMs)),
      slowestSingleMs: summary(slowest),
      sumSinglesMs: summary(runs.map((r) => r.sumSinglesMs)),
      ratio: { ...summary(ratio.map(round3)), p50: round3(median(ratio)), p95: round3(pct(ratio, 95)) },
      ratioOfMedians: round3(median(wall) / median(slowest)),
      probeContextMs: summary(runs.map((r) => r.medianCtxMs)),
      slowestSingleRoundMs: summary(slowestRound),
      ratioVsSingleRound: { ...summary(ratio1.map(round3)), p50: round3(median(ratio1)), p95: round3(pct(ratio1, 95)) },
      goalMetVsSingleRound: median(ratio1) <= GOALS.roundRatio,
      failedTargets: max(runs.map((r) => r.failedTargets + r.singlesFailed)),
      goalMet: median(ratio) <= GOALS.roundRatio,
      runs,
    };
  } finally {
    await world.close();
  }
});

// ---- Issue 2 (b): a round where every target times out ------------------------------------------------------------
await section("issue2b", async () => {
  const targets = Array.from({ length: 20 }, (_, i) => ({ id: `h-${String(i + 1).padStart(2, "0")}`, group: i < 6 ? "control" : "bsg", mode: "blackhole" }));
  const world = await startWorld({ targets, probe: DEFAULT_PROBE });
  try {
    const w = await roundWorker(world.writeConfig(tmp), "blackhole", P.blackholeRuns, 0);
    const wall = w.runs.map((r) => r.wallMs);
    const deadline = w.probe.deadlineMs;
    return {
      targets: w.targets,
      probe: w.probe,
      note: "full round (20 blackholed targets + gateway + status page); 20 × 4 s timeouts at concurrency 8 would take 12 s without the deadline",
      wallMs: summary(wall),
      overDeadline: round3(median(wall) / deadline),
      goalMs: deadline * GOALS.deadlineFactor,
      goalMet: median(wall) <= deadline * GOALS.deadlineFactor,
      worstOverDeadline: round3(max(wall) / deadline),
      runs: w.runs,
    };
  } finally {
    await world.close();
  }
});

// ---- Issue 3 (c): false alarms at 2 % loss in simulated time ------------------------------------------------------
const detectionWorld = await startWorld({ probe: DEFAULT_PROBE });
try {
  await section("issue3c", async () => {
    const config = configOf(detectionWorld);
    const template = await runRound(config, {});
    if (template.targets.some((t) => Object.values(t.phases).some((p) => p.status === "fail"))) throw new Error("template round is not healthy");
    const seeds = Array.from({ length: P.simSeeds }, (_, i) => 1000 + i);
    const runs = [];
    for (const seed of seeds) runs.push(await simulate({ config, template, seed, loss: LOSS, simMs: SIM_MS }));
    // The harness can see a real outage (otherwise "0 false alarms" would prove nothing).
    const sanity = await simulate({ config, template, seed: 7, loss: LOSS, simMs: 600_000, refuseBsgAfterMs: 300_000 });
    // For context only (no goal): where hysteresis starts to give way.
    const sweep = [];
    for (const loss of [0.05, 0.1]) {
      const rs = [];
      for (let i = 0; i < P.sweepSeeds; i++) rs.push(await simulate({ config, template, seed: 2000 + i, loss, simMs: SIM_MS }));
      sweep.push({ loss, seeds: rs.length, simulatedH: rs.length * (SIM_MS / 3_600_000), downEvents: rs.reduce((a, r) => a + r.downEvents, 0) });
    }
    const sum = (k) => runs.reduce((a, r) => a + r[k], 0);
    return {
      note: "real createMonitor + real classify on a fake clock; probes replay a healthy loopback round and each probe / liveness connect fails with p = 0.02 (seeded), half as TCP_TIMEOUT after probe.timeoutMs, half as TCP_RESET",
      loss: LOSS,
      seeds: seeds.length,
      simulatedHours: round1((seeds.length * SIM_MS) / 3_600_000),
      downEvents: sum("downEvents"),
      fullRounds: sum("fullRounds"),
      confirmRounds: sum("confirmRounds"),
      statusPolls: sum("statusPolls"),
      probes: sum("probes"),
      lostProbes: sum("lostProbes"),
      livenessConnects: sum("liveness"),
      lostConnects: sum("lostLiveness"),
      unhealthyVerdicts: sum("unhealthyVerdicts"),
      weakSuspicions: sum("weakSuspicions"),
      realMsTotal: sum("realMs"),
      sanity: { outageAtMs: 300_000, downEvents: sanity.downEvents, firstDownAtMs: sanity.firstDownAtMs, detectedAfterMs: sanity.firstDownAtMs === null ? null : sanity.firstDownAtMs - 300_000 },
      sweep,
      goalMet: sum("downEvents") === GOALS.falseAlarms && sanity.downEvents >= 1,
      runs,
    };
  });

  // ---- Issue 3 (b) idle footprint, with (a) detection latency measured meanwhile ----------------------------------
  // Two idle agents (7 and 70 targets) against worlds in a separate process; the detection trials use a third agent
  // and the world in this process. Only the idle agents' own /proc counters are read, so the trials do not count
  // against them; what they add is contention, which the load average shows.
  const worldProc = spawn(process.execPath, [join(ROOT, "bench", "lib", "world-proc.mjs"), JSON.stringify([{ probe: DEFAULT_PROBE }, { probe: DEFAULT_PROBE, targets: defaultTargets(10) }])], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const worldMsg = await new Promise((resolve, reject) => {
    worldProc.once("message", resolve);
    worldProc.once("exit", (code) => reject(new Error(`world process exited ${code}`)));
  });
  if (worldMsg.error) throw new Error(worldMsg.error);
  if (worldMsg.configs[0] === worldMsg.configs[1]) throw new Error("both idle worlds wrote the same config file");
  const idleAgents = [new AgentProcess(worldMsg.configs[0], "idle-1x"), new AgentProcess(worldMsg.configs[1], "idle-10x")];
  const idleFrom = Date.now();
  let idleMeasuredFrom = 0;
  const idle = (async () => {
    await sleep(P.idleWarmupMs);
    idleMeasuredFrom = Date.now();
    const samplers = idleAgents.map((a) => new FootprintSampler(a.pid, 5_000));
    samplers.forEach((s) => s.start());
    await sleep(P.idleMs);
    samplers.forEach((s) => s.stop());
    return samplers.map((s) => s.result());
  })();

  try {
    await section("issue3a", async () => {
      const agent = new AgentProcess(detectionWorld.writeConfig(tmp), "detect");
      const rng = seededRng(TRIAL_SEED);
      const trials = [];
      try {
        await sleep(6_000); // first full round done: liveness knows the BSG addresses
        const early = agent.events.filter((x) => x.e.event !== "maintenance");
        if (early.length > 0) throw new Error(`agent not quiet at start: ${JSON.stringify(early.map((x) => x.e))}`);
        for (let i = 0; i < P.trials; i++) {
          for (const mode of ["refuse", "blackhole"]) {
            const waitMs = 2_000 + rng() * 4_000; // random phase against the 2 s liveness cycle (and the 15 s rounds)
            await sleep(waitMs);
            const mark = agent.events.length;
            const t0 = performance.now();
            await detectionWorld.setGroup("bsg", mode);
            const switchMs = performance.now() - t0;
            const down = await agent.waitFor((e) => e.event === "down", mark, 30_000);
            const downAt = down?.at ?? NaN;
            const t1 = performance.now();
            await detectionWorld.setGroup("bsg", "up");
            const up = await agent.waitFor((e) => e.event === "up", down ? down.index + 1 : mark, 60_000);
            const others = agent.events.slice(mark).filter((x) => x.e.event !== "down" && x.e.event !== "up").map((x) => x.e.event);
            trials.push({
              mode,
              waitMs: Math.round(waitMs),
              switchMs: round1(switchMs),
              latencyMs: round1(downAt - t0),
              verdict: down?.e.verdict ?? null,
              recoveryMs: up ? round1(up.at - t1) : null,
              upDurationMs: up?.e.durationMs ?? null,
              otherEvents: others,
            });
            log(`  trial ${i + 1}/${P.trials} ${mode.padEnd(9)} down after ${ms(downAt - t0)} (${down?.e.verdict ?? "none"}), up after ${up ? ms(up.at - t1) : "—"}`);
            if (!up) await sleep(10_000);
          }
        }
      } finally {
        await agent.stop();
      }
      const of = (mode) => trials.filter((t) => t.mode === mode);
      const lat = (mode) => of(mode).map((t) => t.latencyMs);
      const hard = summary(lat("refuse"));
      const hole = summary(lat("blackhole"));
      const blackholeGoal = DEFAULT_PROBE.timeoutMs + GOALS.blackholeExtraMs;
      return {
        note: "default monitor and probe settings (interval 15 s, liveness 2 s, confirm 0.7 s, thresholds 3/2, probe timeout 4 s); latency = from the start of the world's switch to the built agent's `down` line on stdout; recovery = from switching back to the `up` line",
        hardDrop: { ...hard, goalP95Ms: GOALS.hardDropP95Ms, goalMet: hard.misses === 0 && hard.p95 <= GOALS.hardDropP95Ms, verdicts: [...new Set(of("refuse").map((t) => t.verdict))], recovery: summary(of("refuse").map((t) => t.recoveryMs ?? NaN)), switchMs: summary(of("refuse").map((t) => t.switchMs)) },
        blackhole: { ...hole, goalP95Ms: blackholeGoal, goalMet: hole.misses === 0 && hole.p95 <= blackholeGoal, verdicts: [...new Set(of("blackhole").map((t) => t.verdict))], recovery: summary(of("blackhole").map((t) => t.recoveryMs ?? NaN)), switchMs: summary(of("blackhole").map((t) => t.switchMs)) },
        unexpectedEvents: trials.flatMap((t) => t.otherEvents),
        trials,
      };
    });

    await section("issue3b", async () => {
      const [one, ten] = await idle;
      const idleEvents = idleAgents.map((a) => a.events.map((x) => x.e.event));
      const row = (r, targets) => ({ targets, ...r, goalMet: r.cpuPct <= GOALS.idleCpuPct && r.rssMbMax <= GOALS.idleRssMb });
      return {
        note: `both agents ran concurrently from ${new Date(idleFrom).toISOString()}, ${P.idleWarmupMs / 1000} s start-up excluded, sampled every 5 s; CPU % of one core = Δ(utime+stime) / Δwall; the detection trials ran at the same time on another agent`,
        normal: row(one, worldMsg.targets[0]),
        tenfold: row(ten, worldMsg.targets[1]),
        eventsWhileIdle: idleEvents,
        agentBanners: idleAgents.map((a) => (/watching \d+ targets[^\n]*/.exec(a.stderrHead) ?? [a.stderrHead.slice(0, 200)])[0]),
        loadDuringIdleWindow: load.between(idleMeasuredFrom, Date.now()),
      };
    });
  } finally {
    await Promise.all(idleAgents.map((a) => a.stop()));
    worldProc.send({ close: true });
    await new Promise((resolve) => (worldProc.exitCode !== null ? resolve() : worldProc.once("exit", resolve)));
  }
} finally {
  await detectionWorld.close();
}

// ---- Issue 4: warm fix call vs cold pwsh ------------------------------------------------------------------------
await section("issue4", async () => {
  const pwsh = findPwsh();
  if (pwsh === null) return { skipped: true, message: SKIP_MESSAGE };
  return benchPwsh({ runs: P.pwshRuns, pwsh });
});

// ---- Issue 8: history on a 200 MB incidents.jsonl ---------------------------------------------------------------
await section("issue8", async () => benchHistory({ runs: quick ? 3 : 10, tmp }));

// ---- Issue 9: a bundle over 500 MB of game logs, the report over a week of history ------------------------------
await section("issue9", async () => benchSupport({ runs: quick ? 1 : 3, tmp, log, loadBetween: (from, to) => (load.sample(), load.between(from, to)) }));

load.stop();
results.finishedAt = new Date().toISOString();
results.loadOverall = load.between(Date.parse(results.startedAt), Date.now());
results.loadSamples = load.samples.map((s) => [s.at, round1(s.one)]);
rmSync(tmp, { recursive: true, force: true });

// ---- Report -----------------------------------------------------------------------------------------------------
const r2a = results.issue2a;
const r2b = results.issue2b;
const r3a = results.issue3a;
const r3b = results.issue3b;
const r3c = results.issue3c;
const r4 = results.issue4;
const r8 = results.issue8;
const threads = (t) =>
  Object.entries(t)
    .filter(([, v]) => v > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");
const loadCell = (s) => `${s.load.median1} (max ${s.load.max1})`;
const rows = [
  ["2a", "round of 20 healthy targets: wall p50 / p95", `${ms(r2a.wallMs.p50)} / ${ms(r2a.wallMs.p95)}`, "", "", loadCell(r2a)],
  ["2a", "  CPU time p50 / p95 (probe engine only)", `${ms(r2a.cpuMs.p50)} / ${ms(r2a.cpuMs.p95)}`, "", "", ""],
  ["2a", "  slowest single probe p50 (sum of singles p50)", `${ms(r2a.slowestSingleMs.p50)} (${ms(r2a.sumSinglesMs.p50)})`, "", "", ""],
  ["2a", `  round / slowest single probeTarget, median of ${r2a.runs.length} (p95)`, `${r2a.ratio.p50.toFixed(2)}× (${r2a.ratio.p95.toFixed(2)}×)`, `≤ ${GOALS.roundRatio}×`, verdict(r2a.goalMet), ""],
  ["2a", "  probe context build (trust store), p50 per round", ms(r2a.probeContextMs.p50), "", "", ""],
  ["2a", "  slowest single-target round p50", ms(r2a.slowestSingleRoundMs.p50), "", "", ""],
  ["2a", `  round / slowest single-target round, median (p95)`, `${r2a.ratioVsSingleRound.p50.toFixed(2)}× (${r2a.ratioVsSingleRound.p95.toFixed(2)}×)`, `≤ ${GOALS.roundRatio}×`, verdict(r2a.goalMetVsSingleRound), ""],
  ["2b", `all blackholed: wall median of ${r2b.runs.length} (max)`, `${ms(r2b.wallMs.p50)} (${ms(r2b.wallMs.max)})`, `≤ ${ms(r2b.goalMs)}`, verdict(r2b.goalMet), loadCell(r2b)],
  ["2b", "  wall / deadlineMs", `${r2b.overDeadline.toFixed(3)}× of ${r2b.probe.deadlineMs} ms`, `≤ ${GOALS.deadlineFactor}×`, "", ""],
  ["3a", `hard drop → down, p50 / p95 (n=${r3a.hardDrop.n}, misses ${r3a.hardDrop.misses})`, `${ms(r3a.hardDrop.p50)} / ${ms(r3a.hardDrop.p95)}`, `p95 ≤ ${ms(GOALS.hardDropP95Ms)}`, verdict(r3a.hardDrop.goalMet), loadCell(r3a)],
  ["3a", `blackhole → down, p50 / p95 (n=${r3a.blackhole.n}, misses ${r3a.blackhole.misses})`, `${ms(r3a.blackhole.p50)} / ${ms(r3a.blackhole.p95)}`, `p95 ≤ ${ms(r3a.blackhole.goalP95Ms)}`, verdict(r3a.blackhole.goalMet), ""],
  ["3a", "  recovery → up p50 (refuse / blackhole)", `${ms(r3a.hardDrop.recovery.p50)} / ${ms(r3a.blackhole.recovery.p50)}`, "", "", ""],
  ["3b", `idle CPU, ${r3b.normal.targets} targets (${round1(r3b.normal.wallS / 60)} min)`, `${r3b.normal.cpuPct.toFixed(3)} % (worst minute ${r3b.normal.cpuPctMaxMinute.toFixed(3)} %)`, `≤ ${GOALS.idleCpuPct} %`, verdict(r3b.normal.cpuPct <= GOALS.idleCpuPct), `${r3b.loadDuringIdleWindow.median1} (max ${r3b.loadDuringIdleWindow.max1})`],
  ["3b", "  CPU s by thread (user / sys), 7 targets", `${threads(r3b.normal.cpuSByThread)} (${r3b.normal.cpuUserS} / ${r3b.normal.cpuSysS})`, "", "", ""],
  ["3b", `idle RSS, ${r3b.normal.targets} targets: median / max (first → last)`, `${r3b.normal.rssMbMedian} / ${r3b.normal.rssMbMax} MB (${r3b.normal.rssMbFirst} → ${r3b.normal.rssMbLast})`, `≤ ${GOALS.idleRssMb} MB`, verdict(r3b.normal.rssMbMax <= GOALS.idleRssMb), ""],
  ["3b", `idle CPU, ${r3b.tenfold.targets} targets (10×)`, `${r3b.tenfold.cpuPct.toFixed(3)} % (worst minute ${r3b.tenfold.cpuPctMaxMinute.toFixed(3)} %)`, `≤ ${GOALS.idleCpuPct} %`, verdict(r3b.tenfold.cpuPct <= GOALS.idleCpuPct), ""],
  ["3b", "  CPU s by thread (user / sys), 70 targets", `${threads(r3b.tenfold.cpuSByThread)} (${r3b.tenfold.cpuUserS} / ${r3b.tenfold.cpuSysS})`, "", "", ""],
  ["3b", `idle RSS, ${r3b.tenfold.targets} targets: median / max (first → last)`, `${r3b.tenfold.rssMbMedian} / ${r3b.tenfold.rssMbMax} MB (${r3b.tenfold.rssMbFirst} → ${r3b.tenfold.rssMbLast})`, `≤ ${GOALS.idleRssMb} MB`, verdict(r3b.tenfold.rssMbMax <= GOALS.idleRssMb), ""],
  ["3c", `false alarms at 2 % loss, ${r3c.simulatedHours} h simulated (${r3c.seeds} seeds)`, `${r3c.downEvents} down`, "0", verdict(r3c.goalMet), loadCell(r3c)],
  ["3c", "  rounds simulated: full / confirm / status", `${r3c.fullRounds} / ${r3c.confirmRounds} / ${r3c.statusPolls}`, "", "", ""],
  ["3c", "  lost probes / lost connects / unhealthy verdicts", `${r3c.lostProbes}/${r3c.probes} / ${r3c.lostConnects}/${r3c.livenessConnects} / ${r3c.unhealthyVerdicts}`, "", "", ""],
  ["3c", "  sanity: real refusal in the same harness → down after", ms(r3c.sanity.detectedAfterMs), "≥ 1 down", r3c.sanity.downEvents >= 1 ? "ok" : "BROKEN", ""],
  ...r3c.sweep.map((s) => ["3c", `  context: ${s.loss * 100} % loss, ${s.simulatedH} h`, `${s.downEvents} down`, "(no goal)", "", ""]),
  r4.skipped
    ? ["4", "warm fix call vs cold pwsh -File", r4.message, "", "n/a", loadCell(r4)]
    : ["4", `warm call / the script inside it / cold pwsh -File, median of ${r4.runs}`, `${ms(r4.warmMsMedian)} / ${ms(r4.scriptInWarmSessionMsMedian)} / ${ms(r4.coldMsMedian)}`, "", "", loadCell(r4)],
  ...(r4.skipped
    ? []
    : [["4", "  runner overhead over the script, same warm call (cold ÷ warm)", `${ms(r4.runnerOverheadMsMedian)} (${r4.coldOverWarm}×)`, `≤ ${GOALS.pwshWarmOverheadMs} ms`, verdict(r4.goalMet), ""]]),
  ["8", `history on a ${r8.fileMb} MB incidents.jsonl, wall p50 / p95 (n=${r8.runs})`, `${ms(r8.textMs.p50)} / ${ms(r8.textMs.p95)}`, `≤ ${ms(r8.goalMs)}`, verdict(r8.goalMet), loadCell(r8)],
  ["8", "  same CLI on an empty folder (Node start-up floor) / added by the file", `${ms(r8.emptyFolderMs.p50)} / ${ms(r8.addedByFileMs)}`, "", "", ""],
  ["8", "  listIncidents in process, p50 / p95", `${ms(r8.inProcessMs.p50)} / ${ms(r8.inProcessMs.p95)}`, "", "", ""],
  ...supportRows(results.issue9, loadCell),
];
const out = [
  "",
  `tarkov-connection-agent bench (${results.kind}) — node ${results.node}, ${results.cpus} × ${results.cpuModel}`,
  `code: ${results.gitHead ?? "?"}${results.gitDirty ? " (+ uncommitted changes)" : ""}`,
  `load average 1-min: start ${results.loadAtStart[0]}, during the run median ${results.loadOverall.median1}, max ${results.loadOverall.max1}`,
  "",
  table(rows, ["issue", "measure", "value", "goal", "", "load (1-min) during"]),
  "",
  quick ? "QUICK run: too few samples to be evidence; run `npm run bench` for the figures." : "",
];
process.stdout.write(out.join("\n") + "\n");

const dir = join(ROOT, "bench", "results");
mkdirSync(dir, { recursive: true });
const json = JSON.stringify(results, null, 2) + "\n";
writeFileSync(join(dir, "latest.json"), json);
if (!quick) writeFileSync(join(dir, `${results.startedAt.slice(0, 10)}-full.json`), json);
log(`results written to bench/results/latest.json${quick ? "" : ` and bench/results/${results.startedAt.slice(0, 10)}-full.json`}`);
