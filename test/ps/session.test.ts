/**
 * The runner's session against real pwsh: framing that holds while the agent's event loop is busy and the shell
 * decorates its lines (the spurious-timeout bug: node-powershell missed its end marker for up to 19 of 200 calls
 * under load with TERM=xterm), and session reuse: recycled only when needed, the next one warmed at once.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { PowerShellRunner, PowerShellSession, SESSION_PRELUDE, shellEnvironment, type ElevationRequest, type Elevator, type InvokeOutcome } from "../../src/ports/powershell.js";
import { describePwsh } from "./harness.js";

/** Blocks the event loop for `ms`, the way a burst of TLS handshakes in a probe round does. */
function spin(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    /* busy */
  }
}

/** Keeps the event loop ~90 % busy. */
function busyLoop(): () => void {
  const t = setInterval(() => spin(15), 1);
  return () => clearInterval(t);
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u001b\u009b]/;

describePwsh("real pwsh: framing under load", (pwsh) => {
  it("200 commands while the loop is busy and TERM=xterm: every one completes with exactly its output", async () => {
    // The raw session with the hostile terminal type on purpose (the runner would set TERM=dumb): the framing
    // itself must hold when pwsh writes ESC[?1h / ESC[?1l around every line. After each command is written the
    // loop is also blocked for a while (0, 20, 60 or 300 ms), so the shell's output, END marker and the ESC[?1h it
    // writes as it waits for the next line pile up and arrive as one chunk: the case a tail-only marker search
    // (node-powershell's) never completes. (With the search cut down to the buffer's tail, this test fails.)
    // No plain-text prelude either: $PSStyle.OutputRendering = 'PlainText' alone already stops the sequences.
    const s = PowerShellSession.start({ executable: pwsh, env: { ...process.env, TERM: "xterm" }, cwd: tmpdir(), prelude: ["$ProgressPreference = 'SilentlyContinue'"], startTimeoutMs: 60_000 });
    let sawSequences = false;
    (s as unknown as { shell: { streams: { stdout: NodeJS.ReadableStream } } }).shell.streams.stdout.on("data", (c: string | Buffer) => (sawSequences ||= String(c).includes("\u001b[?1h")));
    try {
      expect((await s.ready).kind).toBe("ok");
      const stop = busyLoop();
      const bad: string[] = [];
      try {
        for (let i = 0; i < 200; i++) {
          const pending = s.invoke(`[Console]::Out.WriteLine('out ${i}'); [Console]::Error.WriteLine('err ${i}')`, 15_000);
          await new Promise((r) => setImmediate(r)); // the command has been written
          spin([0, 20, 60, 300][i % 4]!);
          const r: InvokeOutcome = await pending;
          if (r.kind !== "ok") bad.push(`${i}: ${r.kind}`);
          else if (r.stdout !== `out ${i}` || r.stderr !== `err ${i}`) bad.push(`${i}: ${JSON.stringify(r)}`);
        }
      } finally {
        stop();
      }
      expect(bad).toEqual([]);
      expect(sawSequences, "the premise: pwsh wrote keypad sequences into the pipe").toBe(true);
    } finally {
      await s.dispose();
    }
  }, 180_000);

  it("the agent's own prelude and environment keep them out in the first place", async () => {
    const s = PowerShellSession.start({ executable: pwsh, env: shellEnvironment({ ...process.env, TERM: "xterm-256color" }, false), cwd: tmpdir(), prelude: SESSION_PRELUDE, startTimeoutMs: 60_000 });
    let raw = "";
    (s as unknown as { shell: { streams: { stdout: NodeJS.ReadableStream } } }).shell.streams.stdout.on("data", (c: string | Buffer) => (raw += String(c)));
    try {
      expect((await s.ready).kind).toBe("ok");
      expect(await s.invoke("[Console]::Out.WriteLine('x'); Write-Error 'boom' -ErrorAction Continue", 30_000)).toMatchObject({ kind: "ok", stdout: "x", stderr: expect.stringContaining("boom") });
      expect(raw).not.toMatch(CONTROL);
    } finally {
      await s.dispose();
    }
  }, 120_000);

  it("30 script runs through the runner while the loop is busy: no PS_TIMEOUT, no control sequences", async () => {
    const dir = mkdtempSync(join(tmpdir(), "agent-busy-"));
    mkdirSync(join(dir, "install", "scripts"), { recursive: true });
    writeFileSync(
      join(dir, "install", "scripts", "Get-AgentEcho.ps1"),
      "[CmdletBinding()]\nparam([Parameter(Mandatory)][string]$ParamsPath, [Parameter(Mandatory)][string]$ResultPath)\n" +
        "$p = Get-Content -LiteralPath $ParamsPath -Raw | ConvertFrom-Json\n" +
        "$r = [ordered]@{ schema = 1; script = 'Get-AgentEcho'; mode = 'Read'; whatIf = $false; status = 'NoChange'; changes = @(); plan = @(); before = $null; after = $null; data = $p; rebootNeeded = $false; error = $null; startedAt = (Get-Date).ToUniversalTime().ToString('o'); durationMs = 1 }\n" +
        "Write-Warning ('warned ' + $p.i)\n" +
        "[IO.File]::WriteAllText($ResultPath, (ConvertTo-Json -InputObject $r -Depth 5), (New-Object Text.UTF8Encoding $false))\n",
    );
    const runner = new PowerShellRunner({ installDir: join(dir, "install"), dataDir: join(dir, "data"), executable: pwsh, env: { ...process.env, TERM: "xterm-256color" }, timeoutMs: 15_000, startTimeoutMs: 60_000, elevator: null, maxRunsPerSession: 1_000 });
    try {
      runner.warm();
      const stop = busyLoop();
      const bad: string[] = [];
      try {
        for (let i = 0; i < 30; i++) {
          const r = await runner.run({ script: "Get-AgentEcho.ps1", params: { i }, mode: "Read" });
          if (!r.ok) bad.push(`${i}: ${r.code} ${r.message}`);
          else if ((r.result.data as { i: number }).i !== i) bad.push(`${i}: wrong data`);
          else if (CONTROL.test(r.stdoutTail + r.stderrTail)) bad.push(`${i}: control sequences in ${JSON.stringify(r.stdoutTail)}`);
          else if (!/warned \d+/.test(r.stdoutTail)) bad.push(`${i}: warning missing from ${JSON.stringify(r.stdoutTail)}`);
        }
      } finally {
        stop();
      }
      expect(bad).toEqual([]);
      expect(runner.sessionsStarted).toBe(1);
    } finally {
      await runner.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);
});

describePwsh("real pwsh: the session is recycled only when needed", (pwsh) => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "agent-recycle-"));
    mkdirSync(join(dir, "install", "scripts", "lib"), { recursive: true });
    writeFileSync(
      join(dir, "install", "scripts", "Set-AgentThing.ps1"),
      "[CmdletBinding(SupportsShouldProcess)]\nparam([Parameter(Mandatory)][string]$ParamsPath, [Parameter(Mandatory)][string]$ResultPath)\n" +
        "$p = Get-Content -LiteralPath $ParamsPath -Raw | ConvertFrom-Json\n" +
        "$err = $null; if ($p.status -eq 'Failed') { $err = [ordered]@{ message = 'no'; category = 'x'; fullyQualifiedErrorId = 'x' } }\n" +
        "$r = [ordered]@{ schema = 1; script = 'Set-AgentThing'; mode = 'Apply'; whatIf = [bool]$WhatIfPreference; status = $p.status; changes = @(); plan = @(); before = $null; after = $null; data = [ordered]@{ pid = $PID }; rebootNeeded = $false; error = $err; startedAt = (Get-Date).ToUniversalTime().ToString('o'); durationMs = 1 }\n" +
        "[IO.File]::WriteAllText($ResultPath, (ConvertTo-Json -InputObject $r -Depth 5), (New-Object Text.UTF8Encoding $false))\n",
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const make = (extra: Partial<ConstructorParameters<typeof PowerShellRunner>[0]> = {}) =>
    new PowerShellRunner({ installDir: join(dir, "install"), dataDir: join(dir, "data"), executable: pwsh, timeoutMs: 20_000, startTimeoutMs: 60_000, elevator: null, ...extra });
  const pidOf = async (r: PowerShellRunner, status: string, whatIf = false) => {
    const o = await r.run({ script: "Set-AgentThing.ps1", params: { status }, mode: "Apply", whatIf });
    if (!o.ok) throw new Error(`${o.code}: ${o.message}`);
    expect(o.result.status).toBe(status);
    return (o.result.data as { pid: number }).pid;
  };

  it("one session across applies that changed something, failed, dry runs, and elevated runs (which never touch it)", async () => {
    const seen: ElevationRequest[] = [];
    const elevator: Elevator = {
      runElevated: async (req) => {
        seen.push(req);
        writeFileSync(req.resultPath, JSON.stringify({ schema: 1, script: "Set-AgentThing", mode: "Apply", whatIf: false, status: "Changed", changes: ["x"], plan: [], before: null, after: null, data: null, rebootNeeded: false, error: null, startedAt: new Date().toISOString(), durationMs: 1 }));
        return { ok: true, exitCode: 0, stdout: "", stderr: "" };
      },
    };
    const { execFileSync } = await import("node:child_process");
    execFileSync(process.execPath, [join(import.meta.dirname, "..", "..", "tools", "gen-manifest.mjs"), join(dir, "install", "scripts")], { stdio: "pipe" });
    const r = make({ elevator });
    try {
      const pids = [await pidOf(r, "Changed"), await pidOf(r, "Failed"), await pidOf(r, "WouldChange", true), await pidOf(r, "Changed"), await pidOf(r, "NoChange")];
      const out = await r.run({ script: "Set-AgentThing.ps1", params: { status: "Changed" }, mode: "Apply", elevated: true });
      expect(out.ok && out.result.status).toBe("Changed");
      expect(seen).toHaveLength(1);
      expect(seen[0]).toMatchObject({ script: "Set-AgentThing.ps1", whatIf: false, paramsPath: expect.stringMatching(/params\.json$/) });
      pids.push(await pidOf(r, "NoChange"));
      expect(new Set(pids).size).toBe(1);
      expect(r.sessionsStarted).toBe(1);
    } finally {
      await r.dispose();
    }
  }, 120_000);

  it("after its run budget the session is replaced, and the next one is started at once in the background", async () => {
    const r = make({ maxRunsPerSession: 3 });
    try {
      const first = [await pidOf(r, "NoChange"), await pidOf(r, "NoChange"), await pidOf(r, "NoChange")];
      expect(new Set(first).size).toBe(1);
      // The third run used up the budget: the replacement is already starting before anyone asks for it.
      expect(r.sessionsStarted).toBe(2);
      const next = await pidOf(r, "NoChange");
      expect(next).not.toBe(first[0]);
    } finally {
      await r.dispose();
    }
  }, 120_000);

  it("recycleAfterChange (opt-in) replaces the session after a Changed apply only", async () => {
    const r = make({ recycleAfterChange: true });
    try {
      const a = await pidOf(r, "Failed");
      const b = await pidOf(r, "Changed");
      expect(b).toBe(a);
      expect(r.sessionsStarted).toBe(2);
      expect(await pidOf(r, "NoChange")).not.toBe(b);
    } finally {
      await r.dispose();
    }
  }, 120_000);
});
