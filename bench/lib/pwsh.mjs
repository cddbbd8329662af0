// Issue 4: a warm fix call through the persistent node-powershell session (the agent's PowerShellRunner) vs a cold
// `pwsh -File` of the same script. Runs only where a real PowerShell exists; never invents numbers.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { performance } from "node:perf_hooks";
import { ROOT } from "./paths.mjs";
import { median, round1 } from "./stats.mjs";

export const SKIP_MESSAGE = "skipped: real PowerShell not installable here (not in the NuGet mirror)";

/** `.tools/pwsh/pwsh` (where .ci/run would install it) or `pwsh` on PATH; null when neither exists. */
export function findPwsh() {
  const local = join(ROOT, ".tools", "pwsh", "pwsh");
  if (existsSync(local)) return local;
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir !== "" && existsSync(join(dir, "pwsh"))) return join(dir, "pwsh");
  }
  return null;
}

/** The read-only install lookup: it changes nothing, so it can be run 40 times on any machine. */
const SCRIPT = "Get-AgentEftInstall.ps1";

export async function benchPwsh({ runs, pwsh }) {
  const { PowerShellRunner } = await import("../../dist/ports/powershell.js");
  const dir = mkdtempSync(join(tmpdir(), "tarkov-bench-pwsh-"));
  const script = join(ROOT, "scripts", SCRIPT);
  const params = join(dir, "params.json");
  writeFileSync(params, JSON.stringify({ installDir: null }));
  const env = { ...process.env, DOTNET_ROLL_FORWARD: process.env.DOTNET_ROLL_FORWARD ?? "Major" };
  try {
    // Cold: a new pwsh per call, exactly as a one-shot `pwsh -File` would run it.
    const cold = [];
    const own = [];
    for (let i = 0; i < runs; i++) {
      const result = join(dir, `cold-${i}.json`);
      const t0 = performance.now();
      const r = spawnSync(pwsh, ["-NoLogo", "-NoProfile", "-NonInteractive", "-File", script, "-ParamsPath", params, "-ResultPath", result], { env, encoding: "utf8", timeout: 60_000 });
      cold.push(performance.now() - t0);
      if (!existsSync(result)) throw new Error(`cold run wrote no result file (exit ${r.status}): ${(r.stderr ?? "").slice(-500)}`);
      JSON.parse(readFileSync(result, "utf8").replace(/^\uFEFF/, ""));
      // The script's own time, measured inside a fresh pwsh around the same call (no shell start-up in it).
      const ownResult = join(dir, `own-${i}.json`);
      const cmd = `$sw=[Diagnostics.Stopwatch]::StartNew(); & '${script.replace(/'/g, "''")}' -ParamsPath '${params.replace(/'/g, "''")}' -ResultPath '${ownResult.replace(/'/g, "''")}'; [Console]::Out.WriteLine('OWNMS=' + $sw.Elapsed.TotalMilliseconds)`;
      const o = spawnSync(pwsh, ["-NoLogo", "-NoProfile", "-NonInteractive", "-Command", cmd], { env, encoding: "utf8", timeout: 60_000 });
      const m = /OWNMS=([\d.]+)/.exec(o.stdout ?? "");
      if (m) own.push(Number(m[1]));
    }
    // Warm: the agent's runner, one persistent session; the first call starts it and is not counted.
    const runner = new PowerShellRunner({ installDir: ROOT, dataDir: join(dir, "data"), executable: pwsh, env });
    const warm = [];
    const failures = [];
    try {
      for (let i = 0; i < runs + 1; i++) {
        const t0 = performance.now();
        const r = await runner.run({ script: SCRIPT, params: { installDir: null }, mode: "Read" });
        const dt = performance.now() - t0;
        if (!r.ok) failures.push(`${r.code}: ${r.message}`);
        if (i > 0) warm.push(dt);
      }
    } finally {
      await runner.dispose();
    }
    const warmMs = median(warm);
    const coldMs = median(cold);
    const ownMs = median(own);
    return {
      skipped: false,
      pwsh,
      script: SCRIPT,
      runs,
      warmMsMedian: round1(warmMs),
      coldMsMedian: round1(coldMs),
      ownMsMedian: round1(ownMs),
      warmOverheadMs: round1(warmMs - ownMs),
      coldOverWarm: round1(coldMs / warmMs),
      runnerFailures: failures.slice(0, 3),
      goalMet: warmMs - ownMs <= 300,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
