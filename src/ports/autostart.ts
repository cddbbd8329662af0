/**
 * "Start with Windows" for the current user: a value in HKCU\…\Run pointing at the GUI launcher
 * (`tarkov-agent.exe`, no console window). The agent writes it itself on its first start, on by default: the
 * installer runs elevated and would write the administrator's HKCU instead of the player's. The tray and settings
 * toggle it; a player who turned it off is never overridden, because the first-start default is applied once and
 * remembered in `<data dir>/autostart.json`.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, win32 } from "node:path";
import { writeFileAtomicSync } from "../agent/atomic-write.js";
import type { Registry } from "./registry.js";

export const RUN_KEY = "HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run";
/** Must equal RUN_VALUE in installer/installer.nsi (the uninstaller removes it). */
export const AUTOSTART_VALUE = "TarkovConnectionAgent";
/** The GUI launcher built by installer/launcher.nsi, next to node.exe in the install folder. */
export const LAUNCHER_EXE = "tarkov-agent.exe";
const MARKER_FILE = "autostart.json";

export type AutostartResult = { ok: true } | { ok: false; message: string };

export interface Autostart {
  /** False where there is nothing to start at logon: not Windows, or not an installed copy (no launcher). */
  readonly supported: boolean;
  /** Why it is not supported, in plain words; null when it is. */
  readonly unsupportedReason: string | null;
  /** Whether the Run value points at this install's launcher; null when it cannot be read or is not supported. */
  isEnabled(): Promise<boolean | null>;
  setEnabled(on: boolean): Promise<AutostartResult>;
}

/** The Run value's data: the launcher, quoted (the path has spaces). */
export function runCommandFor(installDir: string): string {
  return `"${win32.join(installDir, LAUNCHER_EXE)}"`;
}

/** Does a Run value's data start our launcher? Case-insensitive like Windows paths; quotes and arguments allowed. */
export function pointsAt(data: string, launcher: string): boolean {
  const trimmed = data.trim();
  const exe = trimmed.startsWith('"') ? trimmed.slice(1, trimmed.indexOf('"', 1) < 0 ? undefined : trimmed.indexOf('"', 1)) : trimmed.split(/\s+/)[0] ?? "";
  return exe.toLowerCase() === launcher.toLowerCase();
}

export function createAutostart(opts: { installDir: string; registry: Registry; platform?: NodeJS.Platform; launcherExists?: (p: string) => boolean }): Autostart {
  const platform = opts.platform ?? process.platform;
  // A Windows feature: Windows paths, also when tests describe a Windows install from Linux.
  const launcher = win32.join(opts.installDir, LAUNCHER_EXE);
  const exists = opts.launcherExists ?? existsSync;
  const unsupportedReason = platform !== "win32" ? "Start with Windows is a Windows feature" : !exists(launcher) ? `not an installed copy (no ${LAUNCHER_EXE} next to the agent)` : null;
  const supported = unsupportedReason === null;
  return {
    supported,
    unsupportedReason,
    async isEnabled() {
      if (!supported) return null;
      const values = await opts.registry.readKey(RUN_KEY, null);
      if (values !== null) {
        const v = values.get(AUTOSTART_VALUE.toLowerCase());
        return v !== undefined && pointsAt(v.data, launcher);
      }
      // Not read: the Run key can be missing on a fresh profile (off), but reg.exe exits 1 for "access denied" and
      // bad syntax as well, and its message is in the PC's language. Off only when the key is known not to exist.
      const exists = opts.registry.keyExists === undefined ? false : await opts.registry.keyExists(RUN_KEY, null);
      return exists === false ? false : null;
    },
    async setEnabled(on) {
      if (!supported) return { ok: false, message: unsupportedReason ?? "not supported" };
      const r = on ? await opts.registry.setString(RUN_KEY, AUTOSTART_VALUE, runCommandFor(opts.installDir)) : await opts.registry.deleteValue(RUN_KEY, AUTOSTART_VALUE);
      // Deleting a value that is not there is exit 1: the wanted state is reached all the same.
      if (r.code === 0 || (!on && r.code === 1)) return { ok: true };
      return { ok: false, message: `could not ${on ? "add" : "remove"} the Start with Windows entry: ${r.error ?? `reg.exe exit ${r.code}`}` };
    },
  };
}

interface Marker {
  firstStartDone: true;
  at: string;
}

/**
 * On the agent's first start only: turn Start with Windows on. Afterwards the player's choice stands, whatever it
 * is. Returns what happened, for the log.
 */
export async function applyFirstStartDefault(autostart: Autostart, dataDir: string): Promise<"enabled" | "already-decided" | "unsupported" | { failed: string }> {
  if (!autostart.supported) return "unsupported";
  const marker = join(dataDir, MARKER_FILE);
  if (existsSync(marker)) {
    try {
      if ((JSON.parse(readFileSync(marker, "utf8")) as Partial<Marker>).firstStartDone === true) return "already-decided";
    } catch {
      // a damaged marker: the player may have chosen already; do not override, just rewrite it
      writeFileAtomicSync(marker, JSON.stringify({ firstStartDone: true, at: new Date().toISOString() } satisfies Marker) + "\n");
      return "already-decided";
    }
  }
  const r = await autostart.setEnabled(true);
  if (!r.ok) return { failed: r.message }; // no marker: try again next start
  writeFileAtomicSync(marker, JSON.stringify({ firstStartDone: true, at: new Date().toISOString() } satisfies Marker) + "\n");
  return "enabled";
}
