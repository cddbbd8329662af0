/**
 * What the game's own logs say, for the "For BSG support" section and the BSG ticket text: backend error lines with
 * their times and codes, the raid servers (address, data centre) the game was sent to, the game version, and the
 * game's file check. Reads the newest session folders' ends only (the game never prunes its logs; one player had
 * 228 MB in 662 files), through the same parser the monitor uses, so every line here is one it understands.
 */
import { open, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { describeEvent, parseEvents, type GameLogEvent } from "../core/eft-log.js";
import { sessionFolderTime, sessionFolderVersion } from "../game/tail.js";

/** A raid server the game was assigned or connected to. */
export interface RaidServer {
  ip: string;
  port: number | null;
  datacenter: string | null;
  location: string | null;
  at: number;
}

/**
 * Where the raid server for a path trace comes from. The game-log watcher is growing `GameWatch.raidServers()`
 * (from traces.log and the connection lines); until then the agent passes its tailer's current raid server, and the
 * bundle and report use {@link readGameFacts}.
 */
export interface RaidServerSource {
  raidServers(): RaidServer[];
}

export interface GameFacts {
  logsDir: string | null;
  /** Newest first. */
  sessions: { folder: string; version: string | null; startedAt: number | null }[];
  version: string | null;
  /** "2025-03-01 21:04:11 backend: request to gw-pvp… failed (network error)" lines, oldest first, capped. */
  errors: { at: number; text: string; code: number | null }[];
  raidServers: RaidServer[];
  /** files-checker lines that say how the last check ended, if any. */
  fileCheck: string[];
}

const TAIL_BYTES = 4 * 1024 * 1024;
const ERRORS_CAP = 40;
const READ_CHANNELS = /(?:^|[ _-])(backend|application|network-connection|traces|files-checker)(?:_\d+)?\.log$/i;

/** The last `bytes` of a file as text, starting on a whole line. */
async function tail(path: string, bytes = TAIL_BYTES): Promise<string> {
  const fh = await open(path, "r");
  try {
    const { size } = await fh.stat();
    const start = Math.max(0, size - bytes);
    const buf = Buffer.alloc(size - start);
    await fh.read(buf, 0, buf.length, start);
    const text = buf.toString("utf8");
    return start === 0 ? text : text.slice(text.indexOf("\n") + 1);
  } finally {
    await fh.close();
  }
}

const ERROR_KINDS = new Set<GameLogEvent["kind"]>(["backend-error", "server-side-exception", "nginx-error-page", "backend-retry", "raid-timeout", "websocket-error", "raid-disconnected"]);

/** The newest `sessions` session folders under the game's logs folder. */
export async function newestSessions(logsDir: string, sessions: number): Promise<string[]> {
  const entries = await readdir(logsDir, { withFileTypes: true });
  return entries
    // Symbolic links and junctions too (players move logs to other drives); a broken one is reported when read.
    .filter((e) => (e.isDirectory() || e.isSymbolicLink()) && sessionFolderTime(e.name) !== null)
    .map((e) => e.name)
    .sort((a, b) => sessionFolderTime(b)! - sessionFolderTime(a)! || b.localeCompare(a))
    .slice(0, sessions);
}

/** Reads the facts from the newest `sessions` folders; events before `since` are left out. Never throws. */
export async function readGameFacts(logsDir: string | null, opts: { sessions?: number; since?: number } = {}): Promise<GameFacts> {
  const facts: GameFacts = { logsDir, sessions: [], version: null, errors: [], raidServers: [], fileCheck: [] };
  if (logsDir === null) return facts;
  let folders: string[];
  try {
    folders = await newestSessions(logsDir, opts.sessions ?? 3);
  } catch {
    return facts;
  }
  const since = opts.since ?? 0;
  for (const folder of folders) {
    facts.sessions.push({ folder, version: sessionFolderVersion(folder), startedAt: sessionFolderTime(folder) });
    let names: string[] = [];
    try {
      names = (await readdir(join(logsDir, folder))).filter((n) => READ_CHANNELS.test(n));
    } catch {
      continue;
    }
    for (const name of names) {
      const path = join(logsDir, folder, name);
      let text: string;
      try {
        if (!(await stat(path)).isFile()) continue;
        text = await tail(path);
      } catch {
        continue;
      }
      if (/files-checker/i.test(name)) {
        facts.fileCheck.push(...text.split(/\r?\n/).filter((l) => /\b(check|verif|corrupt|broken|complete|finish)/i.test(l)).slice(-3).map((l) => l.slice(0, 300)));
        continue;
      }
      for (const e of parseEvents(text)) {
        if (e.epochMs < since) continue;
        if (e.kind === "raid-assigned") facts.raidServers.push({ ip: e.ip, port: e.port, datacenter: e.datacenter, location: e.location, at: e.epochMs });
        else if (e.kind === "raid-connect") {
          const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(e.address);
          if (m && !facts.raidServers.some((r) => r.ip === m[1] && Math.abs(r.at - e.epochMs) < 600_000)) {
            facts.raidServers.push({ ip: m[1]!, port: Number(m[2]), datacenter: null, location: null, at: e.epochMs });
          }
        } else if (ERROR_KINDS.has(e.kind) && (e.kind !== "raid-disconnected" || (e.reason !== null && e.reason !== 0)) && (e.kind !== "backend-retry" || e.retry >= 2)) {
          const code = e.kind === "server-side-exception" ? e.code : e.kind === "backend-error" ? e.responseCode : null;
          facts.errors.push({ at: e.epochMs, text: `${e.at.slice(0, 19)} ${e.channel}: ${describeEvent(e)}`, code });
        }
      }
    }
  }
  facts.version = facts.sessions[0]?.version ?? null;
  facts.errors.sort((a, b) => a.at - b.at);
  facts.errors = facts.errors.slice(-ERRORS_CAP);
  facts.raidServers.sort((a, b) => b.at - a.at);
  return facts;
}
