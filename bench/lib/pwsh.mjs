// Issue 4 part 4: a warm fix call through the agent's PowerShellRunner (one persistent session) vs a cold
// `pwsh -File` of the same script. Runs only where a real PowerShell exists; never invents numbers.
//
// The runner's overhead is measured inside the warm session itself: every call reports the script's own time,
// taken by a stopwatch around the `&` call in that session (RunOutcome.scriptMs), so overhead = wall time of the
// call − the script's time in the same call. (Subtracting the script's time in a *fresh* session, as before,
// compared a cold script with a warm one and gave a negative "overhead".)
//
//   node bench/lib/pwsh.mjs [--runs N]      part 4 on its own (needs `npm run build`); prints the figures as JSON
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { ROOT } from "./paths.mjs";
import { median, round1 } from "./stats.mjs";

export const SKIP_MESSAGE = "skipped: no real PowerShell (install it: dotnet tool install --tool-path .tools/pwsh PowerShell --version 7.6.9)";

/** `.tools/pwsh/pwsh` (where .ci/run installs it) or `pwsh` on PATH; null when neither exists. */
export function findPwsh() {
  const local = join(ROOT, ".tools", "pwsh", "pwsh");
  if (existsSync(local)) return local;
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir !== "" && existsSync(join(dir, "pwsh"))) return join(dir, "pwsh");
  }
  return null;
}

/** The read-only install lookup: it changes nothing, so it can be run any number of times on any machine. */
const SCRIPT = "Get-AgentEftInstall.ps1";

/** Figures for part 4; `runs` calls of each kind (the warm session's first call, which starts it, not counted). */
export async function benchPwsh({ runs, pwsh }) {
  const { PowerShellRunner } = await import("../../dist/ports/powershell.js");
  const dir = mkdtempSync(join(tmpdir(), "tarkov-bench-pwsh-"));
  const script = join(ROOT, "scripts", SCRIPT);
  const params = join(dir, "params.json");
  writeFileSync(params, JSON.stringify({ installDir: null }));
  // The same controlled environment the runner gives its session, so both kinds run the same way.
  const env = { ...process.env, TERM: "dumb", NO_COLOR: "1", POWERSHELL_TELEMETRY_OPTOUT: "1", POWERSHELL_UPDATECHECK: "Off" };
  try {
    // Cold: a new pwsh per call, exactly as a one-shot `pwsh -File` would run it.
    const cold = [];
    for (let i = 0; i < runs; i++) {
      const result = join(dir, `cold-${i}.json`);
      const t0 = performance.now();
      const r = spawnSync(pwsh, ["-NoLogo", "-NoProfile", "-NonInteractive", "-File", script, "-ParamsPath", params, "-ResultPath", result], { env, encoding: "utf8", timeout: 120_000 });
      cold.push(performance.now() - t0);
      if (!existsSync(result)) throw new Error(`cold run wrote no result file (exit ${r.status}): ${(r.stderr ?? "").slice(-500)}`);
      JSON.parse(readFileSync(result, "utf8").replace(/^\uFEFF/, ""));
    }
    // Warm: the agent's runner, one persistent session.
    const runner = new PowerShellRunner({ installDir: ROOT, dataDir: join(dir, "data"), executable: pwsh, env: process.env, startTimeoutMs: 120_000 });
    const warm = [];
    const inSession = [];
    const overhead = [];
    const failures = [];
    let firstCallMs = null;
    try {
      for (let i = 0; i < runs + 1; i++) {
        const t0 = performance.now();
        const r = await runner.run({ script: SCRIPT, params: { installDir: null }, mode: "Read" });
        const wall = performance.now() - t0;
        if (!r.ok) {
          failures.push(`${r.code}: ${r.message}`);
          continue;
        }
        if (i === 0) {
          firstCallMs = wall;
          continue;
        }
        warm.push(wall);
        if (typeof r.scriptMs === "number") {
          inSession.push(r.scriptMs);
          overhead.push(wall - r.scriptMs);
        } else failures.push("a warm call reported no script time");
      }
    } finally {
      await runner.dispose();
    }
    const warmMs = median(warm);
    const coldMs = median(cold);
    const overheadMs = median(overhead);
    return {
      skipped: false,
      pwsh,
      script: SCRIPT,
      runs,
      warmMsMedian: round1(warmMs),
      scriptInWarmSessionMsMedian: round1(median(inSession)),
      runnerOverheadMsMedian: round1(overheadMs),
      runnerOverheadMsMax: round1(Math.max(...overhead)),
      coldMsMedian: round1(coldMs),
      firstCallMs: round1(firstCallMs),
      coldOverWarm: round1(coldMs / warmMs),
      samples: { warm: warm.map(round1), inSession: inSession.map(round1), overhead: overhead.map(round1), cold: cold.map(round1) },
      runnerFailures: failures.slice(0, 3),
      goalMet: failures.length === 0 && overheadMs <= 300,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// `node bench/lib/pwsh.mjs [--runs N]`: part 4 alone.
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const at = process.argv.indexOf("--runs");
  const runs = at > 0 ? Number(process.argv[at + 1]) : 20;
  const pwsh = findPwsh();
  if (pwsh === null) {
    process.stdout.write(`${SKIP_MESSAGE}\n`);
  } else {
    const { loadavg } = await import("node:os");
    const load = loadavg()[0];
    const r = await benchPwsh({ runs, pwsh });
    const { samples: _samples, ...figures } = r;
    process.stdout.write(JSON.stringify({ ...figures, loadAtStart: round1(load), loadAtEnd: round1(loadavg()[0]) }, null, 2) + "\n");
  }
}
