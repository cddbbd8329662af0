/**
 * Runner tests against a FAKE PowerShell (test/fakes/fake-pwsh.mjs through NODE_POWERSHELL) for the failures a real
 * shell cannot be made to produce on cue: it speaks the session's framing, recognises the runner's script line and
 * acts out a behaviour table per test. The same paths with real pwsh: test/ps/failures.test.ts and session.test.ts;
 * one end-to-end case here drives real pwsh too (under CI it must exist: .ci/run installs it).
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  buildScriptCommand,
  buildStartProcessCommand,
  psPathExpr,
  psQuote,
  PowerShellRunner,
  resolvePowerShellExecutable,
  StartProcessElevator,
  verifyForElevation,
  type ElevationRequest,
  type Elevator,
} from "../../src/ports/powershell.js";
import { describePwsh } from "../ps/harness.js";
import { makeFakeWorld, type FakeWorld } from "./helpers/fake-shell.js";

const runners: PowerShellRunner[] = [];
function runnerFor(w: FakeWorld, extra: Partial<ConstructorParameters<typeof PowerShellRunner>[0]> = {}): PowerShellRunner {
  const r = new PowerShellRunner({ installDir: w.installDir, dataDir: w.dataDir, env: w.env, honourNodePowerShellEnv: true, timeoutMs: 5_000, ...extra });
  runners.push(r);
  return r;
}
afterEach(async () => {
  await Promise.all(runners.splice(0).map((r) => r.dispose()));
});

const scriptLines = (w: FakeWorld) => w.lines().filter((l) => l.startsWith("$agentClock") || l.startsWith("$agentProc"));

describe("psQuote", () => {
  it.each([
    ["plain", "'plain'"],
    ["it's", "'it''s'"],
    ["a\u2018b\u2019c\u201Ad\u201Be", "'a\u2018\u2018b\u2019\u2019c\u201A\u201Ad\u201B\u201Be'"],
    ['say "hi"', `'say "hi"'`],
    ["$(Remove-Item C:\\x)", "'$(Remove-Item C:\\x)'"],
    ["a;b`c", "'a;b`c'"],
    ["", "''"],
    ["C:\\Program Files\\agent\\scripts\\X.ps1", "'C:\\Program Files\\agent\\scripts\\X.ps1'"],
  ])("%j → %s", (input, expected) => {
    expect(psQuote(input)).toBe(expected);
  });

  it.each(["a\nb", "a\rb", "a\0b"])("refuses multi-line / NUL input %j", (input) => {
    expect(() => psQuote(input)).toThrow(/single-line/);
  });

  it("writes non-ASCII paths relative to an env var PowerShell expands itself", () => {
    expect(psPathExpr("C:\\Users\\Jürgen\\AppData\\Local\\tca\\runs\\r-1\\p.json", { LOCALAPPDATA: "C:\\Users\\Jürgen\\AppData\\Local" })).toBe(
      process.platform === "win32" ? "(Join-Path $env:LOCALAPPDATA 'tca\\runs\\r-1\\p.json')" : null,
    );
    expect(psPathExpr("/home/jürgen/x/p.json", { LOCALAPPDATA: "/home/jürgen" })).toBe("(Join-Path $env:LOCALAPPDATA 'x/p.json')");
    expect(psPathExpr("/home/jürgen/x/p.json", {})).toBeNull();
  });

  it("builds the script line from quoted paths and literal switches only", () => {
    expect(buildScriptCommand(psQuote("/i/s/X.ps1"), psQuote("/d/p.json"), psQuote("/d/r.json"), true)).toBe(
      "$agentClock = [Diagnostics.Stopwatch]::StartNew(); & '/i/s/X.ps1' -ParamsPath '/d/p.json' -ResultPath '/d/r.json' -WhatIf; " +
        "[Console]::Out.WriteLine('AGENT_SCRIPT_US=' + [long]($agentClock.Elapsed.Ticks / 10))",
    );
  });

  it("builds Start-Process with an argument array, double-quoting elements that hold spaces", () => {
    const cmd = buildStartProcessCommand("C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe", ["-File", "C:\\Program Files\\tca\\scripts\\X.ps1", "-WhatIf"]);
    expect(cmd).toContain(`-ArgumentList @('-File', ('"' + 'C:\\Program Files\\tca\\scripts\\X.ps1' + '"'), '-WhatIf')`);
    expect(cmd).toContain("-Verb RunAs");
    expect(buildStartProcessCommand("x.exe", ['a"b'])).toBeNull();
    expect(buildStartProcessCommand("x.exe", ["C:\\dir\\"])).toBeNull();
  });
});

describe("PowerShellRunner against the fake shell", () => {
  it("runs a script and returns the status from its result file", async () => {
    const w = makeFakeWorld();
    w.setBehaviour({ default: { action: "result", status: "Changed" } });
    const out = await runnerFor(w).run({ script: "Clear-AgentDnsCache.ps1", params: {}, mode: "Apply" });
    expect(out.ok).toBe(true);
    if (out.ok) expect(out.result.status).toBe("Changed");
    const [line] = scriptLines(w);
    expect(line).toMatch(/; & '.*\/scripts\/Clear-AgentDnsCache\.ps1' -ParamsPath '.*\/runs\/r-[0-9]+-[0-9a-f]+\/params\.json' -ResultPath '.*\/result\.json'; /);
    expect(out.scriptMs).toEqual(expect.any(Number));
  });

  it("passes -WhatIf for a dry run and gets WouldChange + plan", async () => {
    const w = makeFakeWorld();
    const out = await runnerFor(w).run({ script: "Set-AgentDnsServer.ps1", params: { provider: "cloudflare" }, mode: "Apply", whatIf: true });
    expect(out.ok && out.result.status).toBe("WouldChange");
    expect(out.ok && out.result.plan.length).toBeGreaterThan(0);
    expect(out.stdoutTail).toContain("What if:");
    expect(scriptLines(w)[0]).toMatch(/ -WhatIf; /);
  });

  it("keeps stderr noise for the log but trusts the result file", async () => {
    const w = makeFakeWorld();
    w.setBehaviour({ default: { action: "result", status: "NoChange", stderr: "WARNING: something noisy" } });
    const out = await runnerFor(w).run({ script: "Clear-AgentDnsCache.ps1", params: {}, mode: "Apply" });
    expect(out.ok && out.result.status).toBe("NoChange");
    expect(out.stderrTail).toContain("something noisy");
  });

  it("terminal control sequences (keypad mode, colours) never reach the tails, messages or result texts", async () => {
    const w = makeFakeWorld();
    w.setBehaviour({
      scripts: {
        "Clear-AgentDnsCache": { action: "result", status: "Failed", ansi: true, stderr: "Clear-DnsClientCache: boom", result: { error: { message: "\u001b[31;1mboom\u001b[0m", category: "x", fullyQualifiedErrorId: "x" }, plan: ["\u001b[1mplan\u001b[0m"] } },
        "Update-AgentDhcpLease": { action: "none", ansi: true, stderr: "Get-NetAdapter: access denied" },
      },
    });
    const r = runnerFor(w);
    const a = await r.run({ script: "Clear-AgentDnsCache.ps1", params: {}, mode: "Apply" });
    expect(a.ok && a.result.error?.message).toBe("boom");
    expect(a.ok && a.result.plan).toEqual(["plan"]);
    const b = await r.run({ script: "Update-AgentDhcpLease.ps1", params: {}, mode: "Apply" });
    expect(!b.ok && b.message).toBe("Expected a result file from Update-AgentDhcpLease.ps1, got none (stderr: Get-NetAdapter: access denied)");
    for (const o of [a, b]) expect(JSON.stringify(o)).not.toContain("\\u001b"); // JSON.stringify writes ESC as \u001b
  });

  it("junk on stdout: the result file still decides; junk without a file is PS_CONTRACT", async () => {
    const w = makeFakeWorld();
    w.setBehaviour({ scripts: { "Clear-AgentDnsCache": { action: "junk", status: "Changed" }, "Update-AgentDhcpLease": { action: "junk" } } });
    const r = runnerFor(w);
    const a = await r.run({ script: "Clear-AgentDnsCache.ps1", params: {}, mode: "Apply" });
    expect(a.ok && a.result.status).toBe("Changed");
    const b = await r.run({ script: "Update-AgentDhcpLease.ps1", params: {}, mode: "Apply" });
    expect(!b.ok && b.code).toBe("PS_CONTRACT");
  });

  it("missing result file → PS_CONTRACT with the stderr tail", async () => {
    const w = makeFakeWorld();
    w.setBehaviour({ default: { action: "none", stderr: "Get-Thing : access denied" } });
    const out = await runnerFor(w).run({ script: "Get-AgentFirewallState.ps1", params: {}, mode: "Read" });
    expect(out.ok).toBe(false);
    if (!out.ok) {
      expect(out.code).toBe("PS_CONTRACT");
      expect(out.message).toMatch(/Expected a result file from Get-AgentFirewallState\.ps1, got none \(stderr: .*access denied/);
    }
  });

  it("invalid result file → PS_CONTRACT naming the schema problem", async () => {
    const w = makeFakeWorld();
    w.setBehaviour({ default: { action: "invalid" } });
    const out = await runnerFor(w).run({ script: "Get-AgentFirewallState.ps1", params: {}, mode: "Read" });
    expect(!out.ok && out.code).toBe("PS_CONTRACT");
    expect(!out.ok && out.message).toMatch(/status/);
  });

  it("hanging script → PS_TIMEOUT, and the next call works on a recreated session", async () => {
    const w = makeFakeWorld();
    w.setBehaviour({ scripts: { "Update-AgentDhcpLease": { action: "hang" } } });
    const r = runnerFor(w, { timeoutMs: 800 });
    const hung = await r.run({ script: "Update-AgentDhcpLease.ps1", params: {}, mode: "Apply" });
    expect(!hung.ok && hung.code).toBe("PS_TIMEOUT");
    expect(!hung.ok && hung.message).toMatch(/state is unknown/);
    const next = await r.run({ script: "Clear-AgentDnsCache.ps1", params: {}, mode: "Apply" });
    expect(next.ok).toBe(true);
  });

  it("a shell that does not start in time → PS_TIMEOUT that says so (the script never ran)", async () => {
    const w = makeFakeWorld();
    const r = runnerFor(w, { startTimeoutMs: 1 });
    const out = await r.run({ script: "Clear-AgentDnsCache.ps1", params: {}, mode: "Apply" });
    expect(out).toMatchObject({ ok: false, code: "PS_TIMEOUT", message: "Clear-AgentDnsCache.ps1 could not run: PowerShell did not start within 1 ms" });
    expect(scriptLines(w)).toEqual([]);
  });

  it("crashing shell → PS_EXITED, then a new shell serves the next call", async () => {
    const w = makeFakeWorld();
    w.setBehaviour({ scripts: { "Reset-AgentNetworkStack": { action: "crash", exitCode: 3 }, "Restart-AgentBsgLauncher": { action: "exit0" } } });
    const r = runnerFor(w);
    const crashed = await r.run({ script: "Reset-AgentNetworkStack.ps1", params: {}, mode: "Apply" });
    expect(!crashed.ok && crashed.code).toBe("PS_EXITED");
    expect(!crashed.ok && crashed.message).toBe("PowerShell exited with code 3 while running Reset-AgentNetworkStack.ps1");
    const ok1 = await r.run({ script: "Clear-AgentDnsCache.ps1", params: {}, mode: "Apply" });
    expect(ok1.ok).toBe(true);
    // A shell that exits with 0 mid-command must not look like an empty success.
    const quiet = await r.run({ script: "Restart-AgentBsgLauncher.ps1", params: {}, mode: "Apply" });
    expect(!quiet.ok && quiet.code).toBe("PS_EXITED");
    const ok2 = await r.run({ script: "Clear-AgentDnsCache.ps1", params: {}, mode: "Apply" });
    expect(ok2.ok).toBe(true);
  });

  it("a session nobody uses is ended after the idle time, and the next call starts a new one", async () => {
    const w = makeFakeWorld();
    const r = runnerFor(w, { idleTimeoutMs: 300 });
    expect((await r.run({ script: "Clear-AgentDnsCache.ps1", params: {}, mode: "Apply" })).ok).toBe(true);
    // Waited for, not slept on: a fixed 600 ms against the 300 ms idle clock held only while nothing delayed the timer.
    await vi.waitFor(() => expect((r as unknown as { session: unknown }).session).toBeNull(), { timeout: 10_000, interval: 50 });
    expect(r.sessionsStarted).toBe(1);
    expect((await r.run({ script: "Clear-AgentDnsCache.ps1", params: {}, mode: "Apply" })).ok).toBe(true);
    expect(r.sessionsStarted).toBe(2);
  });

  it("pwsh missing → PS_MISSING, and this process keeps working", async () => {
    const w = makeFakeWorld();
    const r = runnerFor(w, { env: { ...w.env, NODE_POWERSHELL: join(w.root, "no-such-pwsh") } });
    const out = await r.run({ script: "Clear-AgentDnsCache.ps1", params: {}, mode: "Apply" });
    expect(!out.ok && out.code).toBe("PS_MISSING");
    const again = await r.run({ script: "Clear-AgentDnsCache.ps1", params: {}, mode: "Apply" });
    expect(!again.ok && again.code).toBe("PS_MISSING");
    expect(1 + 1).toBe(2); // still alive: no unhandled rejection took the worker down
  });

  it("refuses scripts that are not Verb-Noun.ps1 files in the install's scripts folder", async () => {
    const w = makeFakeWorld();
    const r = runnerFor(w);
    for (const script of ["../evil.ps1", "Clear-AgentDnsCache.ps1; rm -rf /", "Missing-Script.ps1"]) {
      const out = await r.run({ script, params: {}, mode: "Apply" });
      expect(!out.ok && out.code).toBe("PS_SCRIPT_MISSING");
    }
    expect(scriptLines(w)).toEqual([]);
  });

  it("writes non-ASCII run paths through Join-Path $env:… so the command line stays ASCII", async () => {
    const w = makeFakeWorld({ dataDirName: "Jürgen’s data" });
    const r = runnerFor(w, { pathBases: { AGENTDATA: w.dataDir }, env: { ...w.env, AGENTDATA: w.dataDir } });
    const out = await r.run({ script: "Clear-AgentDnsCache.ps1", params: { x: 1 }, mode: "Apply" });
    expect(out.ok).toBe(true);
    const line = scriptLines(w)[0]!;
    expect(line).toMatch(/-ParamsPath \(Join-Path \$env:AGENTDATA 'runs\/r-[^']+\/params\.json'\)/);
    expect(/^[\x20-\x7E]*$/.test(line)).toBe(true);
  });

  describe("injection: caller values travel as data, never on the command line", () => {
    const nasty = [
      "it's",
      'say "hi"',
      "$(New-Item -Path CANARY)",
      "a; Remove-Item -Recurse C:\\",
      "back`tick`$(x)",
      "line1\nline2\r\nline3",
      "\u2018single\u2019 \u201Cdouble\u201D \u201Alow\u201B",
      "@(1,2); & calc.exe | Out-Null #",
    ];
    it("every nasty value arrives intact in params.json and none reaches the shell", async () => {
      const w = makeFakeWorld();
      const canary = join(w.root, "canary.txt");
      w.setBehaviour({ default: { action: "result", echoParams: true } });
      const params = { servers: nasty, adapter: nasty.join(" | "), nested: { v: nasty } };
      const out = await runnerFor(w).run({ script: "Set-AgentDnsServer.ps1", params, mode: "Apply" });
      expect(out.ok).toBe(true);
      if (out.ok) expect(out.result.data).toEqual(params);
      const runDir = readdirSync(join(w.dataDir, "runs"))[0]!;
      expect(JSON.parse(readFileSync(join(w.dataDir, "runs", runDir, "params.json"), "utf8"))).toEqual(params);
      const all = w.lines().join("\n");
      for (const v of nasty) for (const piece of v.split(/\r?\n/)) if (piece.length > 2) expect(all).not.toContain(piece);
      for (const l of w.lines()) expect(/^[\x20-\x7E]*$/.test(l)).toBe(true);
      expect(existsSync(canary)).toBe(false);
    });
  });
});

describe("elevation", () => {
  const sha = (s: string) => createHash("sha256").update(s).digest("hex");
  function withManifest(w: FakeWorld, mutate?: (files: Record<string, string>) => void) {
    const files: Record<string, string> = {};
    for (const f of readdirSync(join(w.installDir, "scripts"))) if (f.endsWith(".ps1")) files[f] = sha(readFileSync(join(w.installDir, "scripts", f), "utf8"));
    files["lib/FixResult.psm1"] = sha(readFileSync(join(w.installDir, "scripts", "lib", "FixResult.psm1"), "utf8"));
    mutate?.(files);
    writeFileSync(join(w.installDir, "scripts", "manifest.json"), JSON.stringify({ version: 1, algorithm: "sha256", files }));
  }
  class RecordingElevator implements Elevator {
    calls: ElevationRequest[] = [];
    constructor(private readonly w: FakeWorld, private readonly cancel = false) {}
    async runElevated(req: ElevationRequest) {
      this.calls.push(req);
      if (this.cancel) return { ok: false as const, code: "ELEVATION_CANCELLED" as const, message: "declined", stdout: "", stderr: "" };
      const name = req.args[req.args.indexOf("-File") + 1]!.split("/").pop()!.replace(".ps1", "");
      writeFileSync(req.resultPath, JSON.stringify({ schema: 1, script: name, mode: "Apply", whatIf: false, status: "Changed", changes: ["x"], plan: [], before: null, after: null, data: null, rebootNeeded: false, error: null, startedAt: new Date().toISOString(), durationMs: 3 }));
      return { ok: true as const, exitCode: 0, stdout: "", stderr: "" };
    }
  }

  it("runs a script elevated only when its hash matches the manifest, with an argument array of generated paths", async () => {
    const w = makeFakeWorld();
    withManifest(w);
    const el = new RecordingElevator(w);
    const out = await runnerFor(w, { elevator: el }).run({ script: "Set-AgentDnsServer.ps1", params: { servers: ["$(evil)"] }, mode: "Apply", elevated: true });
    expect(out.ok && out.result.status).toBe("Changed");
    expect(el.calls).toHaveLength(1);
    const args = el.calls[0]!.args;
    expect(args.slice(0, 5)).toEqual(["-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass", "-File"]);
    expect(args.join(" ")).not.toContain("evil");
  });

  it.each([
    ["no manifest", (w: FakeWorld) => void w, /manifest/],
    ["hash mismatch", (w: FakeWorld) => withManifest(w, (f) => (f["Set-AgentDnsServer.ps1"] = "0".repeat(64))), /does not match/],
    ["script not in manifest", (w: FakeWorld) => withManifest(w, (f) => delete f["Set-AgentDnsServer.ps1"]), /not in the build-time manifest/],
    ["tampered module", (w: FakeWorld) => { withManifest(w); writeFileSync(join(w.installDir, "scripts", "lib", "FixResult.psm1"), "# evil\n"); }, /lib\/FixResult\.psm1 does not match/],
  ])("refuses elevation: %s", async (_name, setup, message) => {
    const w = makeFakeWorld();
    setup(w);
    const el = new RecordingElevator(w);
    const out = await runnerFor(w, { elevator: el }).run({ script: "Set-AgentDnsServer.ps1", params: {}, mode: "Apply", elevated: true });
    expect(!out.ok && out.code).toBe("ELEVATION_REFUSED");
    expect(!out.ok && out.message).toMatch(message);
    expect(el.calls).toHaveLength(0);
  });

  it("refuses a script that escapes the install folder through a link", async () => {
    const w = makeFakeWorld();
    withManifest(w);
    const outside = join(w.root, "outside");
    mkdirSync(outside);
    writeFileSync(join(outside, "Set-AgentDnsServer.ps1"), "# dummy Set-AgentDnsServer\n");
    const { rmSync, symlinkSync } = await import("node:fs");
    rmSync(join(w.installDir, "scripts", "Set-AgentDnsServer.ps1"));
    symlinkSync(join(outside, "Set-AgentDnsServer.ps1"), join(w.installDir, "scripts", "Set-AgentDnsServer.ps1"));
    const check = await verifyForElevation(join(w.installDir, "scripts"), "Set-AgentDnsServer.ps1");
    expect(check.ok).toBe(false);
    expect(!check.ok && check.message).toMatch(/outside the install folder/);
  });

  it("maps a declined UAC prompt to ELEVATION_CANCELLED, and no elevator to ELEVATION_UNAVAILABLE", async () => {
    const w = makeFakeWorld();
    withManifest(w);
    const cancelled = await runnerFor(w, { elevator: new RecordingElevator(w, true) }).run({ script: "Set-AgentDnsServer.ps1", params: {}, mode: "Apply", elevated: true });
    expect(!cancelled.ok && cancelled.code).toBe("ELEVATION_CANCELLED");
    const none = await runnerFor(w, { elevator: null }).run({ script: "Set-AgentDnsServer.ps1", params: {}, mode: "Apply", elevated: true });
    expect(!none.ok && none.code).toBe("ELEVATION_UNAVAILABLE");
  });

  it("StartProcessElevator drives Start-Process -Verb RunAs through the shared session (fake shell)", async () => {
    const w = makeFakeWorld();
    withManifest(w);
    const holder: { inner?: PowerShellRunner } = {};
    const elevator = new StartProcessElevator(async (cmd, t) => {
      // Reuse the runner's own session for the Start-Process line, like the production wiring does.
      return (holder.inner as unknown as { invokeInSession(c: string, t: number): Promise<{ stdout: string; stderr: string }> }).invokeInSession(cmd, t);
    });
    const inner = runnerFor(w, { elevator });
    holder.inner = inner;
    const out = await inner.run({ script: "Add-AgentFirewallRule.ps1", params: { group: "x" }, mode: "Apply", elevated: true });
    expect(out.ok && out.result.status).toBe("Changed");
    const line = scriptLines(w).find((l) => l.startsWith("$agentProc"))!;
    expect(line).toContain("-Verb RunAs");
    expect(line).toMatch(/-ArgumentList @\('-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-File', '.*Add-AgentFirewallRule\.ps1'/);
    expect(line).not.toContain('"x"');
  });
});

describe("executable lookup", () => {
  it("uses Windows PowerShell 5.1 by absolute path on Windows and never a PATH lookup there", () => {
    expect(resolvePowerShellExecutable({ platform: "win32", env: { SystemRoot: "/nonexistent" } })).toBeNull();
  });
  it("ignores NODE_POWERSHELL unless told to honour it (production drops it)", () => {
    const w = makeFakeWorld();
    expect(resolvePowerShellExecutable({ env: { NODE_POWERSHELL: w.env.NODE_POWERSHELL, PATH: "" }, platform: "linux" })).toBeNull();
    expect(resolvePowerShellExecutable({ env: { NODE_POWERSHELL: w.env.NODE_POWERSHELL, PATH: "" }, platform: "linux", honourNodePowerShellEnv: true })).toBe(w.env.NODE_POWERSHELL);
  });
});

// Real PowerShell: .ci/run installs it, so under CI this fails instead of skipping when it is missing.
describePwsh("node-powershell drives real pwsh end to end", (realPwsh) => {
  it("runs a real script that reads params and writes a valid result", async () => {
    const w = makeFakeWorld();
    writeFileSync(
      join(w.installDir, "scripts", "Get-AgentFirewallState.ps1"),
      [
        "[CmdletBinding()] param([Parameter(Mandatory)][string]$ParamsPath, [Parameter(Mandatory)][string]$ResultPath)",
        "$p = Get-Content -LiteralPath $ParamsPath -Raw -Encoding UTF8 | ConvertFrom-Json",
        "$r = [ordered]@{ schema = 1; script = 'Get-AgentFirewallState'; mode = 'Read'; whatIf = $false; status = 'NoChange'; changes = @(); plan = @(); before = $null; after = $null; data = $p; rebootNeeded = $false; error = $null; startedAt = (Get-Date).ToUniversalTime().ToString('o'); durationMs = 1 }",
        "[IO.File]::WriteAllText($ResultPath, ($r | ConvertTo-Json -Depth 6), (New-Object Text.UTF8Encoding $false))",
      ].join("\n"),
    );
    const { NODE_POWERSHELL: _drop, ...env } = w.env;
    const r = new PowerShellRunner({ installDir: w.installDir, dataDir: w.dataDir, env, executable: realPwsh, timeoutMs: 30_000, startTimeoutMs: 60_000 });
    runners.push(r);
    const out = await r.run({ script: "Get-AgentFirewallState.ps1", params: { q: "it's $(x)" }, mode: "Read" });
    expect(out.ok && out.result.data).toEqual({ q: "it's $(x)" });
    expect(out.scriptMs).toEqual(expect.any(Number));
  }, 90_000);
});

describe("tools/gen-manifest.mjs", () => {
  it("writes a manifest that verifyForElevation accepts, and catches a later edit", async () => {
    const { execFileSync } = await import("node:child_process");
    const w = makeFakeWorld();
    const scripts = join(w.installDir, "scripts");
    execFileSync(process.execPath, [resolve("tools/gen-manifest.mjs"), scripts], { stdio: "pipe" });
    const manifest = JSON.parse(readFileSync(join(scripts, "manifest.json"), "utf8")) as { files: Record<string, string> };
    expect(Object.keys(manifest.files)).toContain("lib/FixResult.psm1");
    expect(Object.keys(manifest.files)).toContain("Set-AgentDnsServer.ps1");
    expect((await verifyForElevation(scripts, "Set-AgentDnsServer.ps1")).ok).toBe(true);
    writeFileSync(join(scripts, "Set-AgentDnsServer.ps1"), "# changed after the build\n");
    expect((await verifyForElevation(scripts, "Set-AgentDnsServer.ps1")).ok).toBe(false);
  });
});
