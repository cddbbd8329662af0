/**
 * Keeps the agent's log folder within its size bound. winston-daily-rotate-file caps each file (10 MB) and drops
 * files older than 14 days, but a noisy day can open any number of 10 MB files; this deletes the oldest log files
 * until all of them together fit {@link LOGS_MAX_TOTAL_BYTES}. `run` calls it at start and every hour.
 * The file being written (the newest) is never deleted.
 */
import { readdirSync, statSync, unlinkSync } from "node:fs";
import { join } from "node:path";

/** All `agent-*.log` files together stay under this (README "Files the agent keeps and their size bounds"). */
export const LOGS_MAX_TOTAL_BYTES = 100 * 1024 * 1024;
/** How often `run` re-checks. */
export const HOUSEKEEPING_EVERY_MS = 60 * 60_000;

const LOG_FILE = /^agent-\d{4}-\d{2}-\d{2}(?:\.\d+)?\.log$/;

/** Deletes the oldest log files beyond the bound; returns what it removed. Never throws. */
export function pruneLogs(logsDir: string, maxTotalBytes = LOGS_MAX_TOTAL_BYTES): string[] {
  let files: { name: string; size: number; mtimeMs: number }[];
  try {
    files = readdirSync(logsDir)
      .filter((n) => LOG_FILE.test(n))
      .flatMap((name) => {
        try {
          const st = statSync(join(logsDir, name));
          return st.isFile() ? [{ name, size: st.size, mtimeMs: st.mtimeMs }] : [];
        } catch {
          return [];
        }
      });
  } catch {
    return []; // no logs folder (yet), or not readable: nothing to do
  }
  files.sort((a, b) => b.mtimeMs - a.mtimeMs || b.name.localeCompare(a.name)); // newest first
  const removed: string[] = [];
  let total = 0;
  files.forEach((f, i) => {
    total += f.size;
    if (i === 0 || total <= maxTotalBytes) return;
    try {
      unlinkSync(join(logsDir, f.name));
      removed.push(f.name);
    } catch {
      // in use or gone: the next round tries again
    }
  });
  return removed;
}
