/** Fix engine: dry run, apply + journal, verification and rollback, undo order, auto-apply and crash recovery. */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { adviceFor } from "../../src/core/advice.js";
import type { Diagnosis, VerdictId } from "../../src/core/types.js";
import { pickProvider } from "../../src/fixes/catalog/switch-dns.js";
import { FixEngine, type FixEngineDeps, type FixEvent } from "../../src/fixes/engine.js";
import { Journal, newEntryId } from "../../src/fixes/journal.js";
import type { DnsBenchmarkEntry } from "../../src/fixes/types.js";
import { StateRunner } from "./helpers/state-runner.js";

const diag = (verdict: VerdictId, confidence: Diagnosis["confidence"] = "high"): Diagnosis => ({ verdict, confidence, headline: verdict, meaning: "", evidence: [], advice: [] });

function setup(over: Partial<FixEngineDeps> & { verdicts?: VerdictId[] } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "tca-engine-"));
  const runner = new StateRunner();
  const journal = Journal.inDataDir(dir);
  let t = Date.parse("2025-06-01T12:00:00Z");
  const verdicts = [...(over.verdicts ?? [])];
  const diagnoses: VerdictId[] = [];
  const events: FixEvent[] = [];
  const bench: DnsBenchmarkEntry[] = [
    { resolver: "system", medianMs: null, resolvesBsg: false },
    { resolver: "1.1.1.1", medianMs: 30, resolvesBsg: true },
    { resolver: "8.8.8.8", medianMs: 12, resolvesBsg: true },
    { resolver: "9.9.9.9", medianMs: 5, resolvesBsg: false },
  ];
  const engine = new FixEngine({
    runner,
    journal,
    config: { policy: {}, dailyCap: 3, verifyWindowMs: 30_000 },
    diagnose: async () => {
      const v = verdicts.length > 1 ? verdicts.shift()! : (verdicts[0] ?? "ok");
      diagnoses.push(v);
      return diag(v);
    },
    benchmarkDns: async () => bench,
    raidInProgress: () => false,
    now: () => new Date(t),
    sleep: async (ms) => {
      t += ms;
    },
    verifyPollMs: 10_000,
    onEvent: (e) => events.push(e),
    ...over,
  });
  return { dir, runner, journal, engine, events, diagnoses, advance: (ms: number) => (t += ms) };
}

describe("dry run", () => {
  it("returns the script's plan and changes nothing, journals nothing", async () => {
    const s = setup();
    const r = await s.engine.applyFix("switch-dns", { dryRun: true, provider: "cloudflare" });
    expect(r).toMatchObject({ ok: true, dryRun: true, status: "WouldChange", plan: ["would change Set-AgentDnsServer.ps1"] });
    expect(s.runner.world.dns).toBe("dhcp");
    expect(s.runner.calls.map((c) => c.whatIf)).toEqual([true]);
    expect(await s.engine.history()).toEqual([]);
  });
});

describe("apply", () => {
  it("journals pending then done with the dry run's exact before, runs elevated, verifies", async () => {
    const s = setup({ verdicts: ["dns-failure", "ok"] });
    const r = await s.engine.applyFix("switch-dns", { provider: "google" });
    expect(r).toMatchObject({ ok: true, status: "Changed", verification: { result: "improved", baseline: "dns-failure", final: "ok" } });
    expect(s.runner.world.dns).toBe("google");
    expect(s.runner.calls.map((c) => [c.script, c.whatIf, c.elevated])).toEqual([
      ["Set-AgentDnsServer.ps1", true, false],
      ["Set-AgentDnsServer.ps1", false, true],
    ]);
    const [e] = await s.engine.history();
    expect(e).toMatchObject({ fixId: "switch-dns", state: "done", status: "Changed", approvedBy: "player", before: { dns: "dhcp" }, after: { dns: "google" } });
    expect(e!.params).toEqual({ provider: "google", ipv4: ["8.8.8.8", "8.8.4.4"], ipv6: ["2001:4860:4860::8888", "2001:4860:4860::8844"], physicalAdaptersOnly: true });
  });

  it("rolls a reversible fix back when the verdict does not improve within the window, and says so", async () => {
    const s = setup({ verdicts: ["dns-failure"] });
    const r = await s.engine.applyFix("switch-dns", { provider: "cloudflare" });
    expect(r.ok).toBe(false);
    expect(r.code).toBe("FIX_ROLLED_BACK");
    expect(r.message).toMatch(/did not help .* so it was undone/);
    expect(r.verification).toMatchObject({ result: "unchanged", final: "dns-failure" });
    expect(s.runner.world.dns).toBe("dhcp");
    expect(s.diagnoses.length).toBeGreaterThanOrEqual(4); // baseline + polls across the 30 s window
    const [e] = await s.engine.history();
    expect(e).toMatchObject({ state: "rolled-back", undo: { state: "done", by: "auto-rollback", status: "Changed" } });
    expect(s.events.some((ev) => ev.type === "rolled-back" && ev.fixId === "switch-dns")).toBe(true);
  });

  it("keeps the fix when the verdict improves late in the window", async () => {
    const s = setup({ verdicts: ["dns-failure", "dns-failure", "dns-failure", "ok"] });
    const r = await s.engine.applyFix("switch-dns", { provider: "quad9" });
    expect(r.ok).toBe(true);
    expect(s.runner.world.dns).toBe("quad9");
  });

  it("an irreversible fix that did not help is reported, not rolled back", async () => {
    const s = setup({ verdicts: ["dns-failure"] });
    const r = await s.engine.applyFix("flush-dns");
    expect(r).toMatchObject({ ok: false, code: "FIX_DID_NOT_HELP", rolledBack: null });
  });

  it("already in place → NoChange, no real run", async () => {
    const s = setup();
    s.runner.world.dns = "cloudflare";
    const r = await s.engine.applyFix("switch-dns", { provider: "cloudflare" });
    expect(r).toMatchObject({ ok: true, status: "NoChange" });
    expect(s.runner.calls.filter((c) => !c.whatIf)).toEqual([]);
  });

  it("picks the fastest public resolver that resolves the BSG hosts when no provider is given", async () => {
    const s = setup({ verdicts: ["dns-failure", "ok"] });
    const r = await s.engine.applyFix("switch-dns");
    expect(r.ok).toBe(true);
    expect(r.note).toMatch(/Google was fastest \(12 ms\)/);
    expect(s.runner.world.dns).toBe("google"); // quad9 was faster but did not resolve the BSG hosts
  });

  it.each<[string, DnsBenchmarkEntry[], string]>([
    ["none resolves", [{ resolver: "1.1.1.1", medianMs: 5, resolvesBsg: false }], "DNS_NONE_RESOLVES"],
    ["current is fastest", [{ resolver: "system", medianMs: 4, resolvesBsg: true }, { resolver: "1.1.1.1", medianMs: 9, resolvesBsg: true }], "DNS_CURRENT_FASTEST"],
    ["no answer at all", [], "DNS_NONE_RESOLVES"],
  ])("benchmark refusal: %s", (_n, bench, code) => {
    const r = pickProvider(bench);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.code).toBe(code);
  });

  it("refuses restart-launcher during a raid, before any script runs", async () => {
    const s = setup({ raidInProgress: async () => true });
    const r = await s.engine.applyFix("restart-launcher");
    expect(r).toMatchObject({ ok: false, code: "FIX_RAID_IN_PROGRESS" });
    expect(s.runner.calls).toEqual([]);
  });

  it("refuses a fix set to never, and an unknown id", async () => {
    const s = setup({ config: { policy: { "flush-dns": "never" }, dailyCap: 3, verifyWindowMs: 30_000 } });
    expect(await s.engine.applyFix("flush-dns")).toMatchObject({ ok: false, code: "FIX_POLICY_NEVER" });
    expect(await s.engine.applyFix("format-c")).toMatchObject({ ok: false, code: "FIX_UNKNOWN" });
  });

  it("refuses switch-dns when the prior state cannot be read (exact undo impossible)", async () => {
    const s = setup();
    s.runner.whatIfFails.add("Set-AgentDnsServer.ps1");
    const r = await s.engine.applyFix("switch-dns", { provider: "google" });
    expect(r).toMatchObject({ ok: false, code: "FIX_NO_SNAPSHOT" });
    expect(s.runner.calls.filter((c) => !c.whatIf)).toEqual([]);
  });

  it("a script that reports Failed is a failed fix with the script's message", async () => {
    const s = setup();
    s.runner.scriptFails.add("Clear-AgentDnsCache.ps1");
    const r = await s.engine.applyFix("flush-dns");
    expect(r).toMatchObject({ ok: false, code: "FIX_FAILED", status: "Failed", message: "fake failure" });
    expect((await s.engine.history())[0]).toMatchObject({ state: "failed" });
  });

  it("a timeout after the change took effect: re-checked, kept and verified (a lost answer never undoes a working fix)", async () => {
    const s = setup({ verdicts: ["dns-failure", "ok"] });
    s.runner.failNext.set("Set-AgentDnsServer.ps1", "PS_TIMEOUT");
    const r = await s.engine.applyFix("switch-dns", { provider: "cloudflare" });
    expect(r).toMatchObject({ ok: true, status: "Changed", verification: { result: "improved", final: "ok" } });
    expect(s.runner.world.dns).toBe("cloudflare");
    expect(s.runner.calls.map((c) => [c.script, c.whatIf])).toEqual([
      ["Set-AgentDnsServer.ps1", true],
      ["Set-AgentDnsServer.ps1", false],
      ["Set-AgentDnsServer.ps1", true], // the re-check
    ]);
    const [e] = await s.engine.history();
    expect(e).toMatchObject({ state: "done", status: "Changed", before: { dns: "dhcp" }, after: { dns: "cloudflare" }, message: expect.stringMatching(/PS_TIMEOUT .*re-check found the change in place/) });
    expect(s.events.map((ev) => ev.type)).toContain("applied");
  });

  it("a timeout after the change took effect that did not help is rolled back by verification, like any change", async () => {
    const s = setup({ verdicts: ["dns-failure"] });
    s.runner.failNext.set("Set-AgentDnsServer.ps1", "PS_TIMEOUT");
    const r = await s.engine.applyFix("switch-dns", { provider: "cloudflare" });
    expect(r).toMatchObject({ ok: false, code: "FIX_ROLLED_BACK" });
    expect(s.runner.world.dns).toBe("dhcp");
  });

  it("a timeout before the change took effect: re-checked, any partial change put back with the exact undo", async () => {
    const s = setup({ verdicts: ["dns-failure"] });
    s.runner.timeoutBeforeEffect.add("Set-AgentDnsServer.ps1");
    const r = await s.engine.applyFix("switch-dns", { provider: "cloudflare" });
    expect(r).toMatchObject({ ok: false, code: "PS_TIMEOUT", message: expect.stringMatching(/had not \(fully\) taken effect; any partial change was undone/) });
    expect(s.runner.calls.map((c) => [c.script, c.whatIf])).toEqual([
      ["Set-AgentDnsServer.ps1", true],
      ["Set-AgentDnsServer.ps1", false],
      ["Set-AgentDnsServer.ps1", true],
      ["Restore-AgentDnsServer.ps1", false],
    ]);
    const [e] = await s.engine.history();
    expect(e).toMatchObject({ code: "PS_TIMEOUT", undo: { by: "resolve-pending", state: "done" } });
  });

  it("a timeout whose re-check cannot run leaves the record 'unknown' for the next start, undoing nothing", async () => {
    const s = setup({ verdicts: ["dns-failure"] });
    s.runner.failNext.set("Set-AgentDnsServer.ps1", "PS_TIMEOUT");
    const run = s.runner.run.bind(s.runner);
    let n = 0;
    s.runner.run = async (req) => (req.whatIf === true && ++n === 2 ? { ok: false, code: "PS_EXITED", message: "PowerShell exited with code 3", runId: "r-x", durationMs: 1, stdoutTail: "", stderrTail: "" } : run(req));
    const r = await s.engine.applyFix("switch-dns", { provider: "cloudflare" });
    expect(r).toMatchObject({ ok: false, code: "PS_TIMEOUT", message: expect.stringMatching(/could not be checked \(PS_EXITED: PowerShell exited with code 3\); the agent checks again at its next start/) });
    expect(s.runner.world.dns).toBe("cloudflare");
    expect((await s.engine.history())[0]).toMatchObject({ state: "unknown", code: "PS_TIMEOUT" });
    expect(s.runner.calls.some((c) => c.script === "Restore-AgentDnsServer.ps1")).toBe(false);
  });

  it("a failed dry run stops: no real run, no administrator prompt", async () => {
    const s = setup();
    s.runner.whatIfFails.add("Add-AgentFirewallRule.ps1");
    const r = await s.engine.applyFix("firewall-allow-eft");
    expect(r).toMatchObject({ ok: false, status: "Failed", code: "FIX_DRY_RUN_FAILED", message: expect.stringMatching(/^not applied: its check failed before anything was changed \(fake failure\)$/) });
    expect(s.runner.calls.map((c) => [c.script, c.whatIf, c.elevated])).toEqual([["Add-AgentFirewallRule.ps1", true, false]]);
    expect(await s.engine.history()).toEqual([]);
  });

  it("defender: a dry run that cannot see the exclusions without admin still leads to the elevated apply", async () => {
    const s = setup({ verdicts: ["bsg-unreachable", "ok"] });
    s.runner.hiddenWithoutAdmin.add("Add-AgentDefenderExclusion.ps1");
    const dry = await s.engine.applyFix("defender-exclusion-eft", { dryRun: true });
    expect(dry).toMatchObject({ ok: true, status: "WouldChange", message: expect.stringMatching(/administrator rights, so that is checked when it runs/) });
    const r = await s.engine.applyFix("defender-exclusion-eft");
    expect(r).toMatchObject({ ok: true, status: "Changed" });
    expect(s.runner.world.defenderExclusion).toBe(true);
    expect(s.runner.calls.filter((c) => !c.whatIf).map((c) => [c.script, c.elevated])).toEqual([["Add-AgentDefenderExclusion.ps1", true]]);
    // The journal keeps the elevated run's own snapshot: the exact-undo material the dry run could not read.
    expect((await s.engine.history())[0]).toMatchObject({ state: "done", before: { defenderExclusion: false } });
    expect((await s.engine.undoFix("defender-exclusion-eft")).ok).toBe(true);
    expect(s.runner.world.defenderExclusion).toBe(false);
  });

  it("an unwritable journal stops the fix before anything changes", async () => {
    const s = setup();
    s.journal.add = async () => {
      throw new Error("EROFS: read-only file system");
    };
    const r = await s.engine.applyFix("switch-dns", { provider: "google" });
    expect(r).toMatchObject({ ok: false, code: "FIX_JOURNAL_UNWRITABLE" });
    expect(s.runner.world.dns).toBe("dhcp");
    expect(s.runner.calls.filter((c) => !c.whatIf)).toEqual([]);
  });

  it("elevation refused is a clean failure, journalled, nothing changed", async () => {
    const s = setup();
    s.runner.failNext.set("Add-AgentFirewallRule.ps1", "ELEVATION_REFUSED");
    const r = await s.engine.applyFix("firewall-allow-eft");
    expect(r).toMatchObject({ ok: false, code: "ELEVATION_REFUSED" });
    const [e] = await s.engine.history();
    expect(e).toMatchObject({ state: "failed", code: "ELEVATION_REFUSED" });
  });
});

describe("undo", () => {
  it("undoAll reverts everything the agent owns, newest first, with the recorded snapshots", async () => {
    const s = setup();
    await s.engine.applyFix("firewall-allow-eft", { verify: false });
    await s.engine.applyFix("switch-dns", { provider: "cloudflare", verify: false });
    await s.engine.applyFix("defender-exclusion-eft", { verify: false });
    await s.engine.applyFix("switch-dns", { provider: "google", verify: false });
    expect(s.runner.world).toEqual({ dns: "google", firewallGroup: true, defenderExclusion: true });
    s.runner.calls = [];
    const r = await s.engine.undoAll();
    expect(r.ok).toBe(true);
    expect(s.runner.calls.map((c) => [c.script, (c.params as { snapshot: { dns: string } }).snapshot.dns])).toEqual([
      ["Restore-AgentDnsServer.ps1", "cloudflare"],
      ["Remove-AgentDefenderExclusion.ps1", "cloudflare"],
      ["Restore-AgentDnsServer.ps1", "dhcp"],
      ["Remove-AgentFirewallRule.ps1", "dhcp"],
    ]);
    expect(s.runner.calls.every((c) => c.elevated)).toBe(true);
    expect(s.runner.world).toEqual({ dns: "dhcp", firewallGroup: false, defenderExclusion: false });
    expect((await s.engine.history()).filter((e) => e.state === "undone")).toHaveLength(4);
    expect((await s.engine.undoAll()).items).toEqual([]); // nothing left
  });

  it("undo by fix id reverts that fix's chain; restore-dns does the same for switch-dns", async () => {
    const s = setup();
    await s.engine.applyFix("switch-dns", { provider: "cloudflare", verify: false });
    await s.engine.applyFix("switch-dns", { provider: "quad9", verify: false });
    await s.engine.applyFix("firewall-allow-eft", { verify: false });
    const dry = await s.engine.applyFix("restore-dns", { dryRun: true });
    expect(dry).toMatchObject({ ok: true, dryRun: true, status: "WouldChange" });
    const r = await s.engine.applyFix("restore-dns");
    expect(r.ok).toBe(true);
    expect(s.runner.world).toEqual({ dns: "dhcp", firewallGroup: true, defenderExclusion: false });
    const u = await s.engine.undoFix("firewall-allow-eft");
    expect(u.items).toHaveLength(1);
    expect(s.runner.world.firewallGroup).toBe(false);
  });

  it("undo of one journal entry by its id", async () => {
    const s = setup();
    await s.engine.applyFix("firewall-allow-eft", { verify: false });
    const [e] = await s.engine.history();
    expect((await s.engine.undoFix(e!.id)).ok).toBe(true);
    expect((await s.engine.undoFix(e!.id)).code).toBe("FIX_NOTHING_TO_UNDO");
  });
});

describe("resolvePending (crash recovery, in process)", () => {
  const pending = (fixId: string, params: unknown, before: unknown) => ({
    id: newEntryId(new Date()),
    fixId,
    params,
    approvedBy: "auto" as const,
    incidentId: "i-1",
    state: "pending" as const,
    startedAt: new Date().toISOString(),
    finishedAt: null,
    before,
    after: null,
    plan: [],
    changes: [],
    status: null,
    code: null,
    message: null,
    rebootNeeded: false,
    runId: null,
    undo: null,
  });

  it("applied → undone with the recorded snapshot; irreversible → interrupted; offer mode leaves it for the player", async () => {
    const s = setup();
    s.runner.world.dns = "cloudflare"; // the crashed run had taken effect
    await s.journal.add(pending("switch-dns", { provider: "cloudflare", ipv4: ["1.1.1.1"], ipv6: [], physicalAdaptersOnly: true }, { dns: "dhcp", firewallGroup: false, defenderExclusion: false }));
    await s.journal.add(pending("flush-dns", {}, null));
    const out = await s.engine.resolvePending();
    expect(out.map((o) => [o.fixId, o.outcome])).toEqual([
      ["switch-dns", "undone"],
      ["flush-dns", "interrupted"],
    ]);
    expect(s.runner.world.dns).toBe("dhcp");

    const s2 = setup();
    s2.runner.world.firewallGroup = true;
    await s2.journal.add(pending("firewall-allow-eft", { group: "Tarkov Connection Agent", installDir: null, programs: ["EscapeFromTarkov.exe"] }, { dns: "dhcp", firewallGroup: false, defenderExclusion: false }));
    const offered = await s2.engine.resolvePending({ undo: false });
    expect(offered[0]!.outcome).toBe("offer-undo");
    expect(s2.runner.world.firewallGroup).toBe(true);
    expect((await s2.engine.undoAll()).items).toHaveLength(1);
    expect(s2.runner.world.firewallGroup).toBe(false);
  });

  it("a journal that cannot be parsed is set aside, never silently deleted, and the damage is reported", async () => {
    const s = setup();
    const { writeFileSync, existsSync, readdirSync } = await import("node:fs");
    const { dirname } = await import("node:path");
    writeFileSync(s.journal.path, "{ torn");
    expect(await s.engine.history()).toEqual([]);
    const copies = readdirSync(dirname(s.journal.path)).filter((n) => n.startsWith("journal.json.corrupt-"));
    expect(copies).toHaveLength(1);
    expect(readFileSync(`${dirname(s.journal.path)}/${copies[0]}`, "utf8")).toBe("{ torn");
    expect(s.journal.damage()).toMatchObject({ setAside: 1, notSetAside: 0, latestReason: expect.stringContaining(copies[0]!) });
    expect(existsSync(s.journal.damage()!.file)).toBe(true);
  });
});

describe("auto-apply (monitor entry point)", () => {
  const auto = { policy: { "flush-dns": "auto", "switch-dns": "auto", "defender-exclusion-eft": "auto", "firewall-allow-eft": "auto" } as const, dailyCap: 2, verifyWindowMs: 30_000 };

  // Windows Firewall seen blocking the game: the evidence that makes the firewall rule and the Defender exclusion apply.
  const blocked: Diagnosis = { ...diag("bsg-unreachable"), variant: "bsg-unreachable", advice: adviceFor("bsg-unreachable", { firewallBlock: true }) };

  it("applies the lowest-risk auto fix once per incident, asks about the rest, reports high-risk auto as ask", async () => {
    const s = setup({ config: { ...auto, policy: { ...auto.policy } }, verdicts: ["ok"] });
    const r = await s.engine.onConfirmedVerdict(blocked, "inc-1", true);
    expect(r.applied).toMatchObject({ fixId: "flush-dns", ok: true });
    expect(r.ask).toEqual(
      expect.arrayContaining([
        { fixId: "firewall-allow-eft", title: expect.any(String), reason: "POLICY_ASK" },
        { fixId: "defender-exclusion-eft", title: expect.any(String), reason: "HIGH_RISK_NEVER_AUTO" },
        { fixId: "restart-launcher", title: expect.any(String), reason: "POLICY_ASK" },
      ]),
    );
    const [e] = await s.engine.history();
    expect(e).toMatchObject({ approvedBy: "auto", incidentId: "inc-1" });
    // Same incident again: flush-dns is not repeated; firewall is now the auto candidate.
    const again = await s.engine.onConfirmedVerdict(blocked, "inc-1", true);
    expect(again.skipped).toContainEqual({ fixId: "flush-dns", reason: "ALREADY_THIS_INCIDENT" });
    expect(again.applied?.fixId).toBe("firewall-allow-eft");
    // Daily cap (2) reached: the next incident only asks.
    const capped = await s.engine.onConfirmedVerdict(blocked, "inc-2", true);
    expect(capped.applied).toBeNull();
    expect(capped.ask).toContainEqual({ fixId: "flush-dns", title: expect.any(String), reason: "DAILY_CAP" });
  });

  it("does nothing automatic with the tray toggle off", async () => {
    const s = setup({ config: { ...auto, policy: { ...auto.policy } } });
    const r = await s.engine.onConfirmedVerdict(diag("dns-failure"), "inc-1", false);
    expect(r.applied).toBeNull();
    expect(r.ask.map((a) => a.reason)).toContain("AUTO_FIX_OFF");
    expect(s.runner.calls).toEqual([]);
  });
});

describe("listFixes", () => {
  it("lists applicable fixes first with their policy, and guidance that applies now", async () => {
    const s = setup({ config: { policy: { "reset-network-stack": "auto" }, dailyCap: 3, verifyWindowMs: 30_000 } });
    const { fixes, guidance } = await s.engine.listFixes(diag("local-network"), {
      gateway: "dead",
      snapshot: { adapters: [{ name: "Wi-Fi", type: "wifi", status: "Up", wifiSignalPercent: 31, driverDate: "2019-03-01" }] },
    });
    expect(fixes.slice(0, 2).map((f) => [f.id, f.appliesNow])).toEqual([
      ["renew-ip", true],
      ["reset-network-stack", true],
    ]);
    expect(fixes.find((f) => f.id === "reset-network-stack")!.policy).toEqual({ configured: "auto", effective: "ask", note: "HIGH_RISK_NEVER_AUTO" });
    expect(guidance.map((g) => g.id)).toEqual(["restart-router", "use-cable", "update-network-driver"]);
    expect(guidance.find((g) => g.id === "use-cable")!.why).toMatch(/weak \(31%\)/);
  });

  it.each<[VerdictId, string[]]>([
    ["bsg-unreachable", ["vpn-or-region"]],
    ["ok", []],
  ])("guidance for verdict %s", async (verdict, ids) => {
    const s = setup();
    const { guidance } = await s.engine.listFixes(diag(verdict));
    expect(guidance.map((g) => g.id)).toEqual(ids);
  });
});
