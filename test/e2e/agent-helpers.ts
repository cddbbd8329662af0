/**
 * Drives the BUILT agent (`dist/cli/main.js run --headless --events json`) as a child process, the way a script
 * or the tray's supervisor would: events are read from stdout line by line (validated against the documented
 * schema), human lines from stderr, and the agent's own JSON log lines from `<data dir>/logs/agent-*.log`.
 *
 * Every agent started here is registered; `killAllAgents()` (call it in afterAll) SIGKILLs whatever is left, so a
 * failing test never leaves a monitor probing the loopback world behind.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { parseStreamLine, type AgentEvent, type GamePhaseEvent } from "../../src/agent/events.js";
import { CLI } from "./cli-run.js";

/** One event line as received, with the test's own monotonic clock at arrival. */
export interface SeenEvent {
  event: AgentEvent;
  /** performance.now() when the line reached the test. */
  t: number;
}

export interface AgentProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly dataDir: string;
  /** Every valid connection event line so far, in order. */
  readonly events: SeenEvent[];
  /** Every valid `game` phase line so far, in order. */
  readonly game: GamePhaseEvent[];
  /** stdout lines that were not valid events (must stay empty: stdout is the events contract). */
  readonly junk: string[];
  stderr(): string;
  /** Resolves with the first event (from index `from` on) matching `pred`; rejects after `timeoutMs`. */
  waitForEvent(pred: (e: AgentEvent) => boolean, timeoutMs: number, from?: number): Promise<SeenEvent>;
  /** Exit code (or null and the signal), once exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGINT, then SIGKILL if it has not exited after `graceMs`. Resolves with the exit. */
  stop(graceMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL (a crash): nothing gets to run. Resolves once the process is gone. */
  kill(): Promise<void>;
}

const live = new Set<AgentProcess>();

const ENV = { ...process.env, NODE_POWERSHELL: "", NO_COLOR: "1" };

/** Starts `run --headless --events json` with the given config and data dir. */
export function startAgent(configFile: string, dataDir: string, extraArgs: string[] = []): AgentProcess {
  const child = spawn(process.execPath, [CLI, "run", "--headless", "--events", "json", "--config", configFile, "--data-dir", dataDir, ...extraArgs], {
    env: ENV,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const events: SeenEvent[] = [];
  const game: GamePhaseEvent[] = [];
  const junk: string[] = [];
  let err = "";
  let partial = "";
  const waiters = new Set<() => void>();
  child.stdout!.on("data", (d: Buffer) => {
    const t = performance.now();
    partial += d.toString();
    const lines = partial.split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) {
      if (line.trim() === "") continue;
      const e = parseStreamLine(line);
      if (e === null) junk.push(line);
      else if (e.event === "game") game.push(e);
      else events.push({ event: e, t });
    }
    for (const w of [...waiters]) w();
  });
  child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  let gone = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on("exit", (code, signal) => {
      gone = true;
      live.delete(agent);
      resolve({ code, signal });
      for (const w of [...waiters]) w();
    });
  });

  const agent: AgentProcess = {
    child,
    pid: child.pid ?? -1,
    dataDir,
    events,
    game,
    junk,
    stderr: () => err,
    exited,
    waitForEvent(pred, timeoutMs, from = 0) {
      return new Promise<SeenEvent>((resolve, reject) => {
        const check = (): boolean => {
          const hit = events.slice(from).find((s) => pred(s.event));
          if (hit) {
            done();
            resolve(hit);
            return true;
          }
          if (gone) {
            done();
            reject(new Error(`agent ${child.pid} exited before the event arrived. Events: ${describeEvents(events)}\nstderr: ${err}`));
            return true;
          }
          return false;
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no matching event within ${timeoutMs} ms. Events: ${describeEvents(events)}\nstderr: ${err.slice(-2000)}`));
        }, timeoutMs);
        const w = () => void check();
        const done = () => {
          clearTimeout(timer);
          waiters.delete(w);
        };
        waiters.add(w);
        check();
      });
    },
    async stop(graceMs = 5_000) {
      if (!gone) child.kill("SIGINT");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      const r = await exited;
      clearTimeout(timer);
      return r;
    },
    async kill() {
      if (!gone) child.kill("SIGKILL");
      await exited;
    },
  };
  live.add(agent);
  return agent;
}

/** SIGKILLs every agent still running (afterAll / finally). */
export async function killAllAgents(): Promise<void> {
  await Promise.all([...live].map((a) => a.kill()));
}

export function describeEvents(events: readonly SeenEvent[]): string {
  return events.length === 0 ? "(none)" : events.map((s) => `${s.event.event}:${s.event.verdict}`).join(", ");
}

/** The JSON lines of the files in `dir` whose names match `name`, oldest first; a torn last line is skipped. */
function readJsonLines(dir: string, name: RegExp): Record<string, unknown>[] {
  if (!existsSync(dir)) return [];
  const out: Record<string, unknown>[] = [];
  for (const f of readdirSync(dir).filter((n) => name.test(n)).sort()) {
    for (const line of readFileSync(join(dir, f), "utf8").split("\n")) {
      if (line.trim() === "") continue;
      try {
        out.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // a line being written right now
      }
    }
  }
  return out;
}

/** The agent's JSON log lines (all `agent-*.log` files in `<dataDir>/logs`, oldest first). Torn last lines are skipped. */
export function readAgentLog(dataDir: string): Record<string, unknown>[] {
  return readJsonLines(join(dataDir, "logs"), /^agent-.*\.log$/);
}

/**
 * The agent's evidence-history records (`<dataDir>/history/evidence-*.jsonl`, oldest first; torn last lines skipped).
 * A round is recorded (as `round`, or compacted to `ok`) only after the monitor learned the BSG addresses from it,
 * so "a round record exists" is the deterministic sign that liveness can see a drop.
 */
export function readHistoryRecords(dataDir: string): Record<string, unknown>[] {
  return readJsonLines(join(dataDir, "history"), /^evidence-.*\.jsonl$/);
}

/** Polls `fn` every `everyMs` until it returns a non-undefined value; throws `what` after `timeoutMs`. */
export async function waitUntil<T>(fn: () => T | undefined, timeoutMs: number, what: string, everyMs = 50): Promise<T> {
  const end = performance.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v !== undefined && v !== false) return v;
    if (performance.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** Waits for a log line matching `pred` in the agent's data dir. */
export function waitForLog(dataDir: string, pred: (l: Record<string, unknown>) => boolean, timeoutMs: number, what: string): Promise<Record<string, unknown>> {
  return waitUntil(() => readAgentLog(dataDir).find(pred), timeoutMs, `log line: ${what}`, 100);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
