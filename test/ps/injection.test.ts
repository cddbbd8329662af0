/**
 * Hostile strings through EVERY string input of every script, under real pwsh through the agent's runner: each
 * params field the TS side sends (checked against the catalogue's zod schemas and the undo envelope, so a new field
 * cannot go untested), fields a script ignores, and the strings scripts read from the PC itself (the launcher's
 * settings file, the uninstall key). A payload that ever ran as code would create the canary file.
 */
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { FIXES, READ_SCRIPTS } from "../../src/fixes/catalog/index.js";
import { undoParamsSchema } from "../../src/fixes/result-schema.js";
import { describePwsh, GUID_ETH, ROOT, UNINSTALL, useStandInPc, type StandInPc } from "./harness.js";

/**
 * Ways a value could escape into code if any script ever built a command from it: the first three break out of a
 * single- or double-quoted string or run a subexpression; every field gets them. The rest (a new line, backtick
 * escape, typographic quotes that PowerShell treats as quotes, and values shaped like what scripts accept so they
 * get furthest in) go through the fields listed as `deep`.
 */
const CORE = 3;
const PAYLOADS = (canary: string): string[] => [
  `x'; New-Item -ItemType File -Path '${canary}'; '`,
  `x"; New-Item -ItemType File -Path "${canary}"; "`,
  `$(New-Item -ItemType File -Path '${canary}')`,
  `\`$(New-Item -ItemType File -Path ${canary})\``,
  `a\n New-Item -ItemType File -Path ${canary}\n`,
  `\u2018; New-Item -ItemType File -Path ${canary}; \u2019 \u201C$(New-Item -ItemType File -Path ${canary})\u201D`,
  // Shaped like what scripts accept (an absolute path ending in an allowed program name), so it gets furthest in.
  `C:\\Games\\$(New-Item -ItemType File -Path '${canary}')\\EscapeFromTarkov.exe`,
  `/tmp/x'; New-Item -ItemType File -Path '${canary}'; '/EscapeFromTarkov.exe`,
];

interface Target {
  /** Valid params: the hostile value replaces one field at a time, so the script gets as far as it can. */
  valid: (pc: StandInPc) => Record<string, unknown>;
  /** Every string field (dotted path; array elements by index). "extra" is a field the script does not know. */
  paths: string[];
  /** Fields that reach furthest (names, paths): they get every payload, the others the first CORE. */
  deep?: string[];
  /** Make the PC such that the valid params would change something (the hostile value meets the real code). */
  setup?: (pc: StandInPc) => void;
}

const dnsSnapshot = { adapters: [{ interfaceIndex: 12, interfaceAlias: "Ethernet", interfaceGuid: GUID_ETH, ipv4: { source: "Static", servers: ["1.1.1.1"], dhcpServers: ["192.168.1.1"] }, ipv6: { source: "Dhcp", servers: [] } }] };
const envelope = (fixId: string, snapshot: unknown, params: unknown) => ({ fixId, snapshot, applied: null, params });
const undoPaths = ["fixId", "applied", "params.extra"];
const noVpnRoute = (pc: StandInPc) => pc.edit((s) => (s.routes = (s.routes as { InterfaceIndex: number }[]).filter((r) => r.InterfaceIndex !== 30)));

const TARGETS: Record<string, Target> = {
  "Set-AgentDnsServer.ps1": {
    valid: () => ({ provider: "cloudflare", ipv4: ["1.1.1.1", "1.0.0.1"], ipv6: ["2606:4700:4700::1111", "2606:4700:4700::1001"], physicalAdaptersOnly: true, interfaceIndexes: [12] }),
    paths: ["provider", "ipv4.0", "ipv4.1", "ipv6.0", "physicalAdaptersOnly", "interfaceIndexes.0", "extra"],
    deep: ["provider"],
  },
  "Restore-AgentDnsServer.ps1": {
    valid: () => envelope("switch-dns", dnsSnapshot, { provider: "cloudflare" }),
    paths: [...undoPaths, "snapshot.adapters.0.interfaceAlias", "snapshot.adapters.0.interfaceGuid", "snapshot.adapters.0.ipv4.source", "snapshot.adapters.0.ipv4.servers.0",
      "snapshot.adapters.0.ipv4.dhcpServers.0", "snapshot.adapters.0.ipv6.source", "snapshot.adapters.0.interfaceIndex", "params.provider", "before"],
    deep: ["snapshot.adapters.0.interfaceAlias", "snapshot.adapters.0.ipv4.servers.0"],
  },
  "Clear-AgentDnsCache.ps1": { valid: () => ({}), paths: ["extra"] },
  "Update-AgentDhcpLease.ps1": { valid: () => ({ interfaceIndex: 12, interfaceAlias: "Ethernet" }), paths: ["interfaceIndex", "interfaceAlias", "extra"], deep: ["interfaceAlias"], setup: noVpnRoute },
  "Add-AgentFirewallRule.ps1": {
    valid: (pc) => ({ group: "Tarkov Connection Agent", installDir: pc.gameDir, programs: ["EscapeFromTarkov.exe", "EscapeFromTarkov_BE.exe", "BsgLauncher.exe"] }),
    paths: ["group", "installDir", "programs.0", "programs.2", "extra"],
    deep: ["installDir", "programs.0"],
  },
  "Remove-AgentFirewallRule.ps1": {
    valid: () => envelope("firewall-allow-eft", { rules: [{ name: "TarkovAgent-EscapeFromTarkov-In", group: "Tarkov Connection Agent" }] }, { group: "Tarkov Connection Agent" }),
    paths: [...undoPaths, "snapshot.rules.0.name", "snapshot.rules.0.group", "params.group"],
    deep: ["snapshot.rules.0.name"],
    setup: (pc) => pc.edit((s) => (s.firewallRules as unknown[]).push({ Name: "TarkovAgent-EscapeFromTarkov-In", DisplayName: "x", Group: "Tarkov Connection Agent", Direction: "Inbound", Action: "Allow", Enabled: "True", Profile: "Any", Program: "C:\\x\\EscapeFromTarkov.exe" })),
  },
  "Add-AgentDefenderExclusion.ps1": { valid: (pc) => ({ installDir: pc.gameDir, processes: ["EscapeFromTarkov.exe", "EscapeFromTarkov_BE.exe"] }), paths: ["installDir", "processes.0", "processes.1", "extra"], deep: ["installDir", "processes.0"] },
  "Remove-AgentDefenderExclusion.ps1": {
    valid: (pc) => envelope("defender-exclusion-eft", { exclusionProcesses: [{ path: join(pc.gameDir, "EscapeFromTarkov_BE.exe"), present: false }] }, { installDir: pc.gameDir }),
    paths: [...undoPaths, "snapshot.exclusionProcesses.0.path", "snapshot.exclusionProcesses.0.present", "params.installDir"],
    deep: ["snapshot.exclusionProcesses.0.path"],
  },
  "Restart-AgentBsgLauncher.ps1": { valid: (pc) => ({ installDir: pc.gameDir, launcherPath: "BsgLauncher.exe" }), paths: ["installDir", "launcherPath", "extra"], deep: ["installDir", "launcherPath"] },
  "Reset-AgentNetworkStack.ps1": { valid: () => ({}), paths: ["extra"] },
  "Get-AgentNetworkSnapshot.ps1": { valid: () => ({}), paths: ["extra"] },
  "Get-AgentEftInstall.ps1": { valid: (pc) => ({ installDir: pc.gameDir }), paths: ["installDir", "extra"], deep: ["installDir"] },
  "Get-AgentFirewallState.ps1": { valid: (pc) => ({ installDir: pc.gameDir, programs: ["EscapeFromTarkov.exe", "BEService_x64.exe"] }), paths: ["installDir", "programs.0", "programs.1", "extra"], deep: ["programs.0"] },
  // The target is the one string that reaches a native tool (as an argument): it gets every payload.
  "Get-AgentPathTrace.ps1": { valid: () => ({ target: "192.0.2.1", mode: "pathping", maxHops: 3, waitMs: 100, queries: 1 }), paths: ["target", "mode", "maxHops", "waitMs", "queries", "extra"], deep: ["target"] },
};

/** Keys of a zod object schema whose values are strings or lists of strings (through nullable/optional). */
function stringKeys(schema: z.ZodType): string[] {
  const def = (t: unknown) => (t as { _zod: { def: Record<string, unknown> & { type: string } } })._zod.def;
  const stringy = (t: unknown): boolean => {
    const d = def(t);
    if (d.type === "string" || d.type === "enum" || d.type === "template_literal") return true;
    if (d.type === "literal") return (d.values as unknown[]).some((v) => typeof v === "string");
    if (d.type === "nullable" || d.type === "optional" || d.type === "default") return stringy(d.innerType);
    if (d.type === "array") return stringy(d.element);
    return d.type === "unknown" || d.type === "any";
  };
  const shape = def(schema).shape as Record<string, unknown>;
  return Object.entries(shape)
    .filter(([, t]) => stringy(t))
    .map(([k]) => k);
}

/** Sets `path` (dotted, numeric parts index arrays) in a deep copy of `obj`. */
function withValue(obj: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(obj);
  const parts = path.split(".");
  let at: Record<string, unknown> = copy;
  for (const p of parts.slice(0, -1)) {
    at[p] ??= /^\d+$/.test(parts[parts.indexOf(p) + 1] ?? "") ? [] : {};
    at = at[p] as Record<string, unknown>;
  }
  at[parts.at(-1)!] = value;
  return copy;
}

describe("the injection table covers every string the TS side sends", () => {
  it("lists every script in scripts/", () => {
    const scripts = readdirSync(join(ROOT, "scripts")).filter((f) => f.endsWith(".ps1")).sort();
    expect(Object.keys(TARGETS).sort()).toEqual(scripts);
    for (const t of Object.values(TARGETS)) for (const d of t.deep ?? []) expect(t.paths).toContain(d);
  });
  it.each(FIXES.map((f) => [f.id, f] as const))("%s: every string field of its params schema", (_id, fix) => {
    const paths = TARGETS[fix.script]!.paths;
    for (const key of stringKeys(fix.paramsSchema)) expect(paths.some((p) => p === key || p.startsWith(`${key}.`)), `${fix.script}: ${key}`).toBe(true);
    if (fix.undoScript !== undefined) {
      const undo = TARGETS[fix.undoScript]!.paths;
      for (const key of stringKeys(undoParamsSchema)) expect(undo.some((p) => p === key || p.startsWith(`${key}.`)), `${fix.undoScript}: ${key}`).toBe(true);
    }
  });
  it("covers the read-only scripts other parts of the agent call", () => {
    for (const s of Object.values(READ_SCRIPTS)) expect(TARGETS[s]).toBeDefined();
  });
});

describePwsh("hostile params under real pwsh: data, never code", (pwsh) => {
  let pc: StandInPc;
  let canary: string;
  useStandInPc(pwsh, "agent-inject-", (made) => {
    pc = made;
    canary = join(pc.dir, "CANARY");
  });

  /** Runs the real apply (it goes furthest); with `alsoWhatIf`, the dry run too (read-only scripts have none). */
  async function attempt(script: string, params: unknown, what: string, setup?: (pc: StandInPc) => void, alsoWhatIf = false): Promise<void> {
    pc.reset();
    setup?.(pc);
    for (const whatIf of alsoWhatIf && !script.startsWith("Get-") ? [true, false] : [false]) {
      const out = await pc.outcome(script, params, { whatIf });
      // Every hostile input still ends in a result file (a status), never a broken run.
      expect(out.ok, `${script} ${what}${whatIf ? " -WhatIf" : ""}: ${out.ok ? "" : `${out.code} ${out.message}`}`).toBe(true);
      expect(existsSync(canary), `payload executed: ${script} ${what}`).toBe(false);
    }
  }

  it.each(Object.keys(TARGETS))("%s: every string field, every payload", async (script) => {
    const t = TARGETS[script]!;
    for (const path of t.paths) {
      const payloads = PAYLOADS(canary).slice(0, t.deep?.includes(path) === true ? undefined : CORE);
      // The dry run walks the same validation as the apply and stops earlier, so it gets the deep fields' first payload.
      for (const [i, p] of payloads.entries()) await attempt(script, withValue(t.valid(pc), path, p), `${path}=${JSON.stringify(p)}`, t.setup, i === 0 && t.deep?.includes(path) === true);
    }
    // The whole params value replaced by a payload, too.
    await attempt(script, PAYLOADS(canary)[2], "params is a string", t.setup);
  }, 120_000);

  it("strings read from the PC (launcher settings, uninstall key) stay data too", async () => {
    for (const p of PAYLOADS(canary)) {
      const hostilePc = (x: StandInPc) => {
        writeFileSync(join(x.appData, "Battlestate Games", "BsgLauncher", "settings"), JSON.stringify({ gamesRootDir: p, at: "SECRET" }));
        x.edit((s) => ((s.registry as Record<string, Record<string, unknown>>)[UNINSTALL]!.InstallLocation = p));
      };
      await attempt("Get-AgentEftInstall.ps1", { installDir: null }, `settings/registry=${JSON.stringify(p)}`, hostilePc);
      await attempt("Restart-AgentBsgLauncher.ps1", { installDir: null }, `settings/registry=${JSON.stringify(p)}`, hostilePc);
      await attempt("Add-AgentFirewallRule.ps1", { group: "Tarkov Connection Agent", installDir: null, programs: ["EscapeFromTarkov.exe"] }, `registry=${JSON.stringify(p)}`, hostilePc);
    }
  }, 120_000);
});
