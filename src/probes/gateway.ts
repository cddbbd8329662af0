/**
 * Is the first hop (the home router) there? Routers rarely answer on every port, but a refused TCP connect proves
 * the box is alive just as well as an accepted one, and unlike ICMP it needs no privileges and is never filtered
 * by the PC's own firewall. ICMP (the OS `ping`) is recorded as an extra signal only.
 */
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { win32 } from "node:path";
import type { ResolvedConfig } from "../config/schema.js";
import type { GatewayResult } from "../core/types.js";
import { connectTcp } from "./tcp.js";
import { abortMessage, describeError, elapsed, errorCode } from "./limits.js";

/** Little-endian hex IPv4 as found in /proc/net/route (`0101A8C0` → `192.168.1.1`). */
export function hexToIpv4(hex: string): string | null {
  if (!/^[0-9A-Fa-f]{8}$/.test(hex)) return null;
  const n = Number.parseInt(hex, 16);
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff].join(".");
}

/** Linux: the gateway of the up default route (destination and mask 0) with the lowest metric, or null. */
export function parseProcNetRoute(text: string): string | null {
  let best: { gw: string; metric: number } | null = null;
  for (const line of text.split(/\r?\n/).slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8) continue;
    const [, dest, gwHex, flagsHex, , , metricText, mask] = f;
    const flags = Number.parseInt(flagsHex ?? "", 16);
    if (dest !== "00000000" || mask !== "00000000" || Number.isNaN(flags) || (flags & 0x3) !== 0x3) continue; // RTF_UP | RTF_GATEWAY
    const gw = hexToIpv4(gwHex ?? "");
    const metric = Number(metricText);
    if (gw === null || gw === "0.0.0.0" || Number.isNaN(metric)) continue;
    if (best === null || metric < best.metric) best = { gw, metric };
  }
  return best?.gw ?? null;
}

const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;

/**
 * Windows: `route print -4 0.0.0.0`. Headings are localised ("Active Routes:", "Aktive Routen:"), so rows are
 * recognised by shape: active routes have five columns (destination, mask, gateway, interface, metric), persistent
 * ones four. On-link rows have no gateway address and are skipped.
 */
export function parseWindowsRoutePrint(text: string): string | null {
  let best: { gw: string; metric: number } | null = null;
  for (const line of text.split(/\r?\n/)) {
    const f = line.trim().split(/\s+/);
    if (f.length !== 5) continue;
    const [dest, mask, gw, iface, metricText] = f as [string, string, string, string, string];
    if (dest !== "0.0.0.0" || mask !== "0.0.0.0" || !IPV4.test(gw) || !IPV4.test(iface) || !/^\d+$/.test(metricText)) continue;
    const metric = Number(metricText);
    if (best === null || metric < best.metric) best = { gw, metric };
  }
  return best?.gw ?? null;
}

/** A route table we could read looks like one: `route print` always draws its tables between "=====" rules. */
function looksLikeRoutePrint(text: string): boolean {
  return /^={20,}\s*$/m.test(text);
}

/**
 * Windows programs by full path. A bare `route`/`ping` is looked up in the current folder before PATH, so a
 * `route.exe` planted in whatever folder the agent was started from would run instead (found under wine).
 */
export function windowsSystemProgram(exe: "ROUTE.EXE" | "PING.EXE", env: Readonly<Record<string, string | undefined>> = process.env): string {
  return win32.join(env.SystemRoot ?? env.windir ?? "C:\\Windows", "System32", exe);
}

/** Output of a finished program; `code` null when it could not run at all. */
export interface ExecResult {
  code: number | null;
  stdout: string;
  error: string | null;
}

/** The gateway probe's I/O, replaceable in tests. */
export interface GatewayDeps {
  platform: NodeJS.Platform;
  readFile(path: string): Promise<string>;
  exec(file: string, args: string[], opts: { timeoutMs: number; signal: AbortSignal }): Promise<ExecResult>;
  /** Set to false to never run `ping`. */
  icmp: boolean;
  /** Environment for locating System32 (SystemRoot); defaults to process.env. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** Runs a program without a shell; never rejects. */
export function execNoShell(file: string, args: string[], opts: { timeoutMs: number; signal: AbortSignal }): Promise<ExecResult> {
  return new Promise((resolve) => {
    try {
      execFile(file, args, { timeout: opts.timeoutMs, signal: opts.signal, windowsHide: true, encoding: "utf8", maxBuffer: 256 * 1024 }, (err, stdout) => {
        if (err === null) {
          resolve({ code: 0, stdout, error: null });
          return;
        }
        const exit = (err as { code?: unknown }).code;
        resolve({ code: typeof exit === "number" ? exit : null, stdout: typeof stdout === "string" ? stdout : "", error: describeError(err) });
      });
    } catch (e) {
      resolve({ code: null, stdout: "", error: describeError(e) });
    }
  });
}

export const defaultGatewayDeps: GatewayDeps = {
  platform: process.platform,
  readFile: (p) => readFile(p, "utf8"),
  exec: execNoShell,
  icmp: true,
};

/**
 * Finds the default gateway of this machine. `known: false` means the route table could not be read at all
 * (`route print` missing or failing, /proc unreadable): that says nothing about the network, so the router is
 * "unknown", never "no default route" (which would read as a local-network fault with high confidence).
 */
export async function findDefaultGateway(deps: GatewayDeps, signal: AbortSignal, timeoutMs: number): Promise<{ host: string | null; known: boolean; message: string }> {
  if (deps.platform === "win32") {
    const r = await deps.exec(windowsSystemProgram("ROUTE.EXE", deps.env), ["print", "-4", "0.0.0.0"], { timeoutMs, signal });
    if (r.code !== 0 || !looksLikeRoutePrint(r.stdout)) {
      const why = r.code === null ? (r.error ?? "it could not run") : r.code !== 0 ? `exit code ${r.code}${r.error ? `: ${r.error}` : ""}` : "its output is not a route table";
      return { host: null, known: false, message: `route table unreadable (route print: ${why})` };
    }
    const host = parseWindowsRoutePrint(r.stdout);
    return { host, known: true, message: host === null ? "no default route in `route print`" : `default gateway ${host} from route print` };
  }
  let text: string;
  try {
    text = await deps.readFile("/proc/net/route");
  } catch (e) {
    return { host: null, known: false, message: `route table unreadable (/proc/net/route: ${errorCode(e) ?? describeError(e)})` };
  }
  const host = parseProcNetRoute(text);
  return { host, known: true, message: host === null ? "no default route in /proc/net/route" : `default gateway ${host} from /proc/net/route` };
}

/** ICMP echo through the OS `ping`: true/false, or null when ping is missing or not permitted. */
export async function pingOnce(host: string, deps: GatewayDeps, signal: AbortSignal): Promise<boolean | null> {
  const win = deps.platform === "win32";
  const args = win ? ["-n", "1", "-w", "1000", host] : ["-c", "1", "-W", "1", host];
  const r = await deps.exec(win ? windowsSystemProgram("PING.EXE", deps.env) : "ping", args, { timeoutMs: 3000, signal });
  if (win) {
    // Windows ping exits 0 on "Destination host unreachable" from another hop; only a TTL line is a real echo reply.
    if (r.code === null) return null;
    return r.code === 0 && /TTL=/i.test(r.stdout);
  }
  if (r.code === 0) return true;
  if (r.code === 1) return false; // no reply
  return null; // 2 = error (no permission, bad address), null = not found
}

type PortAnswer = { port: number; verdict: "accepted" | "refused" | "timeout" | "other"; ms: number; message: string };

async function knock(host: string, port: number, timeoutMs: number, signal: AbortSignal): Promise<PortAnswer> {
  const t0 = performance.now();
  const r = await connectTcp(host, port, { timeoutMs, signal });
  const ms = elapsed(t0);
  if (r.ok) {
    r.value.destroy();
    return { port, verdict: "accepted", ms, message: "" };
  }
  if (r.code === "TCP_REFUSED") return { port, verdict: "refused", ms, message: "" };
  return { port, verdict: r.code === "TCP_TIMEOUT" ? "timeout" : "other", ms, message: r.message };
}

/** Probes the configured or auto-detected gateway. Never throws. */
export async function probeGateway(gateway: ResolvedConfig["gateway"], opts: { timeoutMs: number; signal: AbortSignal }, deps: GatewayDeps = defaultGatewayDeps): Promise<GatewayResult> {
  const source = gateway === "auto" ? "auto" : "config";
  const t0 = performance.now();
  let host: string;
  let ports: number[];
  if (gateway === "auto") {
    const found = await findDefaultGateway(deps, opts.signal, opts.timeoutMs);
    if (found.host === null) return { host: null, source, state: found.known ? "no-route" : "unknown", via: null, ms: null, message: found.message, icmp: null };
    host = found.host;
    ports = [53, 80, 443];
  } else {
    host = gateway.host;
    ports = gateway.ports;
  }
  // First accepted-or-refused port wins; the others are cancelled so the round does not wait for their timeouts.
  const stop = new AbortController();
  const signal = AbortSignal.any([opts.signal, stop.signal]);
  const answers = await new Promise<PortAnswer[]>((resolve) => {
    const done: PortAnswer[] = [];
    for (const port of ports) {
      void knock(host, port, opts.timeoutMs, signal).then((a) => {
        done.push(a);
        if (a.verdict === "accepted" || a.verdict === "refused") {
          stop.abort(new Error("another port answered"));
          resolve([a]);
        } else if (done.length === ports.length) resolve(done);
      });
    }
  });
  const cutShort = opts.signal.aborted;
  const alive = answers.find((a) => a.verdict === "accepted" || a.verdict === "refused");
  if (alive !== undefined) {
    // ICMP only adds something when TCP could not show the router is there; spawning ping every round would cost
    // a process start every 15 s for no information.
    return { host, source, state: "alive", via: `tcp:${alive.port}:${alive.verdict}`, ms: alive.ms, message: `gateway ${host} answered on TCP port ${alive.port} (${alive.verdict})`, icmp: null };
  }
  const ms = elapsed(t0);
  const icmpResult = deps.icmp && !cutShort ? await pingOnce(host, deps, opts.signal) : null;
  if (cutShort) {
    return { host, source, state: "unknown", via: null, ms, message: `gateway ${host}: ${abortMessage(opts.signal)}`, icmp: icmpResult };
  }
  const other = answers.find((a) => a.verdict === "other");
  const detail = other !== undefined ? `; ${other.message}` : "";
  return { host, source, state: "dead", via: null, ms, message: `gateway ${host} did not answer on TCP port${ports.length > 1 ? "s" : ""} ${ports.join(", ")} within ${opts.timeoutMs} ms${detail}`, icmp: icmpResult };
}
