// The evidence history: what the monitor measured, written by the real monitor on a fake clock into a real data
// folder, read back by the reader the report uses. Rotation, retention, the size caps and a torn last line.
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createEvidenceHistory, fileForDay, historyDir, readHistory, type HistoryRecord } from "../../src/agent/evidence-history.js";
import { createMonitor, type Monitor } from "../../src/agent/monitor.js";
import { harness } from "./fake-world.js";

const T0 = Date.parse("2025-03-01T20:00:00.000Z");
let dirs: string[] = [];
let running: Monitor[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), "tca-history-"));
  dirs.push(d);
  return d;
};
async function readAll(dataDir: string, from = 0, to = Number.MAX_SAFE_INTEGER) {
  const records: HistoryRecord[] = [];
  const stats = await readHistory(dataDir, from, to, (r) => records.push(r));
  return { records, stats };
}

afterEach(() => {
  running.forEach((m) => m.stop());
  running = [];
  vi.useRealTimers();
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
  dirs = [];
});

describe("monitor → evidence history", () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: T0 });
  });

  it("records every round, every liveness connect, the confirmed changes and the lifecycle", async () => {
    const dataDir = tmp();
    const h = harness();
    const history = createEvidenceHistory({ dataDir, now: () => Date.now() });
    const m = createMonitor({ ...h.deps, history });
    running.push(m);
    m.start();
    await vi.advanceTimersByTimeAsync(30_000);
    h.world.bsg = "refused";
    await vi.advanceTimersByTimeAsync(30_000);
    h.world.bsg = "up";
    await vi.advanceTimersByTimeAsync(30_000);
    m.stop();
    history.close();
    vi.useRealTimers();

    const { records, stats } = await readAll(dataDir);
    expect(stats.skippedLines).toBe(0);
    const rounds = records.filter((r) => r.k === "round");
    const lives = records.filter((r) => r.k === "live");
    // Every probe round the world saw was recorded (status-only polls are not rounds).
    expect(rounds.length).toBe(h.world.rounds.filter((r) => r.opts.only === undefined || r.opts.only.length > 0).length);
    // All but at most the one connect still in flight at stop().
    expect(lives.length).toBeGreaterThanOrEqual(h.world.livenessChecks.length - 1);
    expect(lives.length).toBeLessThanOrEqual(h.world.livenessChecks.length);
    expect(lives.length).toBeGreaterThan(20);
    const failedRound = rounds.find((r) => r.k === "round" && r.v === "bsg-unreachable");
    expect(failedRound).toBeDefined();
    const prod = failedRound!.k === "round" ? failedRound!.tg.find((t) => t.id === "bsg-prod") : undefined;
    expect(prod).toMatchObject({ g: "b", p: "tcp", c: "TCP_REFUSED", h: "prod.example.test:443", a: "10.0.0.1" });
    expect(lives.some((l) => l.k === "live" && l.c === "TCP_REFUSED")).toBe(true);
    const events = records.filter((r) => r.k === "event").map((r) => (r.k === "event" ? `${r.e}:${r.v}` : ""));
    expect(events).toEqual(["down:bsg-unreachable", "up:ok"]);
    const down = records.find((r) => r.k === "event" && r.e === "down");
    expect(down).toMatchObject({ inc: "inc-1", h: "BSG unreachable" });
    expect(records.filter((r) => r.k === "agent").map((r) => (r.k === "agent" ? r.op : ""))).toEqual(["start", "stop"]);
    // The file is in time order except for rounds that finished after a later liveness connect started: every
    // record carries its own start time, so the reader never needs the order.
    expect(records.every((r) => r.t >= T0 && r.t <= T0 + 90_000)).toBe(true);
  });

  it("a history that throws never disturbs monitoring", async () => {
    const h = harness();
    const boom = () => {
      throw new Error("disk on fire");
    };
    const m = createMonitor({ ...h.deps, history: { round: boom, liveness: boom, event: boom, lifecycle: boom } });
    running.push(m);
    m.start();
    await vi.advanceTimersByTimeAsync(20_000);
    h.world.bsg = "refused";
    await vi.advanceTimersByTimeAsync(10_000);
    expect(h.events.map((e) => e.event)).toEqual(["down"]);
  });
});

describe("evidence history files", () => {
  it("a torn last line costs that one record: the next write starts on a fresh line", async () => {
    const dataDir = tmp();
    const h1 = createEvidenceHistory({ dataDir, now: () => T0 });
    h1.append({ t: T0, k: "live", tg: "bsg-prod", ms: 30 });
    h1.append({ t: T0 + 1, k: "live", tg: "bsg-prod", ms: 31 });
    h1.close();
    // A crash mid-append: half a record, no newline.
    const file = join(historyDir(dataDir), fileForDay("2025-03-01"));
    appendFileSync(file, '{"t":1740859200002,"k":"live","tg":"bsg-pr');
    const h2 = createEvidenceHistory({ dataDir, now: () => T0 });
    h2.append({ t: T0 + 3, k: "live", tg: "bsg-prod", ms: 33 });
    h2.close();
    const { records, stats } = await readAll(dataDir);
    expect(records.map((r) => (r.k === "live" ? r.ms : null))).toEqual([30, 31, 33]);
    expect(stats.skippedLines).toBe(1);
    expect(readFileSync(file, "utf8").split("\n").filter(Boolean)).toHaveLength(4);
  });

  it("rotates by UTC day, keeps 14 days, and reads only the window asked for", async () => {
    const dataDir = tmp();
    const day = 86_400_000;
    let now = T0 - 20 * day;
    const h = createEvidenceHistory({ dataDir, now: () => now });
    for (let i = 0; i <= 20; i++) {
      now = T0 - (20 - i) * day;
      h.append({ t: now, k: "live", tg: "bsg-prod", ms: i });
    }
    h.close();
    const files = readdirSync(historyDir(dataDir)).sort();
    expect(files).toHaveLength(14);
    expect(files.at(-1)).toBe(fileForDay("2025-03-01"));
    expect(files[0]).toBe(fileForDay("2025-02-16"));
    const week = await readAll(dataDir, T0 - 7 * day + 1, T0 + 1);
    expect(week.records.map((r) => (r.k === "live" ? r.ms : -1))).toEqual([14, 15, 16, 17, 18, 19, 20]);
  });

  it("the day cap stops samples (said once) but events still go in; the total cap drops the oldest days", async () => {
    const dataDir = tmp();
    const h = createEvidenceHistory({ dataDir, now: () => T0, dayCapBytes: 2_000 });
    for (let i = 0; i < 100; i++) h.append({ t: T0 + i, k: "live", tg: "bsg-prod", ms: i });
    h.append({ t: T0 + 200, k: "event", e: "down", v: "bsg-unreachable", inc: "inc-1", since: T0 });
    h.close();
    const { records, stats } = await readAll(dataDir);
    expect(records.filter((r) => r.k === "cap")).toHaveLength(1);
    expect(records.filter((r) => r.k === "live").length).toBeLessThan(40);
    expect(records.at(-1)).toMatchObject({ k: "event", e: "down" });
    expect(stats.cappedDays).toEqual(["2025-03-01"]);
    expect(statSync(join(historyDir(dataDir), fileForDay("2025-03-01"))).size).toBeLessThan(2_300);

    const dir2 = tmp();
    mkdirSync(historyDir(dir2), { recursive: true });
    for (const d of ["2025-02-26", "2025-02-27", "2025-02-28"]) writeFileSync(join(historyDir(dir2), fileForDay(d)), "x".repeat(1_000) + "\n");
    const h2 = createEvidenceHistory({ dataDir: dir2, now: () => T0, totalCapBytes: 2_500 });
    h2.append({ t: T0, k: "agent", op: "start" });
    h2.close();
    // 3 × 1,001 B > 2,500 B: the oldest day goes, the rest fits.
    expect(readdirSync(historyDir(dir2)).sort()).toEqual([fileForDay("2025-02-27"), fileForDay("2025-02-28"), fileForDay("2025-03-01")]);
  });

  it("an unwritable history folder is reported once and never throws", () => {
    const dataDir = tmp();
    writeFileSync(join(dataDir, "history"), "a file where the folder should be");
    const warnings: string[] = [];
    const h = createEvidenceHistory({ dataDir, now: () => T0, logger: { warn: (m) => warnings.push(m) } });
    expect(() => {
      for (let i = 0; i < 5; i++) h.append({ t: T0 + i, k: "live", tg: "x", ms: 1 });
    }).not.toThrow();
    expect(warnings).toHaveLength(1);
    expect(existsSync(join(dataDir, "history"))).toBe(true);
  });
});
