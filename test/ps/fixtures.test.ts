/**
 * test/fixtures/ps/*.json are real-shaped result files, one per script and outcome. They are held to the TS
 * engine's own zod schema (src/fixes/result-schema.ts) and to the per-script before/after/data shapes the scripts
 * write, so both ends of the contract are checked against the same files.
 */
import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { z } from "zod";
import { describe, expect, it } from "vitest";
import { fixResultSchema } from "../../src/fixes/result-schema.js";
import { parseSnapshot } from "../../src/fixes/snapshot.js";

const DIR = join(import.meta.dirname, "..", "fixtures", "ps");
const SCRIPTS = join(import.meta.dirname, "..", "..", "scripts");
const files = readdirSync(DIR).filter((f) => f.endsWith(".json")).sort();

const family = z.strictObject({ source: z.enum(["Static", "Dhcp"]), servers: z.array(z.union([z.ipv4(), z.ipv6()])), dhcpServers: z.array(z.string()).optional() });
const dnsAdapter = z.strictObject({
  interfaceIndex: z.number().int(), interfaceAlias: z.string(),
  interfaceGuid: z.string().regex(/^\{[0-9a-f-]{36}\}$/i), ipv4: family, ipv6: family,
});
const dnsState = z.strictObject({ adapters: z.array(dnsAdapter) });
const rule = z.strictObject({
  name: z.string(), displayName: z.string(), group: z.string(), direction: z.enum(["Inbound", "Outbound"]), action: z.enum(["Allow", "Block"]),
  enabled: z.boolean(), profile: z.string(), program: z.string().nullable(), owned: z.boolean(),
});
const rules = z.strictObject({ rules: z.array(rule) });
const exclusions = z.strictObject({ exclusionProcesses: z.array(z.strictObject({ path: z.string(), present: z.boolean() })) });
const reason = z.looseObject({ reason: z.string().min(1) });
const hidden = z.strictObject({ stateVisible: z.literal(false), reason: z.string().min(1) });
const nullish = z.null();

/** Shapes of before / after / data per script (Skipped results carry data.reason). */
const SHAPES: Record<string, { before: z.ZodType; after: z.ZodType; data: z.ZodType }> = {
  "Set-AgentDnsServer": { before: dnsState.nullable(), after: dnsState.nullable(),
    data: z.looseObject({ provider: z.enum(["cloudflare", "google", "quad9"]), ipv4: z.array(z.ipv4()), ipv6: z.array(z.ipv6()) }).nullable() },
  "Restore-AgentDnsServer": { before: dnsState.nullable(), after: dnsState.nullable(),
    data: z.strictObject({ missingAdapters: z.array(z.strictObject({ interfaceGuid: z.string(), interfaceAlias: z.string() })) }).nullable() },
  "Clear-AgentDnsCache": { before: z.strictObject({ cacheEntries: z.number().int() }).nullable(), after: z.strictObject({ cacheEntries: z.number().int() }).nullable(), data: nullish },
  "Update-AgentDhcpLease": {
    before: z.strictObject({ interfaceIndex: z.number().int(), interfaceAlias: z.string(), dhcp: z.boolean(), ipv4Addresses: z.array(z.ipv4()) }).nullable(),
    after: z.strictObject({ interfaceIndex: z.number().int(), interfaceAlias: z.string(), dhcp: z.boolean(), ipv4Addresses: z.array(z.ipv4()) }).nullable(),
    data: reason.nullable() },
  "Add-AgentFirewallRule": { before: rules.nullable(), after: rules.nullable(),
    data: z.strictObject({ group: z.literal("Tarkov Connection Agent"), programs: z.array(z.string()), notFound: z.array(z.string()), blockRules: z.array(rule) }).nullable() },
  "Remove-AgentFirewallRule": { before: rules.nullable(), after: rules.nullable(), data: nullish },
  // data: set only by an unelevated dry run, which cannot see Defender's exclusion lists.
  "Add-AgentDefenderExclusion": { before: exclusions.nullable(), after: exclusions.nullable(), data: hidden.nullable() },
  "Remove-AgentDefenderExclusion": { before: exclusions.nullable(), after: exclusions.nullable(), data: hidden.nullable() },
  "Restart-AgentBsgLauncher": { before: z.strictObject({ running: z.boolean(), processIds: z.array(z.number().int()) }).nullable(),
    after: z.strictObject({ running: z.boolean(), processIds: z.array(z.number().int()) }).nullable(), data: reason.nullable() },
  "Reset-AgentNetworkStack": { before: nullish, after: nullish,
    data: z.strictObject({ commands: z.array(z.strictObject({ command: z.string(), exitCode: z.number().int(), output: z.array(z.string()) })) }).nullable() },
  "Get-AgentNetworkSnapshot": { before: nullish, after: nullish, data: z.looseObject({ adapters: z.array(z.looseObject({ dns: z.strictObject({ ipv4: family, ipv6: family }) })) }) },
  "Get-AgentEftInstall": { before: nullish, after: nullish, data: z.strictObject({
    game: z.looseObject({ installLocation: z.string(), edition: z.enum(["bsg", "steam", "config"]) }).nullable(),
    candidates: z.array(z.looseObject({ installLocation: z.string() })),
    launcher: z.strictObject({ path: z.string().nullable(), gamesRootDir: z.string().nullable(), settingsFound: z.boolean(), settingsReadable: z.boolean() }),
    programs: z.array(z.string()) }) },
  "Get-AgentFirewallState": { before: nullish, after: nullish, data: z.strictObject({
    programs: z.array(z.strictObject({ path: z.string(), inbound: z.enum(["Allow", "Block", "NotConfigured"]), outbound: z.enum(["Allow", "Block", "NotConfigured"]), rules: z.array(rule) })),
    notFound: z.array(z.string()), profiles: z.array(z.looseObject({ name: z.string() })) }) },
  "Get-AgentPathTrace": { before: nullish, after: nullish, data: z.strictObject({
    tool: z.enum(["tracert", "pathping"]), target: z.union([z.ipv4(), z.ipv6()]), command: z.string().regex(/^(TRACERT|PATHPING)\.EXE /), exitCode: z.number().int(),
    lines: z.array(z.string()) }).nullable() },
};

describe("test/fixtures/ps", () => {
  it("covers every script", () => {
    const scripts = readdirSync(SCRIPTS).filter((f) => f.endsWith(".ps1")).map((f) => basename(f, ".ps1"));
    const covered = new Set(files.map((f) => f.split(".")[0]));
    expect(scripts.filter((s) => !covered.has(s))).toEqual([]);
    expect(Object.keys(SHAPES).sort()).toEqual(scripts.sort());
  });

  it.each(files)("%s matches the engine's result schema and its script's shapes", (file) => {
    const json: unknown = JSON.parse(readFileSync(join(DIR, file), "utf8"));
    const parsed = fixResultSchema.safeParse(json);
    expect(parsed.success, parsed.success ? "" : parsed.error.message).toBe(true);
    if (!parsed.success) return;
    const r = parsed.data;
    expect(file.startsWith(`${r.script}.`)).toBe(true);
    const shape = SHAPES[r.script];
    expect(shape, `no shape for ${r.script}`).toBeDefined();
    if (!shape) return;
    for (const key of ["before", "after", "data"] as const) {
      const check = shape[key].safeParse(r[key]);
      expect(check.success, `${key}: ${check.success ? "" : check.error.message}`).toBe(true);
    }
    if (r.status === "Skipped") expect(reason.safeParse(r.data).success).toBe(true);
    if (r.whatIf) expect(r.changes).toEqual([]);
    if (r.status === "WouldChange") expect(r.plan.length).toBeGreaterThan(0);
    if (r.mode === "Read") expect([r.before, r.after]).toEqual([null, null]);
  });

  it("the network snapshot is readable by the engine's snapshot parser", () => {
    const r = JSON.parse(readFileSync(join(DIR, "Get-AgentNetworkSnapshot.read.json"), "utf8")) as { data: unknown };
    const snap = parseSnapshot(r.data);
    expect(snap?.adapters[1]).toMatchObject({ type: "Wi-Fi", wifiSignalPercent: 42, isDefaultRoute: true, driverDate: "2023-09-12" });
    expect(snap?.defaultGateway).toBe("192.168.1.1");
  });
});
