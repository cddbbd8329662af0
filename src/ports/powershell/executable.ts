/** Which PowerShell to start, and the environment it gets. */
import { accessSync, constants as fsConstants, existsSync } from "node:fs";
import { delimiter, isAbsolute, join } from "node:path";

const isExecutable = (p: string): boolean => {
  try {
    accessSync(p, process.platform === "win32" ? fsConstants.F_OK : fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/**
 * Which PowerShell to start: Windows PowerShell 5.1 by absolute path on Windows (never a PATH lookup there),
 * `pwsh` from PATH elsewhere. `NODE_POWERSHELL` wins only when the caller allows it (tests).
 */
export function resolvePowerShellExecutable(opts: { env?: NodeJS.ProcessEnv; platform?: NodeJS.Platform; honourNodePowerShellEnv?: boolean; executable?: string } = {}): string | null {
  const env = opts.env ?? process.env;
  const platform = opts.platform ?? process.platform;
  const candidate =
    (opts.honourNodePowerShellEnv === true && env.NODE_POWERSHELL) ||
    opts.executable ||
    (platform === "win32" ? `${env.SystemRoot ?? "C:\\Windows"}\\System32\\WindowsPowerShell\\v1.0\\powershell.exe` : "pwsh");
  if (isAbsolute(candidate) || candidate.includes("/") || candidate.includes("\\")) return existsSync(candidate) && isExecutable(candidate) ? candidate : null;
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (dir === "") continue;
    const full = join(dir, candidate);
    if (existsSync(full) && isExecutable(full)) return full;
  }
  return null;
}

/**
 * The controlled environment of the agent's shell. A terminal type makes pwsh on Linux write keypad-mode
 * sequences (`ESC[?1h`/`ESC[?1l`) around every line it reads, and colour makes its error text carry ANSI codes:
 * neither belongs in a pipe whose text ends up in the journal and the log. Telemetry and the update check would
 * add network traffic and banner text to every start.
 */
export const SHELL_ENV: Readonly<Record<string, string>> = {
  TERM: "dumb",
  NO_COLOR: "1",
  POWERSHELL_TELEMETRY_OPTOUT: "1",
  POWERSHELL_UPDATECHECK: "Off",
  DOTNET_CLI_TELEMETRY_OPTOUT: "1",
  DOTNET_NOLOGO: "1",
};

/** `base` with the controlled variables set, and `NODE_POWERSHELL` removed unless tests ask to keep it. */
export function shellEnvironment(base: NodeJS.ProcessEnv, keepNodePowerShell: boolean): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, ...SHELL_ENV };
  if (!keepNodePowerShell) delete env.NODE_POWERSHELL;
  // Variables that switch colour back on in .NET / PowerShell, whatever TERM says.
  delete env.FORCE_COLOR;
  delete env.DOTNET_SYSTEM_CONSOLE_ALLOW_ANSI_COLOR_REDIRECTION;
  return env;
}

/**
 * Literal statements every new session runs first (no caller data): no progress records (5.1 renders them to the
 * host), and plain-text rendering in PowerShell 7 whatever the host thinks it is. `$PSStyle` does not exist in 5.1,
 * hence the version guard (written without 7-only syntax).
 */
export const SESSION_PRELUDE: readonly string[] = [
  "$ProgressPreference = 'SilentlyContinue'; if ($PSVersionTable.PSVersion.Major -ge 7) { $PSStyle.OutputRendering = 'PlainText' }",
];
