/**
 * DNS phase: resolve the target's name through the system resolver. `"os"` means getaddrinfo (what the game
 * itself uses); explicit servers go through c-ares so the answer can be compared resolver by resolver.
 */
import { promises as dnsPromises } from "node:dns";
import { isIP } from "node:net";
import type { FailureCode } from "../core/types.js";
import type { Outcome } from "../core/outcome.js";
import { fail, type PhaseProbe, type ResolverSpec } from "./context.js";
import { armLimits, describeError, errorCode, once, type Limits } from "./limits.js";

/** Node's resolver error codes → our failure codes. */
export function dnsFailureCode(code: string | undefined): FailureCode {
  switch (code) {
    case "ENOTFOUND":
      return "DNS_NXDOMAIN";
    case "ENODATA":
      return "DNS_NODATA";
    case "ESERVFAIL":
      return "DNS_SERVFAIL";
    case "EREFUSED":
      return "DNS_REFUSED";
    // EAI_AGAIN is getaddrinfo's "temporary failure": no resolver answered in time (the usual no-internet symptom).
    case "ETIMEOUT":
    case "EAI_AGAIN":
      return "DNS_TIMEOUT";
    default:
      return "DNS_ERROR";
  }
}

/** Asks the given resolver for the name's addresses (A, then AAAA when there is no A). Never throws. */
export async function resolveName(name: string, resolver: ResolverSpec, limits: Limits): Promise<Outcome<string[], FailureCode>> {
  if (isIP(name) !== 0) return { ok: true, value: [name] };
  const result = once<Outcome<string[], FailureCode>>();
  let cancel = (): void => undefined;
  const disarm = armLimits(limits, `DNS ${name} via ${resolver.label}`, (message) => {
    cancel();
    result.settle({ ok: false, code: "DNS_TIMEOUT", message });
  });
  const failed = (e: unknown): Outcome<string[], FailureCode> => ({
    ok: false,
    code: dnsFailureCode(errorCode(e)),
    message: `DNS ${name} via ${resolver.label}: ${describeError(e)}`,
  });
  const attempt = async (): Promise<Outcome<string[], FailureCode>> => {
    if (resolver.kind === "os") {
      // getaddrinfo cannot be cancelled; the timer settles the phase and the late answer is dropped.
      const answers = await dnsPromises.lookup(name, { all: true, verbatim: true });
      return { ok: true, value: answers.map((a) => a.address) };
    }
    const r = new dnsPromises.Resolver({ timeout: Math.max(1, limits.timeoutMs), tries: 1 });
    r.setServers(resolver.servers);
    cancel = () => r.cancel();
    try {
      return { ok: true, value: await r.resolve4(name) };
    } catch (e) {
      if (errorCode(e) !== "ENODATA") throw e;
      return { ok: true, value: await r.resolve6(name) };
    }
  };
  attempt().then(
    (v) => result.settle(v.ok && v.value.length === 0 ? { ok: false, code: "DNS_NODATA", message: `DNS ${name} via ${resolver.label}: empty answer` } : v),
    (e: unknown) => result.settle(failed(e)),
  );
  const value = await result.promise;
  disarm();
  return value;
}

/** Registry entry: resolve through the system resolver and keep the first address for the transport phases. */
export const dnsPhase: PhaseProbe = {
  phase: "dns",
  appliesTo: () => true,
  async run(state, ctx) {
    const r = await resolveName(state.target.host, ctx.systemResolver, { timeoutMs: ctx.timeoutMs, signal: ctx.signal });
    if (!r.ok) return fail(r.code, r.message);
    state.addresses = r.value;
    state.address = r.value[0] ?? null;
    return { ok: true };
  },
};
