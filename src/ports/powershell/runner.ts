/**
 * The PowerShell runner: runs agent scripts by absolute path in one warm session, hands them their inputs in a
 * params file and reads their answer back from a result file (house-style Part 2).
 *
 * Safety rules this file keeps:
 * - The only strings it builds into a command line are paths it generated and literal switches (quote.ts).
 * - It never throws to callers: every failure is a `RunOutcome` with a code.
 * - A session that timed out or died is never reused; the next one is started in the background at once.
 *
 * Session reuse: scripts run with `&` in a child scope and may not set globals, environment variables or the
 * location (test/ps/static.test.ts holds them to it), so a session stays clean across runs and is recycled only
 * when it has to be: after a timeout, a crash or a runner error, and after `maxRunsPerSession` runs (bounded
 * growth of loaded modules). A cold start costs 1.6–2 s on a quiet machine (up to 8 s under load); a warm call
 * costs the script's own time plus a few milliseconds.
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseFixResult, type FixResult, type ResultMode } from "../../fixes/result-schema.js";
import { elevatedArgs, StartProcessElevator, verifyForElevation, type Elevator } from "./elevation.js";
import { resolvePowerShellExecutable, SESSION_PRELUDE, shellEnvironment } from "./executable.js";
import { stripAnsi } from "./framing.js";
import { buildScriptCommand, psPathExpr, SCRIPT_NAME, SCRIPT_TIME_MARKER, scriptTimeMs } from "./quote.js";
import { describeExit, PowerShellSession, type InvokeOutcome } from "./session.js";

/** Closed set of runner failure codes. */
export type RunnerCode =
  | "PS_CONTRACT" // no result file, or one that breaks the schema (or was cut short)
  | "PS_TIMEOUT" // the script did not finish in time: system state unknown
  | "PS_EXITED" // the shell process died under the script
  | "PS_MISSING" // no PowerShell executable
  | "PS_SCRIPT_MISSING" // the script is not in the install's scripts folder
  | "PS_BAD_PATH" // a generated path cannot be put on an ASCII command line
  | "PS_IO" // the run folder or params file could not be written
  | "ELEVATION_REFUSED" // needs admin, but the script is not ours (hash/manifest/location)
  | "ELEVATION_CANCELLED" // the player said no to the UAC prompt
  | "ELEVATION_UNAVAILABLE"; // no elevator on this platform

/** What a caller asks for: a script by file name, its params (data only) and how to run it. */
export interface ScriptRequest {
  script: string;
  params: unknown;
  mode: ResultMode;
  whatIf?: boolean;
  elevated?: boolean;
  timeoutMs?: number;
}

export interface RunLog {
  runId: string;
  /** Wall time of the whole run, as the caller saw it. */
  durationMs: number;
  /** The script's own time measured inside the warm session (null: elevated, or it did not get that far). */
  scriptMs?: number | null;
  /** Last part of the shell's stdout/stderr, for the log only: never parsed, never holding control sequences. */
  stdoutTail: string;
  stderrTail: string;
}
export type RunOutcome = ({ ok: true; result: FixResult } & RunLog) | ({ ok: false; code: RunnerCode; message: string } & RunLog);

/** Anything that runs agent scripts: the real runner, or a fake in engine tests. */
export interface ScriptRunner {
  run(req: ScriptRequest): Promise<RunOutcome>;
  dispose(): Promise<void>;
}

/** Minimal structured logger (winston's child loggers fit). */
export interface RunnerLog {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
}
const silentLog: RunnerLog = { info: () => undefined, warn: () => undefined };

export interface PowerShellRunnerOptions {
  /** Install folder: scripts are `<installDir>/scripts/<Name>.ps1` and nowhere else. */
  installDir: string;
  /** Agent data folder: run folders live in `<dataDir>/runs/<runId>/`. */
  dataDir: string;
  /** Explicit executable (e.g. `.tools/pwsh/pwsh`); default per platform. */
  executable?: string;
  /** Tests only: let `NODE_POWERSHELL` pick the shell. In production it is removed from process.env. */
  honourNodePowerShellEnv?: boolean;
  /** Base environment for the shell (default: process.env); TERM, NO_COLOR, … are always controlled (SHELL_ENV). */
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  elevatedTimeoutMs?: number;
  /** Time a new session may take to start (cold pwsh under load: several seconds). */
  startTimeoutMs?: number;
  /** Env vars PowerShell may expand for non-ASCII paths; default `{ LOCALAPPDATA }` on Windows. */
  pathBases?: Record<string, string>;
  /** Injected elevator; default on Windows: Start-Process -Verb RunAs through this runner's session. */
  elevator?: Elevator | null;
  /** Wraps the elevator (src/ports/elevated-task.ts: approved fixes through the scheduled task, else this one). */
  wrapElevator?: (elevator: Elevator) => Elevator;
  /** Also start a fresh session after each in-session run that changed something (off: scripts keep no state). */
  recycleAfterChange?: boolean;
  /** Start a fresh session after this many runs (bounds what loaded modules can accumulate). */
  maxRunsPerSession?: number;
  /**
   * End a session nobody used for this long (default 10 min): a fix, its verification and a rollback fall well
   * within it, while an always-on tray agent does not keep ~100 MB of PowerShell resident between evenings.
   */
  idleTimeoutMs?: number;
  /** How many run folders to keep. */
  keepRuns?: number;
  log?: RunnerLog;
  now?: () => Date;
}

const TAIL = 2_000;
const tail = (s: string | undefined): string => {
  const clean = stripAnsi(s ?? "");
  return clean.length > TAIL ? clean.slice(-TAIL) : clean;
};
const lastLine = (s: string): string =>
  s
    .trim()
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== "")
    .pop() ?? "";

/** Strings that only appear where ConvertTo-Json ran out of depth and printed a type name instead of an object. */
const TYPE_NAME_LEAK = /^(System\.Collections\.[\w.`+[\], ]+|System\.Management\.Automation\.PS(CustomObject|Object)|@\{.*\})$/;

/** Finds a value ConvertTo-Json cut short; returns its path (a.b[2]) or null. */
export function findTruncation(value: unknown, path = "", depth = 0): string | null {
  if (depth > 64) return path || "(root)";
  if (typeof value === "string") return TYPE_NAME_LEAK.test(value) ? path || "(root)" : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = findTruncation(value[i], `${path}[${i}]`, depth + 1);
      if (hit !== null) return hit;
    }
    return null;
  }
  if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      const hit = findTruncation(v, path === "" ? k : `${path}.${k}`, depth + 1);
      if (hit !== null) return hit;
    }
  }
  return null;
}

/** Generates a run id: sortable, ASCII, never caller-influenced. */
export function newRunId(now: Date = new Date()): string {
  return `r-${now.toISOString().replace(/[-:TZ.]/g, "").slice(0, 17)}-${randomBytes(4).toString("hex")}`;
}

type SessionResult = { ok: true; stdout: string; stderr: string } | { ok: false; code: "PS_TIMEOUT" | "PS_EXITED" | "PS_MISSING"; message: string; stdout: string; stderr: string };

/** The node-powershell runner. Construct once; `dispose()` on shutdown. */
export class PowerShellRunner implements ScriptRunner {
  readonly scriptsDir: string;
  private session: PowerShellSession | null = null;
  /** Sessions being ended in the background; `dispose()` waits for them. */
  private readonly retiring = new Set<Promise<void>>();
  private readonly timeoutMs: number;
  private readonly elevatedTimeoutMs: number;
  private readonly startTimeoutMs: number;
  private readonly log: RunnerLog;
  private readonly bases: Record<string, string>;
  private readonly env: NodeJS.ProcessEnv;
  private readonly elevator: Elevator | null;
  private queue: Promise<unknown> = Promise.resolve();
  private runsSincePrune = 0;
  private disposed = false;
  private inFlight = 0;
  private idleTimer: NodeJS.Timeout | null = null;
  /** Sessions started so far (cold starts), for the log and tests. */
  sessionsStarted = 0;

  constructor(private readonly opts: PowerShellRunnerOptions) {
    if (opts.honourNodePowerShellEnv !== true) delete process.env.NODE_POWERSHELL; // it overrides `executable`
    this.scriptsDir = join(opts.installDir, "scripts");
    this.timeoutMs = opts.timeoutMs ?? 60_000;
    this.elevatedTimeoutMs = opts.elevatedTimeoutMs ?? 180_000;
    this.startTimeoutMs = opts.startTimeoutMs ?? 30_000;
    this.log = opts.log ?? silentLog;
    this.env = shellEnvironment(opts.env ?? process.env, opts.honourNodePowerShellEnv === true);
    this.bases = opts.pathBases ?? (process.platform === "win32" && this.env.LOCALAPPDATA ? { LOCALAPPDATA: this.env.LOCALAPPDATA } : {});
    const elevator =
      opts.elevator !== undefined ? opts.elevator : process.platform === "win32" ? new StartProcessElevator((cmd, t) => this.invokeInSession(cmd, t), this.bases) : null;
    this.elevator = elevator !== null && opts.wrapElevator ? opts.wrapElevator(elevator) : elevator;
  }

  /** Runs one script and reads its result file. Never throws. Calls are serialised (one session). */
  run(req: ScriptRequest): Promise<RunOutcome> {
    this.disposed = false;
    this.inFlight++;
    const next = this.queue.then(() => this.runNow(req)).finally(() => {
      this.inFlight--;
      this.armIdleTimer();
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** (Re)starts the idle clock; when it runs out with nothing queued, the session is ended (not replaced). */
  private armIdleTimer(): void {
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      const s = this.session;
      if (s === null || this.inFlight > 0) return;
      this.session = null;
      this.log.info("powershell session ended after being idle", { uses: s.uses, ageMs: Date.now() - s.startedAt });
      this.retire(s);
    }, this.opts.idleTimeoutMs ?? 600_000);
    this.idleTimer.unref();
  }

  /** Starts a session in the background if none is running, so the next call does not pay the cold start. */
  warm(): void {
    if (this.disposed) return;
    if (this.session === null || !this.session.alive) this.startSession();
    this.armIdleTimer();
  }

  /** Ends the session (shutdown); no session is warmed in the background until the next `run()`. */
  async dispose(): Promise<void> {
    this.disposed = true;
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    const s = this.session;
    this.session = null;
    if (s !== null) this.retire(s);
    await Promise.all([...this.retiring]);
  }

  /** Literal statements every session runs before its first command. Tests extend this (stand-in modules). */
  protected sessionPrelude(): readonly string[] {
    return SESSION_PRELUDE;
  }

  private startSession(): PowerShellSession | string {
    const exe = resolvePowerShellExecutable({ env: this.env, honourNodePowerShellEnv: this.opts.honourNodePowerShellEnv, executable: this.opts.executable });
    if (exe === null) return `PowerShell not found (${this.opts.executable ?? (process.platform === "win32" ? "powershell.exe" : "pwsh")}); fixes cannot run`;
    const s = PowerShellSession.start({ executable: exe, env: this.env, cwd: this.opts.installDir, prelude: this.sessionPrelude(), startTimeoutMs: this.startTimeoutMs });
    this.sessionsStarted++;
    this.session = s;
    void s.ready.then((r) => {
      if (r.kind !== "ok") this.log.warn("powershell session did not start", { kind: r.kind, ...("message" in r ? { reason: r.message } : {}), ...(r.kind === "exited" ? { exit: describeExit(r.exitCode, r.signal), stderrTail: tail(r.stderr) } : {}) });
    });
    return s;
  }

  /** Ends a session in the background; `dispose()` waits for it. */
  private retire(s: PowerShellSession): void {
    const p: Promise<void> = s.dispose().finally(() => this.retiring.delete(p));
    this.retiring.add(p);
  }

  /** Drops the current session and starts the next one at once, so whoever comes next finds it warm. */
  private recycle(reason: string): void {
    const s = this.session;
    this.session = null;
    if (s !== null) {
      this.log.info("powershell session recycled", { reason, uses: s.uses, ageMs: Date.now() - s.startedAt });
      this.retire(s);
    }
    this.warm();
  }

  /** Sends one command line to the (warm) session; maps every way it can go wrong to a code. */
  private async invokeInSession(command: string, timeoutMs: number): Promise<SessionResult> {
    let s = this.session;
    if (s === null || !s.alive) {
      const started = this.startSession();
      if (typeof started === "string") return { ok: false, code: "PS_MISSING", message: started, stdout: "", stderr: "" };
      s = started;
    }
    const ready = await s.ready;
    const r: InvokeOutcome = ready.kind === "ok" ? await s.invoke(command, timeoutMs) : ready;
    if (r.kind === "ok") return { ok: true, stdout: r.stdout, stderr: r.stderr };
    if (r.kind === "missing") {
      if (this.session === s) this.session = null; // nothing to warm: the executable is not there
      return { ok: false, code: "PS_MISSING", message: r.message, stdout: "", stderr: "" };
    }
    // The session is gone or untrustworthy: never reuse it, and get the next one going now.
    if (this.session === s) this.recycle(r.kind);
    if (r.kind === "timeout") {
      const message = ready.kind === "ok" ? `did not finish within ${timeoutMs} ms; the session was restarted and the system state is unknown` : `could not run: PowerShell did not start within ${this.startTimeoutMs} ms`;
      return { ok: false, code: "PS_TIMEOUT", message, stdout: r.stdout, stderr: r.stderr };
    }
    const last = lastLine(r.stderr);
    return { ok: false, code: "PS_EXITED", message: `PowerShell ${describeExit(r.exitCode, r.signal)}${last ? ` (stderr: ${last})` : ""}`, stdout: r.stdout, stderr: r.stderr };
  }

  private async runNow(req: ScriptRequest): Promise<RunOutcome> {
    const started = Date.now();
    const runId = newRunId(this.opts.now?.() ?? new Date());
    const whatIf = req.whatIf === true;
    const base = { runId, scriptMs: null as number | null, stdoutTail: "", stderrTail: "" };
    const fail = (code: RunnerCode, message: string, extra: Partial<RunLog> = {}): RunOutcome => {
      const out = { ok: false as const, code, message: stripAnsi(message), ...base, ...extra, durationMs: Date.now() - started };
      this.log.warn("script run failed", { runId, script: req.script, mode: req.mode, whatIf, elevated: req.elevated === true, code, reason: out.message, stderrTail: out.stderrTail });
      return out;
    };
    try {
      if (!SCRIPT_NAME.test(req.script)) return fail("PS_SCRIPT_MISSING", `Expected a Verb-Noun.ps1 script name, got ${JSON.stringify(req.script)}`);
      const scriptPath = join(this.scriptsDir, req.script);
      if (!existsSync(scriptPath)) return fail("PS_SCRIPT_MISSING", `Expected ${req.script} in ${this.scriptsDir}, found nothing`);

      const runDir = join(this.opts.dataDir, "runs", runId);
      const paramsPath = join(runDir, "params.json");
      const resultPath = join(runDir, "result.json");
      try {
        await mkdir(runDir, { recursive: true });
        await writeFile(paramsPath, JSON.stringify(req.params ?? {}), { encoding: "utf8" });
      } catch (e) {
        return fail("PS_IO", `cannot write the params file in ${runDir}: ${(e as Error).message}`);
      }
      await this.maybePrune(runId);

      let stdout = "";
      let stderr = "";
      let inSession = false;
      if (req.elevated === true) {
        // The elevated path never touches the session's script state, so it never recycles it.
        const check = await verifyForElevation(this.scriptsDir, req.script);
        if (!check.ok) return fail("ELEVATION_REFUSED", `${req.script} will not run as administrator: ${check.message}`);
        const exe = resolvePowerShellExecutable({ env: this.env, honourNodePowerShellEnv: this.opts.honourNodePowerShellEnv, executable: this.opts.executable });
        if (exe === null) return fail("PS_MISSING", "PowerShell executable not found");
        const request = { script: req.script, scriptPath, runId, paramsPath, resultPath, whatIf, executable: exe, args: elevatedArgs(scriptPath, paramsPath, resultPath, whatIf), timeoutMs: req.timeoutMs ?? this.elevatedTimeoutMs };
        if (this.elevator === null || this.elevator.accepts?.(request) === false) return fail("ELEVATION_UNAVAILABLE", "no way to ask for administrator rights on this platform");
        const r = await this.elevator.runElevated(request);
        stdout = r.stdout;
        stderr = r.stderr;
        if (!r.ok) return fail(r.code, r.message, { stdoutTail: tail(stdout), stderrTail: tail(stderr) });
      } else {
        const exprs = [psPathExpr(scriptPath, this.bases), psPathExpr(paramsPath, this.bases), psPathExpr(resultPath, this.bases)];
        if (exprs.some((e) => e === null)) return fail("PS_BAD_PATH", `a path under ${this.opts.dataDir} or ${this.scriptsDir} cannot be written in ASCII`);
        const [s, p, r] = exprs as [string, string, string];
        const inv = await this.invokeInSession(buildScriptCommand(s, p, r, whatIf), req.timeoutMs ?? this.timeoutMs);
        const tails = { stdoutTail: tail(inv.stdout), stderrTail: tail(inv.stderr) };
        if (!inv.ok) {
          if (inv.code === "PS_TIMEOUT") return fail("PS_TIMEOUT", `${req.script} ${inv.message}`, tails);
          if (inv.code === "PS_EXITED") return fail("PS_EXITED", `${inv.message} while running ${req.script}`, tails);
          return fail("PS_MISSING", inv.message);
        }
        inSession = true;
        base.scriptMs = scriptTimeMs(inv.stdout);
        stdout = inv.stdout
          .split(/\r?\n/)
          .filter((l) => !l.startsWith(SCRIPT_TIME_MARKER))
          .join("\n");
        stderr = inv.stderr;
      }

      const tails = { stdoutTail: tail(stdout), stderrTail: tail(stderr) };
      const stderrNote = () => tails.stderrTail.trim() || "empty";
      let text: string;
      try {
        text = await readFile(resultPath, "utf8");
      } catch {
        return fail("PS_CONTRACT", `Expected a result file from ${req.script}, got none (stderr: ${stderrNote()})`, tails);
      }
      const parsed = parseFixResult(text);
      if (!parsed.ok) return fail("PS_CONTRACT", `Expected a valid result file from ${req.script}, got one that is ${parsed.message} (stderr: ${stderrNote()})`, tails);
      // Text from the script reaches the journal, the log and the player: never with terminal control sequences.
      const result = {
        ...parsed.value,
        changes: parsed.value.changes.map(stripAnsi),
        plan: parsed.value.plan.map(stripAnsi),
        error: parsed.value.error === null ? null : { ...parsed.value.error, message: stripAnsi(parsed.value.error.message) },
      };
      const expectedName = req.script.replace(/\.ps1$/, "");
      if (result.script !== expectedName) return fail("PS_CONTRACT", `Expected the result of ${expectedName}, got one from ${result.script}`, tails);
      if (result.whatIf !== whatIf) return fail("PS_CONTRACT", `Expected whatIf=${String(whatIf)} in the result of ${expectedName}, got ${String(result.whatIf)}`, tails);
      // A result cut short by ConvertTo-Json's depth limit would silently lose the exact-undo material.
      if (result.error?.fullyQualifiedErrorId === "AgentResultTooDeep") return fail("PS_CONTRACT", `The result of ${expectedName} was nested too deep to write in full: ${result.error.message}`, tails);
      const cut = findTruncation({ before: result.before, after: result.after, data: result.data });
      if (cut !== null) return fail("PS_CONTRACT", `The result of ${expectedName} was cut short by ConvertTo-Json at ${cut}`, tails);

      this.log.info("script run", { runId, script: req.script, mode: req.mode, whatIf, elevated: req.elevated === true, status: result.status, durationMs: Date.now() - started, scriptMs: base.scriptMs, stderrTail: tails.stderrTail });
      if (inSession) this.afterSessionRun(result);
      return { ok: true, result, ...base, ...tails, durationMs: Date.now() - started };
    } catch (e) {
      // A bug in this file, not the world: still never throw to callers, and do not trust the session any more.
      if (this.session !== null) this.recycle("runner error");
      return fail("PS_CONTRACT", `runner error: ${(e as Error).message}`);
    }
  }

  /** Recycles only when there is a reason: the run budget, or a change when asked to be extra careful. */
  private afterSessionRun(result: FixResult): void {
    const s = this.session;
    if (s === null) return;
    if (s.uses >= (this.opts.maxRunsPerSession ?? 200)) this.recycle("run budget");
    else if (this.opts.recycleAfterChange === true && result.status === "Changed") this.recycle("state changed");
  }

  /** Keeps the newest `keepRuns` run folders; the rest are only log material. */
  private async maybePrune(current: string): Promise<void> {
    if (++this.runsSincePrune < 20) return;
    this.runsSincePrune = 0;
    const keep = this.opts.keepRuns ?? 100;
    const dir = join(this.opts.dataDir, "runs");
    try {
      const names = (await readdir(dir)).filter((n) => /^r-\d+-[0-9a-f]+$/.test(n) && n !== current).sort();
      for (const n of names.slice(0, Math.max(0, names.length - keep))) {
        const full = join(dir, n);
        if ((await stat(full)).isDirectory()) await rm(full, { recursive: true, force: true });
      }
    } catch {
      /* pruning is housekeeping only */
    }
  }
}
