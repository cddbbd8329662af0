/**
 * Is there a PowerShell that can run the fix scripts? Asked once when a command starts: without it, every fix
 * would fail one by one with a code the player cannot act on (PS_MISSING, or PS_EXITED from a stub such as wine's
 * or a locked-down PC's), while `fix list` offered them all. The answer is a value; nothing here throws.
 */
import { execFile } from "node:child_process";
import { resolvePowerShellExecutable } from "./powershell.js";

export type PowerShellCheck =
  | { ok: true; executable: string; version: string }
  | { ok: false; code: "PS_MISSING" | "PS_STUB" | "PS_TOO_OLD"; message: string };

/** What to tell the player when the check fails (Windows: the agent's scripts target Windows PowerShell 5.1). */
export function fixesUnavailableMessage(check: Extract<PowerShellCheck, { ok: false }>, platform: NodeJS.Platform = process.platform): string {
  const what = platform === "win32" ? "Windows PowerShell" : "PowerShell (pwsh)";
  return `Fixes need ${what}, and ${check.message}. The agent still watches your connection and explains problems; fixes are unavailable.`;
}

const MARK = "TCA-PS";
const MIN_MAJOR = 5;

/**
 * Runs the PowerShell the fix runner would use with a one-line probe that prints its version. A program that is
 * missing, exits, prints something else or too old a version is not usable.
 */
export function checkPowerShell(opts: { executable?: string; platform?: NodeJS.Platform; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<PowerShellCheck> {
  const platform = opts.platform ?? process.platform;
  const exe = resolvePowerShellExecutable({ env: opts.env ?? process.env, platform, honourNodePowerShellEnv: false, executable: opts.executable });
  if (exe === null) {
    const where = platform === "win32" ? "powershell.exe is not in System32\\WindowsPowerShell\\v1.0" : "pwsh is not on PATH";
    return Promise.resolve({ ok: false, code: "PS_MISSING", message: where });
  }
  const probe = `[Console]::Out.Write('${MARK} ' + $PSVersionTable.PSVersion.ToString())`;
  return new Promise((resolve) => {
    try {
      execFile(exe, ["-NoLogo", "-NoProfile", "-NonInteractive", "-Command", probe], { timeout: opts.timeoutMs ?? 20_000, windowsHide: true, encoding: "utf8", maxBuffer: 64 * 1024 }, (err, stdout, stderr) => {
        const m = new RegExp(`${MARK} (\\d+)\\.(\\d+)[\\d.]*`).exec(stdout);
        if (m) {
          const version = m[0].slice(MARK.length + 1);
          if (Number(m[1]) < MIN_MAJOR) resolve({ ok: false, code: "PS_TOO_OLD", message: `${exe} is version ${version}; version ${MIN_MAJOR}.1 or newer is needed` });
          else resolve({ ok: true, executable: exe, version });
          return;
        }
        const why = err ? (err.killed ? "did not answer in time" : typeof err.code === "number" ? `exited with code ${err.code}` : err.message) : "answered something else";
        const said = `${stdout}${stderr}`.trim().split(/\r?\n/)[0]?.slice(0, 160);
        resolve({ ok: false, code: err && (err as NodeJS.ErrnoException).code === "ENOENT" ? "PS_MISSING" : "PS_STUB", message: `${exe} is not a working PowerShell (it ${why}${said ? `: "${said}"` : ""})` });
      });
    } catch (e) {
      resolve({ ok: false, code: "PS_MISSING", message: `${exe} could not be started (${(e as Error).message})` });
    }
  });
}
