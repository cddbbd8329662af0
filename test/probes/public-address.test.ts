/**
 * The DNS cross-check against real loopback servers: your resolver's address fails (refused, a block page) while a
 * public resolver's address for the same name works; and the cases that must NOT look like a hijack.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ResolverAnswer } from "../../src/core/types.js";
import { probeTarget } from "../../src/probes/index.js";
import { alternativeAddress } from "../../src/probes/public-address.js";
import { startWorld, type World } from "../world/index.js";
import { contextFor, target } from "./helpers.js";

let world: World;

beforeAll(async () => {
  world = await startWorld({ targets: [{ id: "prod", group: "bsg" }, { id: "wsn", group: "bsg", scheme: "tcp" }] });
});
afterAll(async () => world?.close());
beforeEach(async () => {
  await world.setGroup("bsg", "up");
  for (const id of ["prod", "wsn"]) world.setDns(id, null, "both");
});

const probe = (id: string) => probeTarget(target(world, id), contextFor(world));

describe("your DNS's address fails, the public resolver's works", () => {
  it("a sinkhole that refuses: TCP_REFUSED at your address, the same name works at the public one", async () => {
    world.setDns("prod", { a: [world.sinkholeIp] }, "system");
    const r = await probe("prod");
    expect(r.address).toBe(world.sinkholeIp);
    expect(r.phases.tcp).toMatchObject({ status: "fail", code: "TCP_REFUSED" });
    expect(r.publicAddress).toMatchObject({
      address: world.hosts.get("prod")!.ip,
      resolver: world.config.dns.public[0],
      phases: { dns: { status: "skipped" }, tcp: { status: "ok" }, tls: { status: "ok" }, http: { status: "ok" } },
      httpStatus: 200,
    });
  });

  it("a block page with its own certificate: the retry uses the right name (SNI and Host) and gets BSG's certificate", async () => {
    world.setDns("prod", { a: [await world.blockPage()] }, "system");
    const before = world.requests.length;
    const r = await probe("prod");
    expect(r.phases.tls).toMatchObject({ status: "fail", code: "TLS_HOSTNAME_MISMATCH" });
    expect(r.tls?.subject).toBe("CN=portal.captive.example");
    expect(r.publicAddress?.phases).toMatchObject({ tls: { status: "ok" }, http: { status: "ok" } });
    expect(r.publicAddress?.tls).toMatchObject({ subject: "CN=*.tarkov.test", verifyError: null });
    const seen = world.requests.slice(before).filter((q) => q.targetId === "prod");
    expect(seen.at(-1)?.host).toBe(`${world.hosts.get("prod")!.name}:${world.hosts.get("prod")!.port}`);
  });

  it("a tcp:// target is cross-checked at the TCP level", async () => {
    world.setDns("wsn", { a: [world.sinkholeIp] }, "system");
    const r = await probe("wsn");
    expect(r.phases.tcp).toMatchObject({ status: "fail", code: "TCP_REFUSED" });
    expect(r.publicAddress?.phases).toMatchObject({ tcp: { status: "ok" }, tls: { status: "skipped" } });
  });
});

describe("not a hijack", () => {
  it("a different but working answer (another CDN edge) is not checked at all", async () => {
    world.setDns("prod", { a: [await world.addEdge("prod")] }, "system");
    const r = await probe("prod");
    expect(r.address).not.toBe(world.hosts.get("prod")!.ip);
    expect(r.phases.http).toMatchObject({ status: "ok" });
    expect(r.publicAddress ?? null).toBeNull();
  });

  it("both addresses fail: the cross-check is recorded and fails too", async () => {
    world.setDns("prod", { a: [world.sinkholeIp] }, "system");
    await world.setTarget("prod", "refuse");
    const r = await probe("prod");
    expect(r.publicAddress?.phases.tcp).toMatchObject({ status: "fail", code: "TCP_REFUSED" });
  });

  it("the same address failing through every resolver is not retried", async () => {
    await world.setTarget("prod", "refuse");
    const r = await probe("prod");
    expect(r.phases.tcp).toMatchObject({ status: "fail", code: "TCP_REFUSED" });
    expect(r.publicAddress ?? null).toBeNull();
  });

  it("a failure at DNS itself is the resolver comparison's job, not this check's", async () => {
    world.setDns("prod", "servfail", "system");
    const r = await probe("prod");
    expect(r.phases.dns).toMatchObject({ status: "fail", code: "DNS_SERVFAIL" });
    expect(r.publicAddress ?? null).toBeNull();
  });
});

describe("alternativeAddress", () => {
  const ans = (role: "system" | "public", addresses: string[], ok = true): ResolverAnswer => ({ resolver: role === "system" ? "os" : "1.1.1.1", role, result: ok ? { status: "ok", ms: 1 } : { status: "fail", code: "DNS_TIMEOUT", ms: 1, message: "" }, addresses });
  it.each([
    ["a different public answer", "10.0.0.1", [ans("system", ["10.0.0.1"]), ans("public", ["192.0.2.7", "192.0.2.8"])], { address: "192.0.2.7", resolver: "1.1.1.1" }],
    ["a public resolver agreeing with yours", "10.0.0.1", [ans("public", ["192.0.2.7", "10.0.0.1"])], null],
    ["no public answer", "10.0.0.1", [ans("public", [], false)], null],
    ["no system address", null, [ans("public", ["192.0.2.7"])], null],
  ] as const)("%s", (_name, system, answers, expected) => {
    expect(alternativeAddress(system, answers)).toEqual(expected);
  });
});
