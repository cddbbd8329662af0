/**
 * The elevated task for pre-approved fixes, end to end on Linux: the real ScheduledTaskElevator writes the request
 * and "runs the task", which here is real pwsh running installer/task/Invoke-AgentElevatedTask.ps1 from a copy of the
 * install folder (with its own build-time manifest) exactly as tarkov-agent-fixes.exe would, plus
 * test/ps/WindowsStandIn.psm1 standing in for the Windows cmdlets over a JSON machine state. Only schtasks.exe and
 * the UAC fallback are played by the test. Needs pwsh (.tools/pwsh/pwsh or PATH): under CI it must be there.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { basename, delimiter, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseWhoamiSid, ScheduledTaskElevator, TASK_SCRIPTS, taskNameFor, type TaskStatus } from "../../src/ports/elevated-task.js";
import type { ElevationOutcome, ElevationRequest, Elevator } from "../../src/ports/powershell.js";
import { allNodes, APPROVED_VERBS, commandCalls, functionNames, parsePs, syntaxErrors, syntaxNewerThan51 } from "../ps/powershell-ast.js";

const ROOT = join(import.meta.dirname, "..", "..");
const STAND_IN = join(ROOT, "test", "ps", "WindowsStandIn.psm1");
const DISPATCHER = join(ROOT, "installer", "task", "Invoke-AgentElevatedTask.ps1");

function findPwsh(): string | null {
  const local = join(ROOT, ".tools", "pwsh", "pwsh");
  if (existsSync(local)) return local;
  for (const dir of (process.env.PATH ?? "").split(delimiter)) if (dir && existsSync(join(dir, "pwsh"))) return join(dir, "pwsh");
  return null;
}
const PWSH = findPwsh();
if (!PWSH && process.env.CI) throw new Error("pwsh is required on CI (.ci/run installs it into .tools/pwsh)");
const itPwsh = PWSH ? it : it.skip;

const WORK = mkdtempSync(join(tmpdir(), "tca-elevated-"));
// Every dispatcher run is a cold pwsh start (1.5 s on an idle machine, far more on a busy one).
const PWSH_TEST_MS = 240_000;
afterAll(() => rmSync(WORK, { recursive: true, force: true }));

const GUID_ETH = "{11111111-1111-1111-1111-111111111111}";
const GUID_VPN = "{33333333-3333-3333-3333-333333333333}";
const V4 = (g: string) => `HKLM:\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters\\Interfaces\\${g}`;
const V6 = (g: string) => `HKLM:\\SYSTEM\\CurrentControlSet\\Services\\Tcpip6\\Parameters\\Interfaces\\${g}`;
const UNINSTALL = "HKLM:\\SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\EscapeFromTarkov";
const USER = userInfo().username;

interface Install {
  dir: string;
  scripts: string;
  requestDir: string;
  statePath: string;
  gameDir: string;
  out: string;
}

/** A copy of the install folder's scripts with a manifest of its own, a fake game folder and a machine state. */
function makeInstall(opts: { hklmGame?: boolean } = {}): Install {
  const dir = mkdtempSync(join(WORK, "install-"));
  const scripts = join(dir, "scripts");
  cpSync(join(ROOT, "scripts"), scripts, { recursive: true, filter: (src) => !src.endsWith("manifest.json") });
  execFileSync(process.execPath, [join(ROOT, "tools", "gen-manifest.mjs"), scripts], { stdio: "pipe" });
  cpSync(join(ROOT, "installer", "task"), join(dir, "task"), { recursive: true });
  const gameDir = join(dir, "Games", "Escape from Tarkov");
  mkdirSync(gameDir, { recursive: true });
  for (const f of ["EscapeFromTarkov.exe", "EscapeFromTarkov_BE.exe"]) writeFileSync(join(gameDir, f), "");
  const adapter = (i: number, name: string, desc: string, guid: string, virtual: boolean) => ({
    InterfaceIndex: i, Name: name, InterfaceDescription: desc, InterfaceGuid: guid, Status: "Up", Virtual: virtual, HardwareInterface: !virtual,
    PhysicalMediaType: virtual ? "Unspecified" : "802.3", MediaType: "802.3", LinkSpeed: "1 Gbps", ReceiveLinkSpeed: 1_000_000_000,
    DriverProvider: "Realtek", DriverVersionString: "10.68.0.0", DriverDate: "2021-05-11", Dhcp: "Enabled", IPv4Addresses: ["192.168.1.20"],
  });
  const state = {
    adapters: [adapter(12, "Ethernet", "Realtek PCIe GbE Family Controller", GUID_ETH, false), adapter(30, "wg0", "WireGuard Tunnel", GUID_VPN, true)],
    routes: [
      { DestinationPrefix: "0.0.0.0/0", InterfaceIndex: 30, NextHop: "0.0.0.0", RouteMetric: 0, InterfaceMetric: 5 },
      { DestinationPrefix: "0.0.0.0/0", InterfaceIndex: 12, NextHop: "192.168.1.1", RouteMetric: 0, InterfaceMetric: 25 },
    ],
    registry: {
      [V4(GUID_ETH)]: { NameServer: "192.168.1.53,192.168.1.1", DhcpNameServer: "192.168.1.1", EnableDHCP: 1 },
      [V6(GUID_ETH)]: { NameServer: "" },
      [V4(GUID_VPN)]: { NameServer: "10.64.0.1" },
      [V6(GUID_VPN)]: { NameServer: "" },
      ...(opts.hklmGame === false ? {} : { [UNINSTALL]: { InstallLocation: gameDir, DisplayVersion: "0.16.0.1" } }),
    },
    firewallRules: [],
    firewallProfiles: [{ Name: "Private", Enabled: "True", DefaultInboundAction: "Block", DefaultOutboundAction: "Allow" }],
    processes: [],
    calls: [],
  };
  const statePath = join(dir, "state.json");
  writeFileSync(statePath, JSON.stringify(state, null, 2));
  return { dir, scripts, requestDir: join(dir, "user-data", "elevated"), statePath, gameDir, out: join(dir, "elevated", USER) };
}

const machine = (i: Install) => JSON.parse(readFileSync(i.statePath, "utf8")) as { registry: Record<string, Record<string, unknown>>; firewallRules: { Program: string; Group: string }[] };

/** What tarkov-agent-fixes.exe does, with the test's request path and output root (the real task passes none). */
function runDispatcher(i: Install): number {
  const command = "Import-Module -Name $env:AGENT_STANDIN -DisableNameChecking; & $env:AGENT_DISPATCHER -RequestPath $env:AGENT_REQUEST -OutputRoot $env:AGENT_OUT; exit $LASTEXITCODE";
  const r = spawnSync(PWSH!, ["-NoProfile", "-NonInteractive", "-Command", command], {
    encoding: "utf8",
    timeout: 60_000,
    env: { ...process.env, AGENT_STANDIN: STAND_IN, AGENT_STANDIN_STATE: i.statePath, AGENT_DISPATCHER: join(i.dir, "task", "Invoke-AgentElevatedTask.ps1"), AGENT_REQUEST: join(i.requestDir, "request.json"), AGENT_OUT: join(i.dir, "elevated") },
  });
  if (r.status === null) throw new Error(`dispatcher did not finish: ${r.error?.message}`);
  return r.status;
}

const status = (i: Install, id: string) => JSON.parse(readFileSync(join(i.out, `${id}.status.json`), "utf8")) as TaskStatus;

/** The UAC elevator, played by the test: it records that it was asked and says the player declined. */
function uac(): Elevator & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    async runElevated(req: ElevationRequest): Promise<ElevationOutcome> {
      asked.push(req.script);
      return { ok: false, code: "ELEVATION_CANCELLED", message: "declined (test)", stdout: "", stderr: "" };
    },
  };
}

function elevator(i: Install, opts: { approved?: string[]; registered?: boolean; taskRuns?: boolean | "takes-and-hangs" } = {}) {
  const fallback = uac();
  const schtasks: string[][] = [];
  const e = new ScheduledTaskElevator({
    fallback,
    installDir: i.dir,
    requestDir: i.requestDir,
    taskName: taskNameFor(USER),
    approved: (script) => (opts.approved ?? TASK_SCRIPTS).includes(script),
    userKey: async () => USER,
    schtasks: async (args) => {
      schtasks.push(args);
      if (args[0] === "/Query") return opts.registered === false ? 1 : 0;
      if (opts.taskRuns === "takes-and-hangs") rmSync(join(i.requestDir, "request.json"));
      else if (opts.taskRuns !== false) runDispatcher(i);
      return 0;
    },
    startTimeoutMs: 1_500,
    pollMs: 20,
  });
  return { e, fallback, schtasks };
}

let runs = 0;
/** The request the PowerShell runner builds: `-File <install>\scripts\X.ps1 -ParamsPath … -ResultPath …`. */
function runnerRequest(i: Install, script: string, params: unknown, whatIf = false): ElevationRequest & { resultPath: string } {
  const runDir = join(i.dir, "user-data", "runs", `r-20260101000000000-${(++runs).toString(16).padStart(8, "0")}`);
  mkdirSync(runDir, { recursive: true });
  writeFileSync(join(runDir, "params.json"), JSON.stringify(params));
  const resultPath = join(runDir, "result.json");
  const args = ["-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass", "-File", join(i.scripts, script), "-ParamsPath", join(runDir, "params.json"), "-ResultPath", resultPath, ...(whatIf ? ["-WhatIf"] : [])];
  const runId = basename(runDir);
  return { script, scriptPath: join(i.scripts, script), runId, paramsPath: join(runDir, "params.json"), resultPath, whatIf, executable: "powershell.exe", args, timeoutMs: 20_000 };
}

describe("installer/task/Invoke-AgentElevatedTask.ps1 holds to the house rules for PowerShell", () => {
  it("parses, is Windows PowerShell 5.1 and ASCII, StrictMode 3.0, approved verbs, no code from strings", async () => {
    const src = readFileSync(DISPATCHER, "utf8");
    const root = (await parsePs(src)).rootNode;
    expect(syntaxErrors(root)).toEqual([]);
    expect(syntaxNewerThan51(root)).toEqual([]);
    expect([...src].filter((ch) => ch.charCodeAt(0) > 0x7e)).toEqual([]);
    expect(src.split(/\r?\n/)[0]).toBe("#Requires -Version 5.1");
    const calls = commandCalls(root);
    expect(calls.some((c) => c.name === "Set-StrictMode" && /-Version\s+3\.0/.test(c.args))).toBe(true);
    for (const { name } of functionNames(root)) expect(APPROVED_VERBS.has(name.split("-")[0] ?? ""), name).toBe(true);
    const forbidden = ["Invoke-Expression", "iex", "Invoke-Command", "Start-Process", "Add-Type", "Write-Host", "cmd", "powershell", "pwsh"].map((c) => c.toLowerCase());
    expect(calls.filter((c) => forbidden.includes(c.name.toLowerCase())).map((c) => c.name)).toEqual([]);
    expect(allNodes(root).filter((n) => n.childCount === 0 && /\[scriptblock\]::Create|NewScriptBlock|InvokeScript|EncodedCommand/i.test(n.text))).toEqual([]);
    // The one dynamic call runs a fixed, allow-listed file name from the install's scripts folder.
    const dynamic = calls.filter((c) => c.callOperator).map((c) => c.node.text.split(" -ParamsPath")[0]);
    expect(dynamic).toEqual(["& (Join-Path $scriptsDir $script)"]);
  });
});

describe("the task's allow-list", () => {
  it("is the same in the dispatcher and in the agent, and leaves the high-risk fixes out", () => {
    const ps = readFileSync(DISPATCHER, "utf8");
    const list = /\$AllowedScripts = @\(([^)]*)\)/.exec(ps)![1]!.match(/'([^']+)'/g)!.map((s) => s.slice(1, -1));
    expect(list).toEqual([...TASK_SCRIPTS]);
    expect(list).not.toContain("Add-AgentDefenderExclusion.ps1");
    expect(list).not.toContain("Reset-AgentNetworkStack.ps1");
  });

  it("reads the SID from whoami", () => {
    expect(parseWhoamiSid('"desktop-1\\иван","S-1-5-21-1004336348-1177238915-682003330-1001"\r\n')).toBe("S-1-5-21-1004336348-1177238915-682003330-1001");
    expect(parseWhoamiSid("ERROR: access denied")).toBeNull();
  });
});

describe("approved fixes through the task (real dispatcher under pwsh)", { timeout: PWSH_TEST_MS }, () => {
  let i: Install;
  beforeAll(() => {
    i = makeInstall();
  });

  itPwsh("switch-dns runs without UAC, with parameters rebuilt from the provider alone; the replaced setup is recorded", async () => {
    const { e, fallback, schtasks } = elevator(i);
    // Everything but the provider is hostile: a server list of the attacker's and the VPN adapter.
    const req = runnerRequest(i, "Set-AgentDnsServer.ps1", { provider: "quad9", ipv4: ["203.0.113.66"], ipv6: [], interfaceIndexes: [30], physicalAdaptersOnly: true });
    const out = await e.runElevated(req);
    expect(out).toEqual({ ok: true, exitCode: 0, stdout: "", stderr: "" });
    expect(fallback.asked).toEqual([]);
    expect(schtasks).toEqual([["/Query", "/TN", taskNameFor(USER)], ["/Run", "/TN", taskNameFor(USER)]]);
    const result = JSON.parse(readFileSync(req.resultPath, "utf8")) as { script: string; status: string; before: unknown };
    expect(result).toMatchObject({ script: "Set-AgentDnsServer", status: "Changed" });
    const reg = machine(i).registry;
    expect(reg[V4(GUID_ETH)]!.NameServer).toBe("9.9.9.9,149.112.112.112");
    expect(reg[V4(GUID_VPN)]!.NameServer).toBe("10.64.0.1");
    const id = readdirSync(i.out).find((f) => f.endsWith(".params.json"))!;
    expect(JSON.parse(readFileSync(join(i.out, id), "utf8"))).toEqual({ provider: "quad9", physicalAdaptersOnly: true });
    expect(readdirSync(join(i.out, "dns-snapshots"))).toHaveLength(1);
    expect(existsSync(join(i.requestDir, "request.json"))).toBe(false);
  });

  itPwsh("restore-dns through the task only for a setup the task recorded; a forged one goes to UAC", async () => {
    const { e, fallback } = elevator(i);
    const switched = readdirSync(i.out).find((f) => f.endsWith(".result.json"))!;
    const before = (JSON.parse(readFileSync(join(i.out, switched), "utf8")) as { before: unknown }).before;
    // The journal round-trips "before" through JSON, as the engine's undo envelope does.
    const envelope = JSON.parse(JSON.stringify({ fixId: "switch-dns", snapshot: before, applied: null, params: { provider: "quad9" } }));
    const forged = JSON.parse(JSON.stringify(envelope).replace(/192\.168\.1\.53/g, "203.0.113.66"));
    expect(JSON.stringify(forged)).not.toBe(JSON.stringify(envelope));

    expect((await e.runElevated(runnerRequest(i, "Restore-AgentDnsServer.ps1", forged))).ok).toBe(false);
    expect(fallback.asked).toEqual(["Restore-AgentDnsServer.ps1"]);
    const refused = readdirSync(i.out).filter((f) => f.endsWith(".status.json")).map((f) => JSON.parse(readFileSync(join(i.out, f), "utf8")) as TaskStatus);
    expect(refused.find((s) => !s.ok)).toMatchObject({ code: "TASK_REFUSED", message: expect.stringContaining("not recorded") });
    expect(machine(i).registry[V4(GUID_ETH)]!.NameServer).toBe("9.9.9.9,149.112.112.112");

    const req = runnerRequest(i, "Restore-AgentDnsServer.ps1", envelope);
    expect(await e.runElevated(req)).toMatchObject({ ok: true });
    expect(fallback.asked).toEqual(["Restore-AgentDnsServer.ps1"]);
    expect(JSON.parse(readFileSync(req.resultPath, "utf8"))).toMatchObject({ script: "Restore-AgentDnsServer", status: "Changed" });
    expect(machine(i).registry[V4(GUID_ETH)]!.NameServer).toBe("192.168.1.53,192.168.1.1");
  });

  itPwsh("firewall rule: bare program names only, and the game folder comes from HKLM, never from the request", async () => {
    const { e, fallback } = elevator(i);
    const evil = join(i.dir, "Downloads");
    mkdirSync(evil, { recursive: true });
    writeFileSync(join(evil, "EscapeFromTarkov.exe"), "");
    expect((await e.runElevated(runnerRequest(i, "Add-AgentFirewallRule.ps1", { group: "Tarkov Connection Agent", installDir: null, programs: [join(evil, "EscapeFromTarkov.exe")] }))).ok).toBe(false);
    expect(fallback.asked).toEqual(["Add-AgentFirewallRule.ps1"]);
    expect(machine(i).firewallRules).toEqual([]);

    const req = runnerRequest(i, "Add-AgentFirewallRule.ps1", { group: "Tarkov Connection Agent", installDir: evil, programs: ["EscapeFromTarkov.exe"] });
    expect(await e.runElevated(req)).toMatchObject({ ok: true });
    const rules = machine(i).firewallRules;
    expect(rules.length).toBeGreaterThan(0);
    expect(rules.every((r) => r.Program === join(i.gameDir, "EscapeFromTarkov.exe") && r.Group === "Tarkov Connection Agent")).toBe(true);
  });

  itPwsh("a fix the player did not approve, or one the task never takes, keeps asking with UAC", async () => {
    const { e, fallback, schtasks } = elevator(i, { approved: [] });
    await e.runElevated(runnerRequest(i, "Update-AgentDhcpLease.ps1", {}));
    const high = elevator(i);
    await high.e.runElevated(runnerRequest(i, "Add-AgentDefenderExclusion.ps1", { installDir: null, processes: ["EscapeFromTarkov.exe"] }));
    expect(fallback.asked).toEqual(["Update-AgentDhcpLease.ps1"]);
    expect(high.fallback.asked).toEqual(["Add-AgentDefenderExclusion.ps1"]);
    expect([...schtasks, ...high.schtasks]).toEqual([]);
  });

  itPwsh("no task registered for this user (not installed by them) → UAC", async () => {
    const { e, fallback, schtasks } = elevator(i, { registered: false });
    await e.runElevated(runnerRequest(i, "Update-AgentDhcpLease.ps1", {}));
    expect(fallback.asked).toEqual(["Update-AgentDhcpLease.ps1"]);
    expect(schtasks).toEqual([["/Query", "/TN", taskNameFor(USER)]]);
  });

  it("a task that took the request but never reports: state unknown, and no second try through UAC", async () => {
    const j = makeInstall();
    const { e, fallback } = elevator(j, { taskRuns: "takes-and-hangs" });
    const out = await e.runElevated({ ...runnerRequest(j, "Update-AgentDhcpLease.ps1", {}), timeoutMs: 2_500 });
    expect(out).toMatchObject({ ok: false, code: "PS_TIMEOUT", message: expect.stringContaining("system state is unknown") });
    expect(fallback.asked).toEqual([]);
  });

  itPwsh("a task that never starts: the request is withdrawn and UAC asks", async () => {
    const { e, fallback } = elevator(i, { taskRuns: false });
    await e.runElevated(runnerRequest(i, "Update-AgentDhcpLease.ps1", {}));
    expect(fallback.asked).toEqual(["Update-AgentDhcpLease.ps1"]);
    expect(existsSync(join(i.requestDir, "request.json"))).toBe(false);
  });
});

describe("the dispatcher refuses what it was not built for (real pwsh)", { timeout: PWSH_TEST_MS }, () => {
  const request = (i: Install, body: unknown) => {
    mkdirSync(i.requestDir, { recursive: true });
    writeFileSync(join(i.requestDir, "request.json"), typeof body === "string" ? body : JSON.stringify(body));
  };

  itPwsh("a script off the allow-list, even one of ours, is refused and nothing changes", () => {
    const i = makeInstall();
    const before = readFileSync(i.statePath, "utf8");
    request(i, { schema: 1, id: "r-1", script: "Add-AgentDefenderExclusion.ps1", whatIf: false, params: { processes: ["EscapeFromTarkov.exe"] } });
    expect(runDispatcher(i)).toBe(1);
    expect(status(i, "r-1")).toMatchObject({ ok: false, code: "TASK_REFUSED" });
    request(i, { schema: 1, id: "r-2", script: "..\\..\\Windows\\evil.ps1", whatIf: false, params: {} });
    expect(runDispatcher(i)).toBe(1);
    expect(status(i, "r-2")).toMatchObject({ ok: false, code: "TASK_REFUSED" });
    expect(readFileSync(i.statePath, "utf8")).toBe(before);
  });

  itPwsh("a tampered script or lib module is refused (manifest), before anything runs", () => {
    const i = makeInstall();
    const before = readFileSync(i.statePath, "utf8");
    writeFileSync(join(i.scripts, "Update-AgentDhcpLease.ps1"), readFileSync(join(i.scripts, "Update-AgentDhcpLease.ps1"), "utf8") + "\n# extra line\n");
    request(i, { schema: 1, id: "r-3", script: "Update-AgentDhcpLease.ps1", whatIf: false, params: {} });
    expect(runDispatcher(i)).toBe(1);
    expect(status(i, "r-3")).toMatchObject({ ok: false, code: "TASK_TAMPERED", message: "Update-AgentDhcpLease.ps1 does not match the manifest" });

    const j = makeInstall();
    writeFileSync(join(j.scripts, "lib", "AgentScript.psm1"), "# replaced\n");
    request(j, { schema: 1, id: "r-4", script: "Set-AgentDnsServer.ps1", whatIf: false, params: { provider: "google" } });
    expect(runDispatcher(j)).toBe(1);
    expect(status(j, "r-4")).toMatchObject({ code: "TASK_TAMPERED", message: "lib/AgentScript.psm1 does not match the manifest" });
    expect(readFileSync(i.statePath, "utf8")).toBe(before);
  });

  itPwsh("bad requests: not JSON, a path in the id, a string whatIf, an unknown provider, no HKLM game", () => {
    const i = makeInstall({ hklmGame: false });
    request(i, "{not json");
    expect(runDispatcher(i)).toBe(1);
    expect(status(i, "invalid")).toMatchObject({ code: "TASK_BAD_REQUEST", message: "request is not JSON" });
    request(i, { schema: 1, id: "..\\..\\Windows\\System32\\x", script: "Update-AgentDhcpLease.ps1", whatIf: false, params: {} });
    expect(runDispatcher(i)).toBe(1);
    expect(status(i, "invalid").message).toMatch(/request id/);
    expect(existsSync(join(i.dir, "Windows"))).toBe(false);
    request(i, { schema: 1, id: "r-5", script: "Update-AgentDhcpLease.ps1", whatIf: "false", params: {} });
    expect(runDispatcher(i)).toBe(1);
    expect(status(i, "r-5")).toMatchObject({ code: "TASK_BAD_REQUEST", message: "whatIf must be true or false" });
    request(i, { schema: 1, id: "r-6", script: "Set-AgentDnsServer.ps1", whatIf: false, params: { provider: "$(Remove-Item C:\\x)" } });
    expect(runDispatcher(i)).toBe(1);
    expect(status(i, "r-6")).toMatchObject({ code: "TASK_REFUSED", message: expect.stringMatching(/^provider must be one of/) });
    request(i, { schema: 1, id: "r-7", script: "Add-AgentFirewallRule.ps1", whatIf: false, params: { programs: ["EscapeFromTarkov.exe"] } });
    expect(runDispatcher(i)).toBe(1);
    expect(status(i, "r-7")).toMatchObject({ code: "TASK_REFUSED", message: "the game folder is not registered in HKLM" });
    writeFileSync(join(i.requestDir, "request.json"), "x".repeat(70_000));
    expect(runDispatcher(i)).toBe(1);
    expect(status(i, "invalid").message).toBe("request file too large");
  });

  itPwsh("-WhatIf goes through to the script: a plan, no change", () => {
    const i = makeInstall();
    const before = JSON.stringify(machine(i).registry);
    request(i, { schema: 1, id: "r-8", script: "Set-AgentDnsServer.ps1", whatIf: true, params: { provider: "cloudflare" } });
    expect(runDispatcher(i)).toBe(0);
    expect(status(i, "r-8")).toMatchObject({ ok: true, code: "TASK_OK" });
    expect(JSON.parse(readFileSync(join(i.out, "r-8.result.json"), "utf8"))).toMatchObject({ whatIf: true, status: "WouldChange" });
    expect(JSON.stringify(machine(i).registry)).toBe(before);
    expect(existsSync(join(i.out, "dns-snapshots"))).toBe(false);
  });
});
