/**
 * Times resolvers against the BSG host names, so `switch-dns` can pick the fastest public resolver that actually
 * resolves them (instead of a hard-coded favourite). "system" means the resolver the config calls the system one.
 *
 * "Resolves" means: answers with an address that works. Where resolvers disagree about a name (CDNs answer per
 * resolver, so that alone means nothing), each distinct address is connected to with the right name (TCP, then
 * the TLS handshake with SNI); a resolver whose address fails while another's works does not resolve BSG, however
 * fast it answers. That is what keeps `fix apply switch-dns` from refusing ("your DNS is already fastest") when
 * the diagnosis says your DNS sends Tarkov to the wrong place.
 */
import { isIP } from "node:net";
import type { ResolvedConfig } from "../config/schema.js";
import type { PhaseName, PhaseResult } from "../core/types.js";
import type { DnsBenchmarkEntry } from "../fixes/types.js";
import { runPhases } from "./chain.js";
import { buildProbeContext, parseTargetUrl, serversResolver, type ChainState, type ParsedTarget, type ResolverSpec } from "./context.js";
import { resolveName } from "./dns.js";
import { tcpPhase } from "./tcp.js";
import { tlsPhase } from "./tls.js";

const median = (xs: number[]): number | null => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** TCP + TLS (with the name as SNI) to one address: does the right server answer there? */
async function addressWorks(target: ParsedTarget, address: string, config: ResolvedConfig): Promise<boolean> {
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new Error("address check timed out")), config.probe.timeoutMs * 2 + 100);
  const ctx = buildProbeContext(config, deadline.signal);
  const state: ChainState = { target, addresses: [address], address, socket: null, tlsSocket: null, tls: null, httpStatus: null, ttfbMs: null };
  const into = {} as Record<PhaseName, PhaseResult>;
  try {
    return (await runPhases(state, ctx, [tcpPhase, tlsPhase], into)) === null;
  } finally {
    clearTimeout(timer);
    state.tlsSocket?.destroy();
    state.socket?.destroy();
  }
}

/** One lookup per BSG name per resolver (twice, so a cold cache does not decide), all resolvers in parallel. */
export async function benchmarkResolvers(config: ResolvedConfig, resolvers: readonly string[], rounds = 2): Promise<DnsBenchmarkEntry[]> {
  const targets = new Map<string, ParsedTarget>();
  for (const t of config.targets.filter((x) => x.group === "bsg")) {
    const parsed = parseTargetUrl(t.url);
    if (isIP(parsed.host) === 0 && !targets.has(parsed.host)) targets.set(parsed.host, parsed);
  }
  const names = [...targets.keys()];
  const specFor = (r: string): ResolverSpec =>
    r === "system" ? (config.dns.system === "os" ? { kind: "os", label: "os" } : serversResolver(config.dns.system)) : serversResolver([r]);
  const measured = await Promise.all(
    resolvers.map(async (resolver) => {
      const spec = specFor(resolver);
      const times: number[] = [];
      const answers = new Map<string, string>();
      let failures = 0;
      for (let i = 0; i < rounds; i++) {
        await Promise.all(
          names.map(async (name) => {
            const started = performance.now();
            const r = await resolveName(name, spec, { timeoutMs: config.probe.timeoutMs });
            if (r.ok) {
              times.push(performance.now() - started);
              if (r.value[0] !== undefined) answers.set(name, r.value[0]);
            } else failures++;
          }),
        );
      }
      return { resolver, times, answers, failures };
    }),
  );
  // Names the resolvers disagree about: check each distinct address once.
  const verdict = new Map<string, boolean>();
  await Promise.all(
    names.map(async (name) => {
      const distinct = new Set(measured.flatMap((m) => (m.answers.has(name) ? [m.answers.get(name)!] : [])));
      if (distinct.size < 2) return;
      await Promise.all([...distinct].map(async (address) => verdict.set(`${name} ${address}`, await addressWorks(targets.get(name)!, address, config))));
    }),
  );
  const answerFails = (name: string, address: string): boolean => {
    const own = verdict.get(`${name} ${address}`);
    if (own !== false) return false;
    // Only a failure that another resolver's answer avoids counts against this resolver.
    return [...verdict].some(([key, works]) => works && key.startsWith(`${name} `));
  };
  return measured.map(({ resolver, times, answers, failures }) => ({
    resolver,
    medianMs: median(times),
    resolvesBsg: names.length > 0 && failures === 0 && ![...answers].some(([name, address]) => answerFails(name, address)),
  }));
}
