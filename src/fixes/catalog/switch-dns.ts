import { z } from "zod";
import { paramsObject } from "../result-schema.js";
import { DNS_PROVIDERS, DNS_PROVIDER_IDS, type DnsBenchmarkEntry, type DnsProvider, type FixSpec, type Prepared } from "../types.js";
import { verdictsAdvising } from "../../core/advice.js";

const switchDnsParams = paramsObject({
  provider: z.enum(DNS_PROVIDER_IDS as [DnsProvider, ...DnsProvider[]]),
  ipv4: z.array(z.ipv4()).min(1),
  ipv6: z.array(z.ipv6()),
  /** The script touches active physical adapters only; VPN and virtual adapters keep their DNS. */
  physicalAdaptersOnly: z.literal(true),
});
export type SwitchDnsParams = z.infer<typeof switchDnsParams>;

const paramsFor = (provider: DnsProvider): SwitchDnsParams => ({
  provider,
  ipv4: [...DNS_PROVIDERS[provider].ipv4],
  ipv6: [...DNS_PROVIDERS[provider].ipv6],
  physicalAdaptersOnly: true,
});

/**
 * Pick a provider from the agent's own DNS timing: the fastest public resolver that resolves the BSG hosts. Refuses
 * when none does, or when the current resolver already resolves them faster (switching would not help).
 */
export function pickProvider(bench: readonly DnsBenchmarkEntry[]): Prepared<SwitchDnsParams> {
  const byIp = new Map(bench.map((b) => [b.resolver, b]));
  const candidates = DNS_PROVIDER_IDS.map((id) => ({ id, entry: byIp.get(DNS_PROVIDERS[id].ipv4[0]) }))
    .filter((c): c is { id: DnsProvider; entry: DnsBenchmarkEntry & { medianMs: number } } => c.entry !== undefined && c.entry.resolvesBsg && c.entry.medianMs !== null)
    .sort((a, b) => a.entry.medianMs - b.entry.medianMs);
  const best = candidates[0];
  if (best === undefined) return { ok: false, code: "DNS_NONE_RESOLVES", message: "none of the public resolvers answered for the BSG hosts; switching DNS would not help" };
  const current = byIp.get("system");
  if (current?.resolvesBsg === true && current.medianMs !== null && current.medianMs <= best.entry.medianMs) {
    return { ok: false, code: "DNS_CURRENT_FASTEST", message: `your current DNS already resolves the BSG hosts fastest (${current.medianMs} ms vs ${DNS_PROVIDERS[best.id].label} ${best.entry.medianMs} ms); pick a provider to switch anyway` };
  }
  return { ok: true, params: paramsFor(best.id), note: `${DNS_PROVIDERS[best.id].label} was fastest (${best.entry.medianMs} ms)`, detail: bench };
}

/** Point the active physical adapters at Cloudflare, Google or Quad9, IPv4 and IPv6 (guide step 5). */
export const switchDns: FixSpec<SwitchDnsParams> = {
  id: "switch-dns",
  title: "Switch to a faster public DNS",
  guideStep: 5,
  risk: "medium",
  needsAdmin: true,
  reversible: true,
  rebootNeeded: false,
  // The verdicts whose advice offers this fix (src/core/advice.ts): one table for advice and applicability.
  appliesTo: verdictsAdvising("switch-dns"),
  script: "Set-AgentDnsServer.ps1",
  undoScript: "Restore-AgentDnsServer.ps1",
  // Exact undo needs the registry snapshot (static vs DHCP, order) the dry run reads first.
  requiresSnapshot: true,
  paramsSchema: switchDnsParams,
  async prepare(ctx, opts) {
    if (opts.provider !== undefined) return { ok: true, params: paramsFor(opts.provider) };
    const bench = await ctx.benchmarkDns(["system", ...DNS_PROVIDER_IDS.map((id) => DNS_PROVIDERS[id].ipv4[0])]);
    return pickProvider(bench);
  },
};
