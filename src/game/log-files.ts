/**
 * The game's log files: which `log_*` session folder is current, which channel a file holds (in every naming style
 * seen), and the file-system port the tailer reads through (eft-facts §5.1).
 */
import { open, readdir, stat } from "node:fs/promises";
import type { GameLogEvent } from "../core/eft-log.js";

export const TAIL_CHANNELS = ["application", "network-connection", "backend", "push-notifications", "traces"] as const;
export type TailChannel = (typeof TAIL_CHANNELS)[number];

// ---------------------------------------------------------------------------------------------------------------
// Names (pure)

const SESSION_RE = /^log_(\d+)\.(\d+)\.(\d+)_(\d+)-(\d+)-(\d+)(?:_(.+))?$/;

/** Start time of a session folder `log_YYYY.MM.DD_H-MM-SS_<version>` as a sortable number; null for other names. */
export function sessionFolderTime(name: string): number | null {
  const m = SESSION_RE.exec(name);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  return Date.UTC(y, mo - 1, d, h, mi, s);
}

/** The game version in a session folder name, if any. */
export const sessionFolderVersion = (name: string): string | null => SESSION_RE.exec(name)?.[7] ?? null;

/** The newest session folder among directory names (Arena's `log_arena_*` are not ours). */
export function newestSessionFolder(names: readonly string[]): string | null {
  let best: string | null = null;
  let bestT = -Infinity;
  for (const n of names) {
    const t = sessionFolderTime(n);
    if (t !== null && (t > bestT || (t === bestT && best !== null && n > best))) {
      best = n;
      bestT = t;
    }
  }
  return best;
}

const FILE_RE = /^(?:.*[ _-])?(backend|application|network-connection|push-notifications|notifications|traces)(?:_(\d+))?\.log$/i;

/**
 * Channel and rotation index of a log file name, in all observed styles: `<stamp>_<ver> backend_000.log`,
 * `<stamp>_backend.log`, `<stamp>-network-connection.log`, bare `backend.log`; 0.16.x `notifications.log` is the
 * push-notifications channel. Null for channels not tailed (errors, output, backend_queue, …).
 */
export function channelOfFile(name: string): { channel: TailChannel; index: number } | null {
  const m = FILE_RE.exec(name);
  if (!m) return null;
  const raw = m[1]!.toLowerCase();
  return { channel: raw === "notifications" ? "push-notifications" : (raw as TailChannel), index: m[2] === undefined ? -1 : Number(m[2]) };
}

/** The synthetic event for a session folder that appeared while the agent runs (the game was restarted). */
export function sessionStartEvent(folder: string): GameLogEvent {
  const m = SESSION_RE.exec(folder);
  const [y, mo, d, h, mi, s] = (m ? m.slice(1, 7) : ["1970", "1", "1", "0", "0", "0"]).map(Number) as [number, number, number, number, number, number];
  const p2 = (n: number): string => String(n).padStart(2, "0");
  // Folder names are local time, like current log records.
  return {
    kind: "session-start",
    at: `${y}-${p2(mo)}-${p2(d)} ${p2(h)}:${p2(mi)}:${p2(s)}.000`,
    epochMs: new Date(y, mo - 1, d, h, mi, s).getTime(),
    channel: "session",
    marker: "new game session",
    folder,
    version: sessionFolderVersion(folder),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// File-system port

export interface TailStat {
  size: number;
  mtimeMs: number;
  /** File identity (inode / Windows file id); 0 when unknown. */
  ino: number;
  isDirectory(): boolean;
}

export interface TailFsPort {
  list(dir: string): Promise<Array<{ name: string; isDirectory: boolean }>>;
  stat(p: string): Promise<TailStat>;
  /** Reads up to `length` bytes at `position`. */
  read(p: string, position: number, length: number): Promise<Buffer>;
}

/** Real file system. Each read opens and closes the file so the game can always rotate or delete it. */
export const nodeTailFs: TailFsPort = {
  async list(dir) {
    return (await readdir(dir, { withFileTypes: true })).map((d) => ({ name: d.name, isDirectory: d.isDirectory() }));
  },
  async stat(p) {
    return stat(p);
  },
  async read(p, position, length) {
    const fh = await open(p, "r");
    try {
      const buf = Buffer.alloc(length);
      const { bytesRead } = await fh.read(buf, 0, length, position);
      return buf.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  },
};
