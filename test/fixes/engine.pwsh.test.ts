/**
 * The fix engine end to end with the real runner and the real scripts under real pwsh (stand-in module for the
 * Windows-only cmdlets). Elevated runs go through the runner's Elevator seam into a second warm pwsh session that
 * the stand-in treats as an administrator's (AGENT_STANDIN_ADMIN=1), after the runner verified the scripts against
 * a build-time manifest of a copied install folder.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Diagnosis, VerdictId } from "../../src/core/types.js";
import { FixEngine } from "../../src/fixes/engine.js";
import { Journal } from "../../src/fixes/journal.js";
import { describePwsh, GUID_ETH, standInPcWithAdmin, UNINSTALL, V4, type AdminSessionElevator, type StandInPc } from "../ps/harness.js";

const diag = (verdict: VerdictId): Diagnosis => ({ verdict, confidence: "high", headline: verdict, meaning: "", evidence: [], advice: [] });

describePwsh("fix engine with real scripts under real pwsh", (pwsh) => {
  let dir: string;
  let pc: StandInPc;
  let elevator: AdminSessionElevator;
  let verdicts: VerdictId[] = [];
  const engineFor = () =>
    new FixEngine({
      runner: pc.runner,
      journal: Journal.inDataDir(join(dir, `journal-${Math.random().toString(36).slice(2)}`)),
      config: { policy: {}, dailyCap: 3, verifyWindowMs: 3_000 },
      diagnose: async () => diag(verdicts.length > 1 ? verdicts.shift()! : (verdicts[0] ?? "ok")),
      benchmarkDns: async () => [{ resolver: "1.1.1.1", medianMs: 9, resolvesBsg: true }],
      raidInProgress: () => false,
      eftInstallDir: pc.gameDir,
      sleep: async () => undefined,
      verifyPollMs: 1_000,
    });

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "agent-engine-pwsh-"));
    ({ pc, elevator } = standInPcWithAdmin(dir, pwsh));
  });
  afterAll(async () => {
    await pc?.dispose();
    await elevator?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it("switch-dns: dry run plans, elevated apply, verified, NoChange again, restore-dns puts back the exact registry", async () => {
    pc.reset();
    const original = pc.machine();
    const engine = engineFor();
    verdicts = ["dns-failure", "ok"];
    const dry = await engine.applyFix("switch-dns", { dryRun: true, provider: "cloudflare" });
    expect(dry).toMatchObject({ ok: true, status: "WouldChange", plan: [expect.stringMatching(/Ethernet/), expect.stringMatching(/Wi-Fi/)] });
    expect(pc.machine()).toEqual(original);
    const r = await engine.applyFix("switch-dns", { provider: "cloudflare" });
    expect(r).toMatchObject({ ok: true, status: "Changed", verification: { result: "improved" } });
    expect(elevator.seen.at(-1)).toMatchObject({ script: "Set-AgentDnsServer.ps1", whatIf: false });
    expect((pc.state().registry as Record<string, { NameServer: string }>)[V4(GUID_ETH)]!.NameServer).toBe("1.1.1.1,1.0.0.1");
    expect(await engine.applyFix("switch-dns", { provider: "cloudflare" })).toMatchObject({ ok: true, status: "NoChange" });
    const back = await engine.applyFix("restore-dns");
    expect(back).toMatchObject({ ok: true, status: "Changed" });
    expect(pc.machine()).toEqual(original);
  }, 120_000);

  it("a lost answer from a change that worked: the real dry run re-checks, the fix is kept and verified", async () => {
    pc.reset();
    const engine = engineFor();
    verdicts = ["dns-failure", "ok"];
    elevator.loseAnswer.add("Set-AgentDnsServer.ps1");
    const r = await engine.applyFix("switch-dns", { provider: "google" });
    expect(r).toMatchObject({ ok: true, status: "Changed", verification: { result: "improved" } });
    expect((pc.state().registry as Record<string, { NameServer: string }>)[V4(GUID_ETH)]!.NameServer).toBe("8.8.8.8,8.8.4.4");
    const [e] = await engine.history();
    expect(e).toMatchObject({ state: "done", message: expect.stringMatching(/PS_TIMEOUT .*re-check found the change in place/) });
    // The re-check's snapshot is the state after the change, the dry run's the exact state before it.
    expect((e!.before as { adapters: { ipv4: { source: string } }[] }).adapters[0]!.ipv4.source).toBe("Dhcp");
    expect((e!.after as { adapters: { ipv4: { servers: string[] } }[] }).adapters[0]!.ipv4.servers).toEqual(["8.8.8.8", "8.8.4.4"]);
  }, 120_000);

  it("defender without admin: the dry run cannot see the exclusions, the elevated apply checks and applies, undo is exact", async () => {
    pc.reset((s) => (s.defenderHidesExclusions = true));
    const engine = engineFor();
    verdicts = ["bsg-unreachable", "ok"];
    const dry = await engine.applyFix("defender-exclusion-eft", { dryRun: true });
    expect(dry).toMatchObject({ ok: true, status: "WouldChange", message: expect.stringMatching(/administrator rights/) });
    const r = await engine.applyFix("defender-exclusion-eft");
    expect(r).toMatchObject({ ok: true, status: "Changed", changes: [expect.stringMatching(/EscapeFromTarkov\.exe$/)] });
    const [e] = await engine.history();
    expect(e!.before).toEqual({ exclusionProcesses: [
      { path: join(pc.gameDir, "EscapeFromTarkov.exe"), present: false },
      { path: join(pc.gameDir, "EscapeFromTarkov_BE.exe"), present: true },
    ] });
    expect(await engine.undoFix("defender-exclusion-eft")).toMatchObject({ ok: true });
    expect(pc.state().exclusionProcess).toEqual([join(pc.gameDir, "EscapeFromTarkov_BE.exe")]);
  }, 120_000);

  it("a failed dry run stops before the administrator prompt (firewall with neither game nor launcher found)", async () => {
    pc.reset((s) => {
      delete (s.registry as Record<string, unknown>)[UNINSTALL];
      s.processes = [];
    });
    rmSync(join(pc.gameDir, "..", "BsgLauncher"), { recursive: true });
    const engine = new FixEngine({ ...engineDeps(), eftInstallDir: null });
    const asked = elevator.seen.length;
    const r = await engine.applyFix("firewall-allow-eft");
    expect(r).toMatchObject({ ok: false, code: "FIX_DRY_RUN_FAILED", message: expect.stringMatching(/found none of them/) });
    expect(elevator.seen.length).toBe(asked);
    expect(pc.calls()).toEqual([]);
  }, 120_000);

  function engineDeps() {
    return {
      runner: pc.runner,
      journal: Journal.inDataDir(join(dir, `journal-${Math.random().toString(36).slice(2)}`)),
      config: { policy: {}, dailyCap: 3, verifyWindowMs: 3_000 },
      diagnose: async () => diag("bsg-unreachable"),
      benchmarkDns: async () => [],
      raidInProgress: () => false,
      sleep: async () => undefined,
    };
  }
});
