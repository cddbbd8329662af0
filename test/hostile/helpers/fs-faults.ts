/**
 * Real file-system faults for the hostile tests: a tiny tmpfs that is full, a read-only mount, a user who may not
 * read. They need root (CI runs as root, and so do the project's machines); without root a test skips with that
 * reason, except under CI=true where it fails: nothing may skip there for a missing capability.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const IS_ROOT = process.getuid?.() === 0;
/** uid/gid of `nobody`: a user without access to root's 0700 folders. */
export const NOBODY = { uid: 65534, gid: 65534 };

/** Why fault tests cannot run here, or null. Under CI this throws instead: a skip would hide a missing capability. */
export function faultSkipReason(): string | null {
  if (IS_ROOT) return null;
  if (process.env.CI === "true") throw new Error("hostile fault tests need root (mount, chown); CI runs as root");
  return "needs root to mount a tmpfs and switch users";
}

export interface Mount {
  dir: string;
  /** Unmounts and removes the mount point. */
  dispose(): void;
  remountReadOnly(): void;
}

/** A tmpfs of `kb` KiB at a fresh folder. `fill: true` leaves it with no free byte (data writes get ENOSPC). */
export function tmpfs(kb: number, opts: { fill?: boolean } = {}): Mount {
  const dir = mkdtempSync(join(tmpdir(), "tca-tmpfs-"));
  execFileSync("mount", ["-t", "tmpfs", "-o", `size=${kb}k,mode=0755`, "tmpfs", dir]);
  if (opts.fill) {
    try {
      writeFileSync(join(dir, ".filler"), Buffer.alloc(kb * 1024 + 4096));
    } catch {
      // ENOSPC: exactly what we wanted
    }
  }
  return {
    dir,
    remountReadOnly: () => execFileSync("mount", ["-o", "remount,ro", dir]),
    dispose() {
      try {
        execFileSync("umount", ["-l", dir]);
      } catch {
        // already gone
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A folder in a fresh tmpfs, made with `setup` and then remounted read-only. */
export function readOnlyDir(setup: (dir: string) => void): Mount {
  const m = tmpfs(1024);
  const data = join(m.dir, "data");
  mkdirSync(data, { recursive: true });
  setup(data);
  m.remountReadOnly();
  return { ...m, dir: data };
}
