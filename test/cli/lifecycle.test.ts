/**
 * How the built agent stops: every stop signal (SIGINT, SIGTERM, and Windows' SIGHUP/SIGBREAK names), the stop
 * request `tarkov-agent stop` sends through the data folder (what the installer and uninstaller use), a second
 * Ctrl+C, and an agent that does not answer (ended after --timeout). Each ends the process within 2 s with a
 * clean log: no "write after end". Real processes against the loopback world (test/world).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { requestStop, STOP_REQUEST_FILE, watchStopRequest, type StopDeps } from "../../src/cli/lifecycle.js";
import { CLI, runCli } from "../e2e/cli-run.js";
import { startWorld, type World } from "../world/index.js";

let world: World;
let configFile: string;
const root = mkdtempSync(join(tmpdir(), "tca-lifecycle-"));
const children = new Set<ChildProcess>();

beforeAll(async () => {
  world = await startWorld({ config: { notifications: { enabled: false } } });
  configFile = world.writeConfig(root);
});
afterEach(() => {
  for (const c of children) c.kill("SIGKILL");
  children.clear();
});
afterAll(async () => {
  await world?.close();
  rmSync(root, { recursive: true, force: true });
});

interface Running {
  child: ChildProcess;
  dataDir: string;
  out: () => string;
  err: () => string;
  /** `at`: performance.now() at the exit; `wallMs`: Date.now() at the exit (to compare with log timestamps). */
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number; wallMs: number }>;
}

async function startRun(): Promise<Running> {
  const dataDir = mkdtempSync(join(root, "data-"));
  const child = spawn(process.execPath, [CLI, "run", "--headless", "--config", configFile, "--data-dir", dataDir], { env: { ...process.env, NODE_POWERSHELL: "" }, stdio: ["ignore", "pipe", "pipe"] });
  children.add(child);
  let out = "";
  let err = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number; wallMs: number }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal, at: performance.now(), wallMs: Date.now() })),
  );
  await vi.waitFor(() => expect(out).toContain("Ctrl+C stops."), { timeout: 20_000, interval: 50 });
  // Let the first round start, so a stop lands while the agent is busy.
  await new Promise((r) => setTimeout(r, 300));
  return { child, dataDir, out: () => out, err: () => err, exit };
}

const logText = (dataDir: string) =>
  readdirSync(join(dataDir, "logs"))
    .filter((f) => f.startsWith("agent-"))
    .map((f) => readFileSync(join(dataDir, "logs", f), "utf8"))
    .join("");

describe("stopping the built agent", { timeout: 60_000 }, () => {
  it.each(["SIGINT", "SIGTERM", "SIGHUP"] as const)("%s ends it within 2 s, cleanly", async (signal) => {
    const r = await startRun();
    const t0 = performance.now();
    r.child.kill(signal);
    const exit = await r.exit;
    expect(exit.at - t0).toBeLessThan(2_000);
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(r.err()).not.toMatch(/write after end|logging failed/);
    const log = logText(r.dataDir);
    expect(log).toContain(`"signal":"${signal}"`);
    expect(log).toContain('"message":"agent stopped"');
    expect(existsSync(join(r.dataDir, "agent.lock"))).toBe(false);
  });

  it("a second Ctrl+C ends it at once", async () => {
    const r = await startRun();
    r.child.kill("SIGINT");
    r.child.kill("SIGINT");
    const exit = await r.exit;
    // 130 from our handler; 0 when the first stop finished before the second signal was handled.
    expect([0, 130]).toContain(exit.code);
  });

  it("`tarkov-agent stop` asks it through the data folder; it is gone within 2 s", async () => {
    const r = await startRun();
    const t0 = performance.now();
    const stop = await runCli(["stop", "--data-dir", r.dataDir]);
    const exit = await r.exit;
    // The agent notices the request within its 1 s poll, then is gone within 2 s: timed from its own "stop
    // requested" log line, so the `stop` command's own start-up (a whole Node process, slow on a loaded machine) is
    // not counted against the agent. The whole exchange, start-up included, still has a generous bound.
    const requested = logText(r.dataDir)
      .split("\n")
      .filter((l) => l.includes('"by":"tarkov-agent stop"'))
      .map((l) => Date.parse((JSON.parse(l) as { timestamp: string }).timestamp))[0];
    expect(requested).toBeTypeOf("number");
    expect(exit.wallMs - requested!).toBeLessThan(2_000);
    // (Sanity only, the 2 s above is the bound: a `stop` CLI start alone took ~6 s at load 8 on this 2-core machine,
    // so 10 s here was a coin toss under CI load.)
    expect(exit.at - t0).toBeLessThan(30_000);
    expect(stop.code).toBe(0);
    expect(stop.stdout).toMatch(new RegExp(`^the agent \\(pid ${r.child.pid}\\) stopped\\n$`));
    expect(exit.code).toBe(0);
    expect(logText(r.dataDir)).toContain('"by":"tarkov-agent stop"');
    expect(existsSync(join(r.dataDir, STOP_REQUEST_FILE))).toBe(false);
  });

  it("`stop` ends an agent that does not answer after --timeout (frozen with SIGSTOP here)", async () => {
    const r = await startRun();
    r.child.kill("SIGSTOP");
    const stop = await runCli(["stop", "--timeout", "1", "--data-dir", r.dataDir]);
    expect(stop.code).toBe(0);
    expect(stop.stdout).toMatch(/did not stop within 1000 ms and was ended/);
    expect((await r.exit).signal).toBe("SIGKILL");
  });

  it("`stop` with no agent running says so and succeeds; a bad --timeout is a usage error", async () => {
    const dataDir = mkdtempSync(join(root, "idle-"));
    expect(await runCli(["stop", "--data-dir", dataDir])).toMatchObject({ code: 0, stdout: "the agent is not running\n" });
    // A lock left by a crash names a pid that is gone.
    writeFileSync(join(dataDir, "agent.lock"), JSON.stringify({ pid: 2 ** 22 + 17, startedAt: "2026-01-01T00:00:00Z" }));
    expect((await runCli(["stop", "--data-dir", dataDir])).stdout).toBe("the agent is not running\n");
    expect((await runCli(["stop", "--timeout", "soon", "--data-dir", dataDir])).code).toBe(2);
  });
});

describe("watchStopRequest / requestStop", () => {
  it("a request for another pid (stale, or for a replaced agent) is removed and ignored", async () => {
    const dir = mkdtempSync(join(root, "watch-"));
    const onStop = vi.fn();
    const off = watchStopRequest(dir, onStop, { intervalMs: 20, pid: 4242 });
    writeFileSync(join(dir, STOP_REQUEST_FILE), JSON.stringify({ pid: 999, at: "x" }));
    await vi.waitFor(() => expect(existsSync(join(dir, STOP_REQUEST_FILE))).toBe(false), { timeout: 2_000 });
    expect(onStop).not.toHaveBeenCalled();
    writeFileSync(join(dir, STOP_REQUEST_FILE), "garbage, e.g. half written");
    await vi.waitFor(() => expect(onStop).toHaveBeenCalledOnce(), { timeout: 2_000 });
    off();
  });

  it("a read-only data folder: asking is impossible, so the agent is ended outright", async () => {
    const dir = mkdtempSync(join(root, "ro-"));
    mkdirSync(join(dir, STOP_REQUEST_FILE)); // a directory where the request file would go: the write fails
    writeFileSync(join(dir, "agent.lock"), JSON.stringify({ pid: 4242, startedAt: "" }));
    let alive = true;
    const deps: StopDeps = { isAlive: () => alive, kill: async () => void (alive = false), sleep: async () => undefined, now: () => 0 };
    expect(await requestStop(dir, {}, deps)).toMatchObject({ outcome: "killed", pid: 4242 });
  });
});
