import { appendFileSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, statSync, writeSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { StateFileError } from "../../src/agent/file-errors.js";
import {
  createIncidentStore,
  listIncidents,
  newIncidentId,
  EVIDENCE_CAP,
  INCIDENTS_FILE,
  INCIDENTS_OLD_FILE,
  INCIDENTS_ROTATE_BYTES,
  OPEN_INCIDENT_FILE,
  type Incident,
} from "../../src/agent/incidents.js";
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
    const warnings: { m: string; f?: Record<string, unknown> }[] = [];
    const list = createIncidentStore({ dataDir: dir, logger: { warn: (m, f) => warnings.push({ m, f }) } }).list();
    expect(list.map((i) => i.id)).toEqual(["b", "a"]);
    // garbage, the record missing fields, the torn line (one warning, not one per line: a huge bad file must not
    // flood the log); a record appended after the torn tail survives
    expect(warnings).toEqual([{ m: "incident history lines skipped", f: { count: 3, reason: expect.any(String) } }]);
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

const incident = (id: string, startMs: number): Incident => ({
  id,
  start: new Date(startMs).toISOString(),
  end: new Date(startMs + 60_000).toISOString(),
  durationMs: 60_000,
  verdicts: ["bsg-unreachable"],
  endReason: "recovered",
  evidence: [{ kind: "target", text: "TCP to prod.escapefromtarkov.com refused", targetId: "bsg-prod", code: "TCP_REFUSED" }],
  gapMs: 0,
  lastSeen: new Date(startMs + 60_000).toISOString(),
});

describe("large and hostile histories (issue 8 §3)", () => {
  it("a 200 MB incidents.jsonl: history reads from the end and returns exactly the newest records, newest first", () => {
    // Before: the whole file was read and parsed (44 s for `history`); the timing lives in `npm run bench`.
    const path = join(dir, INCIDENTS_FILE);
    const old = Buffer.from(JSON.stringify(incident("inc-old", T0 - 86_400_000)) + "\n");
    const block = Buffer.concat(Array.from({ length: Math.ceil((1024 * 1024) / old.length) }, () => old));
    const fd = openSync(path, "w");
    for (let written = 0; written < 200 * 1024 * 1024; written += block.length) writeSync(fd, block);
    closeSync(fd);
    for (let i = 0; i < 30; i++) appendFileSync(path, JSON.stringify(incident(`inc-new-${i}`, T0 + i * 3_600_000)) + "\n");
    expect(statSync(path).size).toBeGreaterThan(200 * 1024 * 1024);
    const list = listIncidents({ dataDir: dir, limit: 20 });
    expect(list.map((i) => i.id)).toEqual(Array.from({ length: 20 }, (_, i) => `inc-new-${29 - i}`));
    // Asking for more than the new ones reaches into the old block, still without reading the whole file.
    expect(listIncidents({ dataDir: dir, limit: 40 }).slice(30).every((i) => i.id === "inc-old")).toBe(true);
  }, 60_000);

  it("rotates before incidents.jsonl passes its bound and reads across both generations", () => {
    const s = createIncidentStore({ dataDir: dir });
    const filler = JSON.stringify(incident("inc-filler", T0 - 1));
    writeFileSync(join(dir, INCIDENTS_FILE), `${filler}\n`.repeat(Math.floor(INCIDENTS_ROTATE_BYTES / (filler.length + 1))));
    s.open({ id: "inc-after", start: T0, verdict: "dns-failure", evidence: [] });
    s.close("inc-after", T0 + 1_000, "recovered");
    expect(existsSync(join(dir, INCIDENTS_OLD_FILE))).toBe(true);
    expect(statSync(join(dir, INCIDENTS_FILE)).size).toBeLessThan(10_000);
    const list = listIncidents({ dataDir: dir, limit: 3 });
    expect(list.map((i) => i.id)).toEqual(["inc-after", "inc-filler", "inc-filler"]);
  });

  it("a giant line without a newline is skipped without being held in memory", () => {
    const path = join(dir, INCIDENTS_FILE);
    writeFileSync(path, JSON.stringify(incident("inc-before", T0)) + "\n" + "x".repeat(5 * 1024 * 1024) + "\n" + JSON.stringify(incident("inc-after", T0 + 1)) + "\n");
    const warnings: Record<string, unknown>[] = [];
    const list = listIncidents({ dataDir: dir, logger: { warn: (_m, f) => warnings.push(f ?? {}) } });
    expect(list.map((i) => i.id)).toEqual(["inc-after", "inc-before"]);
    expect(warnings[0]).toMatchObject({ count: 1 });
  });

  it("a huge incident-open.json is treated as corrupt, not read", () => {
    writeFileSync(join(dir, OPEN_INCIDENT_FILE), " ".repeat(4 * 1024 * 1024));
    expect(listIncidents({ dataDir: dir })).toEqual([]);
    expect(createIncidentStore({ dataDir: dir }).recoverOpen()).toEqual([]);
  });

  it("an incidents.jsonl that is a folder is a StateFileError, not an empty history", () => {
    mkdirSync(join(dir, INCIDENTS_FILE));
    let err: unknown;
    try {
      listIncidents({ dataDir: dir });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StateFileError);
    expect(err).toMatchObject({ code: "STATE_IS_FOLDER" });
  });

  it("recovery after a crash between append and cleanup finds the record at the end of a long history", () => {
    const filler = JSON.stringify(incident("inc-filler", T0 - 10 * 86_400_000));
    writeFileSync(join(dir, INCIDENTS_FILE), `${filler}\n`.repeat(20_000));
    const s = createIncidentStore({ dataDir: dir });
    s.open({ id: "inc-x", start: T0, verdict: "dns-failure", evidence: [] });
    const openText = readFileSync(join(dir, OPEN_INCIDENT_FILE), "utf8");
    s.close("inc-x", T0 + 1_000, "recovered");
    writeFileSync(join(dir, OPEN_INCIDENT_FILE), openText); // as if the crash hit before the open file was removed
    expect(createIncidentStore({ dataDir: dir }).recoverOpen()).toEqual([]);
    expect(listIncidents({ dataDir: dir, limit: 2 }).map((i) => i.id)).toEqual(["inc-x", "inc-filler"]);
  });
});
