/**
 * The readable `diagnose` report. Plain words first, in the player's language: the verdict's one name and what it
 * means, when it was checked (local time with the zone), what the agent saw in sentences a player understands,
 * and what to do next. Then a "details" part for support: ids, codes, target ids and raw errors, the evidence
 * lines, the connection table, the DNS comparison and certificates. Nothing is said twice.
 * Plain text (no colours, no box drawing) so it survives any Windows console code page.
 */
import { meaningOf } from "../core/meaning.js";
import { adviceText } from "../core/alert-text.js";
import { sanitizeForDisplay } from "../core/display-text.js";
import { clockWithZone, date } from "../core/i18n/format.js";
import { EN, type Messages } from "../core/i18n/index.js";
import { commonName, interceptorOf } from "../core/interception.js";
import { firstFailure, reachable, targetState } from "../core/target-state.js";
import { PHASES, type Diagnosis, type Evidence, type FailureCode, type PhaseResult, type RoundResult, type TargetResult } from "../core/types.js";

const cell = (r: PhaseResult): string => (r.status === "ok" ? `${Math.round(r.ms)} ms` : r.status === "fail" ? r.code : "-");

const pad = (s: string, n: number): string => (s.length >= n ? `${s.slice(0, n - 1)}~` : s.padEnd(n));

function httpCell(t: TargetResult): string {
  const r = t.phases.http;
  if (r.status === "ok") return `${t.httpStatus ?? ""} in ${Math.round(r.ms)} ms`.trim();
  if (r.status === "fail" && t.httpStatus !== null) return `${r.code} (${t.httpStatus})`;
  return cell(r);
}

function targetRows(round: RoundResult, m: Messages): string[] {
  const widths = [22, 8, 15, 15, 22, 22];
  const rows = round.targets.map((t) => {
    if (t.broken !== null) return [t.id, t.group, m.diagnose.checkBroken, "", "", ""];
    return [t.id, t.group, cell(t.phases.dns), cell(t.phases.tcp), cell(t.phases.tls), httpCell(t)];
  });
  return [m.diagnose.tableHead, ...rows].map((r) => "    " + r.map((c, i) => pad(c, widths[i] ?? 16)).join(" ").trimEnd());
}

function resolverRows(round: RoundResult, m: Messages): string[] {
  const lines: string[] = [];
  for (const t of round.targets) {
    if (t.dns.length < 2) continue;
    const parts = t.dns.map((a) => {
      const who = a.role === "system" ? m.diagnose.yourDns : a.resolver;
      if (a.result.status === "ok") return `${who}: ${a.addresses[0] ?? m.diagnose.noAddress} (${Math.round(a.result.ms)} ms)`;
      return `${who}: ${a.result.status === "fail" ? a.result.code : "-"}`;
    });
    lines.push(`    ${pad(t.host, 34)} ${parts.join(" | ")}`);
    const alt = t.publicAddress;
    if (alt !== null && alt !== undefined) {
      const failed = PHASES.map((p) => alt.phases[p]).find((r) => r.status === "fail");
      const outcome = failed?.status === "fail" ? m.diagnose.failsToo(failed.code) : m.diagnose.worksToo(alt.httpStatus === null ? "" : ` (HTTP ${alt.httpStatus})`);
      lines.push(`    ${pad("", 34)} ${m.diagnose.publicAddress(t.address ?? "?", alt.resolver, alt.address, outcome)}`);
    }
  }
  return lines;
}

function certRows(round: RoundResult, m: Messages): string[] {
  return round.targets
    .filter((t) => t.tls !== null && (t.tls.verifyError !== null || t.tls.trustedBy === "system"))
    .map((t) => {
      const why = t.tls?.verifyError ?? m.diagnose.trustedOnlyBy(t.tls?.systemStore?.name ?? m.diagnose.systemStore);
      return `    ${m.diagnose.cert(t.id, t.tls?.issuer ?? "?", t.tls?.subject ?? "?", why)}`;
    });
}

/** Why a failed target failed, in the words of diagnose.why (one word group per kind of failure). */
function failureKind(code: FailureCode | undefined): string {
  if (code === undefined) return "other";
  if (code.startsWith("DNS_")) return "dns";
  if (code === "TCP_REFUSED") return "refused";
  if (code === "TCP_TIMEOUT" || code === "TLS_TIMEOUT" || code === "HTTP_TIMEOUT") return "timeout";
  if (code === "TCP_RESET") return "reset";
  if (code === "NET_UNREACHABLE") return "unreachable";
  if (code === "TLS_UNTRUSTED" || code === "TLS_HOSTNAME_MISMATCH" || code === "TLS_EXPIRED") return "certificate";
  if (code === "TLS_HANDSHAKE") return "tls";
  if (code === "HTTP_5XX") return "serverError";
  return "http";
}

/** The round in a few plain sentences: BSG's servers, other sites, DNS, certificates, router, status page, game log. */
export function plainEvidence(round: RoundResult, d: Diagnosis, m: Messages = EN): string[] {
  const t = m.diagnose;
  const out: string[] = [];
  const bsg = round.targets.filter((x) => x.group === "bsg" && targetState(x) !== "missing");
  const controls = round.targets.filter((x) => x.group === "control" && targetState(x) !== "missing");
  const bsgOk = bsg.filter(reachable);
  const failed = bsg.filter((x) => targetState(x) === "failed");
  const kinds = [...new Set(failed.map((x) => failureKind(firstFailure(x)?.code)))];
  const why = kinds.length === 1 ? (t.why[kinds[0]!] ?? t.why.other!) : t.why.other!;
  if (bsg.length === 0) out.push(t.bsgNotChecked);
  else if (failed.length === 0) out.push(t.bsgAll(bsg.length));
  else if (bsgOk.length === 0) out.push(t.bsgNone(bsg.length, why));
  else out.push(t.bsgSome(bsgOk.length, bsg.length, why));

  const ctlOk = controls.filter(reachable).length;
  if (controls.length === 0) out.push(t.controlsUnknown);
  else if (ctlOk === controls.length) out.push(t.controlsOk(ctlOk, controls.length));
  else if (ctlOk === 0) out.push(t.controlsDown(controls.length));
  else out.push(t.controlsPartly(ctlOk, controls.length));

  const systemFailsPublicWorks = failed.some((x) => {
    const system = x.dns.find((a) => a.role === "system");
    return system?.result.status === "fail" && x.dns.some((a) => a.role === "public" && a.result.status === "ok");
  });
  if (systemFailsPublicWorks) out.push(t.dnsSystemFails);

  const cert = failed.find((x) => kinds.includes("certificate") && x.tls !== null && x.tls.issuer !== null);
  if (cert?.tls?.issuer) out.push(t.certificateFrom(interceptorOf(cert.tls.issuer)?.name ?? `"${commonName(cert.tls.issuer) ?? "?"}"`));
  else if (d.variant === "ok-inspected") {
    const inspected = bsg.find((x) => x.tls?.trustedBy === "system");
    if (inspected?.tls?.issuer) out.push(t.inspectedBy(interceptorOf(inspected.tls.issuer)?.name ?? `"${commonName(inspected.tls.issuer) ?? "?"}"`));
  }

  const g = round.gateway.state;
  out.push(g === "alive" ? t.routerAlive : g === "dead" ? t.routerDead : g === "no-route" ? t.routerNoRoute : t.routerUnknown);

  const s = round.statusApi.state;
  if (s !== "disabled") out.push({ ok: t.statusOk, updating: t.statusUpdating, unstable: t.statusUnstable, down: t.statusDown, unknown: t.statusUnknown }[s]);
  if ((round.extraEvidence ?? []).some((e) => e.kind === "game-log")) out.push(t.gameLog);
  return out;
}

/** Evidence lines for support, each once (a line already said by the rule that fired is not repeated). */
function evidenceLines(d: Diagnosis): Evidence[] {
  const seen = new Set<string>();
  return d.evidence.filter((e) => {
    if (seen.has(e.text)) return false;
    seen.add(e.text);
    return true;
  });
}

export function renderDiagnoseText(round: RoundResult, d: Diagnosis, m: Messages = EN): string {
  const t = m.diagnose;
  const ok = d.verdict === "ok";
  const at = Date.parse(round.at);
  const seconds = (round.durationMs / 1000).toFixed(1);
  const out: string[] = [];
  out.push(`${ok ? "[ OK ]" : "[FAIL]"} ${m.verdicts.name[d.verdict]}${t.confidence[d.confidence]}`);
  out.push(`       ${meaningOf(d, m)}`);
  out.push("");
  out.push(`${t.checkedAt(date(at, m.locale), clockWithZone(at), m.locale === "ru" ? seconds.replace(".", ",") : seconds)}${round.deadlineHit ? ` ${t.cutShort}` : ""}`);
  out.push("");
  out.push(t.sawHeading);
  for (const line of plainEvidence(round, d, m)) out.push(`  - ${line}`);
  out.push("");
  out.push(t.nextHeading);
  d.advice.forEach((a, i) => {
    out.push(`  ${i + 1}. ${adviceText(a, m)}${a.step === null ? "" : ` ${t.step(a.step)}`}`);
    if (a.fixId) out.push(`     ${t.agentCanDo(`tarkov-agent fix apply ${a.fixId}`)}`);
  });
  out.push("");
  out.push(t.detailsHeading);
  out.push(`  ${t.verdictId(d.verdict, d.variant ?? "-", d.confidence)}`);
  out.push(`  ${t.evidenceHeading}`);
  for (const e of evidenceLines(d)) out.push(`    - ${e.text}`);
  for (const n of round.statusApi.messages.filter((x) => x.solveTime === null).slice(0, 3)) {
    if (!d.evidence.some((e) => e.text.includes(n.content))) out.push(`    - ${t.notice(n.content)}`);
  }
  out.push(`  ${t.connectionsHeading}`);
  out.push(...targetRows(round, m));
  const resolvers = resolverRows(round, m);
  if (resolvers.length > 0) {
    out.push(`  ${t.dnsHeading}`);
    out.push(...resolvers);
  }
  const certs = certRows(round, m);
  if (certs.length > 0) {
    out.push(`  ${t.certsHeading}`);
    out.push(...certs);
  }
  // Status messages, certificate names and game-log text come from the network: no escape sequence gets through.
  return sanitizeForDisplay(out.join("\n") + "\n", { multiline: true });
}
