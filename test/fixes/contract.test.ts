/**
 * The engine against the PowerShell side's own result fixtures (test/fixtures/ps), replayed through the real runner
 * by the FAKE shell (the real scripts run under real pwsh in engine.pwsh.test.ts): dry run → plan, apply → journal
 * with the registry snapshot, undo → Restore-AgentDnsServer receives exactly that snapshot.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FixEngine } from "../../src/fixes/engine.js";
import { Journal } from "../../src/fixes/journal.js";
import { parseSnapshot, activePhysicalAdapters } from "../../src/fixes/snapshot.js";
import { PowerShellRunner } from "../../src/ports/powershell.js";
import { makeFakeWorld } from "./helpers/fake-shell.js";

const FIX = resolve("test/fixtures/ps");
const has = (n: string) => existsSync(join(FIX, `${n}.json`));
const fixture = (n: string) => JSON.parse(readFileSync(join(FIX, `${n}.json`), "utf8")) as Record<string, unknown>;
const runners: PowerShellRunner[] = [];
afterAll(async () => Promise.all(runners.map((r) => r.dispose())));

describe.skipIf(!has("Set-AgentDnsServer.whatif") || !has("Set-AgentDnsServer.apply") || !has("Restore-AgentDnsServer.undo"))("engine ↔ PowerShell fixtures", () => {
  it("switch-dns: plan from the dry run, snapshot journalled, undo gets the exact snapshot", async () => {
    const w = makeFakeWorld();
    const whatif = fixture("Set-AgentDnsServer.whatif");
    const apply = fixture("Set-AgentDnsServer.apply");
    w.setBehaviour({
      scripts: {
        "Set-AgentDnsServer:WhatIf": { action: "result", result: whatif },
        "Set-AgentDnsServer:Apply": { action: "result", result: apply },
        "Restore-AgentDnsServer": { action: "result", result: fixture("Restore-AgentDnsServer.undo"), echoParams: false },
      },
    });
    const runner = new PowerShellRunner({ installDir: w.installDir, dataDir: w.dataDir, env: w.env, honourNodePowerShellEnv: true, timeoutMs: 5_000, elevator: null });
    runners.push(runner);
    const engine = new FixEngine({
      runner,
      journal: Journal.inDataDir(w.dataDir),
      config: { policy: {}, dailyCap: 3, verifyWindowMs: 30_000 },
      diagnose: async () => ({ verdict: "ok", confidence: "high", headline: "", meaning: "", evidence: [], advice: [] }),
      benchmarkDns: async () => [],
      raidInProgress: () => false,
    });
    for (const id of ["switch-dns", "restore-dns"]) engine.fix(id)!.needsAdmin = false; // no UAC on Linux
    const dry = await engine.applyFix("switch-dns", { dryRun: true, provider: "cloudflare" });
    expect(dry).toMatchObject({ ok: true, status: "WouldChange", plan: whatif.plan });
    const r = await engine.applyFix("switch-dns", { provider: "cloudflare", verify: false });
    expect(r).toMatchObject({ ok: true, status: "Changed", changes: apply.changes });
    const [entry] = await engine.history();
    expect(entry!.before).toEqual(apply.before ?? whatif.before);
    const u = await engine.undoFix("switch-dns");
    expect(u.ok).toBe(true);
    const runDirs = readdirSync(join(w.dataDir, "runs")).sort();
    const lastParams = JSON.parse(readFileSync(join(w.dataDir, "runs", runDirs.at(-1)!, "params.json"), "utf8")) as Record<string, unknown>;
    expect(lastParams).toEqual({ fixId: "switch-dns", snapshot: entry!.before, applied: entry!.after, params: entry!.params });
  });
});

describe.skipIf(!has("Get-AgentNetworkSnapshot.read"))("network snapshot fixture", () => {
  it("parses, and finds the active physical adapter", () => {
    const s = parseSnapshot(fixture("Get-AgentNetworkSnapshot.read").data);
    expect(s).not.toBeNull();
    const active = activePhysicalAdapters(s!);
    expect(active.length).toBeGreaterThan(0);
    expect(active.every((a) => a.isVpn !== true && a.isVirtual !== true)).toBe(true);
  });
});
