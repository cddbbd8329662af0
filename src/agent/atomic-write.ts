/**
 * Crash-safe file writes for every state file the agent keeps (open incident, lock, later the fix journal).
 * A reader sees either the old content or the new one, never a torn file: write a temp file in the same
 * directory (rename is only atomic within one volume), fsync it, rename it over the target, fsync the directory.
 */
import { randomBytes } from "node:crypto";
import { closeSync, fstatSync, fsyncSync, openSync, readSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import { open, rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

// Windows: antivirus and search indexers briefly hold freshly written files open, so rename fails with
// EPERM/EACCES/EBUSY for a few milliseconds. Retry a handful of times before giving up.
const RETRYABLE = new Set(["EPERM", "EACCES", "EBUSY"]);
const RENAME_DELAYS_MS = [5, 20, 50, 100, 200];

const tempPath = (path: string): string =>
  join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);

const code = (e: unknown): string | undefined => (e as NodeJS.ErrnoException | null)?.code;

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Makes the rename itself durable. Directories cannot be opened on Windows (NTFS journals the rename), so skip there. */
function fsyncDirSync(dir: string): void {
  if (process.platform === "win32") return;
  try {
    const fd = openSync(dir, "r");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some file systems refuse fsync on a directory; the data itself is already on disk.
  }
}

function renameWithRetrySync(from: string, to: string): void {
  for (let attempt = 0; ; attempt++) {
    try {
      renameSync(from, to);
      return;
    } catch (e) {
      const delay = RENAME_DELAYS_MS[attempt];
      if (delay === undefined || !RETRYABLE.has(code(e) ?? "")) throw e;
      sleepSync(delay);
    }
  }
}

/**
 * Replaces `path` with `data` atomically and durably (synchronous: for small state files and shutdown paths).
 * `mode`: the new file's permissions, set when it is created (0o600 = readable by its owner only).
 */
export function writeFileAtomicSync(path: string, data: string | Uint8Array, mode = 0o666): void {
  const tmp = tempPath(path);
  try {
    const fd = openSync(tmp, "wx", mode);
    try {
      writeFileSync(fd, data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameWithRetrySync(tmp, path);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // already renamed or never created
    }
    throw e;
  }
  fsyncDirSync(dirname(path));
}

/** Async twin of {@link writeFileAtomicSync}, for callers on a hot path. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = tempPath(path);
  try {
    const fh = await open(tmp, "wx");
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    for (let attempt = 0; ; attempt++) {
      try {
        await rename(tmp, path);
        break;
      } catch (e) {
        const delay = RENAME_DELAYS_MS[attempt];
        if (delay === undefined || !RETRYABLE.has(code(e) ?? "")) throw e;
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  fsyncDirSync(dirname(path));
}

/**
 * Appends one line and fsyncs before returning, for append-only logs (incidents.jsonl). A crash can at worst leave
 * a torn last line, which readers skip.
 */
export function appendLineDurableSync(path: string, line: string): void {
  const fd = openSync(path, "a+");
  try {
    // After a torn last line (crash mid-append) start on a fresh line, so only the torn record is lost.
    const size = fstatSync(fd).size;
    const last = Buffer.alloc(1);
    const torn = size > 0 && readSync(fd, last, 0, 1, size - 1) === 1 && last[0] !== 0x0a;
    writeFileSync(fd, `${torn ? "\n" : ""}${line}${line.endsWith("\n") ? "" : "\n"}`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
