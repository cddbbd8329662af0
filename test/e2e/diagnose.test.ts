/**
 * Every verdict, end to end: the built `tarkov-agent diagnose` against a simulated internet on 127.0.0.0/8
 * (test/world: real DNS, TCP, TLS and HTTP servers, a status API, a gateway). No mocks.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { VerdictId } from "../../src/core/types.js";
import { diagnoseJsonSchema } from "../../src/report/diagnose-json.js";
import { startWorld, type World } from "../world/index.js";
import { runCli } from "./cli-run.js";

let world: World;
let dir: string;
let configFile: string;

beforeAll(async () => {
  world = await startWorld({ probe: { timeoutMs: 800, deadlineMs: 3_000 } });
  dir = mkdtempSync(join(tmpdir(), "tca-e2e-"));
  configFile = world.writeConfig(dir);
});
afterAll(async () => world?.close());

beforeEach(async () => {
  await world.setGroup("bsg", "up");
  await world.setGroup("control", "up");
  await world.setGateway("alive");
  world.setStatus("ok");
  world.setResolver("system", null);
  world.setResolver("public", null);
  for (const id of ["bsg-prod", "bsg-gw-pvp", "bsg-launcher", "bsg-wsn"]) world.setDns(id, null, "both");
});

const diagnose = async (...extra: string[]) => runCli(["diagnose", "--config", configFile, "--data-dir", join(dir, "data"), ...extra]);

async function diagnoseJson() {
  const r = await diagnose("--json");
  const parsed = diagnoseJsonSchema.safeParse(JSON.parse(r.stdout));
  if (!parsed.success) throw new Error(`--json output does not match the documented schema: ${parsed.error.message}`);
  return { ...r, json: parsed.data };
}

const scenarios: Array<[VerdictId, string, () => Promise<void> | void]> = [
  ["ok", "everything up", () => {}],
  ["maintenance", "status API says updating", () => world.setStatus("updating", { message: "Scheduled maintenance, ETA 2 h" })],
  ["server-outage", "BSG answers 503 while controls work", () => world.setGroup("bsg", "5xx")],
  ["server-outage", "status API says down", () => world.setStatus("down")],
  ["bsg-degraded", "one BSG host refuses, the others work", () => world.setTarget("bsg-prod", "refuse")],
  ["bsg-unreachable", "every BSG host swallows SYNs, controls fine, status green", () => world.setGroup("bsg", "blackhole")],
  ["bsg-unreachable", "every BSG host resets the handshake", () => world.setGroup("bsg", "reset")],
  ["dns-failure", "ISP resolver SERVFAILs, public resolver answers", () => world.setResolver("system", "servfail")],
  ["dns-failure", "ISP resolver NXDOMAINs only BSG names", () => {
    for (const id of ["bsg-prod", "bsg-gw-pvp", "bsg-launcher", "bsg-wsn"]) world.setDns(id, "nxdomain", "system");
  }],
  ["tls-intercepted", "antivirus web shield re-signs BSG's TLS", () => world.setGroup("bsg", "untrusted")],
  ["tls-intercepted", "captive portal answers for BSG", () => world.setGroup("bsg", "wrong-host")],
  ["no-internet", "router up, nothing beyond it answers", async () => {
    await world.setGroup("bsg", "refuse");
    await world.setGroup("control", "refuse");
  }],
  ["local-network", "router does not answer, nothing else does", async () => {
    await world.setGroup("bsg", "unreachable");
    await world.setGroup("control", "unreachable");
    await world.setGateway("dead");
  }],
  ["inconclusive", "no resolver anywhere knows BSG's names", () => {
    for (const id of ["bsg-prod", "bsg-gw-pvp", "bsg-launcher", "bsg-wsn"]) world.setDns(id, "nxdomain", "both");
  }],
];

describe("tarkov-agent diagnose (built CLI against a loopback world)", () => {
  it.each(scenarios)("%s when %s", async (verdict, _why, arrange) => {
    await arrange();
    const r = await diagnoseJson();
    expect(r.json.verdict, r.stdout).toBe(verdict);
    expect(r.code).toBe(verdict === "ok" ? 0 : 1);
    expect(r.json.targets.length).toBe(world.config.targets.length);
    expect(r.json.advice.length).toBeGreaterThan(0);
  });

  it("prints a readable report: verdict line, meaning, evidence table, resolver comparison and next steps", async () => {
    world.setResolver("system", "servfail");
    const r = await diagnose();
    expect(r.code).toBe(1);
    expect(r.stdout.split("\n")[0]).toMatch(/^\[FAIL\] Your DNS can't find Tarkov's servers.*verdict: dns-failure/);
    expect(r.stdout).toContain("Connections (time per phase, or the failure code):");
    expect(r.stdout).toMatch(/bsg-prod\s+bsg\s+DNS_SERVFAIL/);
    expect(r.stdout).toContain("DNS comparison (your resolver vs public ones):");
    expect(r.stdout).toMatch(/What to do next:\n {2}1\. Switch your DNS/);
    expect(r.stdout).toContain("tarkov-agent fix apply switch-dns");
  });

  it("names the intercepting certificate's issuer so the player can find the antivirus", async () => {
    await world.setGroup("bsg", "untrusted");
    const r = await diagnose();
    expect(r.stdout).toContain("Antivirus Web Shield Root");
  });

  it("records per-phase timings and codes, the resolver comparison, the gateway and the status API in --json", async () => {
    world.setStatus("updating", { message: "Scheduled maintenance, ETA 2 h" });
    await world.setTarget("bsg-prod", "refuse");
    const { json } = await diagnoseJson();
    const prod = json.targets.find((t) => t.id === "bsg-prod")!;
    expect(prod.phases.dns).toMatchObject({ status: "ok", ok: true, code: null });
    expect(prod.phases.tcp).toMatchObject({ status: "fail", ok: false, code: "TCP_REFUSED" });
    expect(prod.phases.tls).toMatchObject({ status: "skipped", ok: null });
    expect(prod.dns.map((a) => a.role)).toEqual(["system", "public"]);
    expect(json.gateway.state).toBe("alive");
    expect(json.statusApi).toMatchObject({ state: "updating", globalStatus: 1 });
    expect(json.evidence.some((e) => e.text.includes("Scheduled maintenance"))).toBe(true);
  });

  it("finishes a round where every host hangs near the deadline, not after N timeouts", async () => {
    await world.setGroup("bsg", "blackhole");
    await world.setGroup("control", "blackhole");
    world.setResolver("system", "silent");
    const r = await diagnoseJson();
    // 7 targets × (DNS + TCP) timeouts would be > 11 s sequentially; the deadline is 3 s.
    expect(r.json.durationMs).toBeLessThan(3_000 + 700);
    expect(r.json.verdict).not.toBe("ok");
  });

  it("logs every diagnosis with its evidence as JSON lines in the data dir", async () => {
    const logDir = join(dir, "logged");
    await runCli(["diagnose", "--config", configFile, "--data-dir", logDir]);
    const { readdirSync } = await import("node:fs");
    const file = readdirSync(join(logDir, "logs")).find((f) => f.endsWith(".log"))!;
    const line = readFileSync(join(logDir, "logs", file), "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.message === "diagnosis");
    expect(line).toMatchObject({ verdict: "ok", component: "diagnose" });
    expect(Array.isArray(line?.evidence)).toBe(true);
  });
});

describe("usage and config errors (exit 2, nothing written)", () => {
  it.each([
    ['{"probe": {"timeoutMs": "fast"}}', 'key probe.timeoutMs: expected a number, found "fast"'],
    ['{"targets": [{"id": "x", "group": "bsg", "url": "ftp://x"}]}', "key targets[0].url: expected"],
    ['{"gateway": {"host": "10.0.0.1", "port": 80}}', 'key gateway: unknown key "port"'],
    ["{ nope", "is not valid JSON"],
  ])("rejects %s", async (text, message) => {
    const file = join(dir, `bad-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, text);
    const dataDir = join(dir, `never-${Math.random().toString(36).slice(2)}`);
    const r = await runCli(["diagnose", "--config", file, "--data-dir", dataDir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stdout).toBe("");
    expect(readFileSync(file, "utf8")).toBe(text);
    expect(existsSync(dataDir)).toBe(false);
  });

  it("reads the config from TARKOV_AGENT_CONFIG", async () => {
    const file = join(dir, "env-bad.json");
    writeFileSync(file, '{"colour": 1}');
    const r = await runCli(["diagnose"], { TARKOV_AGENT_CONFIG: file });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown key "colour"');
  });

  it.each([
    [["--help"], 0, /Usage: tarkov-agent/],
    [["--version"], 0, /^\d+\.\d+\.\d+/],
    [["diagnose", "--bogus"], 2, /unknown option '--bogus'/],
    [["frobnicate"], 2, /unknown command 'frobnicate'/],
  ] as const)("%j exits %i", async (args, code, output) => {
    const r = await runCli([...args]);
    expect(r.code).toBe(code);
    expect(r.stdout + r.stderr).toMatch(output);
  });
});
