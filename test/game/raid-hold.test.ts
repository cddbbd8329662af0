/**
 * Holding toasts during a raid is safe: a held toast is never older than 45 minutes, a drop that outlasts the raid's
 * likely end reaches the player, and the end of the raid (a `game` phase change) delivers the summary at once.
 * The policy is pure (core/raid-hold.ts); the Agent runs it with its own clock, here a hand-moved one, and a small
 * in-memory monitor and notifier (their real versions have their own suites).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Agent } from "../../src/agent/agent.js";
import { parseStreamLine, type AgentEvent } from "../../src/agent/events.js";
import type { Monitor, MonitorSnapshot } from "../../src/agent/monitor.js";
import { classify } from "../../src/core/classify.js";
import { HOLD_LIMITS, releaseReason, shouldHold, type RaidView } from "../../src/core/raid-hold.js";
import type { Diagnosis } from "../../src/core/types.js";
import type { NotifyInput } from "../../src/ports/notify.js";
import { round } from "../helpers/round-builder.js";

const MIN = 60_000;

describe("hold policy", () => {
  const raid = (phase: RaidView["phase"], sinceMs: number): RaidView => ({ phase, sinceMs });

  it.each<[string, RaidView | null, number, boolean]>([
    ["no game awareness", null, 0, false],
    ["idle", raid("idle", 0), 10 * MIN, false],
    ["matching for 5 min", raid("matching", 0), 5 * MIN, true],
    ["matching for 30 min: over", raid("matching", 0), 30 * MIN, false],
    ["in a raid for 20 min", raid("in-raid", 0), 20 * MIN, true],
    ["in a raid for 59 min", raid("in-raid", 0), 59 * MIN, true],
    ["in a raid for 60 min: it should be over", raid("in-raid", 0), 60 * MIN, false],
  ])("hold a new toast? %s", (_n, r, now, want) => {
    expect(shouldHold(r, now)).toBe(want);
  });

  it.each<[string, RaidView | null, number, number, ReturnType<typeof releaseReason>]>([
    ["the raid ended", raid("idle", 0), 0, 1, "raid-ended"],
    ["game awareness went away", null, 0, 1, "raid-ended"],
    ["still in the raid, held 44 min", raid("in-raid", 0), 5 * MIN, 49 * MIN, null],
    ["still 'in the raid', held 45 min", raid("in-raid", 10 * MIN), 10 * MIN, 55 * MIN, "held-too-long"],
    ["held 10 min, but the raid began an hour ago", raid("in-raid", 0), 50 * MIN, 60 * MIN, "raid-should-be-over"],
  ])("release? %s", (_n, r, heldAt, now, want) => {
    expect(releaseReason(r, heldAt, now)).toBe(want);
  });

  it("bounds: 45 min at most; an hour is longer than any raid", () => {
    expect(HOLD_LIMITS.maxHoldMs).toBe(45 * MIN);
    expect(HOLD_LIMITS.likelyEndMs["in-raid"]).toBeGreaterThan(50 * MIN);
  });
});

// ---- the Agent --------------------------------------------------------------------------------------------------

const down: Diagnosis = classify(round({ bsg: [{ id: "prod", fail: "TCP_TIMEOUT" }, { id: "gw", fail: "TCP_RESET" }], controls: [{ id: "cf" }] }));

function setup() {
  const toasts: NotifyInput[] = [];
  const printed: string[] = [];
  let status: MonitorSnapshot["status"] = "down";
  const monitor = {
    state: (): MonitorSnapshot => ({ mode: "running", status, verdict: down.verdict, since: null, incidentId: "inc-1", pausedUntil: null, lastDiagnosis: down, lastRoundAt: null, maintenance: { active: false, message: null } }),
  } as unknown as Monitor;
  const t0 = Date.parse("2026-11-21T20:00:00.000Z");
  let clock = t0;
  let raid: RaidView | null = { phase: "in-raid", sinceMs: t0 };
  const agent = new Agent({
    dataDir: mkdtempSync(join(tmpdir(), "tca-hold-")),
    monitor,
    notifier: {
      notify: async (n) => {
        toasts.push(n);
        return { delivered: true };
      },
    },
    engine: null,
    raidBusy: () => raid !== null && raid.phase !== "idle",
    raidPhase: () => raid,
    print: (l) => printed.push(l),
    eventsJson: true,
    openFolder: () => {},
    logsDir: "/tmp",
    quit: () => {},
    logger: { info: () => {}, warn: () => {}, error: () => {} },
    now: () => clock,
  });
  return {
    agent,
    toasts,
    printed,
    t0,
    at: (ms: number) => (clock = t0 + ms),
    setRaid: (r: RaidView | null) => (raid = r),
    setStatus: (s: MonitorSnapshot["status"]) => (status = s),
  };
}

const downAt = (ms: number, t0: number): AgentEvent => ({
  event: "down",
  verdict: "bsg-unreachable",
  at: new Date(t0 + ms).toISOString(),
  incidentId: "inc-1",
  since: new Date(t0 + ms - 5_000).toISOString(),
  headline: down.headline,
  advice: null,
  confidence: "high",
});
const flush = () => new Promise((r) => setTimeout(r, 10));

describe("the Agent holds toasts, within bounds", () => {
  it("a drop held since minute 5 of a raid that never seems to end is delivered at minute 50, and is urgent", async () => {
    const h = setup();
    h.at(5 * MIN);
    h.agent.onEvent(downAt(5 * MIN, h.t0));
    for (const m of [10, 30, 49]) {
      h.at(m * MIN);
      h.agent.checkRaidEnded();
    }
    await flush();
    expect(h.toasts).toEqual([]);
    h.at(50 * MIN);
    h.agent.checkRaidEnded();
    await flush();
    expect(h.toasts).toHaveLength(1);
    expect(h.toasts[0]).toMatchObject({ title: expect.stringMatching(/During your raid/), urgency: "critical" });
  });

  it("a drop held at minute 40 is delivered at the raid's likely end (minute 60), not 45 minutes later", async () => {
    const h = setup();
    h.at(40 * MIN);
    h.agent.onEvent(downAt(40 * MIN, h.t0));
    h.at(59 * MIN);
    h.agent.checkRaidEnded();
    await flush();
    expect(h.toasts).toEqual([]);
    h.at(60 * MIN);
    h.agent.checkRaidEnded();
    await flush();
    expect(h.toasts).toHaveLength(1);
    // Past the likely end, a new toast is not held at all: the player is most likely in the menu.
    h.at(61 * MIN);
    h.agent.onEvent({ event: "up", verdict: "ok", previousVerdict: "bsg-unreachable", at: new Date(h.t0 + 61 * MIN).toISOString(), incidentId: "inc-1", durationMs: 21 * MIN, since: new Date(h.t0 + 40 * MIN).toISOString() });
    await flush();
    expect(h.toasts).toHaveLength(2);
    expect(h.toasts[1]?.title).toMatch(/BSG reachable again after 21 min/);
  });

  it("the raid's end (a game phase change) delivers the summary at once; a recovered drop is not urgent", async () => {
    const h = setup();
    h.at(12 * MIN);
    h.agent.onEvent(downAt(12 * MIN, h.t0));
    h.at(14 * MIN);
    h.setStatus("ok");
    h.agent.onEvent({ event: "up", verdict: "ok", previousVerdict: "bsg-unreachable", at: new Date(h.t0 + 14 * MIN).toISOString(), incidentId: "inc-1", durationMs: 2 * MIN, since: new Date(h.t0 + 12 * MIN).toISOString() });
    await flush();
    expect(h.toasts).toEqual([]);
    h.at(31 * MIN);
    h.setRaid({ phase: "idle", sinceMs: h.t0 + 31 * MIN });
    h.agent.onGamePhase({ from: "in-raid", to: "idle", at: h.t0 + 31 * MIN, source: "network-connection: Disconnect" });
    await flush();
    expect(h.toasts).toHaveLength(1);
    expect(h.toasts[0]).toMatchObject({ title: "During your raid: a drop, BSG reachable again", urgency: "normal" });
    // And the phase change is one `game` line of the --events json stream.
    const game = h.printed.map(parseStreamLine).filter((e) => e?.event === "game");
    expect(game).toEqual([{ event: "game", phase: "idle", previousPhase: "in-raid", at: new Date(h.t0 + 31 * MIN).toISOString(), source: "network-connection: Disconnect" }]);
  });

  it("nothing is held while idle, and nothing is delivered twice", async () => {
    const h = setup();
    h.setRaid({ phase: "idle", sinceMs: h.t0 });
    h.agent.onEvent(downAt(0, h.t0));
    await flush();
    expect(h.toasts).toHaveLength(1);
    h.agent.checkRaidEnded();
    h.agent.onGamePhase({ from: "idle", to: "matching", at: h.t0 + MIN, source: "application: Matching with group id" });
    await flush();
    expect(h.toasts).toHaveLength(1);
  });
});
