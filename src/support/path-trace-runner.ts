/**
 * Takes a path trace to one address with the OS's own tool: on Windows `tracert -d` (or `pathping -n`) through the
 * agent's PowerShell runner (scripts/Get-AgentPathTrace.ps1, which runs the tool from %SystemRoot%\System32 by its
 * full path), elsewhere `traceroute -n` (or `tracepath -n`). Only an IP literal is ever passed, as its own argument
 * with no shell, so nothing from a log or the network can become an option or a command. Never throws: a missing
 * tool or a failed run is a plain-words result.
 */
import { execFile } from "node:child_process";
import { isIP } from "node:net";
import { READ_SCRIPTS } from "../fixes/catalog/index.js";
import type { ScriptRunner } from "../ports/powershell.js";
import { parseTrace, type TraceHop, type TraceTool } from "../report/path-trace.js";
import { count } from "../core/i18n/format.js";

const HOPS = { one: "hop", other: "hops" };

export interface PathTraceResult {
  target: string;
  tool: TraceTool | null;
  ok: boolean;
  hops: TraceHop[];
  /** Plain words: what ran, or why nothing could. */
  message: string;
}

export interface PathTraceOptions {
  platform?: NodeJS.Platform;
  maxHops?: number;
  /** Whole trace; the tools are killed after it. */
  timeoutMs?: number;
}

interface ToolRun {
  tool: TraceTool;
  cmd: string;
  args: (ip: string, maxHops: number) => string[];
}

const TOOLS: Record<"win32" | "other", ToolRun[]> = {
  // Without the runner only (the agent always has one on Windows): -d, no name lookups; -w 1000, 1 s per probe.
  win32: [{ tool: "tracert", cmd: "tracert.exe", args: (ip, h) => ["-d", "-h", String(h), "-w", "1000", ip] }],
  other: [
    { tool: "traceroute", cmd: "traceroute", args: (ip, h) => ["-n", "-q", "3", "-w", "1", "-m", String(h), ip] },
    { tool: "tracepath", cmd: "tracepath", args: (ip, h) => ["-n", "-m", String(h), ip] },
  ],
};

function run(cmd: string, args: string[], timeoutMs: number): Promise<{ ok: boolean; stdout: string; missing: boolean; error: string }> {
  return new Promise((resolve) => {
    try {
      execFile(cmd, args, { timeout: timeoutMs, windowsHide: true, maxBuffer: 1 << 20 }, (err, stdout) => {
        const code = (err as NodeJS.ErrnoException | null)?.code;
        resolve({ ok: err === null, stdout: String(stdout), missing: code === "ENOENT", error: err ? err.message : "" });
      });
    } catch (e) {
      resolve({ ok: false, stdout: "", missing: false, error: (e as Error).message });
    }
  });
}

/** Traces the path to `ip`. */
export async function runPathTrace(ip: string, opts: PathTraceOptions = {}): Promise<PathTraceResult> {
  if (isIP(ip) === 0) return { target: ip, tool: null, ok: false, hops: [], message: "Not traced: the target is not an IP address." };
  const maxHops = opts.maxHops ?? 30;
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const tools = TOOLS[(opts.platform ?? process.platform) === "win32" ? "win32" : "other"];
  for (const t of tools) {
    const r = await run(t.cmd, t.args(ip, maxHops), timeoutMs);
    if (r.missing) continue;
    const hops = parseTrace(t.tool, r.stdout);
    if (hops.length === 0) return { target: ip, tool: t.tool, ok: false, hops, message: `${t.tool} gave no hops${r.error ? ` (${r.error.split("\n")[0]})` : ""}.` };
    return { target: ip, tool: t.tool, ok: true, hops, message: `${t.tool} to ${ip}: ${count("en", hops.length, HOPS)}.` };
  }
  return {
    target: ip,
    tool: null,
    ok: false,
    hops: [],
    message: `No path-trace tool is available on this computer (${tools.map((t) => t.cmd).join(" or ")}), so no trace was taken.`,
  };
}

export interface WindowsTraceOptions {
  mode?: "tracert" | "pathping";
  maxHops?: number;
  /** Wait per probe, ms. */
  waitMs?: number;
  /** pathping's probes per hop. */
  queries?: number;
}

/** What Get-AgentPathTrace.ps1 puts in `data`. */
interface ScriptTrace {
  tool: "tracert" | "pathping";
  target: string;
  command: string;
  exitCode: number;
  lines: string[];
}

/**
 * The Windows trace through the PowerShell runner. The runner's time limit follows from the tool's own bounds:
 * tracert waits at most hops × 3 probes × wait; pathping adds hops × queries × its 250 ms period for statistics.
 */
export async function runPathTraceWindows(runner: ScriptRunner, ip: string, opts: WindowsTraceOptions = {}): Promise<PathTraceResult> {
  if (isIP(ip) === 0) return { target: ip, tool: null, ok: false, hops: [], message: "Not traced: the target is not an IP address." };
  const mode = opts.mode ?? "tracert";
  const maxHops = opts.maxHops ?? 30;
  const waitMs = opts.waitMs ?? 1000;
  const queries = opts.queries ?? 10;
  const boundMs = maxHops * 3 * waitMs + (mode === "pathping" ? maxHops * queries * (250 + waitMs) : 0);
  let out: Awaited<ReturnType<ScriptRunner["run"]>>;
  try {
    out = await runner.run({ script: READ_SCRIPTS.pathTrace, params: { target: ip, mode, maxHops, waitMs, queries }, mode: "Read", timeoutMs: boundMs + 30_000 });
  } catch (e) {
    return { target: ip, tool: null, ok: false, hops: [], message: `No trace was taken: ${(e as Error).message}` };
  }
  if (!out.ok) return { target: ip, tool: null, ok: false, hops: [], message: `No trace was taken: the trace script could not run (${out.code}: ${out.message}).` };
  if (out.result.status === "Failed") return { target: ip, tool: null, ok: false, hops: [], message: `No trace was taken: ${out.result.error?.message ?? "the trace script failed"}.` };
  const data = out.result.data as Partial<ScriptTrace> | null;
  const tool: TraceTool = data?.tool === "pathping" ? "pathping" : "tracert";
  const lines = Array.isArray(data?.lines) ? data.lines.filter((l): l is string => typeof l === "string") : [];
  const hops = parseTrace(tool, lines.join("\n"));
  if (hops.length === 0) return { target: ip, tool, ok: false, hops, message: `${tool} gave no hops${typeof data?.exitCode === "number" && data.exitCode !== 0 ? ` (exit code ${data.exitCode})` : ""}.` };
  return { target: ip, tool, ok: true, hops, message: `${tool} to ${ip}: ${count("en", hops.length, HOPS)}.` };
}

/** The path tracer for this computer: the PowerShell script on Windows (when there is a runner), the OS tools elsewhere. */
export function pathTracer(o: { runner: ScriptRunner | null; platform?: NodeJS.Platform }): (ip: string) => Promise<PathTraceResult> {
  const plat = o.platform ?? process.platform;
  const runner = o.runner;
  if (plat === "win32" && runner !== null) return (ip) => runPathTraceWindows(runner, ip);
  return (ip) => runPathTrace(ip, { platform: plat });
}
