/**
 * Pre-approved admin fixes without a UAC prompt each time: an `Elevator` that hands the run to the scheduled task
 * the installer registered ("TarkovConnectionAgent\ApprovedFixes-<user>", run with the user's highest privileges),
 * and falls back to the normal UAC elevator for everything else. The task runs
 * <install>\task\Invoke-AgentElevatedTask.ps1 (installer/task/ in the repository), which decides on its own, as administrator, what it will run (allow-list,
 * manifest hashes, rebuilt parameters); this side only chooses when to ask it. Threat model: docs/SECURITY.md.
 *
 *   agent (user) ──request.json──▶ %LOCALAPPDATA%\tarkov-connection-agent\elevated\
 *                ──schtasks /run──▶ task (admin) ──▶ <install>\elevated\<SID>\<id>.status.json + .result.json
 *
 * Plugged into the PowerShell runner through its elevator seam (PowerShellRunnerOptions.wrapElevator).
 */
import { execFile } from "node:child_process";
import { copyFile, mkdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "../agent/atomic-write.js";
import type { ElevationOutcome, ElevationRequest, Elevator } from "./powershell.js";
import { system32 } from "./registry.js";

/** Scripts the task may run; must equal $AllowedScripts in installer/task/Invoke-AgentElevatedTask.ps1. */
export const TASK_SCRIPTS: readonly string[] = ["Set-AgentDnsServer.ps1", "Restore-AgentDnsServer.ps1", "Add-AgentFirewallRule.ps1", "Remove-AgentFirewallRule.ps1", "Update-AgentDhcpLease.ps1"];

/** The task the installer registers for the user who ran it (installer/installer.nsi RegisterElevatedTask). */
export function taskNameFor(userName: string): string {
  return `TarkovConnectionAgent\\ApprovedFixes-${userName}`;
}

/** What the task wrote back. */
export interface TaskStatus {
  schema: 1;
  id: string;
  ok: boolean;
  code: string;
  message: string;
}

export interface ScheduledTaskElevatorOptions {
  /** The normal elevator (UAC); used for everything the task does not take. */
  fallback: Elevator;
  /** Install folder: the task's results are in `<installDir>\elevated\<userKey>\`. */
  installDir: string;
  /** Where requests go: `%LOCALAPPDATA%\tarkov-connection-agent\elevated` (what the task reads). */
  requestDir: string;
  /** Task name (taskNameFor). */
  taskName: string;
  /** Did the player approve the fix this script belongs to (policy "auto")? Unapproved runs keep asking. */
  approved(script: string): boolean;
  /** The user's SID, as the task names its result folder; null when it cannot be told. */
  userKey(): Promise<string | null>;
  /** `schtasks /query` / `schtasks /run` for the task; exit code, null when schtasks could not run. */
  schtasks(args: string[]): Promise<number | null>;
  log?: { info(m: string, f?: Record<string, unknown>): void; warn(m: string, f?: Record<string, unknown>): void };
  /** How long the task gets to pick the request up before UAC is asked instead (default 15 s). */
  startTimeoutMs?: number;
  pollMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** Runs approved fix scripts through the elevated task; anything else (or any doubt) goes to the fallback. */
export class ScheduledTaskElevator implements Elevator {
  private present: Promise<boolean> | null = null;

  constructor(private readonly opts: ScheduledTaskElevatorOptions) {}

  /** Is the task registered for this user? Asked once. */
  available(): Promise<boolean> {
    this.present ??= this.opts.schtasks(["/Query", "/TN", this.opts.taskName]).then((code) => code === 0);
    return this.present;
  }

  async runElevated(req: ElevationRequest): Promise<ElevationOutcome> {
    const parsed = req;
    const log = this.opts.log;
    if (!TASK_SCRIPTS.includes(parsed.script) || !this.opts.approved(parsed.script)) return this.opts.fallback.runElevated(req);
    if (!(await this.available())) return this.opts.fallback.runElevated(req);
    const userKey = await this.opts.userKey();
    if (userKey === null) return this.opts.fallback.runElevated(req);

    const outcome = await this.viaTask(parsed, userKey, req.timeoutMs);
    if (outcome.kind === "ran") {
      log?.info("approved fix ran through the elevated task (no UAC prompt)", { script: parsed.script, id: outcome.id });
      return { ok: true, exitCode: 0, stdout: "", stderr: "" };
    }
    if (outcome.kind === "unknown") {
      // The task took the request but did not report: it may have changed something. Asking again with UAC could
      // apply the fix twice, so report an unknown state and let the engine's crash recovery check it.
      log?.warn("elevated task took the fix but did not report", { script: parsed.script, reason: outcome.message });
      return { ok: false, code: "PS_TIMEOUT", message: outcome.message, stdout: "", stderr: "" };
    }
    // The task refused (DNS setup it did not record, game folder not in HKLM…) or never started: the player decides.
    log?.warn("elevated task did not run the fix; asking with UAC instead", { script: parsed.script, reason: outcome.message });
    return this.opts.fallback.runElevated(req);
  }

  private async viaTask(p: ElevationRequest, userKey: string, timeoutMs: number): Promise<{ kind: "ran"; id: string } | { kind: "no" | "unknown"; message: string }> {
    const sleep = this.opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    let params: unknown;
    try {
      params = JSON.parse(await readFile(p.paramsPath, "utf8"));
    } catch (e) {
      return { kind: "no", message: `cannot read the params file (${(e as Error).message})` };
    }
    // The runner's run id (r-<time>-<hex>); any fresh unique id would do.
    const id = p.runId.replace(/[^A-Za-z0-9-]/g, "").slice(0, 64) || `r-${Date.now()}`;
    const outDir = join(this.opts.installDir, "elevated", userKey);
    const statusPath = join(outDir, `${id}.status.json`);
    try {
      await mkdir(this.opts.requestDir, { recursive: true });
      await writeFileAtomic(join(this.opts.requestDir, "request.json"), JSON.stringify({ schema: 1, id, script: p.script, whatIf: p.whatIf, params }));
    } catch (e) {
      return { kind: "no", message: `cannot write the request (${(e as Error).message})` };
    }
    const code = await this.opts.schtasks(["/Run", "/TN", this.opts.taskName]);
    if (code !== 0) return { kind: "no", message: `schtasks /run exited ${String(code)}` };
    const requestPath = join(this.opts.requestDir, "request.json");
    const started = Date.now();
    const startBy = started + (this.opts.startTimeoutMs ?? 15_000);
    let status: TaskStatus | null = null;
    while (Date.now() - started < timeoutMs) {
      try {
        status = JSON.parse(await readFile(statusPath, "utf8")) as TaskStatus;
        break;
      } catch {
        // not written yet (or half-written: the task writes it once, at the end)
      }
      if (Date.now() > startBy) {
        try {
          // Still there: the task never started (disabled, scheduler off), so nothing ran and UAC may ask.
          await rm(requestPath);
          return { kind: "no", message: `the elevated task did not start within ${this.opts.startTimeoutMs ?? 15_000} ms` };
        } catch {
          // taken: the task is running; keep waiting for its status
        }
      }
      await sleep(this.opts.pollMs ?? 250);
    }
    if (status === null) return { kind: "unknown", message: `the elevated task took the request but did not finish within ${timeoutMs} ms; the system state is unknown` };
    if (status.code === "TASK_FAILED") return { kind: "unknown", message: `the elevated task failed while running ${p.script}: ${status.message}` };
    if (!status.ok) return { kind: "no", message: `${status.code}: ${status.message}` };
    try {
      await copyFile(join(outDir, `${id}.result.json`), p.resultPath);
    } catch (e) {
      return { kind: "no", message: `the task ran but its result is unreadable (${(e as Error).message})` };
    }
    return { kind: "ran", id };
  }
}

/** Runs System32\schtasks.exe; exit code, or null when it could not run. */
export function runSchtasks(args: string[]): Promise<number | null> {
  return new Promise((resolve) => {
    try {
      execFile(system32("schtasks.exe"), args, { windowsHide: true, timeout: 15_000 }, (err) => {
        if (err === null) resolve(0);
        else resolve(typeof err.code === "number" ? err.code : null);
      });
    } catch {
      resolve(null);
    }
  });
}

/** The user's SID from `whoami /user /fo csv /nh` ("machine\\name","S-1-5-21-…"). */
export function currentUserSid(): Promise<string | null> {
  return new Promise((resolve) => {
    try {
      execFile(system32("whoami.exe"), ["/user", "/fo", "csv", "/nh"], { windowsHide: true, timeout: 10_000, encoding: "utf8" }, (err, stdout) => {
        resolve(err ? null : parseWhoamiSid(stdout));
      });
    } catch {
      resolve(null);
    }
  });
}

export function parseWhoamiSid(stdout: string): string | null {
  return /"(S-1-[0-9-]+)"/.exec(stdout)?.[1] ?? null;
}
