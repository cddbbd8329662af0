import { appendFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createIncidentStore, listIncidents, newIncidentId, EVIDENCE_CAP, INCIDENTS_FILE, OPEN_INCIDENT_FILE } from "../../src/agent/incidents.js";
import type { Evidence } from "../../src/core/types.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "tca-inc-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const T0 = Date.parse("2025-03-01T20:00:00.000Z");
const ev: Evidence[] = [{ kind: "target", text: "TCP to prod.escapefromtarkov.com refused", targetId: "bsg-prod", code: "TCP_REFUSED" }];
const lines = () => readFileSync(join(dir, INCIDENTS_FILE), "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);

describe("incident store", () => {
  it("open → verdict → close appends one complete record and removes the open file", () => {
    const s = createIncidentStore({ dataDir: dir });
    s.open({ id: "inc-1", start: T0, verdict: "bsg-unreachable", evidence: ev });
    expect(existsSync(join(dir, OPEN_INCIDENT_FILE))).toBe(true);
    expect(s.list()[0]).toMatchObject({ id: "inc-1", end: null, endReason: null });
    s.addVerdict("inc-1", "dns-failure", T0 + 60_000);
    const closed = s.close("inc-1", T0 + 720_000, "recovered", 20_000);
    expect(closed).toMatchObject({ durationMs: 700_000, endReason: "recovered", verdicts: ["bsg-unreachable", "dns-failure"] });
    expect(existsSync(join(dir, OPEN_INCIDENT_FILE))).toBe(false);
    expect(lines()).toHaveLength(1);
    expect(lines()[0]).toMatchObject({ id: "inc-1", start: "2025-03-01T20:00:00.000Z", end: "2025-03-01T20:12:00.000Z", gapMs: 20_000, evidence: ev });
  });

  it("an incident left open by a crash is closed as 'agent stopped' at the next start, at the last time seen", () => {
    const crashed = createIncidentStore({ dataDir: dir });
    crashed.open({ id: "inc-crash", start: T0, verdict: "no-internet", evidence: ev });
    crashed.touch("inc-crash", T0 + 10_000); // within 30 s of the last write: not persisted
    crashed.touch("inc-crash", T0 + 45_000); // persisted
    crashed.touch("inc-crash", T0 + 50_000); // lost in the crash
    // process dies here; a new process starts
    const next = createIncidentStore({ dataDir: dir });
    const recovered = next.recoverOpen();
    expect(recovered).toHaveLength(1);
    expect(recovered[0]).toMatchObject({ id: "inc-crash", endReason: "agent stopped", durationMs: 45_000, end: new Date(T0 + 45_000).toISOString() });
    expect(existsSync(join(dir, OPEN_INCIDENT_FILE))).toBe(false);
    expect(next.recoverOpen()).toEqual([]);
    expect(listIncidents({ dataDir: dir })).toHaveLength(1);
  });

  it("a crash between append and cleanup does not duplicate the incident", () => {
    const s = createIncidentStore({ dataDir: dir });
    s.open({ id: "inc-2", start: T0, verdict: "dns-failure", evidence: [] });
    const openContent = readFileSync(join(dir, OPEN_INCIDENT_FILE), "utf8");
    s.close("inc-2", T0 + 1_000, "recovered");
    writeFileSync(join(dir, OPEN_INCIDENT_FILE), openContent); // as if the unlink never happened
    expect(createIncidentStore({ dataDir: dir }).recoverOpen()).toEqual([]);
    expect(lines()).toHaveLength(1);
    expect(existsSync(join(dir, OPEN_INCIDENT_FILE))).toBe(false);
  });

  it("corrupt and torn lines are skipped, never fatal", () => {
    const s = createIncidentStore({ dataDir: dir });
    s.open({ id: "a", start: T0, verdict: "bsg-unreachable", evidence: [] });
    s.close("a", T0 + 5_000, "recovered");
    appendFileSync(join(dir, INCIDENTS_FILE), "garbage that is not json\n{\"id\":\"x\"}\n");
    s.open({ id: "b", start: T0 + 10_000, verdict: "no-internet", evidence: [] });
    s.close("b", T0 + 20_000, "recovered");
    appendFileSync(join(dir, INCIDENTS_FILE), '{"id":"torn","start":"2025'); // crash mid-append
    const warnings: string[] = [];
    const list = createIncidentStore({ dataDir: dir, logger: { warn: (m) => warnings.push(m) } }).list();
    expect(list.map((i) => i.id)).toEqual(["b", "a"]);
    // garbage, the record missing fields, the torn line; a record appended after the torn tail survives
    expect(warnings).toEqual(["incident history line skipped", "incident history line skipped", "incident history line skipped"]);
    s.open({ id: "after-torn", start: T0 + 30_000, verdict: "no-internet", evidence: [] });
    s.close("after-torn", T0 + 40_000, "recovered");
    expect(listIncidents({ dataDir: dir }).map((i) => i.id)).toEqual(["after-torn", "b", "a"]);
    expect(listIncidents({ dataDir: dir, limit: 1 }).map((i) => i.id)).toEqual(["after-torn"]);
  });

  it("a corrupt open file is moved aside, not fatal", () => {
    writeFileSync(join(dir, OPEN_INCIDENT_FILE), "{ torn");
    expect(createIncidentStore({ dataDir: dir }).recoverOpen()).toEqual([]);
    expect(readdirSync(dir).some((f) => f.startsWith(`${OPEN_INCIDENT_FILE}.corrupt-`))).toBe(true);
  });

  it("caps the evidence snapshot", () => {
    const s = createIncidentStore({ dataDir: join(dir, "new") });
    const many: Evidence[] = Array.from({ length: 50 }, (_, i) => ({ kind: "target", text: `line ${i} ${"x".repeat(1000)}` }));
    s.open({ id: "c", start: T0, verdict: "bsg-degraded", evidence: many });
    const inc = s.close("c", T0 + 1, "agent stopped");
    expect(inc?.evidence).toHaveLength(EVIDENCE_CAP);
    expect(inc?.evidence[0]?.text.length).toBeLessThanOrEqual(400);
  });

  it("history of an empty data dir is empty", () => {
    expect(listIncidents({ dataDir: join(dir, "nothing-here") })).toEqual([]);
  });

  it("ids are unique and sortable", () => {
    const a = newIncidentId(T0);
    expect(a).toMatch(/^inc-20250301T200000Z-[0-9a-f]{6}$/);
    expect(newIncidentId(T0)).not.toBe(a);
  });
});
