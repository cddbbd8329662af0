import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { agentEventSchema, type AgentEvent } from "../../src/agent/events.js";
import { createMonitor, type Monitor } from "../../src/agent/monitor.js";
import type { RoundResult } from "../../src/core/types.js";
import { harness, seededRng, type Harness } from "./fake-world.js";

let running: Monitor[] = [];

beforeEach(() => {
  vi.useFakeTimers({ now: Date.parse("2025-03-01T20:00:00.000Z") });
});
afterEach(() => {
  running.forEach((m) => m.stop());
  running = [];
  vi.useRealTimers();
});

function startMonitor(h: Harness): Monitor {
  const m = createMonitor(h.deps);
  running.push(m);
  m.start();
  return m;
}

/** Advances fake time in small steps until `pred` holds; returns the time it took, or Infinity. */
async function until(pred: () => boolean, maxMs: number, stepMs = 50): Promise<number> {
  const t0 = Date.now();
  while (Date.now() - t0 <= maxMs) {
    if (pred()) return Date.now() - t0;
    await vi.advanceTimersByTimeAsync(stepMs);
  }
  return pred() ? Date.now() - t0 : Infinity;
}

const kinds = (events: AgentEvent[]) => events.map((e) => (e.event === "down" || e.event === "verdict" ? `${e.event}:${e.verdict}` : e.event));

describe("monitor: detection", () => {
  it("starts with a full round and stays quiet while everything works", async () => {
    const h = harness();
    const m = startMonitor(h);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(h.events).toEqual([]);
    expect(h.world.rounds.find((r) => r.opts.only === undefined)?.opts).toEqual({ statusApi: false });
    expect(h.world.rounds.find((r) => r.opts.only !== undefined)?.opts).toEqual({ only: [], statusApi: true, gateway: false });
    // a full round per 15 s (5 in 60 s), plus the status poll at start and after 60 s
    expect(h.world.rounds.filter((r) => r.opts.only === undefined)).toHaveLength(5);
    expect(h.world.statusPolls).toHaveLength(2);
    expect(m.state()).toMatchObject({ mode: "running", status: "ok", verdict: "ok", incidentId: null });
  });

  it.each([0, 250, 500, 750, 1_000, 1_250, 1_500, 1_750, 1_950])(
    "hard drop (connections refused) %i ms after a liveness tick → down within 3 s",
    async (offset) => {
      const h = harness();
      startMonitor(h);
      await vi.advanceTimersByTimeAsync(20_000 + offset);
      h.world.bsg = "refused";
      const latency = await until(() => h.events.length > 0, 10_000, 10);
      expect(latency).toBeLessThanOrEqual(3_000);
      expect(kinds(h.events)).toEqual(["down:bsg-unreachable"]);
      const down = h.events[0]!;
      expect(down).toMatchObject({ event: "down", incidentId: "inc-1", headline: "BSG unreachable", advice: { step: 3, text: "Fix bsg-unreachable" }, confidence: "high" });
    },
  );

  it.each([0, 700, 1_400, 1_900])("blackhole (connections hang) %i ms after a tick → down within probe timeout + 3 s", async (offset) => {
    const h = harness();
    startMonitor(h);
    await vi.advanceTimersByTimeAsync(20_000 + offset);
    h.world.bsg = "blackhole";
    const latency = await until(() => h.events.length > 0, 30_000, 10);
    expect(latency).toBeLessThanOrEqual(h.deps.config.probe.timeoutMs + 3_000);
    expect(kinds(h.events)).toEqual(["down:bsg-unreachable"]);
  });

  it("the controls gate the verdict: when the internet is gone it is no-internet, never BSG", async () => {
    const h = harness();
    startMonitor(h);
    await vi.advanceTimersByTimeAsync(20_000);
    h.world.internet = false;
    await until(() => h.events.length > 0, 30_000);
    expect(kinds(h.events)).toEqual(["down:no-internet"]);
  });

  it("a DNS failure that the liveness connect cannot see is caught by the next full round", async () => {
    const h = harness();
    startMonitor(h);
    await vi.advanceTimersByTimeAsync(20_000);
    h.world.bsg = "dns-broken";
    const latency = await until(() => h.events.length > 0, 30_000);
    expect(kinds(h.events)).toEqual(["down:dns-failure"]);
    expect(latency).toBeLessThanOrEqual(15_000 + 2 * 700 + 500);
  });

  it.each([1, 2])("%i failed round(s) in a row never alert", async (n) => {
    const h = harness();
    startMonitor(h);
    await vi.advanceTimersByTimeAsync(20_000);
    h.world.glitchRounds = n;
    await vi.advanceTimersByTimeAsync(120_000);
    expect(h.events).toEqual([]);
    // the suspicion was followed up with quick re-probes
    expect(h.world.rounds.some((r) => r.opts.only !== undefined && r.opts.only.length > 0)).toBe(true);
  });

  it("a healthy round still in flight when the drop starts does not cancel the suspicion", async () => {
    const h = harness();
    h.world.latencyMs = 1_500;
    startMonitor(h);
    await vi.advanceTimersByTimeAsync(15_000); // the second full round has just been launched (healthy world)
    await vi.advanceTimersByTimeAsync(100);
    h.world.bsg = "refused";
    const latency = await until(() => h.events.length > 0, 10_000, 10);
    expect(kinds(h.events)).toEqual(["down:bsg-unreachable"]);
    expect(h.logger.lines.some((l) => l.msg === "result older than the pending change; ignored")).toBe(true);
    expect(latency).toBeLessThanOrEqual(2_000 + 700 + 2 * 1_500);
  });

  it("a single failed liveness connect never alerts", async () => {
    const h = harness();
    startMonitor(h);
    await vi.advanceTimersByTimeAsync(20_000);
    h.world.bsg = "refused";
    await until(() => h.world.livenessChecks.length > 0 && h.world.livenessChecks.at(-1)!.at >= Date.now() - 5, 3_000, 1);
    h.world.bsg = "up";
    await vi.advanceTimersByTimeAsync(60_000);
    expect(h.events).toEqual([]);
  });

  it("2 % random failures of every probe and connect over 1 h simulated → no down", async () => {
    const h = harness();
    h.world.rng = seededRng(20250301);
    h.world.loss = 0.02;
    const classify = h.deps.classify;
    let unhealthy = 0;
    h.deps.classify = (r) => {
      const d = classify(r);
      if (d.verdict !== "ok") unhealthy++;
      return d;
    };
    startMonitor(h);
    await vi.advanceTimersByTimeAsync(3_600_000);
    expect(h.events.filter((e) => e.event === "down")).toEqual([]);
    // the false-alarm guard was really exercised, not bypassed: rounds and connects did fail on their own
    const weak = h.logger.lines.filter((l) => l.msg === "liveness connect failed; confirming").length;
    expect(unhealthy).toBeGreaterThan(10);
    expect(weak).toBeGreaterThan(10);
    // winston glues a meta field named `message` onto the line's text: the monitor names its reasons `reason`
    expect(h.logger.lines.filter((l) => l.fields !== undefined && "message" in l.fields)).toEqual([]);
    expect(h.logger.lines.find((l) => l.msg === "liveness connect failed; confirming")?.fields?.reason).toEqual(expect.any(String));
  }, 60_000);

  it("liveness connects to the address the round resolved, round-robin over the BSG targets", async () => {
    const h = harness();
    startMonitor(h);
    await vi.advanceTimersByTimeAsync(12_000);
    const checks = h.world.livenessChecks;
    expect(checks.length).toBeGreaterThanOrEqual(5);
    for (const c of checks) expect(c.target.address).toBe(h.world.addressOf(c.target.targetId));
    expect(new Set(checks.slice(0, 3).map((c) => c.target.targetId))).toEqual(new Set(["bsg-prod", "bsg-gw", "bsg-wsn"]));
    // one connect per liveness interval, never more
    const gaps = checks.slice(1).map((c, i) => c.at - checks[i]!.at);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(2_000);
  });
});

describe("monitor: recovery and cause changes", () => {
  it("recovery → up with the outage duration, and the incident is closed as recovered", async () => {
    const h = harness();
    startMonitor(h);
    await vi.advanceTimersByTimeAsync(20_000);
    h.world.bsg = "refused";
    const dropAt = Date.now();
    await until(() => h.events.length === 1, 10_000, 10);
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    h.world.bsg = "up";
    const backAt = Date.now();
    const latency = await until(() => h.events.length === 2, 30_000, 10);
    expect(latency).toBeLessThanOrEqual(3_500);
    const up = h.events[1]!;
    expect(up).toMatchObject({ event: "up", verdict: "ok", previousVerdict: "bsg-unreachable", incidentId: "inc-1" });
    if (up.event !== "up") throw new Error("expected up");
    expect(Math.abs(up.durationMs - (backAt - dropAt))).toBeLessThanOrEqual(2_500);
    expect(h.incidents.calls).toEqual(["recover", "open:bsg-unreachable", "close:recovered"]);
    expect(h.incidents.closed[0]?.durationMs).toBe(up.durationMs);
  });

  it("one healthy result during an outage does not end it", async () => {
    const h = harness();
    startMonitor(h);
    await vi.advanceTimersByTimeAsync(20_000);
    h.world.bsg = "dns-broken";
    await until(() => h.events.length === 1, 30_000);
    h.world.bsg = "up";
    // let exactly one round see the healthy world, then break it again before the confirming re-probe
    const n = h.world.rounds.length;
    await until(() => h.world.rounds.length > n, 20_000, 10);
    h.world.bsg = "dns-broken";
    await vi.advanceTimersByTimeAsync(60_000);
    expect(kinds(h.events)).toEqual(["down:dns-failure"]);
  });

  it("a cause change mid-incident → exactly one verdict event", async () => {
    const h = harness();
    startMonitor(h);
    await vi.advanceTimersByTimeAsync(20_000);
    h.world.bsg = "refused";
    await until(() => h.events.length === 1, 10_000, 10);
    h.world.bsg = "dns-broken";
    await vi.advanceTimersByTimeAsync(3 * 60_000);
    expect(kinds(h.events)).toEqual(["down:bsg-unreachable", "verdict:dns-failure"]);
    expect(h.events[1]).toMatchObject({ previousVerdict: "bsg-unreachable", incidentId: "inc-1", headline: "DNS broken" });
    expect(h.incidents.calls).toEqual(["recover", "open:bsg-unreachable", "verdict:dns-failure"]);
  });

  it("causes flapping round to round produce no verdict events", async () => {
    const h = harness();
    startMonitor(h);
    await vi.advanceTimersByTimeAsync(20_000);
    h.world.bsg = "refused";
    await until(() => h.events.length === 1, 10_000, 10);
    h.world.flap = ["dns-broken", "refused"];
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    expect(kinds(h.events)).toEqual(["down:bsg-unreachable"]);
  });
});

describe("monitor: sleep, network changes, pause", () => {
  it("a clock jump (sleep) while up: immediate re-probe, a network still waking up is not an outage", async () => {
    const h = harness();
    const m = startMonitor(h);
    await vi.advanceTimersByTimeAsync(20_000);
    const before = h.world.rounds.length;
    h.world.internet = false; // Wi-Fi not back yet after wake-up
    h.clock.skew += 3_600_000; // the laptop slept for an hour
    await vi.advanceTimersByTimeAsync(2_100);
    expect(h.world.rounds.length).toBeGreaterThan(before);
    await vi.advanceTimersByTimeAsync(5_000);
    h.world.internet = true;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(h.events).toEqual([]);
    expect(m.state().status).toBe("ok");
    expect(h.logger.lines.some((l) => l.msg.startsWith("discontinuity") && l.fields?.reason === "clock jump")).toBe(true);
  });

  it("a clock jump during an outage is not counted in its duration", async () => {
    const h = harness();
    startMonitor(h);
    await vi.advanceTimersByTimeAsync(20_000);
    h.world.bsg = "refused";
    const dropAt = Date.now();
    await until(() => h.events.length === 1, 10_000, 10);
    await vi.advanceTimersByTimeAsync(60_000);
    h.clock.skew += 8 * 3_600_000; // slept 8 h with the outage open
    await vi.advanceTimersByTimeAsync(30_000);
    h.world.bsg = "up";
    const backAt = Date.now();
    await until(() => h.events.length === 2, 30_000, 10);
    const up = h.events[1]!;
    if (up.event !== "up") throw new Error(`expected up, got ${up.event}`);
    expect(up.durationMs).toBeLessThan(backAt - dropAt + 5_000);
    expect(up.durationMs).toBeGreaterThan(60_000);
  });

  it("a network change triggers an immediate re-probe, and a failure right after it is not counted", async () => {
    const h = harness();
    startMonitor(h);
    await vi.advanceTimersByTimeAsync(20_000);
    const before = h.world.rounds.length;
    h.net.sig = "vpn0:10.8.0.2";
    h.world.bsg = "refused"; // the VPN is still connecting
    await vi.advanceTimersByTimeAsync(2_100);
    expect(h.world.rounds.length).toBeGreaterThan(before);
    await vi.advanceTimersByTimeAsync(4_000);
    h.world.bsg = "up";
    await vi.advanceTimersByTimeAsync(60_000);
    expect(h.events).toEqual([]);
  });

  it("pause: no probes and no events while paused, a paused state, and it resumes by itself", async () => {
    const h = harness();
    const m = startMonitor(h);
    await vi.advanceTimersByTimeAsync(20_000);
    m.pause(30 * 60_000);
    expect(m.state()).toMatchObject({ mode: "paused", pausedUntil: new Date(Date.now() + 30 * 60_000).toISOString() });
    const rounds = h.world.rounds.length;
    const checks = h.world.livenessChecks.length;
    h.world.bsg = "refused";
    await vi.advanceTimersByTimeAsync(29 * 60_000);
    expect(h.events).toEqual([]);
    expect(h.world.rounds.length).toBe(rounds);
    expect(h.world.livenessChecks.length).toBe(checks);
    await vi.advanceTimersByTimeAsync(60_000 + 5_000);
    expect(m.state().mode).toBe("running");
    expect(kinds(h.events)).toEqual(["down:bsg-unreachable"]);
  });

  it("pause during an outage: the paused time is not outage time; resume() restarts at once", async () => {
    const h = harness();
    const m = startMonitor(h);
    await vi.advanceTimersByTimeAsync(20_000);
    h.world.bsg = "refused";
    await until(() => h.events.length === 1, 10_000, 10);
    m.pause(60 * 60_000);
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    h.world.bsg = "up";
    m.resume();
    await until(() => h.events.length === 2, 10_000, 10);
    const up = h.events[1]!;
    if (up.event !== "up") throw new Error("expected up");
    expect(up.durationMs).toBeLessThan(10_000);
  });

  it("a round that finished while paused is dropped, not fed", async () => {
    const h = harness();
    h.world.latencyMs = 3_000;
    const m = startMonitor(h);
    await vi.advanceTimersByTimeAsync(1_000); // first round in flight
    h.world.bsg = "refused";
    m.pause(60_000);
    await vi.advanceTimersByTimeAsync(50_000);
    expect(m.state().status).toBe("unknown");
    expect(h.events).toEqual([]);
  });
});

describe("monitor: status page, triggers, robustness", () => {
  it("maintenance is announced once per maintenance, with BSG's own text", async () => {
    const h = harness();
    startMonitor(h);
    await vi.advanceTimersByTimeAsync(10_000);
    h.world.status = "updating";
    h.world.statusMessage = "Technical works are in progress. Estimated time: 2 hours.";
    await vi.advanceTimersByTimeAsync(3 * 60_000);
    h.world.status = "unknown"; // the status page hiccups mid-maintenance
    await vi.advanceTimersByTimeAsync(2 * 60_000);
    h.world.status = "updating";
    await vi.advanceTimersByTimeAsync(3 * 60_000);
    const notices = h.events.filter((e) => e.event === "maintenance");
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ verdict: "maintenance", message: "Technical works are in progress. Estimated time: 2 hours." });
    h.world.status = "ok";
    await vi.advanceTimersByTimeAsync(2 * 60_000);
    h.world.status = "updating";
    h.world.statusMessage = null;
    await vi.advanceTimersByTimeAsync(2 * 60_000);
    expect(h.events.filter((e) => e.event === "maintenance")).toHaveLength(2);
  });

  it("a maintenance announced without BSG's words takes them from a later reading: still one announcement", async () => {
    const h = harness();
    const m = startMonitor(h);
    await vi.advanceTimersByTimeAsync(10_000);
    // First reading: updating, but no message (global/status unanswered while the services list says updating).
    h.world.status = "updating";
    h.world.statusMessage = null;
    await vi.advanceTimersByTimeAsync(2 * 60_000);
    expect(m.state().maintenance).toEqual({ active: true, message: "BSG reports that the servers are being updated (no message given)." });
    h.world.statusMessage = "Technical works are in progress. Estimated time: 2 hours.";
    await vi.advanceTimersByTimeAsync(2 * 60_000);
    expect(m.state().maintenance).toEqual({ active: true, message: "Technical works are in progress. Estimated time: 2 hours." });
    // A later reading without words again does not take BSG's words away.
    h.world.statusMessage = null;
    await vi.advanceTimersByTimeAsync(2 * 60_000);
    expect(m.state().maintenance.message).toBe("Technical works are in progress. Estimated time: 2 hours.");
    expect(h.events.filter((e) => e.event === "maintenance")).toHaveLength(1);
  });

  it("the status reading is merged into every round for classify", async () => {
    const h = harness();
    startMonitor(h);
    await vi.advanceTimersByTimeAsync(20_000);
    const classify = h.deps.classify as unknown as { mock: { calls: [RoundResult][] } };
    const last = classify.mock.calls.at(-1)?.[0];
    expect(last?.statusApi.state).toBe("ok");
    expect(last?.targets).toHaveLength(5);
  });

  it("triggerImmediate runs a round at once and attaches the game-log evidence", async () => {
    const h = harness();
    const m = startMonitor(h);
    await vi.advanceTimersByTimeAsync(5_000);
    const before = h.world.rounds.length;
    m.triggerImmediate("backend error in game log", [{ kind: "game-log", text: "<--- Error! HTTPS: https://prod.escapefromtarkov.com/client/game/start" }]);
    await vi.advanceTimersByTimeAsync(100);
    expect(h.world.rounds.length).toBe(before + 1);
    const classify = h.deps.classify as unknown as { mock: { calls: [RoundResult][] } };
    expect(classify.mock.calls.at(-1)?.[0].extraEvidence?.[0]?.kind).toBe("game-log");
    // a burst of log lines coalesces to one round per confirm interval
    for (let i = 0; i < 20; i++) m.triggerImmediate("spam");
    await vi.advanceTimersByTimeAsync(100);
    expect(h.world.rounds.length).toBeLessThanOrEqual(before + 2);
  });

  it("throwing probes, a throwing classify and a throwing event sink never kill it", async () => {
    const h = harness();
    h.world.throwRounds = 4;
    let classifyCalls = 0;
    const realClassify = h.deps.classify;
    h.deps.classify = (r) => {
      if (++classifyCalls % 5 === 0) throw new Error("classify bug");
      return realClassify(r);
    };
    const sinkSaw: string[] = [];
    h.deps.onEvent = (e) => {
      sinkSaw.push(e.event);
      throw new Error("stdout closed");
    };
    h.deps.liveness = { check: () => Promise.reject(new Error("liveness bug")) };
    const m = startMonitor(h);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sinkSaw).toEqual([]); // broken rounds are missing evidence, not failures
    h.world.bsg = "refused";
    await until(() => sinkSaw.length > 0, 40_000);
    expect(sinkSaw).toEqual(["down"]);
    expect(m.state()).toMatchObject({ mode: "running", status: "down" });
    expect(h.logger.lines.some((l) => l.msg === "probe round threw; treated as missing evidence")).toBe(true);
    expect(h.logger.lines.some((l) => l.msg === "event sink failed")).toBe(true);
  });

  it("a round that never settles is given up by the watchdog and the schedule goes on", async () => {
    const h = harness();
    let calls = 0;
    const real = h.deps.probeRound;
    h.deps.probeRound = (o) => (++calls === 1 ? new Promise<RoundResult>(() => undefined) : real(o));
    const m = startMonitor(h);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toBeGreaterThan(2);
    expect(m.state().status).toBe("ok");
  });

  it("diagnoseNow returns the verdict, and a readable fallback when the round cannot run", async () => {
    const h = harness();
    const m = startMonitor(h);
    const p = m.diagnoseNow();
    await vi.advanceTimersByTimeAsync(100);
    await expect(p).resolves.toMatchObject({ verdict: "ok" });
    expect(h.world.rounds.at(-1)?.opts).toEqual({ statusApi: true });
    h.world.throwRounds = 1;
    const q = m.diagnoseNow();
    await vi.advanceTimersByTimeAsync(100);
    await expect(q).resolves.toMatchObject({ verdict: "inconclusive", headline: "The check could not run" });
  });

  it("stop closes an open incident as 'agent stopped'; start closes one a crash left open", async () => {
    const h = harness();
    const m = startMonitor(h);
    await vi.advanceTimersByTimeAsync(20_000);
    h.world.bsg = "refused";
    await until(() => h.events.length === 1, 10_000, 10);
    m.stop();
    expect(h.incidents.calls).toEqual(["recover", "open:bsg-unreachable", "close:agent stopped"]);
    expect(m.state().mode).toBe("stopped");
    const rounds = h.world.rounds.length;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(h.world.rounds.length).toBe(rounds);
  });

  it("reminders for a long incident, when enabled, no more often than configured", async () => {
    const h = harness({ reminderMinutes: 30 });
    startMonitor(h);
    await vi.advanceTimersByTimeAsync(20_000);
    h.world.bsg = "dns-broken";
    await vi.advanceTimersByTimeAsync(95 * 60_000);
    expect(kinds(h.events)).toEqual(["down:dns-failure", "reminder", "reminder", "reminder"]);
  });

  it("every event it emits matches the --events json schema", async () => {
    const h = harness({ reminderMinutes: 30 });
    startMonitor(h);
    await vi.advanceTimersByTimeAsync(20_000);
    h.world.status = "updating";
    h.world.bsg = "refused";
    await vi.advanceTimersByTimeAsync(60_000);
    h.world.status = "ok";
    h.world.bsg = "dns-broken";
    await vi.advanceTimersByTimeAsync(35 * 60_000);
    h.world.bsg = "up";
    await vi.advanceTimersByTimeAsync(60_000);
    expect(new Set(h.events.map((e) => e.event))).toEqual(new Set(["maintenance", "down", "verdict", "reminder", "up"]));
    for (const e of h.events) expect(agentEventSchema.parse(JSON.parse(JSON.stringify(e)))).toEqual(e);
  });
});
