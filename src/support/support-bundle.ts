/**
 * One call that makes a support bundle the way both the CLI (`tarkov-agent bundle`) and the tray ("Collect support
 * bundle") do: game facts, the evidence report, summary.md, recent diagnoses, the network snapshot, then the
 * redacted zip on the Desktop (or where asked). Everything it touches comes in through {@link SupportBundleDeps}.
 */
import { spawn } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { readHistory } from "../agent/evidence-history.js";
import type { Diagnosis } from "../core/types.js";
import { buildEvidenceReport } from "../report/evidence-report.js";
import { osUserNames } from "../redact.js";
import type { ScriptRunner } from "../ports/powershell.js";
import { createBundle, DEFAULT_CAP_BYTES, localStamp, type BundleResult } from "./bundle.js";
import { mergeRaidServers, readGameFacts, type RaidServerSource } from "./game-facts.js";
import { takeNetworkSnapshot, ssidsIn } from "./network-snapshot.js";
import type { PoolChoice } from "./redaction-pool.js";
import { renderSummary } from "./summary-md.js";

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

/** BSG addresses the agent connected to (from the history): support needs them, so they are never masked. */
async function bsgAddresses(dataDir: string, from: number, to: number): Promise<string[]> {
  const out = new Set<string>();
  await readHistory(dataDir, from, to, (r) => {
    if (r.k === "round") for (const t of r.tg) if (t.g === "b" && t.a) out.add(t.a);
  });
  return [...out];
}

/** Makes the bundle (or its preview). */
export async function makeSupportBundle(deps: SupportBundleDeps, o: SupportBundleOptions = {}): Promise<BundleResult> {
  const now = (deps.now ?? Date.now)();
  const days = o.days ?? 7;
  const from = now - days * 86_400_000;
  const gameLogsDir = o.gameLogs === false ? null : deps.gameLogsDir;
  const [fromLogs, current, snapshot] = await Promise.all([
    readGameFacts(gameLogsDir, { since: from }),
    deps.currentDiagnosis().catch(() => null),
    takeNetworkSnapshot(deps.runner),
  ]);
  let live: ReturnType<RaidServerSource["raidServers"]> = [];
  try {
    live = deps.raidServers?.raidServers() ?? [];
  } catch {
    // a game watch that cannot answer adds nothing
  }
  const game = { ...fromLogs, raidServers: mergeRaidServers(fromLogs.raidServers, live.filter((r) => Date.parse(r.at) >= from)) };
  const report = await buildEvidenceReport({ dataDir: deps.dataDir, from, to: now, version: deps.version, now, game });
  const summary = renderSummary({ now, version: deps.version, current, model: report.model, facts: report.facts, fixes: report.fixes, game, days });
  const diagnoses = {
    now: current,
    confirmed: [] as unknown[],
  };
  await readHistory(deps.dataDir, from, now, (r) => {
    if (r.k === "event" && (r.e === "down" || r.e === "verdict") && diagnoses.confirmed.length < 200) diagnoses.confirmed.push({ at: new Date(r.t).toISOString(), event: r.e, verdict: r.v, incidentId: r.inc, headline: r.h ?? null, evidence: r.ev ?? [] });
  });
  const keep = [...(await bsgAddresses(deps.dataDir, from, now)), ...game.raidServers.map((r) => r.ip)];
  const redaction = { enabled: o.redact !== false, userNames: osUserNames(deps.env ?? process.env), ssids: ssidsIn(snapshot), keepAddresses: [...new Set(keep)] };
  const out = o.preview ? null : (o.out ?? join(desktopDir(deps.env) ?? deps.dataDir, bundleFileName(now)));
  const result = await createBundle({
    dataDir: deps.dataDir,
    gameLogsDir,
    launcherLogsDir: o.gameLogs === false ? null : deps.launcherLogsDir,
    days,
    now,
    out,
    preview: o.preview === true,
    capBytes: o.capBytes ?? DEFAULT_CAP_BYTES,
    version: deps.version,
    redaction,
    pool: deps.pool,
    generated: [
      { path: "summary.md", text: summary },
      { path: "report.html", text: report.html },
      { path: "diagnoses.json", text: JSON.stringify(diagnoses, null, 2) + "\n" },
      { path: "network.json", text: JSON.stringify(snapshot, null, 2) + "\n" },
    ],
  });
  return result;
}

