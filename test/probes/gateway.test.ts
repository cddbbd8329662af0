/**
 * Gateway: route-table parsers on fixture text; the Windows programs run by full path from %SystemRoot%\System32
 * (real processes standing in for ROUTE.EXE / PING.EXE in a fake System32); a route table that cannot be read is
 * "unknown", never "no-route"; alive/dead for real on loopback. The same under wine: test/installer/wine-windows.test.ts.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execNoShell, findDefaultGateway, pingOnce, windowsSystemProgram } from "../../src/probes/gateway.js";
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

/** A fake %SystemRoot% whose System32 holds the given programs (shell scripts standing in for ROUTE.EXE / PING.EXE). */
function systemRoot(programs: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "gw-sysroot-"));
  mkdirSync(join(root, "System32"));
  for (const [exe, script] of Object.entries(programs)) {
    const p = join(root, "System32", exe);
    writeFileSync(p, `#!/bin/sh\n${script}\n`);
    chmodSync(p, 0o755);
  }
  cleanup.push(root);
  return root;
}
const cleanup: string[] = [];
afterAll(() => cleanup.forEach((d) => rmSync(d, { recursive: true, force: true })));
const signal = () => new AbortController().signal;
/**
 * Windows deps running real processes. SystemRoot is "C:\\Windows"; the only stand-in is the mapping of that one
 * folder onto the fake System32 (Linux cannot open a path with backslashes), so any other program name fails.
 */
const windowsDeps = (root: string, over: Partial<GatewayDeps> = {}): GatewayDeps => ({
  platform: "win32",
  readFile: () => Promise.reject(new Error("not used")),
  exec: (file, args, o) => execNoShell(file.startsWith("C:\\Windows\\System32\\") ? join(root, "System32", file.slice("C:\\Windows\\System32\\".length)) : file, args, o),
  icmp: false,
  env: { SystemRoot: "C:\\Windows" },
  ...over,
});

describe("auto-detection", () => {
  it("no default route → no-route, nothing probed", async () => {
    const r = await probeGateway("auto", { timeoutMs: 300, signal: signal() }, noPing({ readFile: () => Promise.resolve(PROC_NO_DEFAULT) }));
    expect(r).toMatchObject({ state: "no-route", source: "auto", host: null, message: "no default route in /proc/net/route", icmp: null });
  });
  it("an unreadable route table says nothing about the network → unknown, with the reason", async () => {
    const r = await probeGateway("auto", { timeoutMs: 300, signal: signal() }, noPing({ readFile: () => Promise.reject(Object.assign(new Error("nope"), { code: "ENOENT" })) }));
    expect(r).toMatchObject({ state: "unknown", host: null, message: expect.stringMatching(/route table unreadable.*ENOENT/) });
  });
  it("Windows runs %SystemRoot%\\System32\\ROUTE.EXE by full path with an args array and parses what it prints", async () => {
    const root = systemRoot({ "ROUTE.EXE": `printf '%s\\n' "$@" > "$(dirname "$0")/argv"; cat <<'EOT'\n${ROUTE_PRINT}EOT` });
    const calls: string[] = [];
    const deps = windowsDeps(root);
    const found = await findDefaultGateway({ ...deps, exec: (file, args, o) => (calls.push(file), deps.exec(file, args, o)) }, signal(), 2000);
    expect(calls).toEqual(["C:\\Windows\\System32\\ROUTE.EXE"]);
    expect(readFileSync(join(root, "System32", "argv"), "utf8").trim().split("\n")).toEqual(["print", "-4", "0.0.0.0"]);
    expect(found).toEqual({ host: "10.0.0.1", known: true, message: "default gateway 10.0.0.1 from route print" });
  });
  it("Windows: a real route table without a default route → no-route", async () => {
    const root = systemRoot({ "ROUTE.EXE": `cat <<'EOT'\n${ROUTE_PRINT_GERMAN_NONE}EOT` });
    expect((await probeGateway("auto", { timeoutMs: 300, signal: signal() }, windowsDeps(root))).state).toBe("no-route");
  });
  it.each([
    ["missing (wine has no route.exe)", {}, /route print: .*ENOENT/],
    ["failing", { "ROUTE.EXE": "echo 'The route operation failed: access denied' >&2; exit 1" }, /route print: exit code 1/],
    ["a stub that prints something else", { "ROUTE.EXE": "echo 'route: not implemented'; exit 0" }, /not a route table/],
  ])("Windows: a route print that is %s → router unknown, never no-route", async (_name, programs: Record<string, string>, message) => {
    const r = await probeGateway("auto", { timeoutMs: 300, signal: signal() }, windowsDeps(systemRoot(programs)));
    expect(r).toMatchObject({ state: "unknown", host: null, message: expect.stringMatching(message) });
  });
  it("Windows ping is System32\\PING.EXE by full path, and only a TTL line counts as a reply", async () => {
    const reply = systemRoot({ "PING.EXE": "echo 'Reply from 127.0.0.1: bytes=32 time<1ms TTL=128'" });
    const unreachable = systemRoot({ "PING.EXE": "echo 'Reply from 10.0.0.9: Destination host unreachable.'" });
    expect(await pingOnce("127.0.0.1", windowsDeps(reply), signal())).toBe(true);
    expect(await pingOnce("127.0.0.1", windowsDeps(unreachable), signal())).toBe(false);
    expect(await pingOnce("127.0.0.1", windowsDeps(systemRoot({})), signal())).toBeNull();
  });
  it("System32 comes from SystemRoot, then windir, then C:\\Windows", () => {
    expect(windowsSystemProgram("ROUTE.EXE", { SystemRoot: "D:\\Win" })).toBe("D:\\Win\\System32\\ROUTE.EXE");
    expect(windowsSystemProgram("PING.EXE", { windir: "E:\\W" })).toBe("E:\\W\\System32\\PING.EXE");
    expect(windowsSystemProgram("PING.EXE", {})).toBe("C:\\Windows\\System32\\PING.EXE");
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
