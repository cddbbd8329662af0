/** Gateway: route-table parsers on fixture text, and alive/dead/no-route for real on loopback. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseProcNetRoute, parseWindowsRoutePrint, probeGateway, type ExecResult, type GatewayDeps } from "../../src/probes/index.js";
import { startWorld, type World } from "../world/index.js";

const PROC_NET_ROUTE = `Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
wlan0\t00000000\t0100A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0
eth0\t00000000\t0101A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0
eth0\t0001A8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0
`;
const PROC_NO_DEFAULT = `Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
eth0\t0001A8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0
`;
const ROUTE_PRINT = `===========================================================================
Interface List
 12...00 15 5d 01 02 03 ......Intel(R) Ethernet Connection
  1...........................Software Loopback Interface 1
===========================================================================

IPv4 Route Table
===========================================================================
Active Routes:
Network Destination        Netmask          Gateway       Interface  Metric
          0.0.0.0          0.0.0.0      192.168.1.1    192.168.1.100     35
          0.0.0.0          0.0.0.0         10.0.0.1       10.0.0.23     25
          0.0.0.0          0.0.0.0         On-link        10.8.0.2      5
===========================================================================
Persistent Routes:
  Network Address          Netmask  Gateway Address  Metric
          0.0.0.0          0.0.0.0      192.168.9.9  Default
===========================================================================
`;
const ROUTE_PRINT_GERMAN_NONE = `===========================================================================
IPv4-Routentabelle
===========================================================================
Aktive Routen:
  Keine
===========================================================================
Ständige Routen:
  Keine
`;

describe("route table parsers", () => {
  it("Linux: default route with the lowest metric, little-endian hex", () => expect(parseProcNetRoute(PROC_NET_ROUTE)).toBe("192.168.1.1"));
  it("Linux: no default route", () => expect(parseProcNetRoute(PROC_NO_DEFAULT)).toBeNull());
  it("Linux: empty or junk", () => expect(parseProcNetRoute("garbage")).toBeNull());
  it("Windows: lowest-metric active route, skipping On-link and persistent rows", () => expect(parseWindowsRoutePrint(ROUTE_PRINT)).toBe("10.0.0.1"));
  it("Windows: localised output without routes", () => expect(parseWindowsRoutePrint(ROUTE_PRINT_GERMAN_NONE)).toBeNull());
});

const noPing = (over: Partial<GatewayDeps> = {}): GatewayDeps => ({
  platform: "linux",
  readFile: () => Promise.reject(new Error("not used")),
  exec: (): Promise<ExecResult> => Promise.resolve({ code: null, stdout: "", error: "not used" }),
  icmp: false,
  ...over,
});

describe("auto-detection", () => {
  it("no default route → no-route, nothing probed", async () => {
    const r = await probeGateway("auto", { timeoutMs: 300, signal: new AbortController().signal }, noPing({ readFile: () => Promise.resolve(PROC_NO_DEFAULT) }));
    expect(r).toMatchObject({ state: "no-route", source: "auto", host: null, message: "no default route in /proc/net/route", icmp: null });
  });
  it("unreadable route table → no-route with the reason", async () => {
    const r = await probeGateway("auto", { timeoutMs: 300, signal: new AbortController().signal }, noPing({ readFile: () => Promise.reject(Object.assign(new Error("nope"), { code: "ENOENT" })) }));
    expect(r).toMatchObject({ state: "no-route", message: expect.stringContaining("ENOENT") });
  });
  it("Windows runs route print with an args array", async () => {
    const calls: [string, string[]][] = [];
    const exec = (file: string, args: string[]): Promise<ExecResult> => {
      calls.push([file, args]);
      return Promise.resolve({ code: 0, stdout: ROUTE_PRINT_GERMAN_NONE, error: null });
    };
    const r = await probeGateway("auto", { timeoutMs: 300, signal: new AbortController().signal }, noPing({ platform: "win32", exec }));
    expect(calls).toEqual([["route", ["print", "-4", "0.0.0.0"]]]);
    expect(r.state).toBe("no-route");
  });
});

describe("liveness on loopback", () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld({ targets: [{ id: "x", group: "control" }] });
  });
  afterAll(async () => {
    await world?.close();
  });
  const opts = (timeoutMs = 400) => ({ timeoutMs, signal: new AbortController().signal });

  it("a refused port means alive", async () => {
    await world.setGateway("alive");
    const r = await probeGateway(world.config.gateway, opts(), noPing());
    expect(r).toMatchObject({ state: "alive", source: "config", host: world.gatewayHost.ip, via: `tcp:${world.gatewayHost.port}:refused`, icmp: null });
  });

  it("an accepted port means alive, and the first answer wins over a blackholed port", async () => {
    const x = world.hosts.get("x")!;
    await world.setGateway("dead");
    try {
      const t0 = Date.now();
      const r = await probeGateway({ host: x.ip, ports: [x.port] }, opts(2000), noPing());
      expect(r).toMatchObject({ state: "alive", via: `tcp:${x.port}:accepted` });
      expect(Date.now() - t0).toBeLessThan(1000);
    } finally {
      await world.setGateway("alive");
    }
  });

  it("all ports timing out means dead", async () => {
    await world.setGateway("dead");
    try {
      const r = await probeGateway(world.config.gateway, opts(300), noPing());
      expect(r).toMatchObject({ state: "dead", via: null, message: expect.stringContaining("did not answer") });
    } finally {
      await world.setGateway("alive");
    }
  });

  it("ping is recorded but never decides", async () => {
    await world.setGateway("dead");
    try {
      const exec = (): Promise<ExecResult> => Promise.resolve({ code: 0, stdout: "64 bytes from …", error: null });
      const r = await probeGateway(world.config.gateway, opts(300), noPing({ icmp: true, exec }));
      expect(r).toMatchObject({ state: "dead", icmp: true });
    } finally {
      await world.setGateway("alive");
    }
  });

  it("the round deadline makes a silent gateway unknown, not dead", async () => {
    await world.setGateway("dead");
    try {
      const ac = new AbortController();
      setTimeout(() => ac.abort(new Error("cut short by the round deadline")), 100);
      const r = await probeGateway(world.config.gateway, { timeoutMs: 5000, signal: ac.signal }, noPing());
      expect(r).toMatchObject({ state: "unknown", message: expect.stringContaining("cut short by the round deadline") });
    } finally {
      await world.setGateway("alive");
    }
  });
});
