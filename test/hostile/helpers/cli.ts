/**
 * The hostile suite drives the BUILT CLI (dist/, from `npm test`'s build step) as a child process, as a player, a
 * script or the uninstaller would. Fixes run through a FAKE `pwsh` on PATH (test/fakes/fake-pwsh.mjs speaks
 * node-powershell's framing; the behaviour table decides what each script "does"), so kill and concurrency tests
 * reach the real engine, journal and runner.
 *
 * What every hostile case may expect of any command, whatever it was fed: an exit code from the documented set,
 * and no stack trace or "unexpected error" (those are bugs). `assertClean` checks both.
 */
import { spawn, type SpawnOptions } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { CLI } from "../../e2e/cli-run.js";
import { FAKE_PWSH } from "../../fixes/helpers/fake-shell.js";

export { CLI };
export const DOCUMENTED_EXIT_CODES = [0, 1, 2, 3] as const;

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  /** When `signalWhen` fired, in ms since the start (null when it never did). */
  signalledMs: number | null;
}

export interface RunOptions {
  env?: Record<string, string>;
  timeoutMs?: number;
  /** Run as another user (root only): `nobody` for permission cases. */
  uid?: number;
  gid?: number;
  /** Send this signal once stdout or stderr contains `when` (e.g. the `run` banner), then wait for the exit. */
  signalWhen?: { text: string | RegExp; signal: NodeJS.Signals };
  /** Called with the pid as soon as it is spawned. */
  onSpawn?: (pid: number) => void;
}

/** A world for fixes: a temp folder with a fake `pwsh` on PATH and its behaviour table. */
export interface FixWorld {
  root: string;
  env: Record<string, string>;
  behaviourFile: string;
  logFile: string;
  setBehaviour(table: { default?: Record<string, unknown>; scripts?: Record<string, Record<string, unknown>> }): void;
}

export function makeFixWorld(): FixWorld {
  chmodSync(FAKE_PWSH, 0o755);
  const root = mkdtempSync(join(tmpdir(), "tca-hostile-"));
  const bin = join(root, "bin");
  mkdirSync(bin);
  symlinkSync(FAKE_PWSH, join(bin, "pwsh"));
  const behaviourFile = join(root, "behaviour.json");
  const logFile = join(root, "pwsh.log");
  writeFileSync(behaviourFile, "{}");
  return {
    root,
    behaviourFile,
    logFile,
    env: { PATH: `${bin}:${process.env.PATH ?? ""}`, FAKE_PWSH_BEHAVIOUR: behaviourFile, FAKE_PWSH_LOG: logFile },
    setBehaviour: (table) => writeFileSync(behaviourFile, JSON.stringify(table)),
  };
}

/** Runs `tarkov-agent ...args` and collects everything. Never rejects. */
export function cli(args: string[], opts: RunOptions = {}): Promise<Run> {
  return new Promise((resolve) => {
    const started = performance.now();
    const spawnOpts: SpawnOptions = {
      env: { ...process.env, NODE_POWERSHELL: "", NO_COLOR: "1", TARKOV_AGENT_CONFIG: "", ...opts.env },
      stdio: ["ignore", "pipe", "pipe"],
      ...(opts.uid === undefined ? {} : { uid: opts.uid, gid: opts.gid ?? opts.uid }),
    };
    const child = spawn(process.execPath, [CLI, ...args], spawnOpts);
    if (child.pid !== undefined) opts.onSpawn?.(child.pid);
    let stdout = "";
    let stderr = "";
    let signalled = false;
    let signalledMs: number | null = null;
    const check = () => {
      const w = opts.signalWhen;
      if (w === undefined || signalled) return;
      const hay = stdout + stderr;
      if (typeof w.text === "string" ? hay.includes(w.text) : w.text.test(hay)) {
        signalled = true;
        signalledMs = performance.now() - started;
        child.kill(w.signal);
      }
    };
    child.stdout!.on("data", (d: Buffer) => ((stdout += d.toString()), check()));
    child.stderr!.on("data", (d: Buffer) => ((stderr += d.toString()), check()));
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 30_000);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: performance.now() - started, signalledMs });
    });
  });
}

/** Runs `jobs` with at most `n` at a time (two cores, other suites running too). */
export async function pool<T>(jobs: (() => Promise<T>)[], n = 3): Promise<T[]> {
  const out: T[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, jobs.length) }, async () => {
      while (next < jobs.length) {
        const i = next++;
        out[i] = await jobs[i]!();
      }
    }),
  );
  return out;
}

/** No stack trace, no "unexpected error", a documented exit code, and `--json` output that parses. */
export function assertClean(r: Run, what: string, opts: { json?: boolean } = {}): void {
  const all = r.stdout + r.stderr;
  expect(r.signal, `${what}: killed by ${r.signal}\n${all}`).toBeNull();
  expect(DOCUMENTED_EXIT_CODES as readonly (number | null)[], `${what}: exit ${r.code}\n${all}`).toContain(r.code);
  expect(all, `${what}: stack trace`).not.toMatch(/^\s+at .+[(:]\d+/m);
  expect(all, `${what}: bug report`).not.toMatch(/unexpected error|RangeError|TypeError|ERR_INVALID_ARG/);
  if (opts.json) expect(() => JSON.parse(r.stdout), `${what}: stdout is not JSON:\n${r.stdout}`).not.toThrow();
}

/** A config for a loopback world where nothing answers: every probe fails fast (refused), nothing leaves the box. */
export function deadWorldConfig(dir: string): string {
  const path = join(dir, "dead-world.json");
  writeFileSync(
    path,
    JSON.stringify({
      targets: [
        { id: "bsg-a", group: "bsg", url: "tcp://127.0.0.1:9" },
        { id: "ctl-a", group: "control", url: "tcp://127.0.0.1:7" },
      ],
      statusApi: null,
      gateway: { host: "127.0.0.1", ports: [9] },
      dns: { system: ["127.0.0.1:9"], public: ["127.0.0.1:9"] },
      probe: { timeoutMs: 300, deadlineMs: 1000 },
      game: { installDir: join(dir, "no-game"), logsDir: null },
      notifications: { enabled: false },
    }),
  );
  return path;
}
