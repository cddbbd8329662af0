/**
 * The Agent glue between monitor events, toasts, tray and fixes. The monitor, notifier and engine are small
 * in-memory stand-ins here (their real versions have their own suites and the end-to-end tests run them together).
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Agent, CONFIRM_WINDOW_MS, readSettings } from "../../src/agent/agent.js";
import type { AgentEvent } from "../../src/agent/events.js";
import type { Monitor, MonitorSnapshot } from "../../src/agent/monitor.js";
import { classify } from "../../src/core/classify.js";
import type { Diagnosis } from "../../src/core/types.js";
import type { FixEngine } from "../../src/fixes/engine.js";
import type { NotifyInput } from "../../src/ports/notify.js";
import { round } from "../helpers/round-builder.js";

const down: Diagnosis = classify(round({ bsg: [{ id: "prod", fail: "TCP_TIMEOUT" }, { id: "gw", fail: "TCP_RESET" }], controls: [{ id: "cf" }] }));

function snapshot(over: Partial<MonitorSnapshot> = {}): MonitorSnapshot {
  return { mode: "running", status: "down", verdict: down.verdict, since: "2026-11-21T20:00:00.000Z", incidentId: "inc-1", pausedUntil: null, lastDiagnosis: down, lastRoundAt: null, maintenance: { active: false, message: null }, ...over };
}

function setup(opts: { busy?: () => boolean; notifyThrows?: boolean; engine?: Partial<FixEngine> } = {}) {
  const toasts: NotifyInput[] = [];
  const printed: string[] = [];
  let snap = snapshot();
  const monitor = { state: () => snap, pause: () => {}, resume: () => {}, diagnoseNow: async () => down } as unknown as Monitor;
  let clock = 1_000_000;
  const agent = new Agent({
    dataDir: mkdtempSync(join(tmpdir(), "tca-agent-")),
    monitor,
    notifier: {
      notify: async (n) => {
        if (opts.notifyThrows) throw new Error("dbus gone");
        toasts.push(n);
        return { delivered: true };
      },
    },
    engine: (opts.engine ?? null) as FixEngine | null,
    raidBusy: opts.busy ?? (() => false),
    print: (l) => printed.push(l),
    eventsJson: true,
    openFolder: () => {},
    logsDir: "/tmp",
    quit: () => {},
    logger: { info: () => {}, warn: () => {}, error: () => {} },
    now: () => clock,
  });
  return { agent, toasts, printed, setSnap: (s: MonitorSnapshot) => (snap = s), tick: (ms: number) => (clock += ms) };
}

const downEvent: AgentEvent = { event: "down", verdict: "bsg-unreachable", at: "2026-11-21T20:00:05.000Z", incidentId: "inc-1", since: "2026-11-21T20:00:00.000Z", headline: down.headline, advice: null, confidence: "high" };
const upEvent: AgentEvent = { event: "up", verdict: "ok", previousVerdict: "bsg-unreachable", at: "2026-11-21T20:12:05.000Z", incidentId: "inc-1", durationMs: 12 * 60_000, since: "2026-11-21T20:00:00.000Z" };
const flush = () => new Promise((r) => setTimeout(r, 10));

describe("Agent glue", () => {
  it("prints each event as one JSON line and toasts the drop and the recovery", async () => {
    const { agent, toasts, printed } = setup();
    agent.onEvent(downEvent);
    agent.onEvent(upEvent);
    await flush();
    expect(printed.map((l) => JSON.parse(l).event)).toEqual(["down", "up"]);
    expect(toasts[0]?.urgency).toBe("critical");
    expect(toasts[1]?.title).toMatch(/BSG reachable again after 12 min/);
  });

  it("holds toasts during a raid and sends one summary when it ends", async () => {
    let busy = true;
    const { agent, toasts } = setup({ busy: () => busy });
    agent.onEvent(downEvent);
    agent.onEvent(upEvent);
    await flush();
    expect(toasts).toEqual([]);
    busy = false;
    agent.checkRaidEnded();
    await flush();
    expect(toasts.length).toBe(1);
    expect(toasts[0]?.title).toMatch(/raid/i);
  });

  it("does not toast a maintenance 'down' right after the maintenance announcement", async () => {
    const { agent, toasts } = setup();
    agent.onEvent({ event: "maintenance", verdict: "maintenance", at: downEvent.at, incidentId: null, message: "Scheduled maintenance" });
    agent.onEvent({ ...downEvent, verdict: "maintenance", headline: "BSG maintenance in progress" });
    await flush();
    expect(toasts.length).toBe(1);
    expect(toasts[0]?.body).toContain("Scheduled maintenance");
  });

  it("survives a notifier that throws", async () => {
    const { agent, printed } = setup({ notifyThrows: true });
    expect(() => agent.onEvent(downEvent)).not.toThrow();
    await flush();
    expect(printed.length).toBe(1);
  });

  it("shows an ask fix's dry-run plan on the first click and applies only on a second click within the window", async () => {
    const calls: Array<{ id: string; dryRun: boolean }> = [];
    const engine: Partial<FixEngine> = {
      applyFix: async (id, o) => {
        calls.push({ id, dryRun: o?.dryRun === true });
        return { ok: true, fixId: id, dryRun: o?.dryRun === true, status: o?.dryRun ? "WouldChange" : "Changed", code: null, message: "done", plan: ["Set DNS on Ethernet to 1.1.1.1"], changes: [], rebootNeeded: false, entryId: null, note: null, verification: null, rolledBack: null };
      },
      fix: () => ({ title: "Switch DNS" }) as ReturnType<FixEngine["fix"]>,
      listFixes: async () => ({ fixes: [], guidance: [] }),
    };
    const { agent, toasts, tick } = setup({ engine });
    await agent.applyFromTray("switch-dns");
    expect(calls).toEqual([{ id: "switch-dns", dryRun: true }]);
    expect(toasts[0]?.body).toContain("Set DNS on Ethernet to 1.1.1.1");
    tick(CONFIRM_WINDOW_MS + 1);
    await agent.applyFromTray("switch-dns");
    expect(calls.at(-1)).toEqual({ id: "switch-dns", dryRun: true });
    await agent.applyFromTray("switch-dns");
    expect(calls.at(-1)).toEqual({ id: "switch-dns", dryRun: false });
  });

  it("persists the auto-fix toggle atomically and reflects it in the tray view", () => {
    const { agent } = setup();
    const views: boolean[] = [];
    agent.onView((v) => views.push(v.autoFix));
    agent.trayActions().toggleAutoFix(true);
    expect(views).toEqual([true]);
    const dataDir = (agent as unknown as { deps: { dataDir: string } }).deps.dataDir;
    expect(JSON.parse(readFileSync(join(dataDir, "settings.json"), "utf8"))).toEqual({ autoFix: true });
    expect(readSettings(dataDir).autoFix).toBe(true);
  });

  it("builds the tray view from the monitor state: icon, status line, paused", () => {
    const { agent } = setup();
    expect(agent.view(snapshot()).icon).not.toBe("ok");
    const paused = agent.view(snapshot({ mode: "paused", pausedUntil: "2026-11-21T20:30:00.000Z" }));
    expect(paused.paused).toBe(true);
    expect(paused.icon).toBe("unknown");
    expect(paused.statusLine).toMatch(/paused until/);
    expect(agent.view(snapshot({ status: "ok", verdict: "ok", lastDiagnosis: null })).icon).toBe("ok");
  });
});
