/**
 * The readable `diagnose` report for a player: the verdict in one line, what it means, an evidence table
 * (target × phase with timings and codes, resolver comparison, router, BSG status) and what to do next.
 * Plain ASCII so it survives any Windows console code page.
 */
import { GUIDE_STEPS } from "../core/advice.js";
import { sanitizeForDisplay } from "../core/display-text.js";
import { PHASES, type Diagnosis, type PhaseResult, type RoundResult, type TargetResult } from "../core/types.js";

const cell = (r: PhaseResult): string => (r.status === "ok" ? `${Math.round(r.ms)} ms` : r.status === "fail" ? r.code : "-");

const pad = (s: string, n: number): string => (s.length >= n ? `${s.slice(0, n - 1)}~` : s.padEnd(n));

function httpCell(t: TargetResult): string {
  const r = t.phases.http;
  if (r.status === "ok") return `${t.httpStatus ?? ""} in ${Math.round(r.ms)} ms`.trim();
  if (r.status === "fail" && t.httpStatus !== null) return `${r.code} (${t.httpStatus})`;
  return cell(r);
}

function targetRows(round: RoundResult): string[] {
  const widths = [22, 8, 15, 15, 22, 22];
  const header = ["target", "group", ...PHASES.map((p) => p.toUpperCase())];
  const rows = round.targets.map((t) => {
    if (t.broken !== null) return [t.id, t.group, "check broken (agent bug)", "", "", ""];
    return [t.id, t.group, cell(t.phases.dns), cell(t.phases.tcp), cell(t.phases.tls), httpCell(t)];
  });
  return [header, ...rows].map((r) => "  " + r.map((c, i) => pad(c, widths[i] ?? 16)).join(" ").trimEnd());
}

function resolverRows(round: RoundResult): string[] {
  const lines: string[] = [];
  for (const t of round.targets) {
    if (t.dns.length < 2) continue;
    const parts = t.dns.map((a) => {
      const who = a.role === "system" ? "your DNS" : a.resolver;
      if (a.result.status === "ok") return `${who}: ${a.addresses[0] ?? "no address"} (${Math.round(a.result.ms)} ms)`;
      return `${who}: ${a.result.status === "fail" ? a.result.code : "-"}`;
    });
    lines.push(`  ${pad(t.host, 34)} ${parts.join(" | ")}`);
    const alt = t.publicAddress;
    if (alt !== null && alt !== undefined) {
      const failed = PHASES.map((p) => alt.phases[p]).find((r) => r.status === "fail");
      const outcome = failed?.status === "fail" ? `fails too (${failed.code})` : `works${alt.httpStatus === null ? "" : ` (HTTP ${alt.httpStatus})`}`;
      lines.push(`  ${pad("", 34)} your DNS's address ${t.address ?? "?"} failed; ${alt.resolver}'s address ${alt.address} ${outcome}`);
    }
  }
  return lines;
}

function certRows(round: RoundResult): string[] {
  return round.targets
    .filter((t) => t.tls !== null && (t.tls.verifyError !== null || t.tls.trustedBy === "system"))
    .map((t) => {
      const why = t.tls?.verifyError ?? `trusted only by ${t.tls?.systemStore?.name ?? "the system store"}`;
      return `  ${t.id}: certificate from "${t.tls?.issuer ?? "?"}" for "${t.tls?.subject ?? "?"}" (${why})`;
    });
}

const MARK = { high: "", medium: " (fairly sure)", low: " (unsure)" } as const;

export function renderDiagnoseText(round: RoundResult, d: Diagnosis): string {
  const ok = d.verdict === "ok";
  const out: string[] = [];
  out.push(`${ok ? "[ OK ]" : "[FAIL]"} ${d.headline}${MARK[d.confidence]}   verdict: ${d.verdict}, confidence: ${d.confidence}`);
  out.push(`       ${d.meaning}`);
  out.push("");
  out.push(`Checked at ${round.at} in ${(round.durationMs / 1000).toFixed(1)} s${round.deadlineHit ? " (some checks were cut short by the deadline)" : ""}`);
  out.push("");
  out.push("Why the agent thinks so:");
  const keyEvidence = d.evidence.filter((e) => e.kind !== "target" || e.code !== undefined || e.severity !== undefined).slice(0, 8);
  for (const e of keyEvidence) out.push(`  - ${e.text}`);
  out.push("");
  out.push("Connections (time per phase, or the failure code):");
  out.push(...targetRows(round));
  const resolvers = resolverRows(round);
  if (resolvers.length > 0) {
    out.push("");
    out.push("DNS comparison (your resolver vs public ones):");
    out.push(...resolvers);
  }
  const certs = certRows(round);
  if (certs.length > 0) {
    out.push("");
    out.push("Certificates that were not trusted, or trusted only by the system store (HTTPS inspection):");
    out.push(...certs);
  }
  out.push("");
  const g = round.gateway;
  out.push(`Router:      ${g.host ?? "-"} ${g.state}${g.via ? ` (${g.via})` : ""}${g.message ? ` - ${g.message}` : ""}`);
  const s = round.statusApi;
  out.push(`BSG status:  ${s.state}${s.message ? ` - "${s.message}"` : ""}${s.error ? ` (${s.error})` : ""}`);
  for (const m of s.messages.filter((m) => m.solveTime === null).slice(0, 3)) out.push(`             notice: ${m.content}`);
  out.push("");
  out.push("What to do next:");
  d.advice.forEach((a, i) => {
    const step = a.step === null ? "" : ` [step ${a.step}: ${GUIDE_STEPS[a.step] ?? ""}]`;
    out.push(`  ${i + 1}. ${a.text}${step}`);
    if (a.fixId) out.push(`     The agent can do this: tarkov-agent fix apply ${a.fixId}`);
  });
  // Status messages, certificate names and game-log text come from the network: no escape sequence gets through.
  return sanitizeForDisplay(out.join("\n") + "\n", { multiline: true });
}
