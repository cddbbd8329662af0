/**
 * Kills at the worst moment and processes at the same time (issue 8 §2, §3, §5), through the BUILT CLI with a fake
 * `pwsh` on PATH: three `fix apply` at once keep every record; `kill -9` while a fix script runs leaves a pending
 * record that the next command resolves; `kill -9` of journal writers at random moments never leaves a journal
 * that cannot be read or a lock that blocks for good; SIGTERM stops `run` promptly whatever the size of its files;
 * a full disk gives `run` and `fix history` their documented exit codes.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Journal } from "../../src/fixes/journal.js";
import { transpileSrc } from "../fixes/helpers/transpile.js";
import { assertClean, cli, deadWorldConfig, makeFixWorld } from "./helpers/cli.js";
import { faultSkipReason, tmpfs, type Mount } from "./helpers/fs-faults.js";

const root = mkdtempSync(join(tmpdir(), "tca-kills-"));
/** The dead loopback world, with a short verification window so a fix finishes in about a second. */
function config(): string {
  const base = JSON.parse(readFileSync(deadWorldConfig(root), "utf8")) as Record<string, unknown>;
  const path = join(root, "fix-world.json");
  writeFileSync(path, JSON.stringify({ ...base, fixes: { verifyWindowMs: 1_000 } }));
  return path;
}
const mounts: Mount[] = [];
afterAll(() => mounts.forEach((m) => m.dispose()));

describe("concurrent fix apply (built CLI)", () => {
  it("three `fix apply flush-dns` at once: all succeed and the journal keeps all three records", async () => {
    // Before the journal lock: records were lost and a CLI crashed with "expected an entry … found none" AFTER the
    // script had changed the system (6 of 20 trials).
    const w = makeFixWorld();
    const dataDir = join(w.root, "data");
    const cfg = config();
    const runs = await Promise.all([1, 2, 3].map(() => cli(["--config", cfg, "--data-dir", dataDir, "fix", "apply", "flush-dns", "--json"], { env: w.env, timeoutMs: 120_000 })));
    for (const r of runs) {
      assertClean(r, "fix apply", { json: true });
      expect(r.code, r.stderr).toBe(0);
    }
    const entries = await Journal.inDataDir(dataDir).load();
    expect(entries).toHaveLength(3);
    expect(entries.every((e) => e.fixId === "flush-dns" && e.state === "done" && e.status === "Changed")).toBe(true);
    expect(new Set(runs.map((r) => (JSON.parse(r.stdout) as { entryId: string }).entryId))).toEqual(new Set(entries.map((e) => e.id)));
  }, 300_000);
});

describe("kill -9 mid-fix (built CLI)", () => {
  it("leaves a pending record; the next `fix undo --all` resolves it; nothing is lost", async () => {
    const w = makeFixWorld();
    w.setBehaviour({ scripts: { "Clear-AgentDnsCache:Apply": { action: "hang" } } });
    const dataDir = join(w.root, "data");
    const cfg = config();
    let pid = 0;
    const running = cli(["--config", cfg, "--data-dir", dataDir, "fix", "apply", "flush-dns"], { env: w.env, timeoutMs: 120_000, onSpawn: (p) => (pid = p) });
    const journalPath = join(dataDir, "journal.json");
    const deadline = Date.now() + 90_000;
    for (;;) {
      const pending = existsSync(journalPath) && /"state": "pending"/.test(readFileSync(journalPath, "utf8"));
      const scriptRunning = existsSync(w.logFile) && readFileSync(w.logFile, "utf8").split("\n").some((l) => l.includes("Clear-AgentDnsCache.ps1") && !l.endsWith("-WhatIf"));
      if (pending && scriptRunning) break;
      if (Date.now() > deadline) throw new Error("the fix never reached its script");
      await new Promise((r) => setTimeout(r, 50));
    }
    process.kill(pid, "SIGKILL");
    const killed = await running;
    expect(killed.signal).toBe("SIGKILL");

    const [pending] = await Journal.inDataDir(dataDir).load();
    expect(pending).toMatchObject({ fixId: "flush-dns", state: "pending" });

    w.setBehaviour({});
    const undo = await cli(["--config", cfg, "--data-dir", dataDir, "fix", "undo", "--all"], { env: w.env, timeoutMs: 120_000 });
    assertClean(undo, "fix undo --all after a kill");
    expect(undo.code).toBe(0);
    const history = await cli(["--config", cfg, "--data-dir", dataDir, "fix", "history", "--json"], { env: w.env });
    assertClean(history, "fix history", { json: true });
    const after = (JSON.parse(history.stdout) as { entries: { id: string; state: string }[] }).entries;
    // flush-dns has nothing to undo: the interrupted run is recorded as such, never dropped.
    expect(after).toEqual([expect.objectContaining({ id: pending!.id, state: "interrupted" })]);
    expect(readdirSync(dataDir).filter((f) => f.endsWith(".tmp") || f.endsWith(".lock"))).toEqual([]);
  }, 300_000);
});

describe("journal writers killed at random moments", () => {
  let jsRoot = "";
  beforeAll(() => {
    jsRoot = transpileSrc();
  });

  it("after each kill -9 the journal still reads, and the next writer gets the lock (stale after a few seconds)", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "tca-killwrite-"));
    const child = join(import.meta.dirname, "..", "fixes", "journal-writer-child.mjs");
    let rng = 0x2545f491;
    const random = () => ((rng = (rng * 1103515245 + 12345) >>> 0) % 1000) / 1000;
    for (let round = 0; round < 6; round++) {
      const mtime = () => (existsSync(join(dataDir, "journal.json")) ? statSync(join(dataDir, "journal.json")).mtimeMs : 0);
      const was = mtime();
      const p = spawn(process.execPath, [child, jsRoot, dataDir, `k${round}`, "1000"], { stdio: "ignore" });
      // Wait until it is writing (the journal changed), then kill it at a random moment.
      const until = Date.now() + 60_000;
      while (mtime() === was && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
      await new Promise((r) => setTimeout(r, random() * 400));
      p.kill("SIGKILL");
      await new Promise((r) => p.on("exit", r));
      const j = Journal.inDataDir(dataDir);
      const before = (await j.load()).length;
      expect(j.damage()).toBeNull(); // atomic writes: never a torn journal
      // The killed writer may have held the lock: the next one still gets in (after at most the stale time).
      const started = Date.now();
      await j.add({ id: `after-kill-${round}`, fixId: "flush-dns", params: {}, approvedBy: "player", incidentId: null, state: "done", startedAt: new Date().toISOString(), finishedAt: null, before: null, after: null, plan: [], changes: [], status: "NoChange", code: null, message: null, rebootNeeded: false, runId: null, undo: null });
      expect(Date.now() - started).toBeLessThan(15_000);
      expect((await j.load()).length).toBe(before + 1);
    }
  }, 300_000);
});

describe("SIGTERM whatever the size of the files (built CLI)", () => {
  it("`run` with a 120 MB journal and a 200 MB incident history stops within 5 s of SIGTERM, exit 0", async () => {
    // Before: a 120 MB journal made `run` ignore SIGTERM for more than 10 s (it parsed the whole file at start).
    const dataDir = mkdtempSync(join(tmpdir(), "tca-bigfiles-"));
    const e = { id: "j-x", fixId: "flush-dns", params: {}, approvedBy: "player", incidentId: null, state: "done", startedAt: "2026-01-01T00:00:00.000Z", finishedAt: null, before: { pad: "x".repeat(1000) }, after: null, plan: [], changes: [], status: "NoChange", code: null, message: null, rebootNeeded: false, runId: null, undo: null };
    const one = JSON.stringify(e);
    const entries = Array.from({ length: 115_000 }, (_, i) => one.replace('"j-x"', `"j-${i}"`));
    writeFileSync(join(dataDir, "journal.json"), `{"version":1,"entries":[${entries.join(",")}]}`);
    const line = Buffer.from(JSON.stringify({ id: "inc-old", start: "2025-01-01T00:00:00.000Z", end: "2025-01-01T00:01:00.000Z", durationMs: 60_000, verdicts: ["dns-failure"], endReason: "recovered", evidence: [], gapMs: 0, lastSeen: "2025-01-01T00:01:00.000Z" }) + "\n");
    writeFileSync(join(dataDir, "incidents.jsonl"), Buffer.concat(Array.from({ length: Math.ceil((200 * 1024 * 1024) / line.length) }, () => line)));
    // A (fake) PowerShell on PATH: without one, fixes are unavailable and `run` never opens the journal at all.
    const r = await cli(["--config", config(), "--data-dir", dataDir, "run", "--headless"], { env: makeFixWorld().env, timeoutMs: 120_000, signalWhen: { text: "Ctrl+C stops", signal: "SIGTERM" } });
    assertClean(r, "run with big files");
    expect(r.code).toBe(0);
    expect(r.signalledMs).not.toBeNull();
    expect(r.ms - r.signalledMs!).toBeLessThan(5_000);
    // The oversized journal was set aside (and said so), not parsed.
    expect(readdirSync(dataDir).some((f) => f.startsWith("journal.json.corrupt-"))).toBe(true);
  }, 300_000);

  it("SIGTERM right after start (while the big files are being opened) still stops promptly", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "tca-bigfiles2-"));
    writeFileSync(join(dataDir, "journal.json"), `{"version":1,"entries":[${'{"id":"x"},'.repeat(8_000_000)}{"id":"y"}]}`);
    let pid = 0;
    const running = cli(["--config", config(), "--data-dir", dataDir, "run", "--headless"], { timeoutMs: 120_000, onSpawn: (p) => (pid = p) });
    // Give it time to get into its start-up work, then ask it to stop.
    await new Promise((r) => setTimeout(r, 1_500));
    const t = performance.now();
    process.kill(pid, "SIGTERM");
    const r = await running;
    const stopMs = performance.now() - t;
    // Exit 0 from its own handler, or (when the signal came before the handler was installed) Node's default end.
    expect([0, "SIGTERM"], r.stderr).toContain(r.signal === null ? r.code : r.signal);
    expect(stopMs).toBeLessThan(5_000);
  }, 300_000);
});

describe.skipIf(faultSkipReason() !== null)("disk full (real tmpfs, built CLI)", () => {
  it("`run` stops on SIGTERM with exit 0 (not Node's 13) and leaves no agent.lock.*.tmp; `fix history` exits 0", async () => {
    const m = tmpfs(64);
    mounts.push(m);
    const dataDir = join(m.dir, "data");
    mkdirSync(join(dataDir, "logs"), { recursive: true });
    try {
      writeFileSync(join(m.dir, "filler"), Buffer.alloc(1024 * 1024));
    } catch {
      // ENOSPC: full
    }
    const cfg = config();
    const run = await cli(["--config", cfg, "--data-dir", dataDir, "run", "--headless"], { timeoutMs: 120_000, signalWhen: { text: "Ctrl+C stops", signal: "SIGTERM" } });
    assertClean(run, "run on a full disk");
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/ENOSPC/);
    expect(readdirSync(dataDir).filter((f) => f.startsWith("agent.lock"))).toEqual([]);
    const hist = await cli(["--config", cfg, "--data-dir", dataDir, "fix", "history"], { timeoutMs: 60_000 });
    assertClean(hist, "fix history on a full disk");
    expect(hist.code).toBe(0);
  }, 300_000);
});
