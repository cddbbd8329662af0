/**
 * Every verdict, end to end: the built `tarkov-agent diagnose` against a simulated internet on 127.0.0.0/8
 * (test/world: real DNS, TCP, TLS and HTTP servers, a status API, a gateway). No mocks.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { INTERCEPTORS, type InterceptorId } from "../../src/core/interception.js";
import type { VariantId, VerdictId } from "../../src/core/types.js";
import { diagnoseJsonSchema } from "../../src/report/diagnose-json.js";
import { sampleOf, startWorld, type World } from "../world/index.js";
import { runCli } from "./cli-run.js";

/**
 * Tests here run the built CLI (a whole node process) once or twice: a bare start took ~6 s at load 8 on this 2-core
 * machine, so two runs plus a probe round came near the 30 s default. Room for a loaded CI run, no bound on the CLI.
 */
const CLI_TEST_MS = 90_000;

let world: World;
let dir: string;
let configFile: string;

beforeAll(async () => {
  world = await startWorld({ probe: { timeoutMs: 800, deadlineMs: 3_000 } });
  dir = mkdtempSync(join(tmpdir(), "tca-e2e-"));
  configFile = world.writeConfig(dir);
});
afterAll(async () => world?.close());

const BSG_IDS = ["bsg-prod", "bsg-gw-pvp", "bsg-launcher", "bsg-wsn"];

beforeEach(async () => {
  await world.setInterceptor("avast");
  await world.setGroup("bsg", "up");
  await world.setGroup("control", "up");
  await world.setGateway("alive");
  world.setStatus("ok");
  world.setResolver("system", null);
  world.setResolver("public", null);
  for (const id of world.hosts.keys()) world.setDns(id, null, "both");
});

const diagnose = async (...extra: string[]) => runCli(["diagnose", "--config", configFile, "--data-dir", join(dir, "data"), ...extra]);

async function diagnoseJson(env: Record<string, string> = {}) {
  const r = await runCli(["diagnose", "--config", configFile, "--data-dir", join(dir, "data"), "--json"], env);
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
  ["tls-intercepted", "antivirus web shield re-signs EVERY HTTPS site, controls included (not no-internet)", async () => {
    await world.setGroup("bsg", "untrusted");
    await world.setGroup("control", "untrusted");
  }],
  ["dns-failure", "your DNS sends BSG to a refusing sinkhole while the public answer works", () => {
    for (const id of BSG_IDS) world.setDns(id, { a: [world.sinkholeIp] }, "system");
  }],
  ["dns-failure", "your DNS sends every name to a block page (controls too) while the public answers work", async () => {
    const page = await world.blockPage();
    for (const id of [...BSG_IDS, "ctl-alpha", "ctl-bravo", "ctl-charlie"]) world.setDns(id, { a: [page] }, "system");
  }],
  ["ok", "your DNS gives BSG a different CDN edge that works (not a hijack)", async () => {
    for (const id of BSG_IDS) world.setDns(id, { a: [await world.addEdge(id)] }, "system");
  }],
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

describe("tarkov-agent diagnose (built CLI against a loopback world)", { timeout: CLI_TEST_MS }, () => {
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
    expect(r.stdout.split("\n")[0]).toMatch(/^\[FAIL\] Your DNS can't find Tarkov's servers/);
    expect(r.stdout).toMatch(/What the agent saw:\n {2}- /);
    expect(r.stdout).toContain("Your DNS server can't find BSG's servers; public DNS can.");
    expect(r.stdout).toMatch(/Details \(for support\):\n {2}verdict dns-failure, variant resolver-fails, confidence \w+/);
    expect(r.stdout).toContain("Connections (time per step, or the failure code):");
    expect(r.stdout).toMatch(/bsg-prod\s+bsg\s+DNS_SERVFAIL/);
    expect(r.stdout).toContain("DNS comparison (your resolver vs public ones):");
    expect(r.stdout).toMatch(/What to do next:\n {2}1\. Switch your DNS/);
    expect(r.stdout).toContain("tarkov-agent fix apply switch-dns");
  });

  it("names the intercepting certificate's issuer so the player can find the antivirus", async () => {
    await world.setGroup("bsg", "untrusted");
    const r = await diagnose();
    expect(r.stdout).toContain("Avast Web/Mail Shield Root");
    expect(r.stdout).toMatch(/What the agent saw:\n(?: {2}- .*\n)* {2}- The secure connection to BSG showed a certificate from Avast, not BSG's\./);
    expect(r.stdout).toMatch(/Evidence:\n {4}- HTTPS to BSG \(bsg-prod, bsg-gw-pvp, bsg-launcher\) is intercepted by Avast/);
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

describe("interception, trust stores and DNS hijacks as they really are (issue 7)", { timeout: CLI_TEST_MS }, () => {
  it.each(INTERCEPTORS.map((p) => [p.id, sampleOf(p.id).dn] as [InterceptorId, string]))("names %s from its real root %s and gives its one setting", async (product, dn) => {
    await world.setInterceptor(product);
    await world.setGroup("bsg", "untrusted");
    const { json } = await diagnoseJson();
    const p = INTERCEPTORS.find((x) => x.id === product)!;
    expect(json).toMatchObject({ verdict: "tls-intercepted", variant: "intercepted" });
    expect(json.targets.find((t) => t.id === "bsg-prod")?.tls).toMatchObject({ issuer: dn, trustedBy: null, systemStore: { read: expect.any(Boolean) } });
    expect(json.evidence[0]).toMatchObject({ severity: "problem", code: "TLS_UNTRUSTED", text: expect.stringContaining(`intercepted by ${p.name}`) });
    expect(json.advice[0]?.text).toContain(p.setting);
  });

  it("every HTTPS site intercepted: the verdict says so and the advice is the antivirus setting, not the router", async () => {
    await world.setGroup("bsg", "untrusted");
    await world.setGroup("control", "untrusted");
    const { json } = await diagnoseJson();
    expect(json.variant).toBe("intercepted-everywhere");
    expect(json.evidence[0]?.text).toMatch(/Other sites get it too \(ctl-alpha, ctl-bravo, ctl-charlie\)/);
    expect(json.advice.map((a) => a.text).join("\n")).not.toMatch(/router/i);
  });

  it("interception trusted by the system store (an injected 'Windows'): ok, said as lower-severity evidence", async () => {
    await world.setInterceptor("kaspersky");
    await world.setGroup("bsg", "untrusted");
    await world.setGroup("control", "untrusted");
    const store = world.writeSystemStore(dir);
    const r = await diagnoseJson({ TARKOV_AGENT_SYSTEM_CA_FILE: store });
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({ verdict: "ok", variant: "ok-inspected", confidence: "high" });
    expect(r.json.targets.find((t) => t.id === "bsg-prod")?.tls).toMatchObject({ verifyError: null, trustedBy: "system", systemStore: { read: true } });
    expect(r.json.evidence[0]).toMatchObject({ severity: "info", text: expect.stringMatching(/^HTTPS to BSG is inspected by Kaspersky \(trusted by (Windows|macOS|this system)\)/) });
  });

  it("interception the system store does not trust either: untrusted, the game will fail too", async () => {
    await world.setInterceptor("norton");
    await world.setGroup("bsg", "untrusted");
    const other = join(dir, "unrelated-store.pem");
    writeFileSync(other, readFileSync(world.caFile, "utf8"));
    const { json } = await diagnoseJson({ TARKOV_AGENT_SYSTEM_CA_FILE: other });
    expect(json.verdict).toBe("tls-intercepted");
    expect(json.evidence[0]?.text).toMatch(/intercepted by Norton: the certificate comes from "Norton Web\/Mail Shield Root" that .* does not trust either \(untrusted\): the game will fail too/);
  });

  it("a hijack to a block page: the cross-check at the public address is in --json and the first advice is the DNS switch", async () => {
    const page = await world.blockPage();
    for (const id of BSG_IDS) world.setDns(id, { a: [page] }, "system");
    const { json } = await diagnoseJson();
    expect(json).toMatchObject({ verdict: "dns-failure", variant: "dns-hijack", confidence: "high" });
    const prod = json.targets.find((t) => t.id === "bsg-prod")!;
    expect(prod.phases.tls).toMatchObject({ ok: false, code: "TLS_HOSTNAME_MISMATCH" });
    expect(prod.publicAddress).toMatchObject({ address: world.hosts.get("bsg-prod")!.ip, phases: { tls: { ok: true }, http: { ok: true } }, httpStatus: 200 });
    expect(json.evidence[0]?.text).toMatch(/your DNS sends Tarkov to the wrong place/);
    expect(json.advice[0]).toMatchObject({ step: 5, fixId: "switch-dns" });
  });

  it("the readable report shows the hijack next to the DNS comparison", async () => {
    for (const id of BSG_IDS) world.setDns(id, { a: [world.sinkholeIp] }, "system");
    const r = await diagnose();
    expect(r.stdout).toMatch(/verdict dns-failure, variant dns-hijack/);
    expect(r.stdout).toContain(`your DNS's address ${world.sinkholeIp} failed; ${world.config.dns.public[0]}'s address ${world.hosts.get("bsg-prod")!.ip} works (HTTP 200)`);
    expect(r.stdout).toMatch(/What to do next:\n {2}1\. Your DNS sends Tarkov to the wrong place: switch your DNS/);
  });

  it("a different CDN edge per resolver is not a hijack: no cross-check, ok", async () => {
    for (const id of BSG_IDS) world.setDns(id, { a: [await world.addEdge(id)] }, "system");
    const { json } = await diagnoseJson();
    expect(json.variant).toBe("ok");
    expect(json.targets.every((t) => t.publicAddress === null)).toBe(true);
  });

  it.each<[VariantId, () => Promise<void> | void]>([
    ["dns-hijack", () => BSG_IDS.forEach((id) => world.setDns(id, { a: [world.sinkholeIp] }, "system"))],
    ["resolver-fails", () => world.setResolver("system", "servfail")],
    ["bsg-unreachable", () => world.setGroup("bsg", "blackhole")],
    ["intercepted-everywhere", async () => {
      await world.setGroup("bsg", "untrusted");
      await world.setGroup("control", "untrusted");
    }],
  ])("%s: the fixes `fix list` marks as applying now are exactly the ones `diagnose` advises", async (variant, arrange) => {
    await arrange();
    const { json } = await diagnoseJson();
    expect(json.variant).toBe(variant);
    const list = await runCli(["fix", "list", "--json", "--config", configFile, "--data-dir", join(dir, "data")]);
    expect(list.code, list.stderr).toBe(0);
    const listed = JSON.parse(list.stdout) as { fixes: { id: string; appliesNow: boolean }[] };
    expect(listed.fixes.filter((f) => f.appliesNow).map((f) => f.id).sort()).toEqual(json.advice.flatMap((a) => (a.fixId ? [a.fixId] : [])).sort());
  });
});

describe("no name resolves anywhere, but the internet answers by IP (issue 7)", { timeout: CLI_TEST_MS }, () => {
  let ipWorld: World;
  let ipConfig: string;
  beforeAll(async () => {
    ipWorld = await startWorld({
      targets: [{ id: "ctl-named", group: "control" }, { id: "ctl-ip", group: "control", scheme: "tcp", byIp: true }, { id: "bsg-prod", group: "bsg" }, { id: "bsg-launcher", group: "bsg" }],
      probe: { timeoutMs: 800, deadlineMs: 3_000 },
    });
    ipConfig = ipWorld.writeConfig(dir);
    ipWorld.setResolver("system", "refused");
    ipWorld.setResolver("public", "refused");
  });
  afterAll(async () => ipWorld?.close());

  it("says DNS is blocked, advises no DNS switch, and `fix list` agrees (switch-dns does not apply)", async () => {
    const r = await runCli(["diagnose", "--json", "--config", ipConfig, "--data-dir", join(dir, "ip-data")]);
    const json = diagnoseJsonSchema.parse(JSON.parse(r.stdout));
    expect(json).toMatchObject({ verdict: "dns-failure", variant: "dns-blocked" });
    expect(json.advice.some((a) => a.fixId === "switch-dns")).toBe(false);
    const list = await runCli(["fix", "list", "--json", "--config", ipConfig, "--data-dir", join(dir, "ip-data")]);
    const listed = JSON.parse(list.stdout) as { fixes: { id: string; appliesNow: boolean }[] };
    expect(listed.fixes.find((f) => f.id === "switch-dns")?.appliesNow).toBe(false);
    expect(listed.fixes.filter((f) => f.appliesNow)).toEqual([]);
  });
});

describe("usage and config errors (exit 2, nothing written)", { timeout: CLI_TEST_MS }, () => {
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
