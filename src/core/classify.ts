/**
 * The verdict: a pure function from one probe round to "why can't Tarkov reach BSG right now".
 *
 * Measurement is kept apart from judgement (Gatus): probes only record codes; every cross-probe rule lives here.
 * Rules run from the most specific, best-evidenced cause to the least, and the controls gate everything: when
 * the player's own internet is down the agent never blames BSG. Broken probes and probes the deadline cut off are
 * missing evidence, never failures.
 */
import { ADVICE, CLOCK_ADVICE } from "./advice.js";
import type {
  Advice,
  Confidence,
  Diagnosis,
  Evidence,
  FailureCode,
  PhaseName,
  PhaseResult,
  RoundResult,
  TargetResult,
  VerdictId,
} from "./types.js";
import { PHASES } from "./types.js";

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
/** Certificate problems that mean something other than BSG answered, or the clock is wrong. */
const CERT_CODES: ReadonlySet<FailureCode> = new Set(["TLS_UNTRUSTED", "TLS_HOSTNAME_MISMATCH", "TLS_EXPIRED"]);

const HEADLINES: Record<VerdictId, { headline: string; meaning: string }> = {
  ok: {
    headline: "Tarkov servers are reachable",
    meaning: "Every check to BSG's servers passed: name lookup, connection, encryption and HTTP.",
  },
  maintenance: {
    headline: "BSG maintenance in progress",
    meaning: "BSG's status page says the game is being updated. Nothing on your side needs fixing; it comes back when BSG is done.",
  },
  "server-outage": {
    headline: "Tarkov servers are having problems (BSG side)",
    meaning: "BSG's servers are down or answering with errors while the rest of your internet works. Nothing on your PC needs changing.",
  },
  "bsg-degraded": {
    headline: "Some Tarkov servers are failing",
    meaning: "Part of BSG's servers answer and part do not: usually a partial outage or one bad route.",
  },
  "bsg-unreachable": {
    headline: "Your connection can't reach Tarkov's servers",
    meaning:
      "Other sites work and BSG does not report an outage, but connections to BSG's servers time out or are cut. That points at your ISP's routing, a regional block or a firewall on the way.",
  },
  "dns-failure": {
    headline: "Your DNS can't find Tarkov's servers",
    meaning: "The DNS server your PC uses fails to look up BSG's addresses, while public DNS (Cloudflare, Google) finds them.",
  },
  "tls-intercepted": {
    headline: "Something is intercepting the secure connection to Tarkov",
    meaning:
      "The certificate presented for BSG's servers is not trusted or not for BSG: typically an antivirus web shield, a proxy or a Wi-Fi sign-in page sits in the middle.",
  },
  "no-internet": {
    headline: "Your internet is down",
    meaning: "Your router answers, but no site on the internet does. This is not BSG.",
  },
  "local-network": {
    headline: "No network connection",
    meaning: "Your PC cannot reach your router, or has no network route at all. Check the cable or Wi-Fi.",
  },
  inconclusive: {
    headline: "Can't tell what is wrong yet",
    meaning: "The checks contradicted each other or some could not run, so the agent will not guess.",
  },
};

type TargetState = "ok" | "answered" | "failed" | "missing";

interface FirstFailure {
  phase: PhaseName;
  code: FailureCode;
  message: string;
  ms: number;
}

/** The first failed phase of a target, if any. */
export function firstFailure(t: TargetResult): FirstFailure | null {
  for (const phase of PHASES) {
    const r: PhaseResult = t.phases[phase];
    if (r.status === "fail") return { phase, code: r.code, message: r.message, ms: r.ms };
  }
  return null;
}

/**
 * ok: every phase passed. answered: BSG's server answered with a 4xx (reachable, refused the probe's request).
 * failed: a measured failure. missing: broken probe or cut by the round deadline before it could tell.
 */
export function targetState(t: TargetResult): TargetState {
  if (t.broken !== null) return "missing";
  const f = firstFailure(t);
  if (f === null) return PHASES.some((p) => t.phases[p].status === "ok") ? "ok" : "missing";
  if (f.code === "DEADLINE" || f.code === "PROBE_BROKEN") return "missing";
  if (f.code === "HTTP_4XX") return "answered";
  return "failed";
}

const reachable = (t: TargetResult): boolean => {
  const s = targetState(t);
  return s === "ok" || s === "answered";
};

const isIpLiteral = (host: string): boolean => /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(":");

/** System resolver failed for this name while at least one public resolver answered it. */
function systemDnsBroken(t: TargetResult): boolean {
  if (isIpLiteral(t.host)) return false;
  const system = t.dns.find((a) => a.role === "system");
  const publicOk = t.dns.some((a) => a.role === "public" && a.result.status === "ok" && a.addresses.length > 0);
  return system !== undefined && system.result.status === "fail" && publicOk;
}

function describeTarget(t: TargetResult): Evidence {
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

function describeDns(t: TargetResult): Evidence | null {
  if (isIpLiteral(t.host) || t.dns.length < 2) return null;
  const parts = t.dns.map((a) => {
    const r = a.result;
    const shown = r.status === "ok" ? (a.addresses.length > 0 ? a.addresses.slice(0, 2).join(", ") : "no address") : r.status === "fail" ? r.code : "not asked";
    return `${a.role === "system" ? "your DNS" : a.resolver}: ${shown}`;
  });
  return { kind: "dns", targetId: t.id, text: `DNS for ${t.host} — ${parts.join("; ")}` };
}

function describeGateway(round: RoundResult): Evidence {
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

function describeStatus(round: RoundResult): Evidence {
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

function controlsEvidence(controls: TargetResult[]): Evidence {
  const usable = controls.filter((t) => targetState(t) !== "missing");
  const ok = usable.filter(reachable);
  if (usable.length === 0) return { kind: "controls", text: "Other sites (controls): none could be checked" };
  return { kind: "controls", text: `Other sites (controls): ${ok.length} of ${usable.length} reachable${ok.length > 0 ? ` (${ok.map((t) => t.id).join(", ")})` : ""}` };
}

interface Finding {
  verdict: VerdictId;
  confidence: Confidence;
  /** Evidence lines specific to the rule that fired, shown first. */
  why: Evidence[];
  extraAdvice?: Advice[];
  /** Replaces the verdict's standard meaning when this rule knows better. */
  meaning?: string;
}

/** The ordered rules. Each returns a finding or null; the first finding wins. */
function decide(round: RoundResult): Finding {
  const bsg = round.targets.filter((t) => t.group === "bsg");
  const controls = round.targets.filter((t) => t.group === "control");
  const bsgUsable = bsg.filter((t) => targetState(t) !== "missing");
  const ctlUsable = controls.filter((t) => targetState(t) !== "missing");
  const bsgReachable = bsgUsable.filter(reachable);
  const bsgFailed = bsgUsable.filter((t) => targetState(t) === "failed");
  const ctlReachable = ctlUsable.filter(reachable);
  const status = round.statusApi.state;
  const gateway = round.gateway.state;

  // 1. BSG says it is updating: nothing local to diagnose, and no toast should blame the player's network.
  if (status === "updating") {
    return { verdict: "maintenance", confidence: "high", why: [describeStatus(round)] };
  }

  if (bsgUsable.length === 0) {
    const why: Evidence[] = [{ kind: "missing", text: bsg.length === 0 ? "No BSG targets are configured." : "None of the BSG checks could run to completion (broken or cut off by the deadline)." }];
    return { verdict: "inconclusive", confidence: "low", why };
  }

  // 2. The system resolver fails BSG names that a public resolver answers: the internet works (a public
  //    resolver was reached), the player's DNS does not. Checked before the control gate because a dead resolver
  //    also makes the named controls fail.
  const dnsBroken = bsgFailed.filter(systemDnsBroken);
  if (dnsBroken.length > 0 && dnsBroken.length === bsgFailed.length) {
    return {
      verdict: "dns-failure",
      confidence: dnsBroken.length >= 2 || bsgReachable.length === 0 ? "high" : "medium",
      why: dnsBroken.map(describeDns).filter((e): e is Evidence => e !== null),
    };
  }

  // 2b. Every name fails on every resolver, public ones included, yet a control reached by IP address answers:
  //     the internet works and DNS itself is blocked or intercepted on this network (firewall, captive portal).
  const named = [...bsgUsable, ...ctlUsable].filter((t) => !isIpLiteral(t.host));
  const everyNameDead = named.length > 0 && named.every((t) => firstFailure(t)?.phase === "dns");
  const ipControlUp = ctlReachable.filter((t) => isIpLiteral(t.host));
  if (everyNameDead && ipControlUp.length > 0 && bsgReachable.length === 0) {
    return {
      verdict: "dns-failure",
      confidence: "medium",
      meaning: "No name can be looked up on this network, not even through public DNS, although the internet answers by IP address. Something blocks or intercepts DNS: a firewall, a security suite or a network sign-in page.",
      why: [
        { kind: "dns", text: `No name resolves on any resolver (yours or public), yet ${ipControlUp.map((t) => t.host).join(", ")} answers by IP address: DNS is blocked or intercepted on this network.` },
        ...bsgFailed.slice(0, 2).map(describeDns).filter((e): e is Evidence => e !== null),
      ],
    };
  }

  // 3. The control gate: nothing on the internet answers and BSG does not either → it is the player's network.
  if (ctlUsable.length > 0 && ctlReachable.length === 0 && bsgReachable.length === 0) {
    const why = [controlsEvidence(controls), describeGateway(round)];
    if (gateway === "dead" || gateway === "no-route") return { verdict: "local-network", confidence: "high", why };
    if (gateway === "alive") return { verdict: "no-internet", confidence: "high", why };
    return { verdict: "no-internet", confidence: "medium", why: [...why, { kind: "missing", text: "The router could not be checked, so a local network fault is not ruled out." }] };
  }

  // 4. BSG's own status page reports trouble.
  if (status === "down" || status === "unstable") {
    return {
      verdict: "server-outage",
      confidence: bsgFailed.length > 0 ? "high" : "medium",
      why: [describeStatus(round), ...(bsgFailed.length === 0 ? [{ kind: "target" as const, text: "Your own connection to BSG's servers works; the trouble is behind it." }] : [])],
    };
  }

  // 5. Certificates that are not BSG's: interception (antivirus, proxy, portal) or a wrong clock.
  const certFailed = bsgFailed.filter((t) => CERT_CODES.has(firstFailure(t)?.code ?? "DNS_ERROR"));
  if (certFailed.length > 0) {
    const ctlCert = controls.filter((t) => CERT_CODES.has(firstFailure(t)?.code ?? "DNS_ERROR"));
    const why = certFailed.map(describeTarget);
    if (ctlCert.length > 0) why.push({ kind: "controls", text: `Other sites show the same certificate problem (${ctlCert.map((t) => t.id).join(", ")}): something on this PC or network inspects all secure traffic.` });
    const expired = certFailed.some((t) => firstFailure(t)?.code === "TLS_EXPIRED");
    return {
      verdict: "tls-intercepted",
      confidence: certFailed.length === bsgFailed.length ? "high" : "medium",
      why,
      ...(expired ? { extraAdvice: [CLOCK_ADVICE] } : {}),
    };
  }

  // 6. Everything BSG answered.
  if (bsgFailed.length === 0) {
    const missing = bsg.length - bsgUsable.length;
    return {
      verdict: "ok",
      confidence: missing === 0 ? "high" : "medium",
      why: missing === 0 ? [] : [{ kind: "missing", text: `${missing} BSG check(s) did not complete; the others passed.` }],
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
    return { verdict: "bsg-degraded", confidence: bsgFailed.length >= 2 || informative.length >= 2 ? "high" : "medium", why: bsgFailed.map(describeTarget) };
  }

  // From here every usable BSG target failed.
  if (ctlUsable.length === 0) {
    return {
      verdict: "inconclusive",
      confidence: "low",
      why: [...bsgFailed.map(describeTarget), { kind: "missing", text: "No other site (control) could be checked, so the agent cannot tell your internet apart from BSG." }],
    };
  }

  const codes = bsgFailed.map((t) => firstFailure(t)?.code ?? "DNS_ERROR");
  // 8. BSG answers, but with server errors, while other sites work.
  if (codes.includes("HTTP_5XX")) {
    const all = codes.every((c) => c === "HTTP_5XX");
    return { verdict: "server-outage", confidence: all ? "high" : "medium", why: bsgFailed.map(describeTarget) };
  }

  // 9. Names answered, connections die: routing, regional block or a firewall on the path.
  if (codes.every((c) => TRANSPORT_CODES.has(c))) {
    const statusKnown = status === "ok";
    return {
      verdict: "bsg-unreachable",
      confidence: statusKnown ? "high" : "medium",
      why: [...bsgFailed.map(describeTarget), ...(statusKnown ? [] : [{ kind: "missing" as const, text: "BSG's status page could not be read, so a BSG-side outage is not ruled out." }])],
    };
  }

  // 10. BSG's names fail on every resolver while control names resolve: BSG's DNS is down, or the names moved.
  const dnsCodes = codes.filter((c) => c.startsWith("DNS_"));
  if (dnsCodes.length === codes.length) {
    if (dnsCodes.every((c) => c === "DNS_NXDOMAIN" || c === "DNS_NODATA")) {
      return {
        verdict: "inconclusive",
        confidence: "low",
        why: [...bsgFailed.map(describeTarget), { kind: "missing", text: "No resolver knows BSG's host names: the agent's host list may be out of date (hosts move; update catalog/hosts.json or the config)." }],
      };
    }
    return { verdict: "server-outage", confidence: "medium", why: [...bsgFailed.map(describeTarget), ...bsgFailed.map(describeDns).filter((e): e is Evidence => e !== null)] };
  }

  return {
    verdict: "inconclusive",
    confidence: "low",
    why: [...bsgFailed.map(describeTarget), { kind: "missing", text: `BSG's servers fail in different ways (${[...new Set(codes)].join(", ")}), which fits no single cause.` }],
  };
}

/** One round in, one verdict out, with the evidence a support engineer needs and the next steps for the player. */
export function classify(round: RoundResult): Diagnosis {
  const finding = decide(round);
  const seen = new Set(finding.why.map((e) => e.text));
  const context: Evidence[] = [
    ...round.targets.map(describeTarget),
    controlsEvidence(round.targets.filter((t) => t.group === "control")),
    describeGateway(round),
    describeStatus(round),
    ...(round.deadlineHit ? [{ kind: "missing" as const, text: "The round hit its overall deadline; slow checks were cut short." }] : []),
    ...(round.extraEvidence ?? []),
  ].filter((e) => !seen.has(e.text));
  return {
    verdict: finding.verdict,
    confidence: finding.confidence,
    headline: HEADLINES[finding.verdict].headline,
    meaning: finding.meaning ?? HEADLINES[finding.verdict].meaning,
    evidence: [...finding.why, ...context],
    advice: [...(finding.extraAdvice ?? []), ...ADVICE[finding.verdict]],
  };
}

/** Plain-words headline for a verdict id (tray tooltip, history listing). */
export const headlineOf = (verdict: VerdictId): string => HEADLINES[verdict].headline;
