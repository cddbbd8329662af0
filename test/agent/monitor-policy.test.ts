import { describe, expect, it } from "vitest";
import { networkSignatureOf } from "../../src/agent/monitor.js";
import {
  confirmationTargets,
  failingBsgTargets,
  isClockJump,
  maintenanceMessage,
  mergeRound,
  observationKind,
  suspectDelayMs,
} from "../../src/core/monitor-policy.js";
import type { RoundResult, StatusApiResult } from "../../src/core/types.js";
import { FakeWorld, testConfig } from "./fake-world.js";

const world = new FakeWorld(testConfig());
async function round(bsg: FakeWorld["bsg"], only?: string[]): Promise<RoundResult> {
  world.bsg = bsg;
  const p = world.probeRound(only === undefined ? {} : { only });
  await new Promise((r) => setTimeout(r, 0));
  return p;
}
world.latencyMs = 0;

const status = (over: Partial<StatusApiResult>): StatusApiResult => ({ state: "ok", globalStatus: 0, message: null, services: [], messages: [], error: null, ms: 1, ...over });

describe("monitor policy", () => {
  it.each([
    ["ok", "up", "healthy"],
    ["bsg-unreachable", "refused", "unhealthy"],
    ["maintenance", "up", "unhealthy"],
    ["inconclusive", "up", "missing"],
    ["inconclusive", "refused", "unhealthy"],
  ] as const)("verdict %s in a %s world → %s", async (verdict, bsg, kind) => {
    expect(observationKind(verdict, await round(bsg))).toBe(kind);
  });

  it("inconclusive with no usable controls is missing evidence", async () => {
    const r = await round("refused");
    const noControls = { ...r, targets: r.targets.map((t) => (t.group === "control" ? { ...t, broken: "boom" } : t)) };
    expect(observationKind("inconclusive", noControls)).toBe("missing");
  });

  it("re-probes cover the failing BSG targets plus every control, or everything when nothing specific fails", async () => {
    const healthy = await round("up");
    expect(confirmationTargets(null, ["ctl-a", "ctl-b"])).toBeUndefined();
    expect(confirmationTargets(healthy, ["ctl-a", "ctl-b"])).toBeUndefined();
    const partial = mergeRound(healthy, await round("refused", ["bsg-gw"]), { status: null, extraEvidence: [] });
    expect(failingBsgTargets(partial)).toEqual(["bsg-gw"]);
    expect(confirmationTargets(partial, ["ctl-a", "ctl-b"])).toEqual(["bsg-gw", "ctl-a", "ctl-b"]);
  });

  it("a partial re-probe is merged into the last full picture", async () => {
    const full = await round("up");
    const fresh = await round("refused", ["bsg-prod", "ctl-a"]);
    const merged = mergeRound(full, { ...fresh, gateway: { ...fresh.gateway, state: "unknown" } }, { status: status({ state: "updating" }), extraEvidence: [{ kind: "game-log", text: "x" }] });
    expect(merged.targets.map((t) => t.id)).toEqual(full.targets.map((t) => t.id));
    expect(merged.targets.find((t) => t.id === "bsg-prod")?.phases.tcp.status).toBe("fail");
    expect(merged.targets.find((t) => t.id === "bsg-gw")?.phases.tcp.status).toBe("ok");
    expect(merged.gateway.state).toBe("alive");
    expect(merged.statusApi.state).toBe("updating");
    expect(merged.extraEvidence).toEqual([{ kind: "game-log", text: "x" }]);
    expect(merged.at).toBe(fresh.at);
  });

  it.each([
    [status({ state: "updating", message: "  Update 0.16 is being installed  " }), "Update 0.16 is being installed"],
    [status({ state: "updating", messages: [{ time: null, type: 1, content: "old", solveTime: "x" }, { time: null, type: 1, content: "Servers restart", solveTime: null }] }), "Servers restart"],
    [status({ state: "updating" }), "BSG reports that the servers are being updated (no message given)."],
  ])("maintenance text %#", (s, text) => {
    expect(maintenanceMessage(s)).toBe(text);
  });

  it.each([
    [null, 1_000],
    [20, 300],
    [150, 600],
    [900, 1_000],
  ])("suspect delay for a usual connect of %s ms is %i ms", (ms, want) => {
    expect(suspectDelayMs(ms)).toBe(want);
  });

  it.each([
    [1_000, 1_005, false],
    [1_000, 31_001, true],
    [100_000, 60_000, true],
  ])("due %i fired %i → jump %s (interval 15 s)", (due, fired, jump) => {
    expect(isClockJump(due, fired, 15_000)).toBe(jump);
  });

  it("network signature: IPv4 per interface, IPv6 only as presence, loopback and link-local ignored", () => {
    const info = (address: string, family: "IPv4" | "IPv6", internal = false) => ({ address, family, internal, netmask: "", mac: "00:00:00:00:00:00", cidr: null, ...(family === "IPv6" ? { scopeid: 0 } : {}) }) as never;
    const a = networkSignatureOf({ lo: [info("127.0.0.1", "IPv4", true)], wlan0: [info("192.168.1.20", "IPv4"), info("2001:db8::1", "IPv6"), info("fe80::1", "IPv6")] });
    const rotated = networkSignatureOf({ wlan0: [info("192.168.1.20", "IPv4"), info("2001:db8::99", "IPv6")] });
    const vpn = networkSignatureOf({ wlan0: [info("192.168.1.20", "IPv4"), info("2001:db8::1", "IPv6")], tun0: [info("10.8.0.2", "IPv4")] });
    expect(a).toBe("wlan0=192.168.1.20,wlan0=v6");
    expect(rotated).toBe(a);
    expect(vpn).not.toBe(a);
  });
});
