/**
 * One agent per user: a lock file in the data dir holding the owner's pid. A lock whose pid is no longer alive
 * (crash, power loss) is taken over; a live one means "already running", which the CLI prints before exiting 0.
 *
 * Known limit: pids are reused (quickly on Windows). A stale lock whose pid now belongs to an unrelated process
 * looks alive; the player then sees "already running (pid N)" and can delete the file named in the message.
 */
import { randomBytes } from "node:crypto";
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** What the lock file holds. */
export interface LockInfo {
  pid: number;
  startedAt: string;
}

/** A held lock; `release()` is idempotent and only removes the file while it is still ours. */
export interface InstanceLock {
  path: string;
  release(): void;
}

export type LockOutcome =
  | { ok: true; value: InstanceLock }
  | { ok: false; code: "ALREADY_RUNNING"; message: string; pid: number; path: string }
  | { ok: false; code: "LOCK_FAILED"; message: string; path: string; errno?: string };

export interface LockOptions {
  /** Lock file name inside the data dir. */
  fileName?: string;
  /** Our pid (tests). */
  pid?: number;
  /** Is that process alive? Default: `process.kill(pid, 0)`. */
  isAlive?: (pid: number) => boolean;
  now?: () => number;
}

/** Default liveness check: signal 0 tests for existence; EPERM means it exists but belongs to someone else. */
export function pidIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** A lock file is ~60 bytes; anything bigger is not ours and is read no further (taken over as unreadable). */
const LOCK_MAX_BYTES = 4096;

function readLock(path: string): LockInfo | null | "missing" {
  let text: string;
  try {
    if (statSync(path).size > LOCK_MAX_BYTES) return null;
    text = readFileSync(path, "utf8");
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "ENOENT" ? "missing" : null;
  }
  try {
    const v = JSON.parse(text) as Partial<LockInfo>;
    return typeof v.pid === "number" && Number.isInteger(v.pid) && v.pid > 0 ? { pid: v.pid, startedAt: String(v.startedAt ?? "") } : null;
  } catch {
    return null;
  }
}

/**
 * Creates `path` with its full content in one step: write a private temp file, then hard-link it into place
 * (`link` fails with EEXIST when a lock exists), so no one ever reads an empty lock. Falls back to an exclusive
 * create on file systems without hard links.
 */
function createExclusive(path: string, content: string): "created" | "exists" {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  // One try/finally around everything after the temp file exists: a failed write (disk full) must not leave it.
  try {
    const fd = openSync(tmp, "wx");
    try {
      writeFileSync(fd, content);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    try {
      linkSync(tmp, path);
      return "created";
    } catch (e) {
      const c = (e as NodeJS.ErrnoException).code;
      if (c === "EEXIST") return "exists";
      if (c !== "EPERM" && c !== "ENOTSUP" && c !== "ENOSYS" && c !== "EXDEV") throw e;
    }
    try {
      const fd2 = openSync(path, "wx");
      try {
        writeFileSync(fd2, content);
        fsyncSync(fd2);
      } catch (e) {
        closeSync(fd2);
        unlinkQuietly(path); // never leave an empty or torn lock behind
        throw e;
      }
      closeSync(fd2);
      return "created";
    } catch (e2) {
      if ((e2 as NodeJS.ErrnoException).code === "EEXIST") return "exists";
      throw e2;
    }
  } finally {
    unlinkQuietly(tmp);
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // best effort: already gone
  }
}

/** Takes the per-user instance lock in `dataDir` (created if missing). Never throws. */
export function acquireInstanceLock(dataDir: string, opts: LockOptions = {}): LockOutcome {
  const path = join(dataDir, opts.fileName ?? "agent.lock");
  const pid = opts.pid ?? process.pid;
  const isAlive = opts.isAlive ?? pidIsAlive;
  const now = opts.now ?? Date.now;
  const content = JSON.stringify({ pid, startedAt: new Date(now()).toISOString() } satisfies LockInfo);
  try {
    mkdirSync(dataDir, { recursive: true });
    for (let attempt = 0; attempt < 5; attempt++) {
      if (createExclusive(path, content) === "created") {
        // Re-read: a racing takeover could in theory have replaced the file between our link and now.
        const mine = readLock(path);
        if (mine !== "missing" && mine?.pid === pid) return { ok: true, value: makeLock(path, pid) };
        continue;
      }
      const holder = readLock(path);
      if (holder === "missing") continue; // released between our attempt and the read
      if (holder !== null && holder.pid !== pid && isAlive(holder.pid)) {
        return {
          ok: false,
          code: "ALREADY_RUNNING",
          pid: holder.pid,
          path,
          message: `tarkov-agent is already running (pid ${holder.pid}, lock ${path})`,
        };
      }
      // Stale (dead pid), our own leftover pid, or unreadable: move it aside, then check we moved what we judged.
      const aside = `${path}.stale-${randomBytes(4).toString("hex")}`;
      try {
        renameSync(path, aside);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOENT") continue;
        throw e;
      }
      const moved = readLock(aside);
      const sameAsJudged = holder === null ? moved === null : moved !== "missing" && moved?.pid === holder.pid;
      if (!sameAsJudged) {
        // A racing instance created a fresh lock between our read and our rename: put it back and look again.
        try {
          linkSync(aside, path);
        } catch {
          // someone holds the path again; the next attempt reads it
        }
      }
      try {
        unlinkSync(aside);
      } catch {
        // best effort
      }
    }
    return { ok: false, code: "LOCK_FAILED", path, message: `Expected to take the lock ${path} within 5 attempts, but it kept changing` };
  } catch (e) {
    const errno = (e as NodeJS.ErrnoException).code;
    return { ok: false, code: "LOCK_FAILED", path, message: `Could not take the lock ${path}: ${(e as Error).message}`, ...(errno === undefined ? {} : { errno }) };
  }
}

function makeLock(path: string, pid: number): InstanceLock {
  let released = false;
  return {
    path,
    release() {
      if (released) return;
      released = true;
      const holder = readLock(path);
      if (holder !== "missing" && holder?.pid === pid) {
        try {
          unlinkSync(path);
        } catch {
          // already gone
        }
      }
    },
  };
}
