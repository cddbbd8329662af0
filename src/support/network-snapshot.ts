/**
 * The network snapshot for a support bundle: on Windows the read-only `Get-AgentNetworkSnapshot.ps1` through the
 * agent's PowerShell runner (adapters, DNS servers, routes, proxies, firewall state); elsewhere the same top-level
 * shape from Node. It goes through redaction like every other item (MACs, public addresses, SSIDs).
 */
import { readFile } from "node:fs/promises";
import { getServers } from "node:dns";
import { networkInterfaces, platform, release } from "node:os";
import type { ScriptRunner } from "../ports/powershell.js";

export interface NetworkSnapshot {
  source: "powershell" | "node";
  collectedAt: string;
  data: unknown;
  /** Why some or all of it is missing. */
  error: string | null;
}

/** `/proc/net/route` → default and other IPv4 routes (Linux); [] elsewhere. */
export function parseProcRoutes(text: string): { iface: string; destination: string; gateway: string; metric: number }[] {
  const hex = (h: string) => [0, 1, 2, 3].map((i) => parseInt(h.slice(6 - 2 * i, 8 - 2 * i), 16)).join(".");
  return text
    .split("\n")
    .slice(1)
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 8 && /^[0-9A-F]{8}$/i.test(f[1]!))
    .map((f) => ({ iface: f[0]!, destination: hex(f[1]!), gateway: hex(f[2]!), metric: Number(f[6]) }));
}

async function nodeSnapshot(): Promise<NetworkSnapshot> {
  const adapters = Object.entries(networkInterfaces()).map(([name, infos]) => ({
    name,
    addresses: (infos ?? []).map((i) => ({ family: i.family, address: i.address, netmask: i.netmask, internal: i.internal })),
    mac: infos?.[0]?.mac ?? null,
  }));
  let routes: ReturnType<typeof parseProcRoutes> = [];
  try {
    routes = parseProcRoutes(await readFile("/proc/net/route", "utf8"));
  } catch {
    // not Linux
  }
  const proxies = Object.fromEntries(["HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy"].flatMap((k) => (process.env[k] ? [[k, process.env[k]]] : [])));
  return {
    source: "node",
    collectedAt: new Date().toISOString(),
    data: { os: { platform: platform(), release: release() }, adapters, dnsServers: getServers(), routes, proxies, firewall: "not collected on this operating system" },
    error: null,
  };
}

/** Takes the snapshot: PowerShell on Windows (when a runner is given), Node elsewhere. Never throws. */
export async function takeNetworkSnapshot(runner: ScriptRunner | null, plat: NodeJS.Platform = process.platform): Promise<NetworkSnapshot> {
  if (plat === "win32" && runner !== null) {
    try {
      const r = await runner.run({ script: "Get-AgentNetworkSnapshot.ps1", params: {}, mode: "Read", timeoutMs: 60_000 });
      if (r.ok) return { source: "powershell", collectedAt: new Date().toISOString(), data: r.result.data, error: null };
      const fallback = await nodeSnapshot();
      return { ...fallback, error: `PowerShell snapshot failed (${r.code}: ${r.message}); this is the basic one from Node` };
    } catch (e) {
      const fallback = await nodeSnapshot();
      return { ...fallback, error: `PowerShell snapshot failed: ${(e as Error).message}` };
    }
  }
  try {
    return await nodeSnapshot();
  } catch (e) {
    return { source: "node", collectedAt: new Date().toISOString(), data: null, error: (e as Error).message };
  }
}

/** Wi-Fi network names a snapshot shows (so the redactor can remove them anywhere in the bundle). */
export function ssidsIn(snapshot: NetworkSnapshot): string[] {
  const out = new Set<string>();
  const walk = (v: unknown, key: string) => {
    if (typeof v === "string" && /^ssid$|^profile(name)?$/i.test(key) && v.trim() !== "") out.add(v);
    else if (Array.isArray(v)) v.forEach((x) => walk(x, key));
    else if (v !== null && typeof v === "object") for (const [k, x] of Object.entries(v)) walk(x, k);
  };
  walk(snapshot.data, "");
  return [...out];
}
