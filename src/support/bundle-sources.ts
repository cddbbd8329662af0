/**
 * What may go into a support bundle, by allow-list: every candidate is named here, nothing else is ever added.
 * Listing never throws: a folder that cannot be read becomes a `skipped` entry that the manifest shows.
 */
import { readdir, stat } from "node:fs/promises";
import { basename, join } from "node:path";
import { HISTORY_DIR } from "../agent/evidence-history.js";
import { newestSessions } from "./game-facts.js";

export type ItemKind = "agent-log" | "agent-state" | "history" | "script-run" | "game-log" | "launcher-log";

/** A file that may be bundled. */
export interface SourceItem {
  /** Path inside the zip (forward slashes). */
  path: string;
  file: string;
  kind: ItemKind;
  bytes: number;
  mtimeMs: number;
  /** Only the connection lines go in (push-notifications: the rest carries teammates' names and inventories). */
  connectionLinesOnly?: boolean;
}

export interface Skipped {
  path: string;
  reason: string;
}

export interface SourceOptions {
  dataDir: string;
  /** Folder holding the game's `log_*` session folders; null = no game logs. */
  gameLogsDir: string | null;
  /** The launcher's Logs folder; null = none. */
  launcherLogsDir: string | null;
  /** Only files changed in the last `days` days (session folders: started in them, at least the newest one). */
  days: number;
  now: number;
  /** How many of the newest session folders at most. */
  maxSessions?: number;
}

/** Game log channels a support engineer reads (eft-facts §9); `output` is left out (it repeats them all). */
const GAME_FILE = /(?:^|[ _-])(application|backend|errors|network-connection|traces|files-checker|push-notifications|notifications)(?:_\d+)?\.log$/i;
/** The launcher's logs; its `settings` file (tokens) never matches. */
const LAUNCHER_FILE = /^(?!settings)[^/\\]*(?:BSG_Launcher|launcher)[^/\\]*\.log$|^[^/\\]+\.log$/i;
const AGENT_LOG = /^agent-\d{4}-\d{2}-\d{2}\.log(?:\.\d+)?$/;
const HISTORY_FILE = /^evidence-\d{4}-\d{2}-\d{2}\.jsonl$/;
const AGENT_STATE = ["incidents.jsonl", "incident-open.json", "journal.json"];
/** A PowerShell run folder (src/ports/powershell/runner.ts): its params and result files, redacted like the rest. */
const RUN_DIR = /^r-\d+-[0-9a-f]+$/;
const RUN_FILES = ["params.json", "result.json"];
/** Newest script runs that go in: what the agent's scripts found and did (the snapshot, fixes, their errors). */
const MAX_RUNS = 20;

const errText = (e: unknown): string => (e as NodeJS.ErrnoException).code ?? (e as Error).message;

async function fileItem(file: string, path: string, kind: ItemKind, skipped: Skipped[], extra: Partial<SourceItem> = {}): Promise<SourceItem | null> {
  try {
    const s = await stat(file);
    if (!s.isFile()) return null;
    return { path, file, kind, bytes: s.size, mtimeMs: s.mtimeMs, ...extra };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") skipped.push({ path, reason: `cannot read it (${errText(e)})` });
    return null;
  }
}

async function listDir(dir: string, path: string, skipped: Skipped[]): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") skipped.push({ path, reason: `folder cannot be read (${errText(e)})` });
    return [];
  }
}

/** Lists every file the allow-list admits, newest-first within each group. */
export async function listSources(o: SourceOptions): Promise<{ items: SourceItem[]; skipped: Skipped[] }> {
  const skipped: Skipped[] = [];
  const items: SourceItem[] = [];
  const since = o.now - o.days * 86_400_000;
  const push = (i: SourceItem | null) => {
    if (i !== null) items.push(i);
  };

  for (const name of AGENT_STATE) push(await fileItem(join(o.dataDir, name), `agent/${name}`, "agent-state", skipped));
  for (const name of await listDir(join(o.dataDir, "logs"), "agent/logs/", skipped)) {
    if (!AGENT_LOG.test(name)) continue;
    const i = await fileItem(join(o.dataDir, "logs", name), `agent/logs/${name}`, "agent-log", skipped);
    if (i && i.mtimeMs >= since) push(i);
  }
  // Run folders are named r-<UTC yyyyMMddHHmmssSSS>-<hex>: sorted by name, the newest come last.
  const runs = (await listDir(join(o.dataDir, "runs"), "agent/runs/", skipped)).filter((n) => RUN_DIR.test(n));
  for (const run of runs.slice(-MAX_RUNS)) {
    for (const name of RUN_FILES) {
      const i = await fileItem(join(o.dataDir, "runs", run, name), `agent/runs/${run}/${name}`, "script-run", skipped);
      if (i && i.mtimeMs >= since) push(i);
    }
  }
  for (const name of await listDir(join(o.dataDir, HISTORY_DIR), "agent/history/", skipped)) {
    if (!HISTORY_FILE.test(name)) continue;
    const i = await fileItem(join(o.dataDir, HISTORY_DIR, name), `agent/history/${name}`, "history", skipped);
    if (i && i.mtimeMs >= since) push(i);
  }

  if (o.gameLogsDir !== null) {
    let sessions: string[] = [];
    try {
      sessions = await newestSessions(o.gameLogsDir, o.maxSessions ?? 5);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") skipped.push({ path: "game/", reason: `the game's logs folder cannot be read (${errText(e)})` });
    }
    let first = true;
    for (const folder of sessions) {
      const names = await listDir(join(o.gameLogsDir, folder), `game/${folder}/`, skipped);
      const files: SourceItem[] = [];
      for (const name of names.filter((n) => GAME_FILE.test(n))) {
        const push = /push-notifications|(?:^|[ _-])notifications(?:_\d+)?\.log$/i.test(name);
        const i = await fileItem(join(o.gameLogsDir, folder, name), `game/${folder}/${name}`, "game-log", skipped, push ? { connectionLinesOnly: true } : {});
        if (i) files.push(i);
      }
      // The newest session always goes in (it is the one the ticket is about); older ones only within --days.
      if (first || files.some((f) => f.mtimeMs >= since)) items.push(...files);
      first = false;
    }
  }

  if (o.launcherLogsDir !== null) {
    for (const name of await listDir(o.launcherLogsDir, "launcher/", skipped)) {
      if (basename(name).toLowerCase() === "settings" || !LAUNCHER_FILE.test(name)) continue;
      const i = await fileItem(join(o.launcherLogsDir, name), `launcher/${name}`, "launcher-log", skipped);
      if (i && i.mtimeMs >= since) push(i);
    }
  }
  return { items, skipped };
}
