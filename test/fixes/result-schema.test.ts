/** The result contract: our schema against hand-made cases and against the PowerShell side's fixtures when present. */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { FIXES, GUIDANCE } from "../../src/fixes/catalog/index.js";
import { parseFixResult } from "../../src/fixes/result-schema.js";
import { SCRIPT_NAME } from "../../src/ports/powershell.js";

const good = {
  schema: 1,
  script: "Set-AgentDnsServer",
  mode: "Apply",
  whatIf: false,
  status: "Changed",
  changes: ["IPv4 DNS on 'Ethernet' set to 1.1.1.1, 1.0.0.1"],
  plan: [],
  before: { ifIndex: 12, source: "Dhcp", servers: [] },
  after: { ifIndex: 12, source: "Static", servers: ["1.1.1.1", "1.0.0.1"] },
  data: null,
  rebootNeeded: false,
  error: null,
  startedAt: "2025-01-01T10:00:00.000Z",
  durationMs: 84,
};

describe("result schema", () => {
  it("accepts the contract example, with a BOM too", () => {
    expect(parseFixResult(JSON.stringify(good)).ok).toBe(true);
    expect(parseFixResult("\uFEFF" + JSON.stringify(good)).ok).toBe(true);
    expect(parseFixResult(JSON.stringify({ ...good, startedAt: "2025-01-01T10:00:00.0000000+01:00" })).ok).toBe(true);
  });
  it.each<[string, Record<string, unknown>, RegExp]>([
    ["unknown status", { status: "Maybe" }, /status/],
    ["Changed from a dry run", { whatIf: true }, /WhatIf run cannot report Changed/],
    ["WouldChange from a real run", { status: "WouldChange" }, /WouldChange only/],
    ["Failed without error", { status: "Failed" }, /error/],
    ["schema 2", { schema: 2 }, /schema/],
    ["missing plan", { plan: undefined }, /plan/],
    ["script with .ps1", { script: "Set-AgentDnsServer.ps1" }, /script/],
    ["PowerShell /Date()/ dates", { startedAt: "/Date(1735725600000)/" }, /startedAt/],
  ])("rejects %s", (_n, patch, message) => {
    const r = parseFixResult(JSON.stringify({ ...good, ...patch }));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(message);
  });
  it("rejects non-JSON", () => {
    expect(parseFixResult("What if: ...").ok).toBe(false);
  });

  const dir = resolve("test/fixtures/ps");
  const fixtures = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".json")) : [];
  it.skipIf(fixtures.length === 0)(`validates every PowerShell fixture in test/fixtures/ps (${fixtures.length} found)`, () => {
    for (const f of fixtures) {
      const r = parseFixResult(readFileSync(join(dir, f), "utf8"));
      expect(r.ok ? "ok" : `${f}: ${r.message}`).toBe("ok");
    }
  });
});

describe("catalogue", () => {
  it("has unique ids, Verb-Noun scripts and sane metadata", () => {
    const ids = FIXES.map((f) => f.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(["flush-dns", "renew-ip", "switch-dns", "restore-dns", "firewall-allow-eft", "defender-exclusion-eft", "restart-launcher", "reset-network-stack"]);
    for (const f of FIXES) {
      expect(f.script).toMatch(SCRIPT_NAME);
      if (f.undoScript) expect(f.undoScript).toMatch(SCRIPT_NAME);
      expect(f.reversible).toBe(f.undoScript !== undefined);
      expect(f.guideStep).toBeGreaterThanOrEqual(1);
      expect(f.title).not.toMatch(/\.ps1|[a-z]+-[a-z]+-/); // plain words, no script names or ids
    }
    expect(FIXES.filter((f) => f.risk === "high").map((f) => f.id).sort()).toEqual(["defender-exclusion-eft", "reset-network-stack"]);
    expect(FIXES.find((f) => f.id === "reset-network-stack")!.rebootNeeded).toBe(true);
    expect(new Set(GUIDANCE.map((g) => g.id)).size).toBe(GUIDANCE.length);
  });

  it("scripts named by the catalogue exist in scripts/ once the PowerShell side has landed", () => {
    const scripts = resolve("scripts");
    if (!existsSync(scripts)) return; // written concurrently by another engineer
    const present = new Set(readdirSync(scripts));
    const missing = FIXES.flatMap((f) => [f.script, f.undoScript ?? f.script]).filter((s) => !present.has(s));
    expect(missing).toEqual([]);
  });
});
