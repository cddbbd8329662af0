/**
 * Every script under real PowerShell through the agent's own runner, in one warm session with
 * test/ps/WindowsStandIn.psm1 standing in for the Windows-only cmdlets over a JSON state file: -WhatIf changes
 * nothing and reports the plan, apply changes the state, a second apply is NoChange, undo restores the exact prior
 * state. Hostile params: injection.test.ts; documented failure paths: failures.test.ts.
 */
import { join } from "node:path";
import { expect, it } from "vitest";
import { describePwsh, GUID_ETH, GUID_VPN, GUID_WIFI, useStandInPc, V4, V6, type StandInPc } from "./harness.js";

describePwsh("scripts under real pwsh (warm session, stand-in module)", (pwsh) => {
  let pc: StandInPc;
  useStandInPc(pwsh, "agent-pwsh-", (made) => (pc = made));

  it("switch-dns: -WhatIf plans, apply sets physical adapters only, second apply is NoChange, restore is exact", async () => {
    pc.reset();
    const w = pc;
    const original = w.machine();
    const params = { provider: "cloudflare", ipv4: ["1.1.1.1", "1.0.0.1"], ipv6: ["2606:4700:4700::1111", "2606:4700:4700::1001"], physicalAdaptersOnly: true };

    const dry = await w.run("Set-AgentDnsServer.ps1", params, { whatIf: true });
    expect(dry.status).toBe("WouldChange");
    expect(dry.plan).toHaveLength(2);
    expect(dry.changes).toEqual([]);
    expect(w.machine()).toEqual(original);

    const applied = await w.run("Set-AgentDnsServer.ps1", params);
    expect(applied.status).toBe("Changed");
    const before = applied.before as { adapters: { interfaceGuid: string; ipv4: { source: string; servers: string[] }; ipv6: { source: string } }[] };
    expect(before.adapters.map((a) => a.interfaceGuid)).toEqual([GUID_ETH, GUID_WIFI]);
    expect(before.adapters[0]?.ipv4).toMatchObject({ source: "Dhcp", servers: [] });
    expect(before.adapters[1]?.ipv4).toMatchObject({ source: "Static", servers: ["9.9.9.9", "192.168.1.53"] });
    const reg = w.state().registry as Record<string, { NameServer: string }>;
    expect(reg[V4(GUID_ETH)]?.NameServer).toBe("1.1.1.1,1.0.0.1");
    expect(reg[V6(GUID_WIFI)]?.NameServer).toBe("2606:4700:4700::1111,2606:4700:4700::1001");
    expect(reg[V4(GUID_VPN)]?.NameServer).toBe("10.64.0.1");

    expect((await w.run("Set-AgentDnsServer.ps1", params)).status).toBe("NoChange");

    const undo = { fixId: "switch-dns", snapshot: applied.before, applied: applied.after, params };
    const dryUndo = await w.run("Restore-AgentDnsServer.ps1", undo, { whatIf: true });
    expect(dryUndo.status).toBe("WouldChange");
    expect(w.machine().registry).not.toEqual(original.registry);
    const restored = await w.run("Restore-AgentDnsServer.ps1", undo);
    expect(restored.status).toBe("Changed");
    expect(w.machine()).toEqual(original);
    expect((await w.run("Restore-AgentDnsServer.ps1", undo)).status).toBe("NoChange");
  }, 120_000);

  it("switch-dns refuses a VPN adapter and an unknown provider", async () => {
    pc.reset();
    const w = pc;
    const vpn = await w.run("Set-AgentDnsServer.ps1", { provider: "google", interfaceIndexes: [30] });
    expect(vpn.status).toBe("Failed");
    expect(vpn.error?.message).toMatch(/interface 30/);
    expect((await w.run("Set-AgentDnsServer.ps1", { provider: "evil" })).status).toBe("Failed");
    expect((await w.run("Set-AgentDnsServer.ps1", { provider: "google", ipv4: ["6.6.6.6"] })).status).toBe("Failed");
    expect(w.state().calls).toEqual([]);
  }, 120_000);

  it("flush-dns: -WhatIf keeps the cache, apply clears it, second apply is NoChange", async () => {
    pc.reset();
    const w = pc;
    expect((await w.run("Clear-AgentDnsCache.ps1", {}, { whatIf: true })).status).toBe("WouldChange");
    expect((w.state().dnsCache as string[]).length).toBe(2);
    const r = await w.run("Clear-AgentDnsCache.ps1", {});
    expect(r).toMatchObject({ status: "Changed", before: { cacheEntries: 2 }, after: { cacheEntries: 0 } });
    expect((await w.run("Clear-AgentDnsCache.ps1", {})).status).toBe("NoChange");
  }, 120_000);

  it("renew-ip: releases/renews the active physical adapter by its own name; static IP is Skipped", async () => {
    pc.reset();
    const w = pc;
    // The tunnel holds the best route: renewing it is refused.
    expect((await w.run("Update-AgentDhcpLease.ps1", { activeAdapterOnly: true })).status).toBe("Skipped");
    const s = w.state();
    s.routes = (s.routes as { InterfaceIndex: number }[]).filter((r) => r.InterfaceIndex !== 30);
    w.write(s);
    expect((await w.run("Update-AgentDhcpLease.ps1", { activeAdapterOnly: true }, { whatIf: true })).status).toBe("WouldChange");
    expect(w.state().calls).toEqual([]);
    const r = await w.run("Update-AgentDhcpLease.ps1", { activeAdapterOnly: true });
    expect(r.status).toBe("Changed");
    expect(w.state().calls).toEqual([
      { name: "ipconfig", args: ["/release", "Ethernet"] },
      { name: "ipconfig", args: ["/renew", "Ethernet"] },
    ]);
    const st = w.state();
    (st.adapters as { Dhcp: string }[])[0]!.Dhcp = "Disabled";
    w.write(st);
    expect((await w.run("Update-AgentDhcpLease.ps1", {})).status).toBe("Skipped");
  }, 120_000);

  it("firewall-allow-eft: owned group only, block rules reported, second apply NoChange, undo leaves the player's rules", async () => {
    pc.reset();
    const w = pc;
    const params = { group: "Tarkov Connection Agent", installDir: null, programs: ["EscapeFromTarkov.exe", "EscapeFromTarkov_BE.exe", "BsgLauncher.exe"] };
    const original = w.machine();
    const dry = await w.run("Add-AgentFirewallRule.ps1", params, { whatIf: true });
    expect(dry.status).toBe("WouldChange");
    expect(dry.plan).toHaveLength(6);
    expect(w.machine()).toEqual(original);

    const r = await w.run("Add-AgentFirewallRule.ps1", params);
    expect(r.status).toBe("Changed");
    const data = r.data as { blockRules: { name: string }[]; notFound: string[] };
    expect(data.blockRules.map((b) => b.name)).toEqual(["{user-block}"]);
    expect(data.notFound).toEqual([]);
    const rules = w.state().firewallRules as { Name: string; Group: string }[];
    expect(rules.filter((x) => x.Group === "Tarkov Connection Agent").map((x) => x.Name).sort()).toEqual([
      "TarkovAgent-BsgLauncher-In", "TarkovAgent-BsgLauncher-Out", "TarkovAgent-EscapeFromTarkov-In", "TarkovAgent-EscapeFromTarkov-Out",
      "TarkovAgent-EscapeFromTarkov_BE-In", "TarkovAgent-EscapeFromTarkov_BE-Out",
    ]);
    expect((await w.run("Add-AgentFirewallRule.ps1", params)).status).toBe("NoChange");
    expect((await w.run("Add-AgentFirewallRule.ps1", { ...params, group: "Core Networking" })).status).toBe("Failed");

    const state = await w.run("Get-AgentFirewallState.ps1", { programs: ["EscapeFromTarkov.exe"] });
    expect((state.data as { programs: { inbound: string; outbound: string }[] }).programs[0]).toMatchObject({ inbound: "Allow", outbound: "Block" });

    const undo = await w.run("Remove-AgentFirewallRule.ps1", { fixId: "firewall-allow-eft", snapshot: r.before, applied: r.after, params });
    expect(undo.status).toBe("Changed");
    expect(w.machine().firewallRules).toEqual(original.firewallRules);
    expect((await w.run("Remove-AgentFirewallRule.ps1", {})).status).toBe("NoChange");
  }, 120_000);

  it("defender-exclusion-eft: undo removes only what it added", async () => {
    pc.reset();
    const w = pc;
    const params = { installDir: w.gameDir, processes: ["EscapeFromTarkov.exe", "EscapeFromTarkov_BE.exe"] };
    expect((await w.run("Add-AgentDefenderExclusion.ps1", params, { whatIf: true })).status).toBe("WouldChange");
    expect(w.state().exclusionProcess).toEqual([join(w.gameDir, "EscapeFromTarkov_BE.exe")]);
    const r = await w.run("Add-AgentDefenderExclusion.ps1", params);
    expect(r.status).toBe("Changed");
    expect(r.before).toEqual({ exclusionProcesses: [
      { path: join(w.gameDir, "EscapeFromTarkov.exe"), present: false },
      { path: join(w.gameDir, "EscapeFromTarkov_BE.exe"), present: true },
    ] });
    expect((await w.run("Add-AgentDefenderExclusion.ps1", params)).status).toBe("NoChange");
    const undo = await w.run("Remove-AgentDefenderExclusion.ps1", { fixId: "defender-exclusion-eft", snapshot: r.before, applied: r.after, params });
    expect(undo.status).toBe("Changed");
    expect(w.state().exclusionProcess).toEqual([join(w.gameDir, "EscapeFromTarkov_BE.exe")]);
  }, 120_000);

  it("restart-launcher: refuses during a raid, otherwise stops and starts it from the install path", async () => {
    pc.reset();
    const w = pc;
    const s = w.state();
    (s.processes as unknown[]).push({ Id: 777, ProcessName: "EscapeFromTarkov", Path: join(w.gameDir, "EscapeFromTarkov.exe") });
    w.write(s);
    const refused = await w.run("Restart-AgentBsgLauncher.ps1", { installDir: w.gameDir });
    expect(refused.status).toBe("Skipped");
    expect((refused.data as { reason: string }).reason).toMatch(/raid/);
    const s2 = w.state();
    s2.processes = (s2.processes as { Id: number }[]).filter((p) => p.Id !== 777);
    w.write(s2);
    expect((await w.run("Restart-AgentBsgLauncher.ps1", { installDir: w.gameDir }, { whatIf: true })).status).toBe("WouldChange");
    expect(w.state().calls).toEqual([]);
    const r = await w.run("Restart-AgentBsgLauncher.ps1", { installDir: w.gameDir });
    expect(r.status).toBe("Changed");
    const calls = (w.state().calls ?? []).map((c) => c.name);
    expect(calls).toEqual(["Stop-Process", "Start-Process"]);
  }, 120_000);

  it("reset-network-stack: -WhatIf runs nothing; apply runs both netsh resets and needs a reboot", async () => {
    pc.reset();
    const w = pc;
    const dry = await w.run("Reset-AgentNetworkStack.ps1", {}, { whatIf: true });
    expect(dry).toMatchObject({ status: "WouldChange", rebootNeeded: false });
    expect(w.state().calls).toEqual([]);
    const r = await w.run("Reset-AgentNetworkStack.ps1", {});
    expect(r).toMatchObject({ status: "Changed", rebootNeeded: true });
    expect(w.state().calls).toEqual([
      { name: "netsh", args: ["winsock", "reset"] },
      { name: "netsh", args: ["int", "ip", "reset"] },
    ]);
  }, 120_000);

  it("read-only scripts: snapshot, install lookup (never echoes launcher tokens)", async () => {
    pc.reset();
    const w = pc;
    const snap = await w.run("Get-AgentNetworkSnapshot.ps1", {});
    expect(snap.mode).toBe("Read");
    const adapters = (snap.data as { adapters: Record<string, unknown>[] }).adapters;
    expect(adapters.map((a) => [a.name, a.type, a.isVpn])).toEqual([["Ethernet", "Ethernet", false], ["Wi-Fi", "Wi-Fi", false], ["wg0", "Virtual", true]]);
    expect(adapters[1]).toMatchObject({ wifiSignalPercent: 42, linkSpeedMbps: 1000, driverDate: "2021-05-11",
      dns: { ipv4: { source: "Static", servers: ["9.9.9.9", "192.168.1.53"] }, ipv6: { source: "Dhcp", servers: [] } } });
    expect(w.state().calls).toEqual([{ name: "netsh", args: ["wlan", "show", "interfaces"] }]);

    const install = await w.run("Get-AgentEftInstall.ps1", {});
    expect(install.raw).not.toMatch(/SECRET/);
    const data = install.data as { game: { installLocation: string; edition: string }; programs: string[]; launcher: { path: string } };
    expect(data.game).toMatchObject({ installLocation: w.gameDir, edition: "bsg" });
    expect(data.programs).toHaveLength(3);
  }, 120_000);
});
