/**
 * The evidence lines a diagnosis shows: one plain sentence per fact, written for a support engineer and readable
 * by a player. Pure functions over the round; the rules in classify.ts pick which ones explain the verdict.
 */
import { commonName, interceptorLabel, interceptorOf } from "./interception.js";
import { firstFailure, firstFailureOf, isIpLiteral, reachable, targetState } from "./target-state.js";
import type { Evidence, RoundResult, TargetResult, TlsDetail } from "./types.js";
import { PHASES } from "./types.js";

const listIds = (ts: readonly TargetResult[]): string => (ts.length <= 3 ? ts.map((t) => t.id).join(", ") : `${ts.slice(0, 3).map((t) => t.id).join(", ")} and ${ts.length - 3} more`);

export function describeTarget(t: TargetResult): Evidence {
  const where = `${t.id} (${t.host}:${t.port})`;
  if (t.broken !== null) {
    return { kind: "broken-probe", targetId: t.id, code: "PROBE_BROKEN", text: `${where}: the check itself failed to run (agent bug, not an outage): ${t.broken}` };
  }
  const f = firstFailure(t);
  if (f === null) {
    const total = PHASES.reduce((sum, p) => {
      const r = t.phases[p];
      return r.status === "ok" ? sum + r.ms : sum;
    }, 0);
    const http = t.httpStatus === null ? "" : `, HTTP ${t.httpStatus}`;
    return { kind: "target", targetId: t.id, text: `${where}: reachable in ${Math.round(total)} ms${http}` };
  }
  const tls = f.phase === "tls" && t.tls !== null && t.tls.issuer !== null ? ` (certificate issued by "${t.tls.issuer}" for "${t.tls.subject ?? "?"}")` : "";
  return {
    kind: "target",
    targetId: t.id,
    code: f.code,
    text: `${where}: ${f.phase.toUpperCase()} failed with ${f.code} after ${Math.round(f.ms)} ms${tls}${f.message ? ` — ${f.message}` : ""}`,
  };
}

export function describeDns(t: TargetResult): Evidence | null {
  if (isIpLiteral(t.host) || t.dns.length < 2) return null;
  const parts = t.dns.map((a) => {
    const r = a.result;
    const shown = r.status === "ok" ? (a.addresses.length > 0 ? a.addresses.slice(0, 2).join(", ") : "no address") : r.status === "fail" ? r.code : "not asked";
    return `${a.role === "system" ? "your DNS" : a.resolver}: ${shown}`;
  });
  return { kind: "dns", targetId: t.id, text: `DNS for ${t.host} — ${parts.join("; ")}` };
}

/** Your DNS's address failed, a public resolver's address for the same name worked: the hijack, in one line. */
export function describeHijack(t: TargetResult): Evidence {
  const f = firstFailure(t);
  const alt = t.publicAddress;
  const why = f === null ? "fails" : `fails with ${f.code}${f.phase === "tls" && t.tls?.subject ? ` (a certificate for "${commonName(t.tls.subject) ?? t.tls.subject}")` : ""}`;
  const altOk = alt === null || alt === undefined ? "" : ` while ${alt.resolver}'s answer ${alt.address} works${alt.httpStatus === null ? "" : ` (HTTP ${alt.httpStatus})`}`;
  return {
    kind: "dns",
    targetId: t.id,
    code: f?.code,
    severity: "problem",
    text: `Your DNS sends ${t.host} to ${t.address ?? "?"}, where the connection ${why}${altOk}: your DNS sends Tarkov to the wrong place.`,
  };
}

/** The public-address cross-check that did not help: both addresses fail, so it is not the DNS. */
export function describeBothAddressesFail(t: TargetResult): Evidence | null {
  const alt = t.publicAddress;
  if (alt === null || alt === undefined) return null;
  const f = firstFailureOf(alt.phases);
  return { kind: "dns", targetId: t.id, text: `${t.host}: the address from ${alt.resolver} (${alt.address}) fails too${f === null ? "" : ` (${f.code})`}, so your DNS's different answer is not the cause.` };
}

export function describeGateway(round: RoundResult): Evidence {
  const g = round.gateway;
  const host = g.host ?? "no gateway";
  const icmp = g.icmp === null ? "" : g.icmp ? ", answers ping" : ", no ping reply";
  const text =
    g.state === "alive"
      ? `Router ${host} answers (${g.via ?? "tcp"}${icmp})`
      : g.state === "dead"
        ? `Router ${host} does not answer${icmp}: ${g.message}`
        : g.state === "no-route"
          ? `No default route: ${g.message}`
          : `Router could not be checked: ${g.message}`;
  return { kind: "gateway", text };
}

export function describeStatus(round: RoundResult): Evidence {
  const s = round.statusApi;
  if (s.state === "disabled") return { kind: "status-api", text: "BSG status page: not checked (disabled in config)" };
  if (s.state === "unknown") return { kind: "status-api", text: `BSG status page: unknown (${s.error ?? "no answer"})` };
  const words = { ok: "all OK", updating: "updating (maintenance)", unstable: "unstable", down: "down" }[s.state];
  const bad = s.services.filter((x) => x.status !== 0).map((x) => `${x.name}=${x.status}`);
  const open = s.messages.find((m) => m.solveTime === null);
  return {
    kind: "status-api",
    text: `BSG status page: ${words}${s.message ? ` — "${s.message}"` : ""}${bad.length > 0 ? `; services not OK: ${bad.join(", ")}` : ""}${open ? `; open notice: "${open.content}"` : ""}`,
  };
}

export function controlsEvidence(controls: TargetResult[]): Evidence {
  const usable = controls.filter((t) => targetState(t) !== "missing");
  const ok = usable.filter(reachable);
  if (usable.length === 0) return { kind: "controls", text: "Other sites (controls): none could be checked" };
  return { kind: "controls", text: `Other sites (controls): ${ok.length} of ${usable.length} reachable${ok.length > 0 ? ` (${ok.map((t) => t.id).join(", ")})` : ""}` };
}

/** "Windows" on Windows; what the check recorded otherwise. */
const storeName = (tls: TlsDetail | null): string => tls?.systemStore?.name ?? "Windows";
const possessive = (name: string): string => (name.endsWith("s") ? `${name}'` : `${name}'s`);

/**
 * Certificates that are not BSG's, grouped by issuer: who is in the middle, and whether the game (which trusts
 * the operating system's store) will fail too.
 */
export function describeUntrusted(bsg: readonly TargetResult[], controls: readonly TargetResult[]): Evidence[] {
  const byIssuer = new Map<string, TargetResult[]>();
  for (const t of bsg) {
    const key = t.tls?.issuer ?? "";
    byIssuer.set(key, [...(byIssuer.get(key) ?? []), t]);
  }
  const out: Evidence[] = [];
  for (const [issuer, ts] of byIssuer) {
    const first = ts[0]!;
    const code = firstFailure(first)?.code;
    const tls = first.tls;
    const cn = commonName(issuer);
    const others = controls.filter((c) => (c.tls?.issuer ?? "") === issuer && firstFailure(c)?.code === code);
    const everywhere = others.length > 0 ? ` Other sites get it too (${listIds(others)}): it sits in front of all secure traffic, not only BSG's.` : "";
    let text: string;
    if (code === "TLS_HOSTNAME_MISMATCH") {
      text = `HTTPS to BSG (${listIds(ts)}) is answered with a certificate for "${commonName(tls?.subject) ?? "?"}"${cn === null ? "" : ` from "${cn}"`} instead of BSG's: a Wi-Fi sign-in page or a proxy answers in BSG's place.`;
    } else if (code === "TLS_EXPIRED") {
      text = `HTTPS to BSG (${listIds(ts)}) shows a certificate outside its validity period${cn === null ? "" : ` (from "${cn}", valid to ${tls?.validTo ?? "?"})`}: usually this PC's clock is wrong.`;
    } else {
      const who = interceptorLabel(issuer);
      const trust =
        tls?.systemStore === undefined
          ? "that is not trusted"
          : tls.systemStore.read
            ? `that ${storeName(tls)} does not trust either (untrusted): the game will fail too`
            : `that the agent does not trust; ${possessive(storeName(tls))} own trust store could not be read by this runtime, so the game may still accept it`;
      text = `HTTPS to BSG (${listIds(ts)}) is intercepted by ${who}: the certificate comes from "${cn ?? "an unnamed issuer"}" ${trust}.`;
    }
    const product = code === "TLS_UNTRUSTED" ? interceptorOf(issuer) : null;
    const setting = product === null ? "" : ` The one setting to change: ${product.setting}`;
    out.push({ kind: "target", targetId: first.id, code, severity: "problem", text: text + everywhere + setting });
  }
  return out;
}

/** HTTPS that works but is inspected by a root only the operating system trusts: worth knowing, not a failure. */
export function describeInspected(targets: readonly TargetResult[]): Evidence[] {
  const inspected = targets.filter((t) => t.group === "bsg" && reachable(t) && t.tls?.trustedBy === "system");
  const byIssuer = new Map<string, TargetResult[]>();
  for (const t of inspected) byIssuer.set(t.tls?.issuer ?? "", [...(byIssuer.get(t.tls?.issuer ?? "") ?? []), t]);
  return [...byIssuer].map(([issuer, ts]) => ({
    kind: "target" as const,
    targetId: ts[0]!.id,
    severity: "info" as const,
    text: `HTTPS to BSG is inspected by ${interceptorLabel(issuer)} (trusted by ${storeName(ts[0]!.tls)}): ${listIds(ts)} get a certificate from "${commonName(issuer) ?? "?"}". The game accepts it as well, so it does not block the connection.`,
  }));
}
