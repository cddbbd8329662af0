/**
 * What the game's own logs say, for the "For BSG support" section and the BSG ticket text: backend error lines with
 * their times and codes, the raid servers (address, data centre) the game was sent to, the game version, and the
 * game's file check. Reads the newest session folders' ends only (the game never prunes its logs; one player had
 * 228 MB in 662 files), through the same parser and the same raid-server collector the running agent uses
 * (`GameWatch.raidServers()`), so every line here is one it understands and both name servers alike.
 */
import { open, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { StringDecoder } from "node:string_decoder";
import { describeEvent, parseEvents, type GameLogEvent } from "../core/eft-log.js";
import { RaidServers, type RaidServer } from "../game/raid-servers.js";
import { sessionFolderTime, sessionFolderVersion } from "../game/tail.js";
import { withoutPayload } from "./redaction.js";

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
/** Text is read and parsed in blocks this big (below V8's large-object size), so a 4 MB tail costs little memory. */
const BLOCK_BYTES = 64 * 1024;
const ERRORS_CAP = 40;
const RAID_SERVERS_CAP = 20;
const READ_CHANNELS = /(?:^|[ _-])(backend|application|network-connection|traces|files-checker|push-notifications)(?:_\d+)?\.log$/i;
const RECORD_HEAD = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/;

/** Where the last record head in `text` starts (just after a newline), or -1. */
function lastRecordStart(text: string): number {
  for (let nl = text.lastIndexOf("\n"); nl !== -1; nl = text.lastIndexOf("\n", nl - 1)) {
    if (RECORD_HEAD.test(text.slice(nl + 1, nl + 20))) return nl + 1;
    if (text.length - nl > 64 * 1024) break;
  }
  return -1;
}

/**
 * The last `bytes` of a file as blocks of whole records of about `block` bytes, read piece by piece: no string gets
 * big enough for V8's large-object space, so each block's garbage dies young (one 4 MB string per channel made the
 * heap balloon to ~60 MB between major collections).
 */
export async function* tailBlocks(path: string, bytes = TAIL_BYTES, block = BLOCK_BYTES): AsyncGenerator<string> {
  const fh = await open(path, "r");
  try {
    const { size } = await fh.stat();
    const decoder = new StringDecoder("utf8");
    const buf = Buffer.alloc(block);
    let pos = Math.max(0, size - bytes);
    // Started mid-file: the first whole line begins after the first newline.
    let skipPartial = pos > 0;
    let carry = "";
    while (pos < size) {
      const { bytesRead } = await fh.read(buf, 0, Math.min(block, size - pos), pos);
      if (bytesRead === 0) break;
      pos += bytesRead;
      let text = carry + decoder.write(buf.subarray(0, bytesRead));
      if (skipPartial) {
        const nl = text.indexOf("\n");
        if (nl === -1) {
          carry = "";
          continue;
        }
        text = text.slice(nl + 1);
        skipPartial = false;
      }
      const cut = lastRecordStart(text);
      // A record several blocks long (a huge payload) is cut anyway: its head is what is read.
      const at = cut > 0 ? cut : text.length >= block * 4 ? text.length : -1;
      if (at === -1) carry = text;
      else {
        yield text.slice(0, at);
        carry = text.slice(at);
      }
    }
    carry += decoder.end();
    if (carry !== "" && !skipPartial) yield carry;
  } finally {
    await fh.close();
  }
}

/** The last `bytes` of a small file as text, starting on a whole line. */
async function tail(path: string, bytes: number): Promise<string> {
  let text = "";
  for await (const b of tailBlocks(path, bytes)) text += b;
  return text;
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
      try {
        if (!(await stat(path)).isFile()) continue;
        if (/files-checker/i.test(name)) {
          const text = await tail(path, 256 * 1024);
          facts.fileCheck.push(...text.split(/\r?\n/).filter((l) => /\b(check|verif|corrupt|broken|complete|finish)/i.test(l)).slice(-3).map((l) => l.slice(0, 300)));
          continue;
        }
        // traces.log repeats other channels' records: only its raid server is read from it.
        const file = /(?:^|[ _-])traces(?:_\d+)?\.log$/i.test(name) ? "traces" : undefined;
        for await (const block of tailBlocks(path)) {
          for (const e of parseEvents(block, file)) {
            if (e.epochMs < since) continue;
            if (e.kind === "raid-assigned" || e.kind === "raid-connect") servers.add(e);
            else if (isReportedError(e)) {
              const code = e.kind === "server-side-exception" ? e.code : e.kind === "backend-error" ? e.responseCode : null;
              // A notification's error line can carry its payload (a teammate's name): never past where that starts.
              const said = e.channel === "push-notifications" || e.channel === "notifications" ? withoutPayload(describeEvent(e)) : describeEvent(e);
              facts.errors.push({ at: e.epochMs, text: `${e.at.slice(0, 19)} ${e.channel}: ${said}`, code });
            }
          }
          // Bounded while reading: only the newest errors are kept in the end anyway.
          if (facts.errors.length > ERRORS_CAP * 10) facts.errors = facts.errors.sort((a, b) => a.at - b.at).slice(-ERRORS_CAP);
        }
      } catch {
        // unreadable (locked, deleted while read): what was read counts
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
