/**
 * Takes a path trace to one address with the OS's own tool: `tracert -d` on Windows, `traceroute -n` (or
 * `tracepath -n`) elsewhere. Only an IP literal is ever passed, as its own argument with no shell, so nothing from
 * a log or the network can become an option or a command. Never throws: a missing tool is a plain-words result.
 */
import { execFile } from "node:child_process";
import { isIP } from "node:net";
import { parseTrace, type TraceHop, type TraceTool } from "../report/path-trace.js";

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
  // -d: no name lookups (fast, and names say nothing the address does not); -w 1000: 1 s per probe.
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
    return { target: ip, tool: t.tool, ok: true, hops, message: `${t.tool} to ${ip}: ${hops.length} hop(s).` };
  }
  return {
    target: ip,
    tool: null,
    ok: false,
    hops: [],
    message: `No path-trace tool is available on this computer (${tools.map((t) => t.cmd).join(" or ")}), so no trace was taken.`,
  };
}
