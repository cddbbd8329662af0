/**
 * Advice and applicable fixes come from one table and never contradict: for every verdict variant, the fix ids
 * `diagnose` advises are exactly the fixes the engine marks "applies now" and would auto-apply or ask about.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { applicableFixIds, DEFAULT_VARIANT, VARIANT_ADVICE, verdictsAdvising } from "../../src/core/advice.js";
import { classify } from "../../src/core/classify.js";
import { firewallEvidence } from "../../src/core/firewall-evidence.js";
import { VARIANTS, VERDICT_IDS, type Diagnosis, type Evidence } from "../../src/core/types.js";
import { FIXES, findFix } from "../../src/fixes/catalog/index.js";
import { pickProvider } from "../../src/fixes/catalog/switch-dns.js";
import { FixEngine } from "../../src/fixes/engine.js";
import { Journal } from "../../src/fixes/journal.js";
import type { ScriptRunner } from "../../src/ports/powershell.js";
import { round } from "../helpers/round-builder.js";
import { variantCases } from "./variant-cases.js";

const dir = mkdtempSync(join(tmpdir(), "tca-advice-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Listing and deciding never run a script; a call here would be a bug. */
const noScripts: ScriptRunner = {
  run: () => Promise.reject(new Error("no script may run while listing fixes")),
  dispose: () => Promise.resolve(),
};

const engine = new FixEngine({
  runner: noScripts,
  journal: Journal.inDataDir(dir),
  config: { policy: {}, dailyCap: 3, verifyWindowMs: 30_000 },
  diagnose: () => Promise.reject(new Error("not used")),
  benchmarkDns: () => Promise.reject(new Error("not used")),
  raidInProgress: () => false,
});

const advised = (d: Diagnosis): string[] => d.advice.flatMap((a) => (a.fixId === undefined ? [] : [a.fixId])).sort();

describe.each(variantCases.map(([name, spec, variant]) => [variant, name, spec] as const))("%s (%s)", (variant, _name, spec) => {
  const d = classify(round(spec));

  it("is the variant the table says", () => {
    expect(d.variant).toBe(variant);
  });

  it("advised fix ids == the engine's 'applies now' ids == applicableFixIds", async () => {
    const { fixes } = await engine.listFixes(d);
    const appliesNow = fixes.filter((f) => f.appliesNow).map((f) => f.id).sort();
    expect(appliesNow).toEqual(advised(d));
    expect([...applicableFixIds(d)].sort()).toEqual(advised(d));
  });

  it("the automatic path asks about exactly the advised fixes (default policy: ask)", async () => {
    const r = await engine.onConfirmedVerdict(d, `inc-${variant}`, false);
    expect(r.applied).toBeNull();
    expect(r.ask.map((a) => a.fixId).sort()).toEqual(advised(d));
  });

  it("every advised fix exists and lists this verdict in its appliesTo", () => {
    for (const id of advised(d)) expect(findFix(id)?.appliesTo).toContain(d.verdict);
  });
});

describe("the table itself", () => {
  it("each catalogue entry's appliesTo is exactly the verdicts whose advice offers it", () => {
    for (const f of FIXES) expect([...f.appliesTo].sort()).toEqual([...verdictsAdvising(f.id)].sort());
  });

  it("a diagnosis without a variant counts as its verdict's default variant", () => {
    for (const v of VERDICT_IDS) {
      expect(VARIANTS[DEFAULT_VARIANT[v]]).toBe(v);
      expect(applicableFixIds({ verdict: v })).toEqual(applicableFixIds({ verdict: v, variant: DEFAULT_VARIANT[v] }));
    }
  });

  it("no name resolving anywhere never advises the DNS switch that the switch-dns fix would refuse", () => {
    const d = classify(round({ bsg: [{ id: "prod", fail: "DNS_NXDOMAIN" }], controls: [{ id: "cf", fail: "DNS_NXDOMAIN" }, { id: "anycast", host: "1.1.1.1" }] }));
    expect(d.variant).toBe("dns-blocked");
    expect(advised(d)).not.toContain("switch-dns");
    // What switch-dns itself says in that world: no public resolver answers.
    const refusal = pickProvider([{ resolver: "system", medianMs: null, resolvesBsg: false }, { resolver: "1.1.1.1", medianMs: null, resolvesBsg: false }]);
    expect(refusal).toMatchObject({ ok: false, code: "DNS_NONE_RESOLVES" });
    expect(VARIANT_ADVICE["dns-blocked"].some((a) => /DNS to Cloudflare|switch your DNS/i.test(a.text))).toBe(false);
  });
});

describe("fixes offered by evidence, not by the verdict alone", () => {
  // The script's real result shape (test/fixtures/ps/Get-AgentFirewallState.read.json: an outbound BLOCK rule).
  const firewallState = (JSON.parse(readFileSync(join(import.meta.dirname, "../fixtures/ps/Get-AgentFirewallState.read.json"), "utf8")) as { data: unknown }).data;
  const blocked = firewallEvidence(firewallState);
  const withEvidence = (spec: Parameters<typeof round>[0], extra: Evidence[]) => classify({ ...round(spec), extraEvidence: extra });
  const routing = { bsg: [{ id: "prod", fail: "TCP_TIMEOUT" as const }, { id: "gw", fail: "TCP_TIMEOUT" as const }], controls: [{ id: "cf" }] };

  it("the firewall state with an enabled BLOCK rule reads as one problem line naming the program and the rule", () => {
    expect(blocked).toEqual([
      { kind: "firewall", severity: "problem", text: expect.stringMatching(/^Windows Firewall blocks EscapeFromTarkov\.exe \(outbound\) with rule "Escape From Tarkov": /) },
    ]);
    expect(firewallEvidence({ programs: [{ path: "C:\\x\\EscapeFromTarkov.exe", inbound: "Allow", outbound: "NotConfigured", rules: [] }] })).toEqual([]);
    expect(firewallEvidence("junk")).toEqual([]);
  });

  it("an ISP routing verdict offers neither the firewall rule nor the Defender exclusion", () => {
    const d = classify(round(routing));
    expect(d.variant).toBe("bsg-unreachable");
    expect(advised(d)).not.toContain("firewall-allow-eft");
    expect(advised(d)).not.toContain("defender-exclusion-eft");
  });

  it("the same verdict with a BLOCK rule found offers the firewall rule first, and the Defender exclusion", async () => {
    const d = withEvidence(routing, blocked);
    expect(d.advice[0]).toMatchObject({ fixId: "firewall-allow-eft", key: "firewallBlocks" });
    expect(advised(d)).toEqual(expect.arrayContaining(["firewall-allow-eft", "defender-exclusion-eft"]));
    const { fixes } = await engine.listFixes(d);
    expect(fixes.filter((f) => f.appliesNow).map((f) => f.id).sort()).toEqual(advised(d));
  });

  it("a healthy connection with the game blocked by the firewall says so (the agent's probes are not the game)", () => {
    const d = withEvidence({ bsg: [{ id: "prod" }], controls: [{ id: "cf" }] }, blocked);
    expect(d.verdict).toBe("ok");
    expect(d.advice[0]?.fixId).toBe("firewall-allow-eft");
  });

  it("interception by a known antivirus names its setting and does not offer Microsoft Defender; an unknown interceptor does", () => {
    const known = classify(round({ bsg: [{ id: "prod", fail: "TLS_UNTRUSTED", issuer: "CN=Kaspersky Anti-Virus Personal Root Certificate, O=AO Kaspersky Lab" }], controls: [{ id: "cf" }] }));
    expect(known.variant).toBe("intercepted");
    expect(advised(known)).not.toContain("defender-exclusion-eft");
    expect(known.advice[0]?.key).toBe("product:kaspersky");
    const unknown = classify(round({ bsg: [{ id: "prod", fail: "TLS_UNTRUSTED", issuer: "CN=Some Filter Root" }], controls: [{ id: "cf" }] }));
    expect(unknown.variant).toBe("intercepted");
    expect(advised(unknown)).toContain("defender-exclusion-eft");
  });

  it("advice that says to restart the launcher now offers the launcher restart; advice to restart later does not", () => {
    for (const [variant, entries] of Object.entries(VARIANT_ADVICE)) {
      for (const a of entries) {
        if (a.key === "bsgThenRestart" || a.key === "maintenanceRestart") expect(a.fixId, `${variant}: ${a.key}`).toBeUndefined();
        else if (/restart the (game and the )?launcher/i.test(a.text)) expect(a.fixId, `${variant}: ${a.key}`).toBe("restart-launcher");
      }
    }
  });
});
