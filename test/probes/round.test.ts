/** The round: one deadline for everything, a bounded pool, broken probes kept apart from failures. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PHASE_PROBES, runRound, type PhaseProbe } from "../../src/probes/index.js";
import { startWorld, type World } from "../world/index.js";
import { resolved } from "./helpers.js";

describe("a healthy world", () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld();
  });
  afterAll(async () => {
    await world?.close();
  });

  it("measures every target, the gateway and the status API", async () => {
    const fixed = new Date("2025-03-01T12:00:00.000Z");
    const r = await runRound(resolved(world), { now: () => fixed });
    expect(r.at).toBe(fixed.toISOString());
    expect(r.deadlineHit).toBe(false);
    expect(r.targets.map((t) => t.id)).toEqual(world.config.targets.map((t) => t.id));
    for (const t of r.targets) {
      expect(t.broken).toBeNull();
      expect(Object.values(t.phases).every((p) => p.status !== "fail")).toBe(true);
    }
    expect(r.gateway.state).toBe("alive");
    expect(r.statusApi.state).toBe("ok");
  });

  it("`only`, gateway:false and statusApi:false narrow the round", async () => {
    const r = await runRound(resolved(world), { only: ["bsg-prod", "ctl-alpha"], gateway: false, statusApi: false });
    expect(r.targets.map((t) => t.id)).toEqual(["ctl-alpha", "bsg-prod"]);
    expect(r.gateway).toMatchObject({ state: "unknown", message: "not probed this round" });
    expect(r.statusApi).toMatchObject({ state: "unknown", error: "not read this round" });
  });

  it("statusApi null in the config → disabled", async () => {
    const r = await runRound(resolved(world, { statusApi: null }), { gateway: false });
    expect(r.statusApi.state).toBe("disabled");
  });

  it("a throwing probe makes the target broken, not failed, and the others still run", async () => {
    const explode: PhaseProbe = {
      phase: "tls",
      appliesTo: () => true,
      run: (state) => (state.target.host.startsWith("bsg-prod") ? Promise.reject(new Error("boom: a bug")) : Promise.resolve({ ok: true })),
    };
    const phases = PHASE_PROBES.map((p) => (p.phase === "tls" ? explode : p));
    const r = await runRound(resolved(world), { phases, gateway: false, statusApi: false });
    const prod = r.targets.find((t) => t.id === "bsg-prod")!;
    expect(prod.broken).toBe("boom: a bug");
    expect(Object.values(prod.phases).every((p) => p.status === "skipped")).toBe(true);
    expect(r.targets.filter((t) => t.broken === null)).toHaveLength(r.targets.length - 1);
  });

  it("an unreadable extra CA does not crash the round; TLS failures say why", async () => {
    const r = await runRound(resolved(world, { tls: { extraCaFile: "/nonexistent/ca.pem" } }), { only: ["bsg-prod"], gateway: false, statusApi: false });
    expect(r.targets[0]?.phases.tls).toMatchObject({ status: "fail", code: "TLS_UNTRUSTED", message: expect.stringContaining("could not be read") });
  });
});

describe("a world where every host hangs", () => {
  let world: World;
  beforeAll(async () => {
    const many = Array.from({ length: 12 }, (_, i) => ({ id: `h-${i}`, group: i < 4 ? ("control" as const) : ("bsg" as const), mode: "blackhole" as const }));
    world = await startWorld({ targets: many, gateway: "dead", status: "slow", probe: { timeoutMs: 900, concurrency: 4, deadlineMs: 1500 } });
  });
  afterAll(async () => {
    await world?.close();
  });

  it("finishes near the deadline, not after N timeouts", async () => {
    const config = resolved(world);
    const t0 = performance.now();
    const r = await runRound(config);
    const took = performance.now() - t0;
    expect(took).toBeGreaterThanOrEqual(config.probe.deadlineMs - 50);
    expect(took).toBeLessThan(config.probe.deadlineMs + 700);
    expect(r.deadlineHit).toBe(true);
    expect(r.durationMs).toBeLessThan(config.probe.deadlineMs + 700);
    const codes = r.targets.map((t) => (t.phases.dns.status === "fail" ? t.phases.dns.code : t.phases.tcp.status === "fail" ? t.phases.tcp.code : "?"));
    // Pool of 4 minus gateway and status API: the first wave times out on its own, the second is cut short, the rest never start.
    expect(codes.every((c) => c === "TCP_TIMEOUT" || c === "DEADLINE")).toBe(true);
    const cut = r.targets.filter((t) => t.phases.tcp.status === "fail" && t.phases.tcp.message.includes("cut short by the round deadline"));
    expect(cut.length).toBeGreaterThan(0);
    const notStarted = r.targets.filter((t) => t.phases.dns.status === "fail" && t.phases.dns.code === "DEADLINE");
    expect(notStarted.length).toBeGreaterThan(0);
    for (const t of notStarted) expect(t.phases.tcp.status).toBe("skipped");
    expect(r.gateway.state).not.toBe("alive");
    expect(r.statusApi.state).toBe("unknown");
  });

  it("a cancelled round stops at once without claiming the deadline", async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 200);
    const t0 = performance.now();
    const r = await runRound(resolved(world), { signal: ac.signal, gateway: false, statusApi: false });
    expect(performance.now() - t0).toBeLessThan(900);
    expect(r.deadlineHit).toBe(false);
    expect(r.targets.some((t) => t.phases.tcp.status === "fail" && t.phases.tcp.message.includes("cancelled"))).toBe(true);
  });

  it("a probe that ignores the deadline is given up as broken after a short grace", async () => {
    const stuck: PhaseProbe = { phase: "dns", appliesTo: () => true, run: () => new Promise(() => undefined) };
    const t0 = performance.now();
    const config = resolved(world, { probe: { timeoutMs: 200, concurrency: 2, deadlineMs: 300 } });
    const r = await runRound(config, { phases: [stuck], gateway: false, statusApi: false, graceMs: 100 });
    expect(performance.now() - t0).toBeLessThan(800);
    expect(r.targets.filter((t) => t.broken !== null)).toHaveLength(2);
    expect(r.targets.filter((t) => t.phases.dns.status === "fail" && t.phases.dns.code === "DEADLINE")).toHaveLength(10);
  });
});
