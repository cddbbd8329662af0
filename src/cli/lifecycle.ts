/**
 * How the agent process is told to stop, and how it stops in time:
 * - signals: Ctrl+C (SIGINT), SIGTERM, and Windows' SIGHUP (console window closed; Windows kills the process about
 *   10 s later) and SIGBREAK (Ctrl+Break). A second signal while stopping ends the process at once.
 * - a stop request file: `tarkov-agent stop` (the installer and uninstaller run it) asks the running agent of this
 *   user to stop. Windows has no signal another process can send that node turns into an event (process.kill is
 *   TerminateProcess there), so the request goes through the data folder, which both processes can write.
 * - a deadline: every shutdown step is raced against it, so Quit ends the process within 2 s even when a child
 *   (a toast, PowerShell, the tray binary) does not go quietly.
 */
import { execFile } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join, win32 } from "node:path";
import { writeFileAtomicSync } from "../agent/atomic-write.js";
import { pidIsAlive, type LockInfo } from "../agent/lock.js";

export const STOP_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK"] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];

/**
 * Calls `onStop` on the first stop signal and `onForce` on any later one. Returns a function that removes the
 * listeners. Registering SIGBREAK off Windows is harmless (node never emits it there).
 */
export function onStopSignals(onStop: (signal: StopSignal) => void, onForce: (signal: StopSignal) => void = () => process.exit(130)): () => void {
  let stopping = false;
  const handlers = STOP_SIGNALS.map((signal) => {
    const handler = () => {
      if (stopping) onForce(signal);
      else {
        stopping = true;
        onStop(signal);
      }
    };
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  return () => handlers.forEach(([signal, handler]) => process.off(signal, handler));
}

export const STOP_REQUEST_FILE = "stop.request";

interface StopRequest {
  pid: number | null;
  at: string;
}

/**
 * Polls `<dataDir>/stop.request` (a stat per interval: cheaper and more dependable than fs.watch on every file
 * system and under wine). A request naming another pid (a stale one, or meant for an agent that has since been
 * replaced) is removed and ignored. Returns a function that stops watching.
 */
export function watchStopRequest(dataDir: string, onStop: () => void, opts: { intervalMs?: number; pid?: number } = {}): () => void {
  const path = join(dataDir, STOP_REQUEST_FILE);
  const pid = opts.pid ?? process.pid;
  const timer = setInterval(() => {
    if (!existsSync(path)) return;
    let req: Partial<StopRequest> = {};
    try {
      req = JSON.parse(readFileSync(path, "utf8")) as Partial<StopRequest>;
    } catch {
      // unreadable or half-written by a foreign tool: treat as a request for whoever runs
    }
    rmSync(path, { force: true });
    if (typeof req.pid === "number" && req.pid !== pid) return;
    clearInterval(timer);
    onStop();
  }, opts.intervalMs ?? 1_000);
  timer.unref();
  return () => clearInterval(timer);
}

export type StopOutcome =
  | { outcome: "not-running"; message: string }
  | { outcome: "stopped"; pid: number; ms: number; message: string }
  | { outcome: "killed"; pid: number; message: string }
  | { outcome: "failed"; pid: number; message: string };

export interface StopDeps {
  isAlive(pid: number): boolean;
  /** Ends the process (and its children) outright, after the polite request went unanswered. */
  kill(pid: number): Promise<void>;
  sleep(ms: number): Promise<void>;
  now(): number;
}

/** taskkill /T takes the tray binary and toast processes with it; elsewhere SIGKILL. */
export const defaultStopDeps: StopDeps = {
  isAlive: pidIsAlive,
  kill: (pid) =>
    new Promise<void>((resolve) => {
      if (process.platform === "win32") {
        const exe = win32.join(process.env.SystemRoot ?? "C:\\Windows", "System32", "taskkill.exe");
        execFile(exe, ["/F", "/T", "/PID", String(pid)], { windowsHide: true, timeout: 10_000 }, () => resolve());
      } else {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // already gone
        }
        resolve();
      }
    }),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  now: Date.now,
};

/**
 * `tarkov-agent stop`: asks the agent holding this user's instance lock to stop and waits for it; after
 * `timeoutMs` it is killed. Never throws.
 */
export async function requestStop(dataDir: string, opts: { timeoutMs?: number; lockFile?: string } = {}, deps: StopDeps = defaultStopDeps): Promise<StopOutcome> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  let holder: LockInfo | null = null;
  try {
    const v = JSON.parse(readFileSync(join(dataDir, opts.lockFile ?? "agent.lock"), "utf8")) as Partial<LockInfo>;
    if (typeof v.pid === "number" && Number.isInteger(v.pid) && v.pid > 0) holder = { pid: v.pid, startedAt: String(v.startedAt ?? "") };
  } catch {
    // no lock (or an unreadable one): nothing we can address
  }
  if (holder === null || holder.pid === process.pid || !deps.isAlive(holder.pid)) return { outcome: "not-running", message: "the agent is not running" };
  const pid = holder.pid;
  const t0 = deps.now();
  try {
    writeFileAtomicSync(join(dataDir, STOP_REQUEST_FILE), JSON.stringify({ pid, at: new Date().toISOString() } satisfies StopRequest));
  } catch (e) {
    // Cannot ask politely (read-only data folder): go straight to ending it.
    await deps.kill(pid);
    return deps.isAlive(pid) ? { outcome: "failed", pid, message: `could not ask the agent (pid ${pid}) to stop (${(e as Error).message}), nor end it` } : { outcome: "killed", pid, message: `ended the agent (pid ${pid}); it could not be asked: ${(e as Error).message}` };
  }
  while (deps.now() - t0 < timeoutMs) {
    if (!deps.isAlive(pid)) return { outcome: "stopped", pid, ms: deps.now() - t0, message: `the agent (pid ${pid}) stopped` };
    await deps.sleep(100);
  }
  rmSync(join(dataDir, STOP_REQUEST_FILE), { force: true });
  await deps.kill(pid);
  for (let i = 0; i < 20 && deps.isAlive(pid); i++) await deps.sleep(100);
  return deps.isAlive(pid)
    ? { outcome: "failed", pid, message: `the agent (pid ${pid}) did not stop within ${timeoutMs} ms and could not be ended` }
    : { outcome: "killed", pid, message: `the agent (pid ${pid}) did not stop within ${timeoutMs} ms and was ended` };
}

/** Resolves true when `p` settles within `ms`, false otherwise (p keeps running; the caller moves on). */
export async function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([p.then(
      () => true,
      () => true,
    ), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The subset of a winston logger whose `write` every child logger goes through. */
interface WritableLogger {
  write(chunk: unknown): boolean;
}

/**
 * After the log file is closed, a late line (a child process's exit noticed during shutdown) would fail with
 * "write after end" and be reported on stderr. Drop such lines instead: the process is ending.
 */
export function muteAfterClose(logger: WritableLogger): void {
  logger.write = () => true;
}
