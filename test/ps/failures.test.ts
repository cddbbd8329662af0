/**
 * Every documented failure path of every script, under real pwsh through the agent's runner (one warm session,
 * stand-in module): each one writes its result file with the status and the plain-words reason the script's help
 * and throw statements promise. The runner's own codes with a real shell (a script that hangs, kills the shell,
 * writes no result, or a result too deep for ConvertTo-Json) map to PS_TIMEOUT / PS_EXITED / PS_CONTRACT, with the
 * exit code in the message and no terminal control sequences anywhere.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { ResultStatus } from "../../src/fixes/result-schema.js";
import { PowerShellRunner } from "../../src/ports/powershell.js";
import { describePwsh, GUID_ETH, ROOT, StandInPc, UNINSTALL, useStandInPc, type State } from "./harness.js";

interface Case {
  script: string;
  params: (pc: StandInPc) => unknown;
  setup?: (s: State, pc: StandInPc) => void;
  whatIf?: boolean;
  status: ResultStatus;
  /** error.message for Failed, data.reason for Skipped. */
  says: RegExp;
  /** Environment the shell must have for this case: it then runs in a session of its own. */
  env?: Record<string, string>;
}

const snap = (over: Record<string, unknown> = {}) => ({
  fixId: "switch-dns", applied: null, params: null,
  snapshot: { adapters: [{ interfaceIndex: 12, interfaceAlias: "Ethernet", interfaceGuid: GUID_ETH, ipv4: { source: "Static", servers: ["1.1.1.1"] }, ipv6: { source: "Dhcp", servers: [] }, ...over }] },
});
const noVpnRoute = (s: State) => (s.routes = (s.routes as { InterfaceIndex: number }[]).filter((r) => r.InterfaceIndex !== 30));
const fail = (s: State, cmd: string, message: string) => ((s.failures as Record<string, string>)[cmd] = message);
const FW = (pc: StandInPc) => ({ group: "Tarkov Connection Agent", installDir: pc.gameDir, programs: ["EscapeFromTarkov.exe"] });
const DEF = (pc: StandInPc) => ({ installDir: pc.gameDir, processes: ["EscapeFromTarkov.exe"] });

/** Named by the failure they walk; the name says where it is documented (throw or Set-AgentSkipped). */
const CASES: Record<string, Case> = {
  "Set-AgentDnsServer: unknown provider": { script: "Set-AgentDnsServer.ps1", params: () => ({ provider: "evil" }), status: "Failed", says: /Expected provider to be one of cloudflare, google, quad9; got 'evil'/ },
  "Set-AgentDnsServer: servers other than the provider's": { script: "Set-AgentDnsServer.ps1", params: () => ({ provider: "google", ipv4: ["6.6.6.6"] }), status: "Failed", says: /Expected params\.ipv4 to be google's servers/ },
  "Set-AgentDnsServer: a VPN adapter asked for": { script: "Set-AgentDnsServer.ps1", params: () => ({ provider: "google", interfaceIndexes: [30] }), status: "Failed", says: /Expected interface 30 to be an active physical adapter/ },
  "Set-AgentDnsServer: no active physical adapter": {
    script: "Set-AgentDnsServer.ps1", params: () => ({ provider: "google" }), status: "Skipped", says: /No active physical adapter/,
    setup: (s) => (s.adapters as { Status: string; Virtual: boolean }[]).forEach((a) => (a.Status = a.Virtual ? "Up" : "Disconnected")),
  },
  "Set-AgentDnsServer: Windows refuses the change": {
    script: "Set-AgentDnsServer.ps1", params: () => ({ provider: "google" }), status: "Failed", says: /Access denied/,
    setup: (s) => fail(s, "Set-DnsClientServerAddress", "Access denied (MSFT_DnsClientServerAddress)"),
  },
  "Restore-AgentDnsServer: no snapshot": { script: "Restore-AgentDnsServer.ps1", params: () => ({ fixId: "switch-dns" }), status: "Failed", says: /Expected params\.snapshot/ },
  "Restore-AgentDnsServer: not a GUID": { script: "Restore-AgentDnsServer.ps1", params: () => snap({ interfaceGuid: "eth0" }), status: "Failed", says: /Expected an interface GUID like \{xxxxxxxx-\.\.\.\} in the snapshot, got 'eth0'/ },
  "Restore-AgentDnsServer: unknown source": { script: "Restore-AgentDnsServer.ps1", params: () => snap({ ipv4: { source: "Manual", servers: [] } }), status: "Failed", says: /Expected IPv4 source 'Static' or 'Dhcp'/ },
  "Restore-AgentDnsServer: not an IP address": { script: "Restore-AgentDnsServer.ps1", params: () => snap({ ipv4: { source: "Static", servers: ["dns.example"] } }), status: "Failed", says: /Expected IP addresses in the IPv4 snapshot/ },
  "Restore-AgentDnsServer: static without servers": { script: "Restore-AgentDnsServer.ps1", params: () => snap({ ipv6: { source: "Static", servers: [] } }), status: "Failed", says: /Expected a server list for the static IPv6 snapshot/ },
  "Restore-AgentDnsServer: Windows refuses the change": {
    script: "Restore-AgentDnsServer.ps1", params: () => snap(), status: "Failed", says: /The object is read-only/,
    setup: (s) => fail(s, "Set-DnsClientServerAddress", "The object is read-only"),
  },
  "Clear-AgentDnsCache: Windows refuses": { script: "Clear-AgentDnsCache.ps1", params: () => ({}), status: "Failed", says: /DNS Client service is stopped/, setup: (s) => fail(s, "Clear-DnsClientCache", "The DNS Client service is stopped") },
  "Update-AgentDhcpLease: no default route": { script: "Update-AgentDhcpLease.ps1", params: () => ({}), status: "Skipped", says: /No adapter that is Up holds a default route/, setup: (s) => (s.routes = []) },
  "Update-AgentDhcpLease: another adapter asked for": { script: "Update-AgentDhcpLease.ps1", params: () => ({ interfaceIndex: 14 }), status: "Failed", says: /Expected interface 14 to be the active adapter/, setup: noVpnRoute },
  "Update-AgentDhcpLease: another alias asked for": { script: "Update-AgentDhcpLease.ps1", params: () => ({ interfaceAlias: "Wi-Fi" }), status: "Failed", says: /Expected adapter 'Wi-Fi' to be the active adapter/, setup: noVpnRoute },
  "Update-AgentDhcpLease: VPN holds the route": { script: "Update-AgentDhcpLease.ps1", params: () => ({}), status: "Skipped", says: /VPN\/virtual adapter \('wg0'\)/ },
  "Update-AgentDhcpLease: static address": {
    script: "Update-AgentDhcpLease.ps1", params: () => ({}), status: "Skipped", says: /static IPv4 address/,
    setup: (s) => { noVpnRoute(s); (s.adapters as { Dhcp: string }[])[0]!.Dhcp = "Disabled"; },
  },
  "Update-AgentDhcpLease: adapter name ipconfig would read as a wildcard": {
    script: "Update-AgentDhcpLease.ps1", params: () => ({}), status: "Failed", says: /without wildcards or quotes/,
    setup: (s) => { noVpnRoute(s); (s.adapters as { Name: string }[])[0]!.Name = "Ether*"; },
  },
  "Update-AgentDhcpLease: ipconfig fails": {
    script: "Update-AgentDhcpLease.ps1", params: () => ({}), status: "Failed", says: /Expected 'ipconfig \/release Ethernet' to exit with 0, got 1/,
    setup: (s) => { noVpnRoute(s); (s.nativeExitCodes as Record<string, number>)["ipconfig /release Ethernet"] = 1; },
  },
  "Add-AgentFirewallRule: a group the agent does not own": { script: "Add-AgentFirewallRule.ps1", params: (pc) => ({ ...FW(pc), group: "Core Networking" }), status: "Failed", says: /Expected params\.group to be 'Tarkov Connection Agent'/ },
  "Add-AgentFirewallRule: no programs": { script: "Add-AgentFirewallRule.ps1", params: (pc) => ({ ...FW(pc), programs: [] }), status: "Failed", says: /at least one EFT program, got none/ },
  "Add-AgentFirewallRule: a program that is not EFT's": { script: "Add-AgentFirewallRule.ps1", params: (pc) => ({ ...FW(pc), programs: ["notepad.exe"] }), status: "Failed", says: /Expected one of EscapeFromTarkov\.exe, EscapeFromTarkov_BE\.exe, BsgLauncher\.exe/ },
  "Add-AgentFirewallRule: the same program twice": { script: "Add-AgentFirewallRule.ps1", params: (pc) => ({ ...FW(pc), programs: ["EscapeFromTarkov.exe", "C:\\x\\EscapeFromTarkov.exe"] }), status: "Failed", says: /got 'EscapeFromTarkov\.exe' twice/ },
  "Add-AgentFirewallRule: game not installed": {
    script: "Add-AgentFirewallRule.ps1", params: () => ({ group: "Tarkov Connection Agent", installDir: null, programs: ["EscapeFromTarkov.exe"] }), status: "Failed", says: /found none of them/,
    setup: (s) => delete (s.registry as Record<string, unknown>)[UNINSTALL],
  },
  "Add-AgentFirewallRule: Windows refuses the rule": {
    script: "Add-AgentFirewallRule.ps1", params: FW, status: "Failed", says: /Access is denied/, setup: (s) => fail(s, "New-NetFirewallRule", "Access is denied."),
  },
  "Remove-AgentFirewallRule: Windows refuses the removal": {
    script: "Remove-AgentFirewallRule.ps1", params: () => ({}), status: "Failed", says: /Access is denied/,
    setup: (s) => {
      (s.firewallRules as unknown[]).push({ Name: "TarkovAgent-EscapeFromTarkov-In", DisplayName: "x", Group: "Tarkov Connection Agent", Direction: "Inbound", Action: "Allow", Enabled: "True", Profile: "Any", Program: "C:\\g\\EscapeFromTarkov.exe" });
      fail(s, "Remove-NetFirewallRule", "Access is denied.");
    },
  },
  "Add-AgentDefenderExclusion: no processes": { script: "Add-AgentDefenderExclusion.ps1", params: (pc) => ({ ...DEF(pc), processes: [] }), status: "Failed", says: /list the game executable, got none/ },
  "Add-AgentDefenderExclusion: game file missing": {
    script: "Add-AgentDefenderExclusion.ps1", params: (pc) => DEF(pc), status: "Failed", says: /Expected to find EscapeFromTarkov\.exe in the EFT install, found no such file/,
    setup: (_s, pc) => rmSync(join(pc.gameDir, "EscapeFromTarkov.exe")),
  },
  "Add-AgentDefenderExclusion: apply without administrator rights": {
    script: "Add-AgentDefenderExclusion.ps1", params: DEF, status: "Failed", says: /N\/A: Must be an administrator to view exclusions.*run this as administrator/, setup: (s) => (s.defenderHidesExclusions = true),
  },
  "Add-AgentDefenderExclusion: dry run without administrator rights plans, says it cannot check": {
    script: "Add-AgentDefenderExclusion.ps1", params: DEF, whatIf: true, status: "WouldChange", says: /only to administrators/, setup: (s) => (s.defenderHidesExclusions = true),
  },
  "Add-AgentDefenderExclusion: Defender refuses": { script: "Add-AgentDefenderExclusion.ps1", params: DEF, status: "Failed", says: /0x800106ba/, setup: (s) => fail(s, "Add-MpPreference", "Operation failed with the following error: 0x800106ba") },
  "Remove-AgentDefenderExclusion: no snapshot": { script: "Remove-AgentDefenderExclusion.ps1", params: () => ({ fixId: "defender-exclusion-eft" }), status: "Failed", says: /Expected params\.snapshot/ },
  "Remove-AgentDefenderExclusion: a path that is not the game's": {
    script: "Remove-AgentDefenderExclusion.ps1", params: () => ({ snapshot: { exclusionProcesses: [{ path: "C:\\Windows\\explorer.exe", present: false }] } }), status: "Failed", says: /Expected an absolute path ending in EscapeFromTarkov\.exe/,
  },
  "Remove-AgentDefenderExclusion: undo without administrator rights": {
    script: "Remove-AgentDefenderExclusion.ps1", params: (pc) => ({ snapshot: { exclusionProcesses: [{ path: join(pc.gameDir, "EscapeFromTarkov.exe"), present: false }] } }), status: "Failed", says: /run this as administrator/,
    setup: (s) => (s.defenderHidesExclusions = true),
  },
  "Restart-AgentBsgLauncher: launcher not found": {
    script: "Restart-AgentBsgLauncher.ps1", params: () => ({ installDir: null }), status: "Failed", says: /Expected to find BsgLauncher\.exe .* found none/,
    setup: (s, pc) => { s.processes = []; rmSync(join(pc.gameDir, "..", "BsgLauncher"), { recursive: true }); writeFileSync(join(pc.appData, "Battlestate Games", "BsgLauncher", "settings"), "{}"); },
  },
  "Restart-AgentBsgLauncher: launcher path that does not exist": { script: "Restart-AgentBsgLauncher.ps1", params: () => ({ installDir: null, launcherPath: "C:\\nowhere\\BsgLauncher.exe" }), status: "Failed", says: /Expected the launcher at 'C:\\nowhere\\BsgLauncher\.exe', found no such file/ },
  "Restart-AgentBsgLauncher: game running": {
    script: "Restart-AgentBsgLauncher.ps1", params: (pc) => ({ installDir: pc.gameDir }), status: "Skipped", says: /EscapeFromTarkov is running/,
    setup: (s) => (s.processes as unknown[]).push({ Id: 777, ProcessName: "EscapeFromTarkov", Path: "C:\\g\\EscapeFromTarkov.exe" }),
  },
  "Restart-AgentBsgLauncher: Windows refuses to start it": {
    script: "Restart-AgentBsgLauncher.ps1", params: (pc) => ({ installDir: pc.gameDir }), status: "Failed", says: /requested operation requires elevation/,
    setup: (s) => fail(s, "Start-Process", "This command cannot be run due to the error: The requested operation requires elevation."),
  },
  "Reset-AgentNetworkStack: netsh fails": {
    script: "Reset-AgentNetworkStack.ps1", params: () => ({}), status: "Failed", says: /Expected 'netsh winsock reset' to exit with 0, got 1: The requested operation requires elevation/,
    setup: (s) => ((s.nativeExitCodes as Record<string, number>)["netsh winsock reset"] = 1),
  },
  "Get-AgentNetworkSnapshot: adapters cannot be read": { script: "Get-AgentNetworkSnapshot.ps1", params: () => ({}), status: "Failed", says: /Invalid class/, setup: (s) => fail(s, "Get-NetAdapter", "Invalid class") },
  "Get-AgentFirewallState: a program that is not EFT's": { script: "Get-AgentFirewallState.ps1", params: () => ({ programs: ["cmd.exe"] }), status: "Failed", says: /got 'cmd\.exe'/ },
  "Get-AgentPathTrace: a host name instead of an address": { script: "Get-AgentPathTrace.ps1", params: () => ({ target: "gw-pvp-01.escapefromtarkov.com" }), status: "Failed", says: /^Expected params\.target to be an IPv4 or IPv6 address, got 'gw-pvp-01\.escapefromtarkov\.com'$/ },
  "Get-AgentPathTrace: an unknown mode": { script: "Get-AgentPathTrace.ps1", params: () => ({ target: "192.0.2.1", mode: "ping" }), status: "Failed", says: /^Expected params\.mode to be tracert or pathping, got 'ping'$/ },
  "Get-AgentPathTrace: hops out of range": { script: "Get-AgentPathTrace.ps1", params: () => ({ target: "192.0.2.1", maxHops: 99 }), status: "Failed", says: /^Expected params\.maxHops to be a whole number from 1 to 30, got '99'$/ },
  "Get-AgentPathTrace: no %SystemRoot%": {
    script: "Get-AgentPathTrace.ps1", params: () => ({ target: "192.0.2.1" }), status: "Failed", says: /^Expected %SystemRoot% to name the Windows folder, found it empty$/,
    env: { SystemRoot: "" },
  },
  "Get-AgentPathTrace: the tool is not there": {
    script: "Get-AgentPathTrace.ps1", params: () => ({ target: "192.0.2.1", mode: "pathping" }), status: "Failed", says: /^Expected .*System32.PATHPING\.EXE to exist, found no such file$/,
    setup: (_s, pc) => rmSync(pc.systemTool("PATHPING.EXE")),
  },
};

describePwsh("documented failure paths under real pwsh", (pwsh) => {
  let pc: StandInPc;
  useStandInPc(pwsh, "agent-fail-", (made) => (pc = made));

  it("covers every script that can fail or skip (each throw and Set-AgentSkipped has a case)", () => {
    for (const f of readdirSync(join(ROOT, "scripts")).filter((n) => n.endsWith(".ps1"))) {
      const src = readFileSync(join(ROOT, "scripts", f), "utf8");
      const documented = (src.match(/\bthrow\b|Set-AgentSkipped -Result/g) ?? []).length;
      const cases = Object.values(CASES).filter((c) => c.script === f).length;
      expect(cases, `${f}: ${documented} documented failure(s), ${cases} case(s)`).toBeGreaterThanOrEqual(documented);
    }
  });

  it.each(Object.keys(CASES))("%s", async (name) => {
    const c = CASES[name]!;
    const own = c.env === undefined ? null : new StandInPc(mkdtempSync(join(pc.dir, "own-")), pwsh, {}, c.env);
    const at = own ?? pc;
    at.reset((s) => c.setup?.(s, at));
    const r = await at.run(c.script, c.params(at), { whatIf: c.whatIf }).finally(() => own?.dispose());
    expect(r.status).toBe(c.status);
    const says = r.status === "Failed" ? r.error?.message : r.status === "Skipped" ? (r.data as { reason?: string }).reason : JSON.stringify(r.data);
    expect(says).toMatch(c.says);
    if (r.status === "Failed") expect(r.error).toMatchObject({ category: expect.any(String), fullyQualifiedErrorId: expect.any(String) });
    // A failure changes nothing it did not report.
    const changed = pc.calls().filter((x) => !["netsh", "ipconfig"].includes(x.name));
    if (r.changes.length === 0) expect(changed).toEqual([]);
  }, 90_000);

  it("the Defender dry run without admin reports no snapshot and marks the state as not visible", async () => {
    pc.reset((s) => (s.defenderHidesExclusions = true));
    const r = await pc.run("Add-AgentDefenderExclusion.ps1", DEF(pc), { whatIf: true });
    expect(r).toMatchObject({ status: "WouldChange", before: null, data: { stateVisible: false } });
    expect(r.plan).toEqual([`Add Microsoft Defender process exclusion unless it is already there: ${join(pc.gameDir, "EscapeFromTarkov.exe")}`]);
    expect(pc.calls()).toEqual([]);
  }, 90_000);
});

/** Scripts of our own in a temp install (with the real lib/), for the ways a real shell can let the runner down. */
describePwsh("runner codes with a real shell", (pwsh) => {
  let dir: string;
  let runner: PowerShellRunner;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "agent-codes-"));
    const scripts = join(dir, "install", "scripts");
    mkdirSync(scripts, { recursive: true });
    cpSync(join(ROOT, "scripts", "lib"), join(scripts, "lib"), { recursive: true });
    const head = "#Requires -Version 5.1\n[CmdletBinding()]\nparam([Parameter(Mandatory)][string]$ParamsPath, [Parameter(Mandatory)][string]$ResultPath)\n";
    writeFileSync(join(scripts, "Wait-AgentForever.ps1"), `${head}Start-Sleep -Seconds 120\n`);
    writeFileSync(join(scripts, "Stop-AgentShell.ps1"), `${head}[Console]::Error.WriteLine('about to go')\n[Environment]::Exit(3)\n`);
    writeFileSync(join(scripts, "Get-AgentNothing.ps1"), `${head}Write-Error 'Get-Thing : Access is denied.'\n`);
    writeFileSync(
      join(scripts, "Get-AgentDeep.ps1"),
      `${head}Import-Module -Name (Join-Path (Join-Path $PSScriptRoot 'lib') 'AgentScript.psm1') -Force\n` +
        "$result = New-AgentResult -Script 'Get-AgentDeep' -Mode 'Read'\n" +
        "$deep = 'bottom'; for ($i = 0; $i -lt 14; $i++) { $deep = [ordered]@{ level = $deep } }\n" +
        "$result.data = $deep\nSave-AgentResult -Result $result -Path $ResultPath\n",
    );
    writeFileSync(
      join(scripts, "Get-AgentFine.ps1"),
      `${head}Import-Module -Name (Join-Path (Join-Path $PSScriptRoot 'lib') 'AgentScript.psm1') -Force\n` +
        "$result = New-AgentResult -Script 'Get-AgentFine' -Mode 'Read'\n$result.data = [ordered]@{ pid = $PID }\nSave-AgentResult -Result $result -Path $ResultPath\n",
    );
    runner = new PowerShellRunner({ installDir: join(dir, "install"), dataDir: join(dir, "data"), executable: pwsh, timeoutMs: 30_000, startTimeoutMs: 60_000, elevator: null, env: { ...process.env, TERM: "xterm-256color" } });
    runner.warm();
  });
  afterAll(async () => {
    await runner?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });
  // eslint-disable-next-line no-control-regex
  const ESC = /[\u001b\u009b]/;
  const pidOf = async () => {
    const r = await runner.run({ script: "Get-AgentFine.ps1", params: {}, mode: "Read" });
    if (!r.ok) throw new Error(`${r.code}: ${r.message}`);
    return (r.result.data as { pid: number }).pid;
  };

  it("a script that overruns → PS_TIMEOUT; the next call runs in a new session", async () => {
    const before = await pidOf();
    const r = await runner.run({ script: "Wait-AgentForever.ps1", params: {}, mode: "Read", timeoutMs: 1_500 });
    expect(r).toMatchObject({ ok: false, code: "PS_TIMEOUT", message: expect.stringMatching(/did not finish within 1500 ms; the session was restarted and the system state is unknown/) });
    const after = await pidOf();
    expect(after).not.toBe(before);
  }, 120_000);

  it("a script that kills the shell → PS_EXITED naming the exit code, then a new session", async () => {
    const r = await runner.run({ script: "Stop-AgentShell.ps1", params: {}, mode: "Read" });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.code).toBe("PS_EXITED");
    expect(r.message).toMatch(/^PowerShell exited with code 3 \(stderr: about to go\) while running Stop-AgentShell\.ps1$/);
    expect(await pidOf()).toEqual(expect.any(Number));
  }, 120_000);

  it("no result file → PS_CONTRACT with pwsh's error text, free of colour codes (TERM=xterm-256color given)", async () => {
    const r = await runner.run({ script: "Get-AgentNothing.ps1", params: {}, mode: "Read" });
    expect(r).toMatchObject({ ok: false, code: "PS_CONTRACT" });
    if (r.ok) return;
    expect(r.message).toMatch(/Expected a result file from Get-AgentNothing\.ps1, got none \(stderr: .*Access is denied/);
    expect(r.message).not.toMatch(ESC);
    expect(r.stderrTail).not.toMatch(ESC);
    expect(r.stdoutTail).not.toMatch(ESC);
  }, 120_000);

  it("a result deeper than the JSON depth → the script says so and the runner refuses it (PS_CONTRACT)", async () => {
    const r = await runner.run({ script: "Get-AgentDeep.ps1", params: {}, mode: "Read" });
    expect(r).toMatchObject({ ok: false, code: "PS_CONTRACT" });
    if (!r.ok) expect(r.message).toMatch(/nested too deep to write in full: The result nests 1[0-9] levels deep; only 12 fit in the result file/);
  }, 120_000);
});
