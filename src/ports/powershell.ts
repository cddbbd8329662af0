/**
 * The PowerShell runner: one persistent node-powershell session that runs agent scripts by absolute path, hands them
 * their inputs in a params file and reads their answer back from a result file (house-style Part 2).
 *
 * Safety rules this file exists to keep:
 * - The only strings it ever builds into a command line are paths it generated itself and literal switches, each
 *   passed through `psQuote` (or `psPathExpr`). Caller data travels in `params.json`, never on the command line.
 * - It never throws to callers: every failure is a `RunOutcome` with a code.
 * - A timed-out session is unusable (platform-notes §3): dispose it, start a new one, and report PS_TIMEOUT so the
 *   caller treats the system state as unknown.
 */
import { createHash, randomBytes } from "node:crypto";
import { accessSync, constants as fsConstants, existsSync, realpathSync } from "node:fs";
import { mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { delimiter, isAbsolute, join, relative } from "node:path";
import { PowerShell } from "node-powershell";
import { parseFixResult, type FixResult, type ResultMode } from "../fixes/result-schema.js";

// ---------------------------------------------------------------------------------------------------------------
// Quoting: the one audited way to put a string on a PowerShell command line.
// ---------------------------------------------------------------------------------------------------------------

/** The one audited way to embed a string: a single-quoted PowerShell literal (PS treats all four as quotes). */
export function psQuote(s: string): string {
  if (/[\0\r\n]/.test(s)) throw new Error(`psQuote: expected a single-line string, got ${JSON.stringify(s)}`);
  return "'" + s.replace(/['\u2018\u2019\u201A\u201B]/g, "$&$&") + "'";
}

const isAscii = (s: string): boolean => /^[\x20-\x7E]*$/.test(s);

/**
 * A PowerShell expression for an agent-generated absolute path, kept ASCII: Windows PowerShell 5.1 reads stdin in
 * the OEM code page, so a non-ASCII user name would be garbled. Such paths are written relative to an environment
 * variable that PowerShell expands itself: `(Join-Path $env:LOCALAPPDATA 'tarkov…\runs\r-1\params.json')`.
 * Returns null when the path is neither ASCII nor under an ASCII-expressible base.
 */
export function psPathExpr(path: string, bases: Readonly<Record<string, string>> = {}): string | null {
  if (isAscii(path)) return psQuote(path);
  for (const [name, base] of Object.entries(bases)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || base === "") continue;
    const rel = relative(base, path);
    if (rel === "" || rel.startsWith("..") || isAbsolute(rel) || !isAscii(rel)) continue;
    return `(Join-Path $env:${name} ${psQuote(rel)})`;
  }
  return null;
}

/** A script file name we are willing to run: `Verb-Noun.ps1`, nothing else (no separators, no dots). */
export const SCRIPT_NAME = /^[A-Z][A-Za-z]*-[A-Z][A-Za-z]*\.ps1$/;

/** The command line for one script run: `& '<script>' -ParamsPath <p> -ResultPath <r> [-WhatIf]`. */
export function buildScriptCommand(scriptExpr: string, paramsExpr: string, resultExpr: string, whatIf: boolean): string {
  return `& ${scriptExpr} -ParamsPath ${paramsExpr} -ResultPath ${resultExpr}${whatIf ? " -WhatIf" : ""}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Outcomes
// ---------------------------------------------------------------------------------------------------------------

/** Closed set of runner failure codes. */
export type RunnerCode =
  | "PS_CONTRACT" // no result file, or one that breaks the schema
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

interface RunLog {
  runId: string;
  durationMs: number;
  /** Last part of the shell's stdout/stderr, for the log only: never parsed. */
  stdoutTail: string;
  stderrTail: string;
}
export type RunOutcome =
  | ({ ok: true; result: FixResult } & RunLog)
  | ({ ok: false; code: RunnerCode; message: string } & RunLog);

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

// ---------------------------------------------------------------------------------------------------------------
// Elevation
// ---------------------------------------------------------------------------------------------------------------

/** `scripts/manifest.json`, written at build time by tools/gen-manifest.mjs. */
export interface ScriptManifest {
  version: 1;
  algorithm: "sha256";
  files: Record<string, string>;
}

/** What an elevator gets: an executable and an argument array made of generated paths and literal switches only. */
export interface ElevationRequest {
  executable: string;
  args: string[];
  /** Where the elevated script writes its result; the runner reads it after `runElevated` resolves. */
  resultPath: string;
  timeoutMs: number;
}
export type ElevationOutcome =
  | { ok: true; exitCode: number | null; stdout: string; stderr: string }
  | { ok: false; code: "ELEVATION_CANCELLED" | "ELEVATION_UNAVAILABLE" | "PS_TIMEOUT" | "PS_EXITED" | "PS_MISSING" | "PS_CONTRACT"; message: string; stdout: string; stderr: string };

/** Starts one elevated process and waits for it. Injected so Linux tests can exercise every path around it. */
export interface Elevator {
  runElevated(req: ElevationRequest): Promise<ElevationOutcome>;
}

/** SHA-256 of a file, lower-case hex. */
export async function sha256File(path: string): Promise<string> {
  return createHash("sha256").update(await readFile(path)).digest("hex");
}

/**
 * May this script run elevated? Only if it sits inside the install's scripts folder (after resolving links) and it
 * and every module under `lib/` match the manifest written at build time.
 */
export async function verifyForElevation(scriptsDir: string, scriptName: string): Promise<{ ok: true } | { ok: false; message: string }> {
  let manifest: ScriptManifest;
  try {
    manifest = JSON.parse(await readFile(join(scriptsDir, "manifest.json"), "utf8")) as ScriptManifest;
    if (manifest.version !== 1 || manifest.algorithm !== "sha256" || typeof manifest.files !== "object" || manifest.files === null) {
      return { ok: false, message: "scripts/manifest.json is not a version 1 sha256 manifest" };
    }
  } catch (e) {
    return { ok: false, message: `cannot read scripts/manifest.json (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); elevation needs the build-time manifest` };
  }
  const mustMatch = [scriptName, ...Object.keys(manifest.files).filter((f) => f.startsWith("lib/"))];
  let realDir: string;
  try {
    realDir = realpathSync(scriptsDir);
  } catch {
    return { ok: false, message: `scripts folder ${scriptsDir} does not exist` };
  }
  for (const name of mustMatch) {
    const expected = manifest.files[name];
    if (expected === undefined) return { ok: false, message: `${name} is not in the build-time manifest` };
    const full = join(scriptsDir, ...name.split("/"));
    let real: string;
    try {
      real = realpathSync(full);
    } catch {
      return { ok: false, message: `${name} is missing from ${scriptsDir}` };
    }
    const rel = relative(realDir, real);
    if (rel.startsWith("..") || isAbsolute(rel)) return { ok: false, message: `${name} resolves outside the install folder (${real})` };
    const actual = await sha256File(real);
    if (actual !== expected.toLowerCase()) return { ok: false, message: `${name} does not match the build-time manifest (sha256 ${actual.slice(0, 12)}…, expected ${expected.slice(0, 12)}…)` };
  }
  return { ok: true };
}

/**
 * Windows `Start-Process -Verb RunAs` as one command line: executable and every argument are generated paths or
 * literal switches. Start-Process joins `-ArgumentList` with spaces without quoting (5.1), so each element that
 * holds a space is wrapped in double quotes first; paths can never contain `"`.
 */
export function buildStartProcessCommand(executable: string, args: readonly string[], bases: Readonly<Record<string, string>> = {}): string | null {
  const exe = psPathExpr(executable, bases);
  if (exe === null) return null;
  const items: string[] = [];
  for (const a of args) {
    if (a.includes('"') || a.endsWith("\\")) return null;
    const expr = psPathExpr(a, bases);
    if (expr === null) return null;
    items.push(/\s/.test(a) || !isAscii(a) ? `('"' + ${expr} + '"')` : expr);
  }
  return (
    `$agentProc = Start-Process -FilePath ${exe} -Verb RunAs -WindowStyle Hidden -Wait -PassThru -ArgumentList @(${items.join(", ")}); ` +
    `[Console]::Out.WriteLine('AGENT_EXIT=' + $agentProc.ExitCode)`
  );
}

/** Production elevator for Windows: asks for UAC through the shared (unelevated) session. One prompt per call. */
export class StartProcessElevator implements Elevator {
  constructor(private readonly invoke: (command: string, timeoutMs: number) => Promise<{ stdout: string; stderr: string; code?: "PS_TIMEOUT" | "PS_EXITED" | "PS_MISSING" }>, private readonly bases: Readonly<Record<string, string>> = {}) {}

  async runElevated(req: ElevationRequest): Promise<ElevationOutcome> {
    const command = buildStartProcessCommand(req.executable, req.args, this.bases);
    if (command === null) return { ok: false, code: "PS_CONTRACT", message: "an elevated path cannot be put on an ASCII command line", stdout: "", stderr: "" };
    const r = await this.invoke(command, req.timeoutMs);
    if (r.code !== undefined) return { ok: false, code: r.code, message: `elevated run: ${r.code}`, stdout: r.stdout, stderr: r.stderr };
    // UAC "No" surfaces as ERROR_CANCELLED (1223) / "canceled by the user" from Start-Process.
    if (/cancel+ed by the user|1223/i.test(r.stderr)) return { ok: false, code: "ELEVATION_CANCELLED", message: "the administrator prompt was declined", stdout: r.stdout, stderr: r.stderr };
    const m = /AGENT_EXIT=(-?\d+)/.exec(r.stdout);
    return { ok: true, exitCode: m ? Number(m[1]) : null, stdout: r.stdout, stderr: r.stderr };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Executable lookup
// ---------------------------------------------------------------------------------------------------------------

const isExecutable = (p: string): boolean => {
  try {
    accessSync(p, process.platform === "win32" ? fsConstants.F_OK : fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/**
 * Which PowerShell to start: Windows PowerShell 5.1 by absolute path on Windows (never a PATH lookup there),
 * `pwsh` from PATH elsewhere. `NODE_POWERSHELL` wins only when the caller allows it (tests).
 */
export function resolvePowerShellExecutable(opts: { env?: NodeJS.ProcessEnv; platform?: NodeJS.Platform; honourNodePowerShellEnv?: boolean; executable?: string } = {}): string | null {
  const env = opts.env ?? process.env;
  const platform = opts.platform ?? process.platform;
  const candidate =
    (opts.honourNodePowerShellEnv === true && env.NODE_POWERSHELL) ||
    opts.executable ||
    (platform === "win32" ? `${env.SystemRoot ?? "C:\\Windows"}\\System32\\WindowsPowerShell\\v1.0\\powershell.exe` : "pwsh");
  if (isAbsolute(candidate) || candidate.includes("/") || candidate.includes("\\")) return existsSync(candidate) && isExecutable(candidate) ? candidate : null;
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (dir === "") continue;
    const full = join(dir, candidate);
    if (existsSync(full) && isExecutable(full)) return full;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------------------------
// The runner
// ---------------------------------------------------------------------------------------------------------------

export interface PowerShellRunnerOptions {
  /** Install folder: scripts are `<installDir>/scripts/<Name>.ps1` and nowhere else. */
  installDir: string;
  /** Agent data folder: run folders live in `<dataDir>/runs/<runId>/`. */
  dataDir: string;
  /** Explicit executable (e.g. `.tools/pwsh/pwsh`); default per platform. */
  executable?: string;
  /** Tests only: let `NODE_POWERSHELL` pick the shell. In production it is removed from process.env. */
  honourNodePowerShellEnv?: boolean;
  /** Environment for the shell (default: process.env without NODE_POWERSHELL). */
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  elevatedTimeoutMs?: number;
  /** Env vars PowerShell may expand for non-ASCII paths; default `{ LOCALAPPDATA }` on Windows. */
  pathBases?: Record<string, string>;
  /** Injected elevator; default on Windows: Start-Process -Verb RunAs through this runner's session. */
  elevator?: Elevator | null;
  /** Wraps the elevator (e.g. src/ports/elevated-task.ts: approved fixes through the scheduled task, else this one). */
  wrapElevator?: (elevator: Elevator) => Elevator;
  /** Start a fresh session after each state-changing run (cheap insurance against leaked session state). */
  recycleAfterChange?: boolean;
  /** How many run folders to keep. */
  keepRuns?: number;
  log?: RunnerLog;
  now?: () => Date;
}

const TAIL = 2_000;
const tail = (s: string | undefined): string => (s === undefined ? "" : s.length > TAIL ? s.slice(-TAIL) : s);

type InvokeResult = { kind: "ok"; stdout: string; stderr: string } | { kind: "timeout" } | { kind: "exited"; message: string } | { kind: "missing"; message: string };

interface Session {
  shell: PowerShell;
  exited: boolean;
  exitError: string | null;
}

/** Generates a run id: sortable, ASCII, never caller-influenced. */
export function newRunId(now: Date = new Date()): string {
  return `r-${now.toISOString().replace(/[-:TZ.]/g, "").slice(0, 17)}-${randomBytes(4).toString("hex")}`;
}

/** The node-powershell runner. Construct once; `dispose()` on shutdown. */
export class PowerShellRunner implements ScriptRunner {
  readonly scriptsDir: string;
  private session: Session | null = null;
  private readonly timeoutMs: number;
  private readonly elevatedTimeoutMs: number;
  private readonly log: RunnerLog;
  private readonly bases: Record<string, string>;
  private readonly env: NodeJS.ProcessEnv;
  private readonly elevator: Elevator | null;
  private queue: Promise<unknown> = Promise.resolve();
  private runsSincePrune = 0;

  constructor(private readonly opts: PowerShellRunnerOptions) {
    if (opts.honourNodePowerShellEnv !== true) delete process.env.NODE_POWERSHELL; // it overrides `executable`
    this.scriptsDir = join(opts.installDir, "scripts");
    this.timeoutMs = opts.timeoutMs ?? 60_000;
    this.elevatedTimeoutMs = opts.elevatedTimeoutMs ?? 180_000;
    this.log = opts.log ?? silentLog;
    const env = { ...(opts.env ?? process.env) };
    if (opts.honourNodePowerShellEnv !== true) delete env.NODE_POWERSHELL;
    this.env = env;
    this.bases = opts.pathBases ?? (process.platform === "win32" && env.LOCALAPPDATA ? { LOCALAPPDATA: env.LOCALAPPDATA } : {});
    const elevator =
      opts.elevator !== undefined
        ? opts.elevator
        : process.platform === "win32"
          ? new StartProcessElevator((cmd, t) => this.invokeRaw(cmd, t), this.bases)
          : null;
    this.elevator = elevator !== null && opts.wrapElevator ? opts.wrapElevator(elevator) : elevator;
  }

  /** Runs one script and reads its result file. Never throws. Calls are serialised (one session). */
  run(req: ScriptRequest): Promise<RunOutcome> {
    const next = this.queue.then(() => this.runNow(req));
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Ends the session (shutdown, or after a timeout). */
  async dispose(): Promise<void> {
    const s = this.session;
    this.session = null;
    if (s !== null) await this.disposeSession(s);
  }

  /** Replaces the session after a state-changing run and starts the new one right away, so the next call is warm. */
  private async recycle(): Promise<void> {
    await this.dispose();
    const s = this.startSession();
    if (s.ok) this.session = s.session;
  }

  private async runNow(req: ScriptRequest): Promise<RunOutcome> {
    const started = Date.now();
    const runId = newRunId(this.opts.now?.() ?? new Date());
    const base = { runId, stdoutTail: "", stderrTail: "" };
    const fail = (code: RunnerCode, message: string, extra: Partial<RunLog> = {}): RunOutcome => {
      const out = { ok: false as const, code, message, ...base, ...extra, durationMs: Date.now() - started };
      this.log.warn("script run failed", { runId, script: req.script, mode: req.mode, whatIf: req.whatIf === true, code, message, stderrTail: out.stderrTail });
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
      if (req.elevated === true) {
        const check = await verifyForElevation(this.scriptsDir, req.script);
        if (!check.ok) return fail("ELEVATION_REFUSED", `${req.script} will not run as administrator: ${check.message}`);
        if (this.elevator === null) return fail("ELEVATION_UNAVAILABLE", "no way to ask for administrator rights on this platform");
        const exe = resolvePowerShellExecutable({ env: this.env, honourNodePowerShellEnv: this.opts.honourNodePowerShellEnv, executable: this.opts.executable });
        if (exe === null) return fail("PS_MISSING", "PowerShell executable not found");
        const args = ["-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass", "-File", scriptPath, "-ParamsPath", paramsPath, "-ResultPath", resultPath];
        if (req.whatIf === true) args.push("-WhatIf");
        const r = await this.elevator.runElevated({ executable: exe, args, resultPath, timeoutMs: req.timeoutMs ?? this.elevatedTimeoutMs });
        stdout = r.stdout;
        stderr = r.stderr;
        if (!r.ok) return fail(r.code, r.message, { stdoutTail: tail(stdout), stderrTail: tail(stderr) });
      } else {
        const exprs = [psPathExpr(scriptPath, this.bases), psPathExpr(paramsPath, this.bases), psPathExpr(resultPath, this.bases)];
        if (exprs.some((e) => e === null)) return fail("PS_BAD_PATH", `a path under ${this.opts.dataDir} or ${this.scriptsDir} cannot be written in ASCII`);
        const [s, p, r] = exprs as [string, string, string];
        const inv = await this.invokeRaw(buildScriptCommand(s, p, r, req.whatIf === true), req.timeoutMs ?? this.timeoutMs);
        if (inv.code === "PS_TIMEOUT") return fail("PS_TIMEOUT", `${req.script} did not finish within ${req.timeoutMs ?? this.timeoutMs} ms; the session was restarted and the system state is unknown`, { stdoutTail: tail(inv.stdout), stderrTail: tail(inv.stderr) });
        if (inv.code === "PS_EXITED") return fail("PS_EXITED", `PowerShell exited while running ${req.script}: ${inv.stderr.trim().split("\n").pop() ?? ""}`, { stdoutTail: tail(inv.stdout), stderrTail: tail(inv.stderr) });
        if (inv.code === "PS_MISSING") return fail("PS_MISSING", inv.stderr);
        stdout = inv.stdout;
        stderr = inv.stderr;
      }

      const tails = { stdoutTail: tail(stdout), stderrTail: tail(stderr) };
      let text: string;
      try {
        text = await readFile(resultPath, "utf8");
      } catch {
        return fail("PS_CONTRACT", `Expected a result file from ${req.script}, got none (stderr: ${tails.stderrTail.trim() || "empty"})`, tails);
      }
      const parsed = parseFixResult(text);
      if (!parsed.ok) return fail("PS_CONTRACT", `Expected a valid result file from ${req.script}, got one that is ${parsed.message} (stderr: ${tails.stderrTail.trim() || "empty"})`, tails);
      const expectedName = req.script.replace(/\.ps1$/, "");
      if (parsed.value.script !== expectedName) return fail("PS_CONTRACT", `Expected the result of ${expectedName}, got one from ${parsed.value.script}`, tails);
      if (parsed.value.whatIf !== (req.whatIf === true)) return fail("PS_CONTRACT", `Expected whatIf=${String(req.whatIf === true)} in the result of ${expectedName}, got ${String(parsed.value.whatIf)}`, tails);

      if (this.opts.recycleAfterChange !== false && !parsed.value.whatIf && parsed.value.mode !== "Read") await this.recycle();
      this.log.info("script run", { runId, script: req.script, mode: req.mode, whatIf: req.whatIf === true, status: parsed.value.status, durationMs: Date.now() - started, stderrTail: tails.stderrTail });
      return { ok: true, result: parsed.value, runId, ...tails, durationMs: Date.now() - started };
    } catch (e) {
      // A bug in this file, not the world: still never throw to callers.
      await this.dispose().catch(() => undefined);
      return fail("PS_CONTRACT", `runner error: ${(e as Error).message}`);
    }
  }

  private startSession(): { ok: true; session: Session } | { ok: false; message: string } {
    const exe = resolvePowerShellExecutable({ env: this.env, honourNodePowerShellEnv: this.opts.honourNodePowerShellEnv, executable: this.opts.executable });
    if (exe === null) return { ok: false, message: `PowerShell not found (${this.opts.executable ?? (process.platform === "win32" ? "powershell.exe" : "pwsh")}); fixes cannot run` };
    const shell = new PowerShell({
      executable: exe,
      executableOptions: { "-NoProfile": true, "-NonInteractive": true, "-ExecutionPolicy": "Bypass" },
      throwOnInvocationError: false,
      spawnOptions: { cwd: this.opts.installDir, windowsHide: true, env: this.env },
    });
    const session: Session = { shell, exited: false, exitError: null };
    // node-powershell keeps a private exit promise that rejects on spawn errors/non-zero exit; nobody else may be
    // listening, so observe it here (an unhandled rejection would take the whole agent down).
    const exitPromise = (shell as unknown as { exitPromise: Promise<void> }).exitPromise;
    exitPromise.then(
      () => {
        session.exited = true;
      },
      (e: unknown) => {
        session.exited = true;
        const err = e as { message?: string; originalError?: { code?: string; message?: string } };
        session.exitError = err.originalError?.code === "ENOENT" ? "ENOENT" : (err.message ?? "exited");
      },
    );
    shell.streams.stdin.on("error", () => undefined); // EPIPE after the shell died must not crash us
    return { ok: true, session };
  }

  /** Sends one command line to the session; maps every way it can go wrong to a code. */
  private async invokeRaw(command: string, timeoutMs: number): Promise<{ stdout: string; stderr: string; code?: "PS_TIMEOUT" | "PS_EXITED" | "PS_MISSING" }> {
    if (this.session === null || this.session.exited) {
      this.session = null;
      const s = this.startSession();
      if (!s.ok) return { stdout: "", stderr: s.message, code: "PS_MISSING" };
      this.session = s.session;
    }
    const session = this.session;
    const r = await this.invokeOn(session, command, timeoutMs);
    if (r.kind === "ok") return { stdout: r.stdout, stderr: r.stderr };
    if (this.session === session) this.session = null;
    await this.disposeSession(session);
    if (r.kind === "timeout") return { stdout: "", stderr: "", code: "PS_TIMEOUT" };
    if (r.kind === "missing") return { stdout: "", stderr: r.message, code: "PS_MISSING" };
    return { stdout: "", stderr: r.message, code: "PS_EXITED" };
  }

  private async invokeOn(session: Session, command: string, timeoutMs: number): Promise<InvokeResult> {
    // node-powershell's own timeout leaves its stream readers attached; ours races the invocation and then kills.
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<"timeout">((r) => {
      timer = setTimeout(() => r("timeout"), timeoutMs);
    });
    try {
      const res = await Promise.race([session.shell.invoke(command), timeout]);
      // Give the exit listener a turn: a shell that exits 0 mid-command looks like an empty success otherwise.
      await new Promise((r) => setImmediate(r));
      if (res === "timeout") return { kind: "timeout" };
      if (session.exited) return session.exitError === "ENOENT" ? { kind: "missing", message: "PowerShell could not be started (ENOENT)" } : { kind: "exited", message: session.exitError ?? "shell exited" };
      return { kind: "ok", stdout: res.stdout?.toString("utf8") ?? "", stderr: res.stderr?.toString("utf8") ?? "" };
    } catch (e) {
      await new Promise((r) => setImmediate(r));
      const err = e as { message?: string; originalError?: { code?: string } };
      if (err.originalError?.code === "ENOENT" || session.exitError === "ENOENT") return { kind: "missing", message: "PowerShell could not be started (ENOENT)" };
      return { kind: "exited", message: err.message ?? "shell exited" };
    } finally {
      clearTimeout(timer);
    }
  }

  private async disposeSession(s: Session): Promise<void> {
    if (s.exited) return;
    const done = s.shell.dispose().catch(() => undefined);
    await Promise.race([done, new Promise<void>((r) => setTimeout(r, 3_000).unref())]);
    if (!s.exited) s.shell.dispose("SIGKILL").catch(() => undefined);
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

