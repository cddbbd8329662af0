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
import type { FixEngine, FixListing } from "../../src/fixes/engine.js";
import { clock } from "../../src/core/i18n/format.js";
import { EN, messages } from "../../src/core/i18n/index.js";
import type { NotifyInput } from "../../src/ports/notify.js";
import { round } from "../helpers/round-builder.js";

const down: Diagnosis = classify(round({ bsg: [{ id: "prod", fail: "TCP_TIMEOUT" }, { id: "gw", fail: "TCP_RESET" }], controls: [{ id: "cf" }] }));

function snapshot(over: Partial<MonitorSnapshot> = {}): MonitorSnapshot {
  return { mode: "running", status: "down", verdict: down.verdict, since: "2026-11-21T20:00:00.000Z", incidentId: "inc-1", pausedUntil: null, lastDiagnosis: down, lastRoundAt: null, maintenance: { active: false, message: null }, ...over };
}

function setup(opts: { busy?: () => boolean; notifyThrows?: boolean; engine?: Partial<FixEngine>; dataDir?: string; eventsJson?: boolean } = {}) {
  const toasts: NotifyInput[] = [];
  const printed: string[] = [];
  const said: string[] = [];
  let snap = snapshot();
  const monitor = { state: () => snap, pause: () => {}, resume: () => {}, diagnoseNow: async () => down } as unknown as Monitor;
  let clock = 1_000_000;
  const agent = new Agent({
    dataDir: opts.dataDir ?? mkdtempSync(join(tmpdir(), "tca-agent-")),
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
    say: (l) => said.push(l),
    checks: () => 9,
    eventsJson: opts.eventsJson ?? true,
    openFolder: () => {},
    logsDir: "/tmp",
    quit: () => {},
    logger: { info: () => {}, warn: () => {}, error: () => {} },
    now: () => clock,
  });
  return { agent, toasts, printed, said, setSnap: (s: MonitorSnapshot) => (snap = s), tick: (ms: number) => (clock += ms) };
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
    expect(JSON.parse(readFileSync(join(dataDir, "settings.json"), "utf8"))).toMatchObject({ autoFix: true });
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

/** A fix listing entry as the engine gives it. */
const listed = (id: string, over: Partial<FixListing> = {}): FixListing => ({
  id,
  title: id,
  guideStep: 4,
  risk: "medium",
  needsAdmin: true,
  reversible: true,
  rebootNeeded: false,
  appliesNow: false,
  policy: { configured: null, effective: "ask", note: null } as unknown as FixListing["policy"],
  undoable: 0,
  ...over,
});

describe("one voice, undo and first words", () => {
  const dnsDown: Diagnosis = classify(round({ bsg: [{ id: "prod", fail: "DNS_SERVFAIL", publicDnsOk: true }, { id: "gw", fail: "DNS_SERVFAIL", publicDnsOk: true }], controls: [{ id: "cf" }] }));

  it("a drop whose next step is a fix gives exactly one toast: the verdict, the step and the fix's place in the menu", async () => {
    expect(dnsDown.advice[0]?.fixId).toBe("switch-dns");
    const engine: Partial<FixEngine> = {
      listFixes: async () => ({ fixes: [listed("switch-dns", { appliesNow: true }), listed("flush-dns", { appliesNow: true })], guidance: [] }),
      onConfirmedVerdict: async () => ({ applied: null, ask: [{ fixId: "switch-dns", title: "x", reason: "POLICY_ASK" }, { fixId: "flush-dns", title: "y", reason: "POLICY_ASK" }], skipped: [] }),
      fix: (id: string) => ({ title: id }) as ReturnType<FixEngine["fix"]>,
    };
    const { agent, toasts, setSnap } = setup({ engine });
    setSnap(snapshot({ verdict: "dns-failure", lastDiagnosis: dnsDown }));
    agent.onEvent({ ...downEvent, verdict: "dns-failure" });
    await flush();
    await flush();
    expect(toasts).toHaveLength(1);
    expect(toasts[0]).toMatchObject({ title: "Your DNS can't find Tarkov's servers", urgency: "critical" });
    expect(toasts[0]!.body).toMatch(/^Switch your DNS to Cloudflare or Google .* Tray menu → Fixes → Switch to a faster public DNS\.$/);
  });

  it("toasts go out in the order of their events even when the first waits for the fix listing", async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    const engine: Partial<FixEngine> = {
      listFixes: async () => (await gate, { fixes: [listed("switch-dns", { appliesNow: true })], guidance: [] }),
      onConfirmedVerdict: async () => ({ applied: null, ask: [], skipped: [] }),
      fix: () => undefined,
    };
    const { agent, toasts, setSnap } = setup({ engine });
    setSnap(snapshot({ verdict: "dns-failure", lastDiagnosis: dnsDown }));
    agent.onEvent({ ...downEvent, verdict: "dns-failure" });
    agent.onEvent({ ...upEvent, previousVerdict: "dns-failure" });
    await flush();
    expect(toasts).toEqual([]);
    release();
    await flush();
    await flush();
    expect(toasts.map((t) => t.title)).toEqual(["Your DNS can't find Tarkov's servers", "BSG reachable again after 12 min"]);
  });

  it("the status line's 'since' is when this cause began, not when the incident began", async () => {
    const { agent } = setup();
    agent.onEvent(downEvent); // since 20:00:00
    agent.onEvent({ event: "verdict", verdict: "dns-failure", previousVerdict: "bsg-unreachable", at: "2026-11-21T20:07:00.000Z", incidentId: "inc-1", headline: "h", advice: null, confidence: "high" });
    const view = agent.view(snapshot({ verdict: "dns-failure", since: "2026-11-21T20:00:00.000Z", lastDiagnosis: dnsDown }));
    expect(view.statusLine).toBe(`Your DNS can't find Tarkov's servers since ${clock(new Date("2026-11-21T20:07:00.000Z"))}`);
  });

  it("undo items follow the journal, and 'Put my previous DNS back' undoes through the fix engine", async () => {
    const undone: string[] = [];
    let dnsUndoable = 1;
    const engine: Partial<FixEngine> = {
      listFixes: async () => ({ fixes: [listed("switch-dns", { undoable: dnsUndoable }), listed("restore-dns", { undoable: dnsUndoable }), listed("firewall-allow-eft", { undoable: 1 })], guidance: [] }),
      undoFix: async (id: string) => {
        undone.push(id);
        dnsUndoable = 0;
        return { ok: true, code: null, message: "undid 1 change", items: [{ entryId: "e1", fixId: "switch-dns", ok: true, status: "Changed", code: null, message: "undone", changes: [] }] };
      },
      fix: () => undefined,
    };
    const { agent, toasts } = setup({ engine });
    await agent.start();
    expect(agent.view().undo).toEqual({ dns: 1, all: 2 });
    expect(agent.view().fixes.map((f) => f.id)).not.toContain("restore-dns"); // its own menu item, not a fix slot
    await agent.trayActions().restoreDns();
    expect(undone).toEqual(["restore-dns"]);
    expect(toasts.at(-1)).toMatchObject({ title: "Your previous DNS is back", body: "1 change was put back exactly as it was." });
    expect(agent.view().undo).toEqual({ dns: 0, all: 1 });
  });

  it("the first start says where the agent lives and warns once that the game was not found", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "tca-agent-first-"));
    const first = setup({ dataDir, eventsJson: false });
    await first.agent.start({ tray: true, gameFound: false });
    expect(first.toasts.map((t) => t.title)).toEqual(["Tarkov Connection Agent is running", "Tarkov's game folder was not found"]);
    expect(first.toasts[0]!.body).toMatch(/tray.*right-click/);
    expect(first.said).toEqual([EN.cli.gameNotFound]);
    const second = setup({ dataDir, eventsJson: false });
    await second.agent.start({ tray: true, gameFound: false });
    expect(second.toasts).toEqual([]);
    expect(second.said).toEqual([EN.cli.gameNotFound]); // the terminal line is said at every start; the toast once
  });

  it("says 'All good' once when the first healthy verdict is in", () => {
    const { agent, said } = setup({ eventsJson: false });
    agent.onStateChange(snapshot({ status: "ok", verdict: "ok", lastDiagnosis: null }));
    agent.onStateChange(snapshot({ status: "ok", verdict: "ok", lastDiagnosis: null }));
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(/^All good: BSG reachable, 9 checks, \d\d:\d\d$/);
  });

  it("speaks Russian when given the Russian catalogue: event lines and toasts", async () => {
    const toasts: NotifyInput[] = [];
    const printed: string[] = [];
    const agent = new Agent({
      dataDir: mkdtempSync(join(tmpdir(), "tca-agent-ru-")),
      monitor: { state: () => snapshot() } as unknown as Monitor,
      notifier: { notify: async (n) => (toasts.push(n), { delivered: true }) },
      engine: null,
      raidBusy: () => false,
      print: (l) => printed.push(l),
      eventsJson: false,
      openFolder: () => {},
      logsDir: "/tmp",
      quit: () => {},
      logger: { info: () => {}, warn: () => {}, error: () => {} },
      messages: messages("ru"),
    });
    agent.onEvent(downEvent);
    agent.onEvent(upEvent);
    await flush();
    expect(printed[0]).toMatch(/^\d\d:\d\d Связь потеряна: Соединение не доходит до серверов Tarkov\. Что делать: /);
    expect(printed[1]).toMatch(/Связь вернулась: BSG снова доступна через 12 мин/);
    expect(toasts.map((t) => t.title)).toEqual(["Соединение не доходит до серверов Tarkov", "Связь с BSG восстановилась через 12 мин"]);
  });
});
