/**
 * One call that makes a support bundle the way both the CLI (`tarkov-agent bundle`) and the tray ("Collect support
 * bundle") do: game facts, the evidence report, summary.md, recent diagnoses, the network snapshot, then the
 * redacted zip on the Desktop (or where asked). Everything it touches comes in through {@link SupportBundleDeps}.
 */
import { spawn } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { unlink } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import type { Diagnosis } from "../core/types.js";
import { osUserNames } from "../redact.js";
import type { ScriptRunner } from "../ports/powershell.js";
import { DEFAULT_CAP_BYTES, localStamp, partialPath, type BundleResult } from "./bundle.js";
import { runBundleJob, type BundleJob, type BundleLate } from "./bundle-job.js";
import { defaultBundleThreadUrl, runBundleThread } from "./bundle-thread.js";
import type { RaidServer, RaidServerSource } from "./game-facts.js";
import { takeNetworkSnapshot } from "./network-snapshot.js";
import type { PoolChoice } from "./redaction-pool.js";

export interface SupportBundleOptions {
  out?: string | null;
  days?: number;
  preview?: boolean;
  gameLogs?: boolean;
  redact?: boolean;
  capBytes?: number;
}

export interface SupportBundleDeps {
  dataDir: string;
  version: string;
  /** The game's logs folder (`log_*` session folders), or null. */
  gameLogsDir: string | null;
  launcherLogsDir: string | null;
  /** The current diagnosis (the tray has the monitor's; the CLI runs a round). */
  currentDiagnosis(): Promise<Diagnosis | null>;
  /** Windows: the PowerShell runner for the network snapshot. */
  runner: ScriptRunner | null;
  /** The running agent's game watch: raid servers it saw named while it ran (besides those in the logs). */
  raidServers?: RaidServerSource | null;
  now?: () => number;
  /** Environment for the Desktop folder and the OS user's names (default: process.env). */
  env?: NodeJS.ProcessEnv;
  /** Where redaction runs (tests and the bench choose; default: by size). */
  pool?: PoolChoice;
  /** The compiled bundle thread (default: the one next to this module, if compiled); null: run on this thread. */
  thread?: URL | null;
}

/** `%LOCALAPPDATA%\Battlestate Games\BsgLauncher\Logs` (eft-facts §5.1) when LOCALAPPDATA is set. */
export function launcherLogsDir(env: NodeJS.ProcessEnv = process.env): string | null {
  return env.LOCALAPPDATA ? join(env.LOCALAPPDATA, "Battlestate Games", "BsgLauncher", "Logs") : null;
}

/** The player's Desktop folder when there is one (XDG user-dirs, OneDrive's, the usual one), else null. */
export function desktopDir(env: NodeJS.ProcessEnv = process.env, home = env.HOME ?? env.USERPROFILE ?? homedir()): string | null {
  const candidates: string[] = [];
  if (env.XDG_DESKTOP_DIR) candidates.push(env.XDG_DESKTOP_DIR);
  try {
    const dirs = readFileSync(join(env.XDG_CONFIG_HOME ?? join(home, ".config"), "user-dirs.dirs"), "utf8");
    const m = /^XDG_DESKTOP_DIR="?([^"\n]+)"?/m.exec(dirs);
    if (m) candidates.push(m[1]!.replace(/^\$HOME/, home));
  } catch {
    // no user-dirs file
  }
  if (env.OneDrive) candidates.push(join(env.OneDrive, "Desktop"));
  if (env.USERPROFILE) candidates.push(join(env.USERPROFILE, "Desktop"));
  candidates.push(join(home, "Desktop"));
  return candidates.find((d) => {
    try {
      return statSync(d).isDirectory();
    } catch {
      return false;
    }
  }) ?? null;
}

/** `tarkov-support-2025-03-01_21-04-11.zip` (local time: what the player sees on their clock). */
export function bundleFileName(now: number): string {
  return `tarkov-support-${localStamp(now).local.slice(0, 19).replace("T", "_").replace(/:/g, "-")}.zip`;
}

/** Opens the file manager with the file selected (Windows: `explorer /select,<full path>`); elsewhere its folder. */
export function revealFile(path: string, onError: (e: Error) => void, plat: NodeJS.Platform = process.platform): void {
  try {
    const child =
      plat === "win32"
        ? // explorer wants `/select,"<path>"` as ONE argument, quoted by us (a Windows path cannot contain `"`).
          spawn("explorer.exe", [`/select,"${path}"`], { detached: true, stdio: "ignore", windowsVerbatimArguments: true })
        : spawn(plat === "darwin" ? "open" : "xdg-open", plat === "darwin" ? ["-R", path] : [dirname(path)], { detached: true, stdio: "ignore" });
    child.on("error", onError);
    child.unref();
  } catch (e) {
    onError(e as Error);
  }
}

/** Makes the bundle (or its preview): in a thread of its own when the compiled one is there (./bundle-thread.ts). */
export async function makeSupportBundle(deps: SupportBundleDeps, o: SupportBundleOptions = {}): Promise<BundleResult> {
  const now = (deps.now ?? Date.now)();
  const days = o.days ?? 7;
  const from = now - days * 86_400_000;
  let live: RaidServer[] = [];
  try {
    live = (deps.raidServers?.raidServers() ?? []).filter((r) => Date.parse(r.at) >= from);
  } catch {
    // a game watch that cannot answer adds nothing
  }
  const job: BundleJob = {
    dataDir: deps.dataDir,
    version: deps.version,
    gameLogsDir: o.gameLogs === false ? null : deps.gameLogsDir,
    launcherLogsDir: o.gameLogs === false ? null : deps.launcherLogsDir,
    now,
    days,
    liveRaidServers: live,
    userNames: osUserNames(deps.env ?? process.env),
    out: o.preview ? null : (o.out ?? join(desktopDir(deps.env) ?? deps.dataDir, bundleFileName(now))),
    preview: o.preview === true,
    capBytes: o.capBytes ?? DEFAULT_CAP_BYTES,
    redact: o.redact !== false,
    pool: deps.pool === undefined ? undefined : { workers: deps.pool.workers, workerHref: deps.pool.workerUrl === undefined ? undefined : (deps.pool.workerUrl?.href ?? null) },
  };
  // Taken while the job reads the game's logs; neither can fail the bundle.
  const late: Promise<BundleLate> = Promise.all([deps.currentDiagnosis().catch(() => null), takeNetworkSnapshot(deps.runner)]).then(([current, snapshot]) => ({ current, snapshot }));
  // Awaited by the job only after the game's logs are read: an early failure must not count as unhandled meanwhile.
  late.catch(() => undefined);
  const thread = deps.thread === undefined ? defaultBundleThreadUrl() : deps.thread;
  if (thread === null) return runBundleJob(job, late);
  try {
    return await runBundleThread(thread, job, late);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ERR_WORKER_OUT_OF_MEMORY") throw e;
    // The thread's bounded heap was not enough for this bundle: it died mid-way, so its unfinished zip is removed
    // here, and the bundle is made on this thread, which can grow.
    if (job.out !== null) await unlink(partialPath(job.out)).catch(() => undefined);
    return runBundleJob(job, late);
  }
}
