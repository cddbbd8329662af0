/**
 * Real PowerShell for the tests: where it is, what happens without it, and a warm runner whose session has
 * test/ps/WindowsStandIn.psm1 loaded over a JSON state file that stands in for the Windows-only parts of the PC.
 *
 * pwsh 7.6.9 installs here as a .NET tool (`dotnet tool install --tool-path .tools/pwsh PowerShell --version
 * 7.6.9`, platform-notes §4) and `.ci/run` installs it, so under CI a missing pwsh FAILS the suite; a developer
 * without it sees the tests skipped with that reason.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterAll, beforeAll, describe, it } from "vitest";
import type { FixResult } from "../../src/fixes/result-schema.js";
import { buildScriptCommand, PowerShellRunner, PowerShellSession, psQuote, SESSION_PRELUDE, type ElevationOutcome, type ElevationRequest, type Elevator, type PowerShellRunnerOptions, type RunOutcome } from "../../src/ports/powershell.js";

export const ROOT = join(import.meta.dirname, "..", "..");
export const STAND_IN = join(import.meta.dirname, "WindowsStandIn.psm1");
export const INSTALL_HINT = "dotnet tool install --tool-path .tools/pwsh PowerShell --version 7.6.9";
const ON_CI = process.env.CI === "true" || process.env.CI === "1";

/** `.tools/pwsh/pwsh` first (what `.ci/run` installs), then `pwsh` on PATH; null when neither exists. */
export function findPwsh(): string | null {
  const local = join(ROOT, ".tools", "pwsh", "pwsh");
  if (existsSync(local)) return local;
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir !== "" && existsSync(join(dir, "pwsh"))) return join(dir, "pwsh");
  }
  return null;
}
export const PWSH = findPwsh();

/**
 * `describe` for tests that need real pwsh. Without it: on CI one failing test says how to install it (nothing may
 * skip there for a missing tool); elsewhere the suite is skipped with the reason.
 */
export function describePwsh(name: string, body: (pwsh: string) => void): void {
  if (PWSH !== null) {
    describe(name, () => body(PWSH));
    return;
  }
  if (ON_CI) {
    describe(name, () => {
      it("needs real PowerShell (CI installs it in .ci/run)", () => {
        throw new Error(`pwsh not found in .tools/pwsh or PATH; install it with: ${INSTALL_HINT}`);
      });
    });
    return;
  }
  describe.skip(`${name} (skipped: no pwsh in .tools/pwsh or PATH; install it with: ${INSTALL_HINT})`, () => body(""));
}

/** The runner with the stand-in module loaded into its session, the way a test PC "has" the Windows modules. */
export class StandInRunner extends PowerShellRunner {
  protected override sessionPrelude(): readonly string[] {
    return [...super.sessionPrelude(), "Import-Module -Name $env:AGENT_STANDIN -DisableNameChecking -Global"];
  }
}

export const GUID_ETH = "{11111111-1111-1111-1111-111111111111}";
export const GUID_WIFI = "{22222222-2222-2222-2222-222222222222}";
export const GUID_VPN = "{33333333-3333-3333-3333-333333333333}";
export const V4 = (g: string) => `HKLM:\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters\\Interfaces\\${g}`;
export const V6 = (g: string) => `HKLM:\\SYSTEM\\CurrentControlSet\\Services\\Tcpip6\\Parameters\\Interfaces\\${g}`;
export const UNINSTALL = "HKLM:\\SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\EscapeFromTarkov";

export type State = Record<string, unknown> & { calls?: { name: string; args: unknown }[] };

/** A PC with Ethernet (DHCP), Wi-Fi (static IPv4 DNS in a deliberate order, DHCP IPv6) and a WireGuard tunnel. */
export function baseState(gameDir: string): State {
  const adapter = (i: number, name: string, desc: string, guid: string, media: string, virtual: boolean) => ({
    InterfaceIndex: i, Name: name, InterfaceDescription: desc, InterfaceGuid: guid, Status: "Up", Virtual: virtual,
    HardwareInterface: !virtual, PhysicalMediaType: media, MediaType: "802.3", LinkSpeed: "1 Gbps", ReceiveLinkSpeed: 1_000_000_000,
    DriverProvider: "Realtek", DriverVersionString: "10.68.0.0", DriverDate: "2021-05-11", Dhcp: "Enabled", IPv4Addresses: ["192.168.1.20"],
  });
  return {
    adapters: [
      adapter(12, "Ethernet", "Realtek PCIe GbE Family Controller", GUID_ETH, "802.3", false),
      adapter(14, "Wi-Fi", "Intel(R) Wi-Fi 6 AX201 160MHz", GUID_WIFI, "Native 802.11", false),
      adapter(30, "wg0", "WireGuard Tunnel", GUID_VPN, "Unspecified", true),
    ],
    routes: [
      { DestinationPrefix: "0.0.0.0/0", InterfaceIndex: 30, NextHop: "0.0.0.0", RouteMetric: 0, InterfaceMetric: 5 },
      { DestinationPrefix: "0.0.0.0/0", InterfaceIndex: 12, NextHop: "192.168.1.1", RouteMetric: 0, InterfaceMetric: 25 },
      { DestinationPrefix: "0.0.0.0/0", InterfaceIndex: 14, NextHop: "192.168.1.1", RouteMetric: 0, InterfaceMetric: 35 },
    ],
    registry: {
      [V4(GUID_ETH)]: { NameServer: "", DhcpNameServer: "192.168.1.1", EnableDHCP: 1 },
      [V6(GUID_ETH)]: { NameServer: "" },
      [V4(GUID_WIFI)]: { NameServer: "9.9.9.9,192.168.1.53", DhcpNameServer: "192.168.1.1", EnableDHCP: 1 },
      [V6(GUID_WIFI)]: { NameServer: "" },
      [V4(GUID_VPN)]: { NameServer: "10.64.0.1" },
      [V6(GUID_VPN)]: { NameServer: "" },
      [UNINSTALL]: { InstallLocation: gameDir, DisplayVersion: "0.16.0.1", DisplayName: "Escape from Tarkov" },
    },
    dnsCache: ["prod.escapefromtarkov.com", "gw-pvp-01.escapefromtarkov.com"],
    firewallRules: [
      { Name: "{user-block}", DisplayName: "Block Tarkov", Group: "", Direction: "Outbound", Action: "Block", Enabled: "True", Profile: "Any",
        Program: join(gameDir, "EscapeFromTarkov.exe") },
      { Name: "{user-allow}", DisplayName: "Player's own rule", Group: "", Direction: "Inbound", Action: "Allow", Enabled: "True", Profile: "Any",
        Program: join(gameDir, "EscapeFromTarkov.exe") },
    ],
    firewallProfiles: [{ Name: "Private", Enabled: "True", DefaultInboundAction: "Block", DefaultOutboundAction: "Allow" }],
    exclusionProcess: [join(gameDir, "EscapeFromTarkov_BE.exe")],
    // Current Defender builds show the exclusion lists only to administrators (see WindowsStandIn.psm1).
    defenderHidesExclusions: false,
    processes: [{ Id: 4242, ProcessName: "BsgLauncher", Path: join(gameDir, "..", "BsgLauncher", "BsgLauncher.exe") }],
    wlanOutput: [
      "There is 1 interface on the system:", "", "    Name                   : Wi-Fi", `    GUID                   : ${GUID_WIFI.slice(1, -1)}`,
      "    State                  : connected", "    Radio type             : 802.11ax", "    Channel                : 36",
      "    Receive rate (Mbps)    : 960", "    Transmit rate (Mbps)   : 720", "    Signal                 : 42%",
    ],
    // Command name → error message: that stand-in throws (a cmdlet failing the way Windows can make it fail).
    failures: {},
    // "tool args" → exit code for netsh/ipconfig.
    nativeExitCodes: {},
    calls: [],
  };
}

/**
 * Stand-ins for Windows tools a script runs by full path (%SystemRoot%\System32\<NAME>.EXE), so no PowerShell
 * function can stand in for them: real executables (node scripts) that log their arguments, one JSON array per call,
 * to `<NAME>.EXE.calls`, print `<NAME>.EXE.out` and exit with `<NAME>.EXE.code` (default 0).
 */
export const SYSTEM_TOOLS = ["TRACERT.EXE", "PATHPING.EXE"];
const SYSTEM_TOOL_SOURCE = `#!/usr/bin/env node
const fs = require("fs");
const path = require("path");
const me = process.argv[1];
fs.appendFileSync(me + ".calls", JSON.stringify(process.argv.slice(2)) + "\\n");
const read = (ext, dflt) => { try { return fs.readFileSync(me + ext, "utf8"); } catch { return dflt; } };
process.stdout.write(read(".out", ""));
process.exitCode = Number(read(".code", "0"));
`;

export interface RunOpts {
  whatIf?: boolean;
  elevated?: boolean;
  timeoutMs?: number;
}

/**
 * One fake PC (game install, launcher settings with tokens, stand-in state) and one warm runner over it. Tests
 * `reset()` the PC instead of starting a new shell, so the whole file shares one session.
 */
export class StandInPc {
  readonly gameDir: string;
  readonly appData: string;
  readonly statePath: string;
  readonly dataDir: string;
  /** %SystemRoot% of the fake PC: System32 holds the tool stand-ins. */
  readonly systemRoot: string;
  readonly runner: StandInRunner;
  private counter = 0;

  /** `envOverrides`: variables the shell sees differently from `env()` (a PC without %SystemRoot%, say). */
  constructor(readonly dir: string, pwsh: string, extra: Partial<PowerShellRunnerOptions> = {}, envOverrides: Record<string, string> = {}) {
    this.gameDir = join(dir, "Battlestate Games", "Escape from Tarkov");
    this.appData = join(dir, "AppData");
    this.statePath = join(dir, "state.json");
    this.dataDir = join(dir, "data");
    this.systemRoot = join(dir, "Windows");
    this.reset();
    this.runner = new StandInRunner({
      installDir: ROOT,
      dataDir: this.dataDir,
      executable: pwsh,
      env: { ...process.env, ...this.env(), ...envOverrides },
      timeoutMs: 60_000,
      startTimeoutMs: 60_000,
      elevator: null,
      ...extra,
    });
  }

  /** Environment the stand-in and the scripts read (the session's, or an "elevated" process's). */
  env(): Record<string, string> {
    return { AGENT_STANDIN: STAND_IN, AGENT_STANDIN_STATE: this.statePath, APPDATA: this.appData, SystemDrive: "", SystemRoot: this.systemRoot };
  }

  /** A fresh PC: game files, launcher settings, base state (optionally changed by `edit`). */
  reset(edit?: (s: State) => void): void {
    rmSync(join(this.dir, "Battlestate Games"), { recursive: true, force: true });
    const launcherDir = join(this.dir, "Battlestate Games", "BsgLauncher");
    mkdirSync(this.gameDir, { recursive: true });
    mkdirSync(launcherDir, { recursive: true });
    mkdirSync(join(this.appData, "Battlestate Games", "BsgLauncher"), { recursive: true });
    for (const f of ["EscapeFromTarkov.exe", "EscapeFromTarkov_BE.exe"]) writeFileSync(join(this.gameDir, f), "");
    writeFileSync(join(launcherDir, "BsgLauncher.exe"), "");
    writeFileSync(join(this.appData, "Battlestate Games", "BsgLauncher", "settings"),
      JSON.stringify({ gamesRootDir: join(this.dir, "Battlestate Games"), at: "SECRET-ACCESS-TOKEN", rt: "SECRET-REFRESH-TOKEN" }));
    rmSync(this.systemRoot, { recursive: true, force: true });
    mkdirSync(join(this.systemRoot, "System32"), { recursive: true });
    for (const tool of SYSTEM_TOOLS) {
      writeFileSync(this.systemTool(tool), SYSTEM_TOOL_SOURCE);
      chmodSync(this.systemTool(tool), 0o755);
    }
    const s = baseState(this.gameDir);
    edit?.(s);
    this.write(s);
  }

  /** Path of a tool stand-in in the fake PC's System32. */
  systemTool(name: string): string {
    return join(this.systemRoot, "System32", name);
  }

  /** What a tool stand-in will print and exit with. */
  setSystemTool(name: string, output: string, exitCode = 0): void {
    writeFileSync(`${this.systemTool(name)}.out`, output);
    writeFileSync(`${this.systemTool(name)}.code`, String(exitCode));
  }

  /** The argument lists a tool stand-in was called with. */
  systemToolCalls(name: string): string[][] {
    const path = `${this.systemTool(name)}.calls`;
    return existsSync(path) ? readFileSync(path, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as string[]) : [];
  }

  state(): State {
    return JSON.parse(readFileSync(this.statePath, "utf8")) as State;
  }
  write(s: State): void {
    writeFileSync(this.statePath, JSON.stringify(s, null, 2));
  }
  edit(fn: (s: State) => void): void {
    const s = this.state();
    fn(s);
    this.write(s);
  }
  /** State without the call log: what the machine looks like. */
  machine(): Omit<State, "calls"> {
    const { calls: _calls, ...rest } = this.state();
    return rest;
  }
  calls(): { name: string; args: unknown }[] {
    return this.state().calls ?? [];
  }

  /** Runs a script through the real runner; fails the test on a runner error. Returns the result and its raw file. */
  async run(script: string, params: unknown, opts: RunOpts = {}): Promise<FixResult & { raw: string; outcome: RunOutcome }> {
    const out = await this.runner.run({ script, params, mode: /^Get-/.test(script) ? "Read" : /^(Remove|Restore)-/.test(script) ? "Undo" : "Apply", whatIf: opts.whatIf, elevated: opts.elevated, timeoutMs: opts.timeoutMs });
    if (!out.ok) throw new Error(`${script}: runner said ${out.code}: ${out.message}\nstdout: ${out.stdoutTail}\nstderr: ${out.stderrTail}`);
    const raw = readFileSync(join(this.dataDir, "runs", out.runId, "result.json"), "utf8");
    if (raw.charCodeAt(0) === 0xfeff) throw new Error(`${script}: the result file starts with a BOM`);
    this.counter++;
    return { ...out.result, raw, outcome: out };
  }

  /** Runs a script and returns the runner's outcome as it is (for failure paths). */
  outcome(script: string, params: unknown, opts: RunOpts = {}): Promise<RunOutcome> {
    return this.runner.run({ script, params, mode: /^Get-/.test(script) ? "Read" : /^(Remove|Restore)-/.test(script) ? "Undo" : "Apply", whatIf: opts.whatIf, elevated: opts.elevated, timeoutMs: opts.timeoutMs });
  }

  async dispose(): Promise<void> {
    await this.runner.dispose();
  }
}

/**
 * One warm stand-in PC for the whole describe block, in a temp folder of its own named by `prefix` (its `dir`): made
 * and warmed before the block's tests, its shell disposed and the folder removed after them. `use` receives it.
 */
export function useStandInPc(pwsh: string, prefix: string, use: (pc: StandInPc) => void): void {
  let pc: StandInPc | undefined;
  beforeAll(() => {
    pc = new StandInPc(mkdtempSync(join(tmpdir(), prefix)), pwsh);
    pc.runner.warm();
    use(pc);
  });
  afterAll(async () => {
    if (pc === undefined) return;
    await pc.dispose();
    rmSync(pc.dir, { recursive: true, force: true });
  }, 120_000);
}

/**
 * A stand-in PC in `dir`/pc whose elevated runs go to an administrator's session, with the scripts run from an
 * install folder in `dir`/install that has its own build-time manifest (elevated runs are verified against it, as
 * on an installed copy). The runner is warm; the caller disposes both.
 */
export function standInPcWithAdmin(dir: string, pwsh: string, extra: Partial<PowerShellRunnerOptions> = {}): { pc: StandInPc; elevator: AdminSessionElevator } {
  const install = join(dir, "install");
  cpSync(join(ROOT, "scripts"), join(install, "scripts"), { recursive: true, filter: (src) => !src.endsWith("manifest.json") });
  execFileSync(process.execPath, [join(ROOT, "tools", "gen-manifest.mjs"), join(install, "scripts")], { stdio: "pipe" });
  const elevator = new AdminSessionElevator(pwsh, { AGENT_STANDIN: STAND_IN, AGENT_STANDIN_STATE: join(dir, "pc", "state.json"), APPDATA: join(dir, "pc", "AppData"), SystemDrive: "" });
  const pc = new StandInPc(join(dir, "pc"), pwsh, { installDir: install, elevator, ...extra });
  pc.runner.warm();
  return { pc, elevator };
}

/** Runs elevated requests in a warm pwsh of its own that the stand-in sees as an administrator's. */
export class AdminSessionElevator implements Elevator {
  private session: PowerShellSession | null = null;
  readonly seen: ElevationRequest[] = [];
  /** Scripts whose elevated run does its work but whose answer is lost (the runner then reports a timeout). */
  readonly loseAnswer = new Set<string>();
  constructor(private readonly pwsh: string, private readonly env: Record<string, string>) {}

  async runElevated(req: ElevationRequest): Promise<ElevationOutcome> {
    this.seen.push(req);
    this.session ??= PowerShellSession.start({
      executable: this.pwsh,
      env: { ...process.env, ...this.env, AGENT_STANDIN_ADMIN: "1" },
      cwd: tmpdir(),
      prelude: [...SESSION_PRELUDE, "Import-Module -Name $env:AGENT_STANDIN -DisableNameChecking -Global"],
      startTimeoutMs: 60_000,
    });
    await this.session.ready;
    const r = await this.session.invoke(buildScriptCommand(psQuote(req.scriptPath), psQuote(req.paramsPath), psQuote(req.resultPath), req.whatIf), req.timeoutMs);
    if (r.kind !== "ok") return { ok: false, code: r.kind === "timeout" ? "PS_TIMEOUT" : "PS_EXITED", message: `admin session: ${r.kind}`, stdout: "", stderr: "" };
    if (this.loseAnswer.delete(req.script)) return { ok: false, code: "PS_TIMEOUT", message: "the elevated run did not answer in time", stdout: r.stdout, stderr: r.stderr };
    return { ok: true, exitCode: 0, stdout: r.stdout, stderr: r.stderr };
  }
  async dispose(): Promise<void> {
    await this.session?.dispose();
  }
}
