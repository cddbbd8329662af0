/**
 * Times resolvers against the BSG host names, so `switch-dns` can pick the fastest public resolver that actually
 * resolves them (instead of a hard-coded favourite). "system" means the resolver the config calls the system one.
 */
import { isIP } from "node:net";
import type { ResolvedConfig } from "../config/schema.js";
import type { DnsBenchmarkEntry } from "../fixes/types.js";
import { parseTargetUrl, serversResolver, type ResolverSpec } from "./context.js";
import { resolveName } from "./dns.js";

const median = (xs: number[]): number | null => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** One lookup per BSG name per resolver (twice, so a cold cache does not decide), all resolvers in parallel. */
export async function benchmarkResolvers(config: ResolvedConfig, resolvers: readonly string[], rounds = 2): Promise<DnsBenchmarkEntry[]> {
  const names = [...new Set(config.targets.filter((t) => t.group === "bsg").map((t) => parseTargetUrl(t.url).host))].filter((h) => isIP(h) === 0);
  const specFor = (r: string): ResolverSpec =>
    r === "system" ? (config.dns.system === "os" ? { kind: "os", label: "os" } : serversResolver(config.dns.system)) : serversResolver([r]);
  return Promise.all(
    resolvers.map(async (resolver) => {
      const spec = specFor(resolver);
      const times: number[] = [];
      let failures = 0;
      for (let i = 0; i < rounds; i++) {
        await Promise.all(
          names.map(async (name) => {
            const started = performance.now();
            const r = await resolveName(name, spec, { timeoutMs: config.probe.timeoutMs });
            if (r.ok) times.push(performance.now() - started);
            else failures++;
          }),
        );
      }
      return { resolver, medianMs: median(times), resolvesBsg: names.length > 0 && failures === 0 };
    }),
  );
}
