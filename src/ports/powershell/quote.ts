/**
 * The only strings the runner ever puts on a PowerShell command line: paths it generated and literal switches,
 * each through `psQuote` (or `psPathExpr`). Caller data travels in `params.json`, never here.
 */
import { isAbsolute, relative } from "node:path";

/** The one audited way to embed a string: a single-quoted PowerShell literal (PS treats all four as quotes). */
export function psQuote(s: string): string {
  if (/[\0\r\n]/.test(s)) throw new Error(`psQuote: expected a single-line string, got ${JSON.stringify(s)}`);
  return "'" + s.replace(/['\u2018\u2019\u201A\u201B]/g, "$&$&") + "'";
}

/** Printable ASCII only. */
export const isAscii = (s: string): boolean => /^[\x20-\x7E]*$/.test(s);

/**
 * A PowerShell expression for an agent-generated absolute path, kept ASCII: Windows PowerShell 5.1 reads stdin in
 * the OEM code page, so a non-ASCII user name would be garbled. Such paths are written relative to an environment
 * variable that PowerShell expands itself: `(Join-Path $env:LOCALAPPDATA 'tarkov…\runs\r-1\params.json')`.
 * Returns null when the path is neither ASCII nor under an ASCII-expressible base.
 */
export function psPathExpr(path: string, bases: Readonly<Record<string, string>> = {}): string | null {
  if (isAscii(path)) return psQuote(path);
  for (const [name, base] of Object.entries(bases)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || base === "") continue;
    const rel = relative(base, path);
    if (rel === "" || rel.startsWith("..") || isAbsolute(rel) || !isAscii(rel)) continue;
    return `(Join-Path $env:${name} ${psQuote(rel)})`;
  }
  return null;
}

/** A script file name we are willing to run: `Verb-Noun.ps1`, nothing else (no separators, no dots). */
export const SCRIPT_NAME = /^[A-Z][A-Za-z]*-[A-Z][A-Za-z]*\.ps1$/;

/** The stdout line after a script that says how long it ran inside the session, in microseconds. */
export const SCRIPT_TIME_MARKER = "AGENT_SCRIPT_US=";

/**
 * The command line for one script run: `& '<script>' -ParamsPath <p> -ResultPath <r> [-WhatIf]`, timed by a
 * stopwatch inside the session so the log (and the bench) can tell the script's own time from the runner's.
 * Ticks are integers, so the number prints the same in every culture.
 */
export function buildScriptCommand(scriptExpr: string, paramsExpr: string, resultExpr: string, whatIf: boolean): string {
  return (
    `$agentClock = [Diagnostics.Stopwatch]::StartNew(); ` +
    `& ${scriptExpr} -ParamsPath ${paramsExpr} -ResultPath ${resultExpr}${whatIf ? " -WhatIf" : ""}; ` +
    `[Console]::Out.WriteLine('${SCRIPT_TIME_MARKER}' + [long]($agentClock.Elapsed.Ticks / 10))`
  );
}

/** The script's own time from the session's stdout (ms), or null when the line is missing (the script threw). */
export function scriptTimeMs(stdout: string): number | null {
  const m = new RegExp(`${SCRIPT_TIME_MARKER}(\\d+)`).exec(stdout);
  return m ? Number(m[1]) / 1000 : null;
}
