/** The monitor with the real incident store on disk and the real classify, still on fake time and a fake world. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { formatEventLine, parseEventLine } from "../../src/agent/events.js";
import { createIncidentStore, listIncidents } from "../../src/agent/incidents.js";
import { createMonitor, type Monitor } from "../../src/agent/monitor.js";
import { classify } from "../../src/core/classify.js";
import { harness } from "./fake-world.js";

let dir: string;
let monitors: Monitor[] = [];
beforeEach(() => {
  vi.useFakeTimers({ now: Date.parse("2025-03-01T20:00:00.000Z") });
  dir = mkdtempSync(join(tmpdir(), "tca-mon-"));
});
afterEach(() => {
  monitors.forEach((m) => m.stop());
  monitors = [];
  vi.useRealTimers();
  rmSync(dir, { recursive: true, force: true });
});

async function until(pred: () => boolean, maxMs: number): Promise<void> {
  const t0 = Date.now();
  while (!pred() && Date.now() - t0 < maxMs) await vi.advanceTimersByTimeAsync(10);
}

describe("monitor with the real store and classify", () => {
  it("drop → down, crash, next start closes the incident as 'agent stopped'; a new outage is a new incident", async () => {
    const h = harness();
    h.deps.classify = classify;
    h.deps.incidents = createIncidentStore({ dataDir: dir });
    h.deps.newIncidentId = undefined;
    const first = createMonitor(h.deps);
    first.start();
    await vi.advanceTimersByTimeAsync(20_000);
    h.world.bsg = "refused";
    await until(() => h.events.length === 1, 10_000);
    expect(h.events[0]).toMatchObject({ event: "down", verdict: "bsg-unreachable" });
    const line = formatEventLine(h.events[0]!);
    expect(parseEventLine(line)).toEqual(h.events[0]);
    await vi.advanceTimersByTimeAsync(90_000);
    expect(listIncidents({ dataDir: dir })[0]).toMatchObject({ end: null, verdicts: ["bsg-unreachable"] });

    // "crash": the first monitor's timers die with the process; its incident file stays open
    vi.clearAllTimers();
    const h2 = harness();
    h2.world.bsg = "refused";
    h2.deps.classify = classify;
    h2.deps.incidents = createIncidentStore({ dataDir: dir });
    h2.deps.newIncidentId = undefined;
    const second = createMonitor(h2.deps);
    monitors.push(second);
    second.start();
    const history = listIncidents({ dataDir: dir });
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ endReason: "agent stopped", verdicts: ["bsg-unreachable"] });
    expect(history[0]!.durationMs).toBeGreaterThanOrEqual(60_000); // touched at least once while it lasted
    expect(history[0]!.evidence.length).toBeGreaterThan(0);

    await until(() => h2.events.length === 1, 10_000);
    h2.world.bsg = "up";
    await until(() => h2.events.length === 2, 20_000);
    const after = listIncidents({ dataDir: dir });
    expect(after.map((i) => i.endReason)).toEqual(["recovered", "agent stopped"]);
    expect(after[0]!.id).toBe((h2.events[1] as { incidentId: string }).incidentId);
  });
});
