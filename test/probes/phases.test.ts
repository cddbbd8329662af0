/** Every failure code a target probe can produce, produced for real against the loopback world. */
import { createSocket } from "node:dgram";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FailureCode } from "../../src/core/types.js";
import { connectTcp, dnsFailureCode, hostHeader, probeTarget, resolveName, serversResolver, tcpFailureCode, tlsVerifyFailureCode } from "../../src/probes/index.js";
import { INTERCEPTION_ISSUER, TARGET_MODES, startWorld, type TargetMode, type World } from "../world/index.js";
import { contextFor, target } from "./helpers.js";

let world: World;

beforeAll(async () => {
  world = await startWorld({
    targets: [
      ...TARGET_MODES.map((mode) => ({ id: `t-${mode}`, group: "bsg" as const, mode })),
      { id: "wsn", group: "bsg", scheme: "tcp" },
      { id: "dns-case", group: "control" },
    ],
  });
});
afterAll(async () => {
  await world?.close();
});

const expected: Record<TargetMode, { phase: "tcp" | "tls" | "http"; code: FailureCode | null }> = {
  up: { phase: "http", code: null },
  "5xx": { phase: "http", code: "HTTP_5XX" },
  "4xx": { phase: "http", code: "HTTP_4XX" },
  refuse: { phase: "tcp", code: "TCP_REFUSED" },
  blackhole: { phase: "tcp", code: "TCP_TIMEOUT" },
  silent: { phase: "tls", code: "TLS_TIMEOUT" },
  reset: { phase: "tls", code: "TLS_HANDSHAKE" },
  "hang-http": { phase: "http", code: "HTTP_TIMEOUT" },
  garbage: { phase: "http", code: "HTTP_PROTOCOL" },
  "wrong-host": { phase: "tls", code: "TLS_HOSTNAME_MISMATCH" },
  untrusted: { phase: "tls", code: "TLS_UNTRUSTED" },
  expired: { phase: "tls", code: "TLS_EXPIRED" },
  unreachable: { phase: "tcp", code: "NET_UNREACHABLE" },
};

describe("target modes → phase results", () => {
  it.each(TARGET_MODES.map((m) => [m]))("%s", async (mode) => {
    const want = expected[mode];
    // Short only where the timeout is the expected result; a healthy or fast-failing phase gets the long default.
    const r = await probeTarget(target(world, `t-${mode}`), contextFor(world, want.code?.endsWith("_TIMEOUT") ? 600 : undefined));
    expect(r.broken).toBeNull();
    expect(r.phases.dns.status).toBe("ok");
    const phase = r.phases[want.phase];
    if (want.code === null) {
      expect(r.phases).toMatchObject({ tcp: { status: "ok" }, tls: { status: "ok" }, http: { status: "ok" } });
      expect(r.httpStatus).toBe(200);
      expect(r.ttfbMs).toBeGreaterThanOrEqual(0);
    } else {
      expect(phase).toMatchObject({ status: "fail", code: want.code });
    }
    // Later phases are skipped with a reason, never run after a failure.
    const order = ["tcp", "tls", "http"] as const;
    for (const later of order.slice(order.indexOf(want.phase) + 1)) expect(r.phases[later]).toMatchObject({ status: "skipped", reason: `${want.phase} failed` });
  });

  it("records the status of 4xx/5xx answers", async () => {
    const r = await probeTarget(target(world, "t-5xx"), contextFor(world));
    expect(r.httpStatus).toBe(503);
    expect(r.ttfbMs).not.toBeNull();
  });

  it("records the interception certificate as evidence even though it is untrusted", async () => {
    const r = await probeTarget(target(world, "t-untrusted"), contextFor(world));
    expect(r.tls).toMatchObject({ issuer: INTERCEPTION_ISSUER, subject: "CN=*.tarkov.test", verifyError: "SELF_SIGNED_CERT_IN_CHAIN" });
    expect(r.tls?.protocol).toMatch(/^TLSv1\.[23]$/);
    expect(r.tls?.validTo).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it("records which name the wrong-host certificate was for", async () => {
    const r = await probeTarget(target(world, "t-wrong-host"), contextFor(world));
    expect(r.tls).toMatchObject({ subject: "CN=portal.captive.example", verifyError: "ERR_TLS_CERT_ALTNAME_INVALID" });
  });

  it("sends Host with the non-default port and the agent's User-Agent", async () => {
    const t = target(world, "t-up");
    await probeTarget(t, contextFor(world));
    const seen = world.requests.filter((r) => r.targetId === "t-up").at(-1);
    const host = world.hosts.get("t-up")!;
    expect(seen).toMatchObject({ path: "/", host: `${host.name}:${host.port}`, userAgent: expect.stringMatching(/^tarkov-connection-agent\/\d+\.\d+\.\d+/) });
    expect(hostHeader("example.com", 443, 443)).toBe("example.com");
    expect(hostHeader("::1", 8443, 443)).toBe("[::1]:8443");
  });

  it("connects to the resolved address (the world's DNS decides, nothing is re-resolved)", async () => {
    const r = await probeTarget(target(world, "t-up"), contextFor(world));
    expect(r.address).toBe(world.hosts.get("t-up")?.ip);
  });

  it("tcp:// targets stop after tcp", async () => {
    const r = await probeTarget(target(world, "wsn"), contextFor(world));
    expect(r.scheme).toBe("tcp");
    expect(r.phases.tcp.status).toBe("ok");
    expect(r.phases.tls).toEqual({ status: "skipped", reason: "not applicable to tcp:// targets" });
    expect(r.phases.http).toEqual({ status: "skipped", reason: "not applicable to tcp:// targets" });
  });

  it("switches behaviour at run time", async () => {
    const t = target(world, "wsn");
    await world.setTarget("wsn", "refuse");
    expect((await probeTarget(t, contextFor(world))).phases.tcp).toMatchObject({ code: "TCP_REFUSED" });
    await world.setTarget("wsn", "blackhole");
    expect((await probeTarget(t, contextFor(world, 300))).phases.tcp).toMatchObject({ code: "TCP_TIMEOUT" });
    await world.setTarget("wsn", "up");
    expect((await probeTarget(t, contextFor(world))).phases.tcp.status).toBe("ok");
  });
});

describe("DNS", () => {
  const cases: [string, Parameters<World["setDns"]>[1], FailureCode][] = [
    ["nxdomain", "nxdomain", "DNS_NXDOMAIN"],
    ["nodata", "nodata", "DNS_NODATA"],
    ["servfail", "servfail", "DNS_SERVFAIL"],
    ["refused", "refused", "DNS_REFUSED"],
    ["silent", "silent", "DNS_TIMEOUT"],
  ];
  it.each(cases)("%s → %s", async (_name, behaviour, code) => {
    world.setDns("dns-case", behaviour, "system");
    try {
      const r = await probeTarget(target(world, "dns-case"), contextFor(world, 400));
      expect(r.phases.dns).toMatchObject({ status: "fail", code });
      expect(r.phases.tcp).toEqual({ status: "skipped", reason: "dns failed" });
      expect(r.address).toBeNull();
      // The public resolver still knows the name: the comparison that exposes a broken ISP resolver.
      expect(r.dns).toHaveLength(2);
      expect(r.dns[0]).toMatchObject({ role: "system", resolver: world.config.dns.system[0], result: { status: "fail", code } });
      expect(r.dns[1]).toMatchObject({ role: "public", resolver: world.config.dns.public[0], result: { status: "ok" }, addresses: [world.hosts.get("dns-case")?.ip] });
    } finally {
      world.setDns("dns-case", null);
    }
  });

  it("a resolver that cannot be reached at all is DNS_ERROR", async () => {
    const sock = createSocket("udp4");
    await new Promise<void>((r) => sock.bind(0, "127.0.0.1", () => r()));
    const port = sock.address().port;
    await new Promise<void>((r) => sock.close(() => r())); // nothing listens there now: ICMP port unreachable
    const r = await resolveName("x.tarkov.test", serversResolver([`127.0.0.1:${port}`]), { timeoutMs: 1000 });
    expect(r).toMatchObject({ ok: false, code: "DNS_ERROR" });
  });

  it("the OS resolver (getaddrinfo) answers localhost without any DNS traffic", async () => {
    const r = await resolveName("localhost", { kind: "os", label: "os" }, { timeoutMs: 2000 });
    expect(r.ok).toBe(true);
  });

  it("IP-literal hosts skip DNS", async () => {
    const r = await resolveName("127.0.0.9", serversResolver(world.config.dns.system), { timeoutMs: 100 });
    expect(r).toEqual({ ok: true, value: ["127.0.0.9"] });
  });

  it("the system resolver's answer comes first and is what the transport uses", async () => {
    world.setDns("dns-case", { a: ["127.0.0.2"] }, "public");
    try {
      const r = await probeTarget(target(world, "dns-case"), contextFor(world));
      expect(r.dns.map((d) => [d.role, d.addresses])).toEqual([
        ["system", [world.hosts.get("dns-case")?.ip]],
        ["public", ["127.0.0.2"]],
      ]);
      expect(r.phases.http.status).toBe("ok");
    } finally {
      world.setDns("dns-case", null);
    }
  });

  it("a whole resolver going silent times out every name through it", async () => {
    world.setResolver("system", "silent");
    try {
      const r = await probeTarget(target(world, "t-up"), contextFor(world, 300));
      expect(r.phases.dns).toMatchObject({ code: "DNS_TIMEOUT" });
      expect(r.dns[1]?.result.status).toBe("ok");
    } finally {
      world.setResolver("system", null);
    }
  });

  it("honours the abort signal", async () => {
    world.setResolver("system", "silent");
    try {
      const ac = new AbortController();
      setTimeout(() => ac.abort(new Error("cut short by the round deadline")), 100);
      const t0 = Date.now();
      const r = await resolveName("t-up.tarkov.test", serversResolver(world.config.dns.system), { timeoutMs: 5000, signal: ac.signal });
      expect(Date.now() - t0).toBeLessThan(1000);
      expect(r).toMatchObject({ ok: false, code: "DNS_TIMEOUT", message: expect.stringContaining("cut short by the round deadline") });
    } finally {
      world.setResolver("system", null);
    }
  });
});

describe("error code mapping (codes loopback cannot produce for real)", () => {
  it.each([
    ["ECONNRESET", "TCP_RESET"],
    ["EPIPE", "TCP_RESET"],
    ["EHOSTUNREACH", "NET_UNREACHABLE"],
    ["EADDRNOTAVAIL", "NET_UNREACHABLE"],
    ["EACCES", "NET_UNREACHABLE"],
  ])("tcp %s → %s", (code, want) => expect(tcpFailureCode(code)).toBe(want));
  it.each([
    ["ENOTFOUND", "DNS_NXDOMAIN"],
    ["EAI_AGAIN", "DNS_TIMEOUT"],
    ["EBADRESP", "DNS_ERROR"],
  ])("dns %s → %s", (code, want) => expect(dnsFailureCode(code)).toBe(want));
  it.each([
    ["CERT_NOT_YET_VALID", "TLS_EXPIRED"],
    ["DEPTH_ZERO_SELF_SIGNED_CERT", "TLS_UNTRUSTED"],
    ["UNABLE_TO_VERIFY_LEAF_SIGNATURE", "TLS_UNTRUSTED"],
    ["UNABLE_TO_GET_ISSUER_CERT_LOCALLY", "TLS_UNTRUSTED"],
    ["CERT_REVOKED", "TLS_HANDSHAKE"],
  ])("tls %s → %s", (code, want) => expect(tlsVerifyFailureCode(code)).toBe(want));

  it("a connect never throws and never leaves an unhandled error", async () => {
    const r = await connectTcp("255.255.255.255", 9, { timeoutMs: 200 });
    expect(r).toMatchObject({ ok: false, code: "NET_UNREACHABLE" });
  });
});
