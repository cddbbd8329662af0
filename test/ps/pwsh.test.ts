/**
 * Every script under real PowerShell, with test/ps/WindowsStandIn.psm1 standing in for the Windows-only cmdlets
 * over a JSON state file: -WhatIf changes nothing and reports the plan, apply changes the state, a second apply is
 * NoChange, undo restores the exact prior state, and hostile params stay data.
 * Needs `pwsh` (.tools/pwsh/pwsh or PATH). Without it every case is skipped with the reason.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fixResultSchema, type FixResult } from "../../src/fixes/result-schema.js";

const ROOT = join(import.meta.dirname, "..", "..");
const SCRIPTS = join(ROOT, "scripts");
const STAND_IN = join(import.meta.dirname, "WindowsStandIn.psm1");
const SKIP_REASON = "real PowerShell unavailable: dotnet tool install PowerShell failed (not in the NuGet mirror)";

/** `.tools/pwsh/pwsh` first (the CI install), then PATH. */
function findPwsh(): string | null {
  const local = join(ROOT, ".tools", "pwsh", "pwsh");
  if (existsSync(local)) return local;
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir && existsSync(join(dir, "pwsh"))) return join(dir, "pwsh");
  }
  return null;
}
const PWSH = findPwsh();
const itPwsh = PWSH ? it : it.skip;
if (!PWSH) console.warn(`test/ps/pwsh.test.ts: ${SKIP_REASON}`);

const WORK = mkdtempSync(join(tmpdir(), "agent-pwsh-"));
afterAll(() => rmSync(WORK, { recursive: true, force: true }));
let runCounter = 0;

const GUID_ETH = "{11111111-1111-1111-1111-111111111111}";
const GUID_WIFI = "{22222222-2222-2222-2222-222222222222}";
const GUID_VPN = "{33333333-3333-3333-3333-333333333333}";
const V4 = (g: string) => `HKLM:\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters\\Interfaces\\${g}`;
const V6 = (g: string) => `HKLM:\\SYSTEM\\CurrentControlSet\\Services\\Tcpip6\\Parameters\\Interfaces\\${g}`;
const UNINSTALL = "HKLM:\\SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\EscapeFromTarkov";

type State = Record<string, unknown> & { calls?: { name: string; args: unknown }[] };

/** A PC with Ethernet (DHCP), Wi-Fi (static IPv4 DNS in a deliberate order, DHCP IPv6) and a WireGuard tunnel. */
function baseState(gameDir: string): State {
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
    processes: [{ Id: 4242, ProcessName: "BsgLauncher", Path: join(gameDir, "..", "BsgLauncher", "BsgLauncher.exe") }],
    wlanOutput: [
      "There is 1 interface on the system:", "", "    Name                   : Wi-Fi", `    GUID                   : ${GUID_WIFI.slice(1, -1)}`,
      "    State                  : connected", "    Radio type             : 802.11ax", "    Channel                : 36",
      "    Receive rate (Mbps)    : 960", "    Transmit rate (Mbps)   : 720", "    Signal                 : 42%",
    ],
    calls: [],
  };
}

/** A fake EFT install on disk (the scripts check the files exist) plus the launcher's token-holding settings file. */
function makeWorld(): { dir: string; gameDir: string; appData: string; statePath: string; canary: string } {
  const dir = join(WORK, `w${++runCounter}`);
  const gameDir = join(dir, "Battlestate Games", "Escape from Tarkov");
  const launcherDir = join(dir, "Battlestate Games", "BsgLauncher");
  const appData = join(dir, "AppData");
  mkdirSync(gameDir, { recursive: true });
  mkdirSync(launcherDir, { recursive: true });
  mkdirSync(join(appData, "Battlestate Games", "BsgLauncher"), { recursive: true });
  for (const f of ["EscapeFromTarkov.exe", "EscapeFromTarkov_BE.exe"]) writeFileSync(join(gameDir, f), "");
  writeFileSync(join(launcherDir, "BsgLauncher.exe"), "");
  writeFileSync(join(appData, "Battlestate Games", "BsgLauncher", "settings"),
    JSON.stringify({ gamesRootDir: join(dir, "Battlestate Games"), at: "SECRET-ACCESS-TOKEN", rt: "SECRET-REFRESH-TOKEN" }));
  const statePath = join(dir, "state.json");
  writeFileSync(statePath, JSON.stringify(baseState(gameDir), null, 2));
  return { dir, gameDir, appData, statePath, canary: join(dir, "CANARY") };
}

const readState = (w: { statePath: string }): State => JSON.parse(readFileSync(w.statePath, "utf8")) as State;
/** State without the call log: what the machine looks like. */
const machine = (s: State) => { const { calls: _calls, ...rest } = s; return rest; };

/** Runs one script under pwsh with the stand-ins loaded; returns the validated result and the raw text. */
function run(w: ReturnType<typeof makeWorld>, script: string, params: unknown, opts: { whatIf?: boolean } = {}): FixResult & { raw: string } {
  const id = ++runCounter;
  const paramsPath = join(w.dir, `params-${id}.json`);
  const resultPath = join(w.dir, `result-${id}.json`);
  writeFileSync(paramsPath, JSON.stringify(params), "utf8");
  // Only test-owned paths, passed through the environment: nothing is quoted into the command.
  const command = "Import-Module -Name $env:AGENT_STANDIN -DisableNameChecking; " +
    `& $env:AGENT_SCRIPT -ParamsPath $env:AGENT_PARAMS -ResultPath $env:AGENT_RESULT${opts.whatIf ? " -WhatIf" : ""}`;
  const proc = spawnSync(PWSH as string, ["-NoProfile", "-NonInteractive", "-Command", command], {
    encoding: "utf8", timeout: 60_000,
    env: { ...process.env, AGENT_STANDIN: STAND_IN, AGENT_STANDIN_STATE: w.statePath, AGENT_SCRIPT: join(SCRIPTS, script),
      AGENT_PARAMS: paramsPath, AGENT_RESULT: resultPath, APPDATA: w.appData, SystemDrive: "" },
  });
  if (!existsSync(resultPath)) throw new Error(`Expected a result file from ${script}, got none (rc ${proc.status}; stderr: ${proc.stderr})`);
  const raw = readFileSync(resultPath, "utf8");
  expect(raw.charCodeAt(0), "result file must not start with a BOM").not.toBe(0xfeff);
  const parsed = fixResultSchema.safeParse(JSON.parse(raw));
  if (!parsed.success) throw new Error(`${script} result does not match the contract: ${parsed.error.message}\n${raw}`);
  expect(parsed.data.script).toBe(script.replace(/\.ps1$/, ""));
  expect(parsed.data.whatIf).toBe(opts.whatIf === true);
  return { ...parsed.data, raw };
}

describe("scripts under real pwsh", () => {
  if (!PWSH) it.skip(SKIP_REASON, () => {});

  itPwsh("switch-dns: -WhatIf plans, apply sets physical adapters only, second apply is NoChange, restore is exact", () => {
    const w = makeWorld();
    const original = machine(readState(w));
    const params = { provider: "cloudflare", ipv4: ["1.1.1.1", "1.0.0.1"], ipv6: ["2606:4700:4700::1111", "2606:4700:4700::1001"], physicalAdaptersOnly: true };

    const dry = run(w, "Set-AgentDnsServer.ps1", params, { whatIf: true });
    expect(dry.status).toBe("WouldChange");
    expect(dry.plan).toHaveLength(2);
    expect(dry.changes).toEqual([]);
    expect(machine(readState(w))).toEqual(original);

    const applied = run(w, "Set-AgentDnsServer.ps1", params);
    expect(applied.status).toBe("Changed");
    const before = applied.before as { adapters: { interfaceGuid: string; ipv4: { source: string; servers: string[] }; ipv6: { source: string } }[] };
    expect(before.adapters.map((a) => a.interfaceGuid)).toEqual([GUID_ETH, GUID_WIFI]);
    expect(before.adapters[0]?.ipv4).toMatchObject({ source: "Dhcp", servers: [] });
    expect(before.adapters[1]?.ipv4).toMatchObject({ source: "Static", servers: ["9.9.9.9", "192.168.1.53"] });
    const reg = readState(w).registry as Record<string, { NameServer: string }>;
    expect(reg[V4(GUID_ETH)]?.NameServer).toBe("1.1.1.1,1.0.0.1");
    expect(reg[V6(GUID_WIFI)]?.NameServer).toBe("2606:4700:4700::1111,2606:4700:4700::1001");
    expect(reg[V4(GUID_VPN)]?.NameServer).toBe("10.64.0.1");

    expect(run(w, "Set-AgentDnsServer.ps1", params).status).toBe("NoChange");

    const undo = { fixId: "switch-dns", snapshot: applied.before, applied: applied.after, params };
    const dryUndo = run(w, "Restore-AgentDnsServer.ps1", undo, { whatIf: true });
    expect(dryUndo.status).toBe("WouldChange");
    expect(machine(readState(w)).registry).not.toEqual(original.registry);
    const restored = run(w, "Restore-AgentDnsServer.ps1", undo);
    expect(restored.status).toBe("Changed");
    expect(machine(readState(w))).toEqual(original);
    expect(run(w, "Restore-AgentDnsServer.ps1", undo).status).toBe("NoChange");
  });

  itPwsh("switch-dns refuses a VPN adapter and an unknown provider", () => {
    const w = makeWorld();
    const vpn = run(w, "Set-AgentDnsServer.ps1", { provider: "google", interfaceIndexes: [30] });
    expect(vpn.status).toBe("Failed");
    expect(vpn.error?.message).toMatch(/interface 30/);
    expect(run(w, "Set-AgentDnsServer.ps1", { provider: "evil" }).status).toBe("Failed");
    expect(run(w, "Set-AgentDnsServer.ps1", { provider: "google", ipv4: ["6.6.6.6"] }).status).toBe("Failed");
    expect(readState(w).calls).toEqual([]);
  });

  itPwsh("flush-dns: -WhatIf keeps the cache, apply clears it, second apply is NoChange", () => {
    const w = makeWorld();
    expect(run(w, "Clear-AgentDnsCache.ps1", {}, { whatIf: true }).status).toBe("WouldChange");
    expect((readState(w).dnsCache as string[]).length).toBe(2);
    const r = run(w, "Clear-AgentDnsCache.ps1", {});
    expect(r).toMatchObject({ status: "Changed", before: { cacheEntries: 2 }, after: { cacheEntries: 0 } });
    expect(run(w, "Clear-AgentDnsCache.ps1", {}).status).toBe("NoChange");
  });

  itPwsh("renew-ip: releases/renews the active physical adapter by its own name; static IP is Skipped", () => {
    const w = makeWorld();
    // The tunnel holds the best route: renewing it is refused.
    expect(run(w, "Update-AgentDhcpLease.ps1", { activeAdapterOnly: true }).status).toBe("Skipped");
    const s = readState(w);
    s.routes = (s.routes as { InterfaceIndex: number }[]).filter((r) => r.InterfaceIndex !== 30);
    writeFileSync(w.statePath, JSON.stringify(s));
    expect(run(w, "Update-AgentDhcpLease.ps1", { activeAdapterOnly: true }, { whatIf: true }).status).toBe("WouldChange");
    expect(readState(w).calls).toEqual([]);
    const r = run(w, "Update-AgentDhcpLease.ps1", { activeAdapterOnly: true });
    expect(r.status).toBe("Changed");
    expect(readState(w).calls).toEqual([
      { name: "ipconfig", args: ["/release", "Ethernet"] },
      { name: "ipconfig", args: ["/renew", "Ethernet"] },
    ]);
    const st = readState(w);
    (st.adapters as { Dhcp: string }[])[0]!.Dhcp = "Disabled";
    writeFileSync(w.statePath, JSON.stringify(st));
    expect(run(w, "Update-AgentDhcpLease.ps1", {}).status).toBe("Skipped");
  });

  itPwsh("firewall-allow-eft: owned group only, block rules reported, second apply NoChange, undo leaves the player's rules", () => {
    const w = makeWorld();
    const params = { group: "Tarkov Connection Agent", installDir: null, programs: ["EscapeFromTarkov.exe", "EscapeFromTarkov_BE.exe", "BsgLauncher.exe"] };
    const original = machine(readState(w));
    const dry = run(w, "Add-AgentFirewallRule.ps1", params, { whatIf: true });
    expect(dry.status).toBe("WouldChange");
    expect(dry.plan).toHaveLength(6);
    expect(machine(readState(w))).toEqual(original);

    const r = run(w, "Add-AgentFirewallRule.ps1", params);
    expect(r.status).toBe("Changed");
    const data = r.data as { blockRules: { name: string }[]; notFound: string[] };
    expect(data.blockRules.map((b) => b.name)).toEqual(["{user-block}"]);
    expect(data.notFound).toEqual([]);
    const rules = readState(w).firewallRules as { Name: string; Group: string }[];
    expect(rules.filter((x) => x.Group === "Tarkov Connection Agent").map((x) => x.Name).sort()).toEqual([
      "TarkovAgent-BsgLauncher-In", "TarkovAgent-BsgLauncher-Out", "TarkovAgent-EscapeFromTarkov-In", "TarkovAgent-EscapeFromTarkov-Out",
      "TarkovAgent-EscapeFromTarkov_BE-In", "TarkovAgent-EscapeFromTarkov_BE-Out",
    ]);
    expect(run(w, "Add-AgentFirewallRule.ps1", params).status).toBe("NoChange");
    expect(run(w, "Add-AgentFirewallRule.ps1", { ...params, group: "Core Networking" }).status).toBe("Failed");

    const state = run(w, "Get-AgentFirewallState.ps1", { programs: ["EscapeFromTarkov.exe"] });
    expect((state.data as { programs: { inbound: string; outbound: string }[] }).programs[0]).toMatchObject({ inbound: "Allow", outbound: "Block" });

    const undo = run(w, "Remove-AgentFirewallRule.ps1", { fixId: "firewall-allow-eft", snapshot: r.before, applied: r.after, params });
    expect(undo.status).toBe("Changed");
    expect(machine(readState(w)).firewallRules).toEqual(original.firewallRules);
    expect(run(w, "Remove-AgentFirewallRule.ps1", {}).status).toBe("NoChange");
  });

  itPwsh("defender-exclusion-eft: undo removes only what it added", () => {
    const w = makeWorld();
    const params = { installDir: w.gameDir, processes: ["EscapeFromTarkov.exe", "EscapeFromTarkov_BE.exe"] };
    expect(run(w, "Add-AgentDefenderExclusion.ps1", params, { whatIf: true }).status).toBe("WouldChange");
    expect(readState(w).exclusionProcess).toEqual([join(w.gameDir, "EscapeFromTarkov_BE.exe")]);
    const r = run(w, "Add-AgentDefenderExclusion.ps1", params);
    expect(r.status).toBe("Changed");
    expect(r.before).toEqual({ exclusionProcesses: [
      { path: join(w.gameDir, "EscapeFromTarkov.exe"), present: false },
      { path: join(w.gameDir, "EscapeFromTarkov_BE.exe"), present: true },
    ] });
    expect(run(w, "Add-AgentDefenderExclusion.ps1", params).status).toBe("NoChange");
    const undo = run(w, "Remove-AgentDefenderExclusion.ps1", { fixId: "defender-exclusion-eft", snapshot: r.before, applied: r.after, params });
    expect(undo.status).toBe("Changed");
    expect(readState(w).exclusionProcess).toEqual([join(w.gameDir, "EscapeFromTarkov_BE.exe")]);
  });

  itPwsh("restart-launcher: refuses during a raid, otherwise stops and starts it from the install path", () => {
    const w = makeWorld();
    const s = readState(w);
    (s.processes as unknown[]).push({ Id: 777, ProcessName: "EscapeFromTarkov", Path: join(w.gameDir, "EscapeFromTarkov.exe") });
    writeFileSync(w.statePath, JSON.stringify(s));
    const refused = run(w, "Restart-AgentBsgLauncher.ps1", { installDir: w.gameDir });
    expect(refused.status).toBe("Skipped");
    expect((refused.data as { reason: string }).reason).toMatch(/raid/);
    const s2 = readState(w);
    s2.processes = (s2.processes as { Id: number }[]).filter((p) => p.Id !== 777);
    writeFileSync(w.statePath, JSON.stringify(s2));
    expect(run(w, "Restart-AgentBsgLauncher.ps1", { installDir: w.gameDir }, { whatIf: true }).status).toBe("WouldChange");
    expect(readState(w).calls).toEqual([]);
    const r = run(w, "Restart-AgentBsgLauncher.ps1", { installDir: w.gameDir });
    expect(r.status).toBe("Changed");
    const calls = (readState(w).calls ?? []).map((c) => c.name);
    expect(calls).toEqual(["Stop-Process", "Start-Process"]);
  });

  itPwsh("reset-network-stack: -WhatIf runs nothing; apply runs both netsh resets and needs a reboot", () => {
    const w = makeWorld();
    const dry = run(w, "Reset-AgentNetworkStack.ps1", {}, { whatIf: true });
    expect(dry).toMatchObject({ status: "WouldChange", rebootNeeded: false });
    expect(readState(w).calls).toEqual([]);
    const r = run(w, "Reset-AgentNetworkStack.ps1", {});
    expect(r).toMatchObject({ status: "Changed", rebootNeeded: true });
    expect(readState(w).calls).toEqual([
      { name: "netsh", args: ["winsock", "reset"] },
      { name: "netsh", args: ["int", "ip", "reset"] },
    ]);
  });

  itPwsh("read-only scripts: snapshot, install lookup (never echoes launcher tokens)", () => {
    const w = makeWorld();
    const snap = run(w, "Get-AgentNetworkSnapshot.ps1", {});
    expect(snap.mode).toBe("Read");
    const adapters = (snap.data as { adapters: Record<string, unknown>[] }).adapters;
    expect(adapters.map((a) => [a.name, a.type, a.isVpn])).toEqual([["Ethernet", "Ethernet", false], ["Wi-Fi", "Wi-Fi", false], ["wg0", "Virtual", true]]);
    expect(adapters[1]).toMatchObject({ wifiSignalPercent: 42, linkSpeedMbps: 1000, driverDate: "2021-05-11",
      dns: { ipv4: { source: "Static", servers: ["9.9.9.9", "192.168.1.53"] }, ipv6: { source: "Dhcp", servers: [] } } });
    expect(readState(w).calls).toEqual([{ name: "netsh", args: ["wlan", "show", "interfaces"] }]);

    const install = run(w, "Get-AgentEftInstall.ps1", {});
    expect(install.raw).not.toMatch(/SECRET/);
    const data = install.data as { game: { installLocation: string; edition: string }; programs: string[]; launcher: { path: string } };
    expect(data.game).toMatchObject({ installLocation: w.gameDir, edition: "bsg" });
    expect(data.programs).toHaveLength(3);
  });

  const PAYLOADS = (canary: string) => [
    `x'; New-Item -ItemType File -Path '${canary}'; '`,
    `x"; New-Item -ItemType File -Path "${canary}"; "`,
    `$(New-Item -ItemType File -Path '${canary}')`,
    `\`$(New-Item -ItemType File -Path ${canary})\``,
    `a\n New-Item -ItemType File -Path ${canary}\n`,
    `\u2018; New-Item -ItemType File -Path ${canary}; \u2019 \u201C$(New-Item -ItemType File -Path ${canary})\u201D`,
  ];

  itPwsh("hostile params arrive as data and never execute (canary file stays absent)", () => {
    const w = makeWorld();
    for (const p of PAYLOADS(w.canary)) {
      expect(run(w, "Set-AgentDnsServer.ps1", { provider: p }).status).toBe("Failed");
      expect(run(w, "Add-AgentFirewallRule.ps1", { programs: [p, `C:\\Games\\${p}\\EscapeFromTarkov.exe`] }).status).toBe("Failed");
      expect(run(w, "Restore-AgentDnsServer.ps1", { snapshot: { adapters: [{ interfaceGuid: p, interfaceAlias: p, ipv4: { source: "Static", servers: [p] }, ipv6: { source: "Dhcp", servers: [] } }] } }).status).toBe("Failed");
      expect(run(w, "Add-AgentDefenderExclusion.ps1", { installDir: p, processes: [p] }).status).toBe("Failed");
      expect(run(w, "Restart-AgentBsgLauncher.ps1", { installDir: null, launcherPath: p }).status).toBe("Failed");
      const install = run(w, "Get-AgentEftInstall.ps1", { installDir: p });
      expect(install.status).toBe("NoChange");
      expect(existsSync(w.canary), `payload executed: ${JSON.stringify(p)}`).toBe(false);
    }
    const changedSomething = (readState(w).calls ?? []).filter((c) => c.name !== "netsh");
    expect(changedSomething).toEqual([]);
  });
});
