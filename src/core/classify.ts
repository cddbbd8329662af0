/**
 * The verdict: a pure function from one probe round to "why can't Tarkov reach BSG right now".
 *
 * Measurement is kept apart from judgement (Gatus): probes only record codes; every cross-probe rule lives here.
 * Rules run from the most specific, best-evidenced cause to the least, and the controls gate everything: when
 * the player's own internet is down the agent never blames BSG. "Down" means nothing answered: a TLS server that
 * showed the wrong certificate, or the right server at a public resolver's address, is the internet answering.
 * Broken probes and probes the deadline cut off are missing evidence, never failures.
 */
import { adviceFor, firewallBlocks } from "./advice.js";
import {
  controlsEvidence,
  describeBothAddressesFail,
  describeDns,
  describeGateway,
  describeHijack,
  describeInspected,
  describeStatus,
  describeTarget,
  describeUntrusted,
} from "./evidence.js";
import { EN } from "./i18n/index.js";
import { interceptorOf, type Interceptor } from "./interception.js";
import { meaningOf } from "./meaning.js";
import {
  certAnswered,
  firstFailure,
  internetAnswered,
  isIpLiteral,
  publicAddressWorks,
  reachable,
  systemDnsBroken,
  targetState,
} from "./target-state.js";
import type { Confidence, Diagnosis, Evidence, FailureCode, RoundResult, TargetResult, VariantId, VerdictId } from "./types.js";
import { VARIANTS } from "./types.js";
import { count } from "./i18n/format.js";

export { firstFailure, targetState, type TargetState } from "./target-state.js";

/** Transport-level failures after DNS answered: the path to BSG, not BSG's software, is failing. */
const TRANSPORT_CODES: ReadonlySet<FailureCode> = new Set([
  "TCP_REFUSED",
  "TCP_TIMEOUT",
  "TCP_RESET",
  "NET_UNREACHABLE",
  "TLS_HANDSHAKE",
  "TLS_TIMEOUT",
  "HTTP_TIMEOUT",
  "HTTP_PROTOCOL",
]);

interface Finding {
  variant: VariantId;
  confidence: Confidence;
  /** Evidence lines specific to the rule that fired, shown first. */
  why: Evidence[];
  /** Who sits in the middle of HTTPS, when a certificate named them. */
  interceptor?: Interceptor | null;
}

const dnsLines = (ts: readonly TargetResult[]): Evidence[] => ts.map(describeDns).filter((e): e is Evidence => e !== null);

/** The tls-intercepted variant that fits the certificate failures at BSG (and what the controls saw). */
function interceptionVariant(certFailed: readonly TargetResult[], controls: readonly TargetResult[]): VariantId {
  const codes = certFailed.map((t) => firstFailure(t)?.code);
  if (codes.every((c) => c === "TLS_EXPIRED")) return "wrong-clock";
  const known = certFailed.some((t) => interceptorOf(t.tls?.issuer) !== null);
  if (!known && codes.every((c) => c === "TLS_HOSTNAME_MISMATCH")) return "captive-portal";
  const issuers = new Set(certFailed.map((t) => t.tls?.issuer ?? ""));
  return controls.some((c) => certAnswered(c) && issuers.has(c.tls?.issuer ?? "")) ? "intercepted-everywhere" : "intercepted";
}

/** The ordered rules. Each returns a finding or null; the first finding wins. */
function decide(round: RoundResult): Finding {
  const bsg = round.targets.filter((t) => t.group === "bsg");
  const controls = round.targets.filter((t) => t.group === "control");
  const bsgUsable = bsg.filter((t) => targetState(t) !== "missing");
  const ctlUsable = controls.filter((t) => targetState(t) !== "missing");
  const bsgReachable = bsgUsable.filter(reachable);
  const bsgFailed = bsgUsable.filter((t) => targetState(t) === "failed");
  const status = round.statusApi.state;
  const gateway = round.gateway.state;

  // 1. BSG says it is updating: nothing local to diagnose, and no toast should blame the player's network.
  if (status === "updating") return { variant: "maintenance", confidence: "high", why: [describeStatus(round)] };

  if (bsgUsable.length === 0) {
    const why: Evidence[] = [{ kind: "missing", text: bsg.length === 0 ? "No BSG targets are configured." : "None of the BSG checks could run to completion (broken or cut off by the deadline)." }];
    return { variant: "inconclusive", confidence: "low", why };
  }

  // 2. The player's DNS is the cause: it fails BSG names a public resolver answers, or it answers them with an
  //    address that fails while the public resolver's address for the same name works (a block page, a sinkhole,
  //    a refusal). Checked before the control gate because a broken or hijacking resolver breaks the named
  //    controls too. Different answers alone prove nothing (CDNs answer per resolver): only a failing one counts.
  const dnsBroken = bsgFailed.filter(systemDnsBroken);
  const hijacked = bsgFailed.filter(publicAddressWorks);
  if (bsgFailed.length > 0 && dnsBroken.length + hijacked.length === bsgFailed.length) {
    const confidence: Confidence = bsgFailed.length >= 2 || bsgReachable.length === 0 ? "high" : "medium";
    if (hijacked.length > dnsBroken.length) {
      return {
        variant: "dns-hijack",
        confidence,
        why: [...hijacked.map(describeHijack), ...dnsLines(hijacked), ...dnsLines(dnsBroken)],
      };
    }
    return { variant: "resolver-fails", confidence, why: [...dnsLines(dnsBroken), ...hijacked.map(describeHijack)] };
  }

  // 2b. Every name fails on every resolver, public ones included, yet a control reached by IP address answers:
  //     the internet works and DNS itself is blocked or intercepted on this network (firewall, captive portal).
  //     Switching DNS cannot help here (no public resolver answers), so this variant offers no DNS fix.
  const named = [...bsgUsable, ...ctlUsable].filter((t) => !isIpLiteral(t.host));
  const everyNameDead = named.length > 0 && named.every((t) => firstFailure(t)?.phase === "dns");
  const ipControlUp = ctlUsable.filter((t) => reachable(t) && isIpLiteral(t.host));
  if (everyNameDead && ipControlUp.length > 0 && bsgReachable.length === 0) {
    return {
      variant: "dns-blocked",
      confidence: "medium",
      why: [
        { kind: "dns", severity: "problem", text: `No name resolves on any resolver (yours or public), yet ${ipControlUp.map((t) => t.host).join(", ")} answers by IP address: DNS is blocked or intercepted on this network.` },
        ...dnsLines(bsgFailed.slice(0, 2)),
      ],
    };
  }

  // 3. The control gate: nothing on the internet answers and BSG does not either → it is the player's network.
  //    A handshake that completed with someone else's certificate is an answer (an antivirus web shield or a
  //    corporate proxy in front of every site): that case must reach the interception rule, not blame the line.
  const ctlAnswered = ctlUsable.filter(internetAnswered);
  const bsgAnswered = bsgUsable.filter(internetAnswered);
  if (ctlUsable.length > 0 && ctlAnswered.length === 0 && bsgAnswered.length === 0) {
    const why = [controlsEvidence(controls), describeGateway(round)];
    if (gateway === "dead" || gateway === "no-route") return { variant: "local-network", confidence: "high", why };
    if (gateway === "alive") return { variant: "no-internet", confidence: "high", why };
    return { variant: "no-internet", confidence: "medium", why: [...why, { kind: "missing", text: "The router could not be checked, so a local network fault is not ruled out." }] };
  }

  // 4. BSG's own status page reports trouble.
  if (status === "down" || status === "unstable") {
    return {
      variant: "status-down",
      confidence: bsgFailed.length > 0 ? "high" : "medium",
      why: [describeStatus(round), ...(bsgFailed.length === 0 ? [{ kind: "target" as const, text: "Your own connection to BSG's servers works; the trouble is behind it." }] : [])],
    };
  }

  // 5. Certificates that are not BSG's: interception (antivirus, proxy, portal) or a wrong clock.
  const certFailed = bsgFailed.filter(certAnswered);
  if (certFailed.length > 0) {
    const variant = interceptionVariant(certFailed, controls);
    const interceptor = certFailed.map((t) => interceptorOf(t.tls?.issuer)).find((p) => p !== null) ?? null;
    return {
      variant,
      confidence: certFailed.length === bsgFailed.length ? "high" : "medium",
      why: describeUntrusted(certFailed, controls),
      interceptor,
    };
  }

  // 6. Everything BSG answered. HTTPS inspected by a root only the system store trusts is worth saying, not a failure.
  if (bsgFailed.length === 0) {
    const missing = bsg.length - bsgUsable.length;
    const inspected = describeInspected(bsgUsable);
    const why: Evidence[] = [...inspected, ...(missing === 0 ? [] : [{ kind: "missing" as const, text: `${count("en", missing, { one: "BSG check", other: "BSG checks" })} did not complete; the others passed.` }])];
    const interceptor = bsgUsable.map((t) => (t.tls?.trustedBy === "system" ? interceptorOf(t.tls.issuer) : null)).find((p) => p !== null) ?? null;
    if (inspected.length === 0) return { variant: "ok", confidence: missing === 0 ? "high" : "medium", why };
    return {
      variant: "ok-inspected",
      confidence: missing === 0 ? "high" : "medium",
      why,
      interceptor,
    };
  }

  // 7. Some BSG targets work, some do not. A `tcp://` target only sees the connection, so when every failure
  //    happened past TCP (TLS reset by DPI, HTTP 5xx) its success says nothing against them.
  const failedPastTcp = bsgFailed.every((t) => {
    const phase = firstFailure(t)?.phase;
    return phase === "tls" || phase === "http";
  });
  const informative = failedPastTcp ? bsgReachable.filter((t) => t.scheme === "https") : bsgReachable;
  if (informative.length > 0) {
    return { variant: "bsg-degraded", confidence: bsgFailed.length >= 2 || informative.length >= 2 ? "high" : "medium", why: bsgFailed.map(describeTarget) };
  }

  // From here every usable BSG target failed.
  if (ctlUsable.length === 0) {
    return {
      variant: "inconclusive",
      confidence: "low",
      why: [...bsgFailed.map(describeTarget), { kind: "missing", text: "No other site (control) could be checked, so the agent cannot tell your internet apart from BSG." }],
    };
  }

  const codes = bsgFailed.map((t) => firstFailure(t)?.code ?? "DNS_ERROR");
  // 8. BSG answers, but with server errors, while other sites work.
  if (codes.includes("HTTP_5XX")) {
    const all = codes.every((c) => c === "HTTP_5XX");
    return { variant: "server-errors", confidence: all ? "high" : "medium", why: bsgFailed.map(describeTarget) };
  }

  // 9. Names answered, connections die: routing, regional block or a firewall on the path.
  if (codes.every((c) => TRANSPORT_CODES.has(c))) {
    const statusKnown = status === "ok";
    return {
      variant: "bsg-unreachable",
      confidence: statusKnown ? "high" : "medium",
      why: [...bsgFailed.map(describeTarget), ...(statusKnown ? [] : [{ kind: "missing" as const, text: "BSG's status page could not be read, so a BSG-side outage is not ruled out." }])],
    };
  }

  // 10. BSG's names fail on every resolver while control names resolve: BSG's DNS is down, or the names moved.
  const dnsCodes = codes.filter((c) => c.startsWith("DNS_"));
  if (dnsCodes.length === codes.length) {
    if (dnsCodes.every((c) => c === "DNS_NXDOMAIN" || c === "DNS_NODATA")) {
      return {
        variant: "unknown-names",
        confidence: "low",
        why: [...bsgFailed.map(describeTarget), { kind: "missing", text: "No resolver knows BSG's host names: the agent's host list may be out of date (hosts move; update catalog/hosts.json or the config)." }],
      };
    }
    return { variant: "bsg-dns-down", confidence: "medium", why: [...bsgFailed.map(describeTarget), ...dnsLines(bsgFailed)] };
  }

  return {
    variant: "inconclusive",
    confidence: "low",
    why: [...bsgFailed.map(describeTarget), { kind: "missing", text: `BSG's servers fail in different ways (${[...new Set(codes)].join(", ")}), which fits no single cause.` }],
  };
}

/** One round in, one verdict out, with the evidence a support engineer needs and the next steps for the player. */
export function classify(round: RoundResult): Diagnosis {
  const finding = decide(round);
  const verdict = VARIANTS[finding.variant];
  const seen = new Set(finding.why.map((e) => e.text));
  const context: Evidence[] = [
    ...describeInspected(round.targets),
    ...round.targets.map(describeTarget),
    ...round.targets.filter((t) => targetState(t) === "failed" && !publicAddressWorks(t)).flatMap((t) => describeBothAddressesFail(t) ?? []),
    controlsEvidence(round.targets.filter((t) => t.group === "control")),
    describeGateway(round),
    describeStatus(round),
    ...(round.deadlineHit ? [{ kind: "missing" as const, text: "The round hit its overall deadline; slow checks were cut short." }] : []),
    ...(round.extraEvidence ?? []),
  ].filter((e) => !seen.has(e.text));
  const evidence = [...finding.why, ...context];
  return {
    verdict,
    variant: finding.variant,
    confidence: finding.confidence,
    // The words are the catalogue's (src/core/i18n/verdicts.ts), in English here: people read them in their language.
    headline: EN.verdicts.name[verdict],
    meaning: meaningOf({ verdict, variant: finding.variant, evidence, confidence: finding.confidence }, EN),
    evidence,
    advice: adviceFor(finding.variant, { interceptor: finding.interceptor ?? null, firewallBlock: firewallBlocks(round.extraEvidence) }),
  };
}

/** The verdict's one name, in English (src/core/i18n/verdicts.ts has it in every language). */
export const headlineOf = (verdict: VerdictId): string => EN.verdicts.name[verdict];
