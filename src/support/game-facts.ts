/**
 * What the game's own logs say, for the "For BSG support" section and the BSG ticket text: backend error lines with
 * their times and codes, the raid servers (address, data centre) the game was sent to, the game version, and the
 * game's file check. Reads the newest session folders' ends only (the game never prunes its logs; one player had
 * 228 MB in 662 files), through the same parser and the same raid-server collector the running agent uses
 * (`GameWatch.raidServers()`), so every line here is one it understands and both name servers alike.
 */
import { open, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { describeEvent, parseEvents, type GameLogEvent } from "../core/eft-log.js";
import { RaidServers, type RaidServer } from "../game/raid-servers.js";
import { sessionFolderTime, sessionFolderVersion } from "../game/tail.js";

export type { RaidServer } from "../game/raid-servers.js";

/** Anything that knows the raid servers the game named, newest first: the running agent's `GameWatch`. */
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
  /** Newest first: `{at, ip, port, location, datacenter, source}`, one per raid. */
  raidServers: RaidServer[];
  /** files-checker lines that say how the last check ended, if any. */
  fileCheck: string[];
}

const TAIL_BYTES = 4 * 1024 * 1024;
/** Text is parsed in blocks this big: what one block produces dies young, so a 4 MB tail costs little memory. */
const BLOCK_CHARS = 256 * 1024;
const ERRORS_CAP = 40;
const RAID_SERVERS_CAP = 20;
const READ_CHANNELS = /(?:^|[ _-])(backend|application|network-connection|traces|files-checker|push-notifications)(?:_\d+)?\.log$/i;

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

/** `text` in blocks of about `size` characters, each cut before a record head (so no record is split). */
export function* recordBlocks(text: string, size = BLOCK_CHARS): Generator<string> {
  const head = /\n(?=\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})/g;
  for (let at = 0; at < text.length; ) {
    let end = text.length;
    if (at + size < text.length) {
      head.lastIndex = at + size;
      const m = head.exec(text);
      if (m) end = m.index + 1;
    }
    yield text.slice(at, end);
    at = end;
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

/** Whether an event is one of the game's own error lines support wants (not every retry, not a clean disconnect). */
function isReportedError(e: GameLogEvent): boolean {
  if (!ERROR_KINDS.has(e.kind)) return false;
  if (e.kind === "raid-disconnected") return e.reason !== null && e.reason !== 0;
  if (e.kind === "backend-retry") return e.retry >= 2;
  return true;
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
  const servers = new RaidServers(RAID_SERVERS_CAP);
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
      // traces.log repeats other channels' records: only its raid server is read from it.
      const file = /(?:^|[ _-])traces(?:_\d+)?\.log$/i.test(name) ? "traces" : undefined;
      for (const block of recordBlocks(text)) {
        for (const e of parseEvents(block, file)) {
          if (e.epochMs < since) continue;
          if (e.kind === "raid-assigned" || e.kind === "raid-connect") servers.add(e);
          else if (isReportedError(e)) {
            const code = e.kind === "server-side-exception" ? e.code : e.kind === "backend-error" ? e.responseCode : null;
            facts.errors.push({ at: e.epochMs, text: `${e.at.slice(0, 19)} ${e.channel}: ${describeEvent(e)}`, code });
          }
        }
        // Bounded while reading: only the newest errors are kept in the end anyway.
        if (facts.errors.length > ERRORS_CAP * 10) facts.errors = facts.errors.sort((a, b) => a.at - b.at).slice(-ERRORS_CAP);
      }
    }
  }
  facts.version = facts.sessions[0]?.version ?? null;
  facts.errors.sort((a, b) => a.at - b.at);
  facts.errors = facts.errors.slice(-ERRORS_CAP);
  facts.raidServers = servers.list();
  return facts;
}

/**
 * The raid servers from the logs merged with those a running agent's game watch knows (the same server named by both
 * counts once), newest first, at most 20.
 */
export function mergeRaidServers(fromLogs: readonly RaidServer[], live: readonly RaidServer[]): RaidServer[] {
  const out: RaidServer[] = [];
  for (const s of [...live, ...fromLogs].sort((a, b) => Date.parse(b.at) - Date.parse(a.at))) {
    const same = out.find((x) => x.ip === s.ip && (x.port === s.port || x.port === null || s.port === null) && Math.abs(Date.parse(x.at) - Date.parse(s.at)) <= 30 * 60_000);
    if (same) {
      same.port ??= s.port;
      same.location ??= s.location;
      same.datacenter ??= s.datacenter;
    } else out.push({ ...s });
  }
  return out.slice(0, RAID_SERVERS_CAP);
}
