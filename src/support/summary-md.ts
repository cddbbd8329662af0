/**
 * summary.md: the one page a support engineer reads first. The current verdict, the incidents, the fixes, and two
 * sections written for their readers: "For BSG support" (the game's own errors, raid server, version, file check)
 * and "For your ISP" (which BSG host:port pairs failed, at which step, when, how often, against the control sites).
 */
import type { Diagnosis } from "../core/types.js";
import type { EvidenceModel } from "../report/evidence-model.js";
import type { FixRow } from "../report/report-html.js";
import { PHASE_WORDS, T, bothTimes, codeWords, duration, localTime, ofTimes, offsetOf, raidServerAddress, resolverSentence, utcTime, verdictWords, type LetterFacts } from "../report/report-text.js";
import type { GameFacts } from "./game-facts.js";
import { count } from "../core/i18n/format.js";

export interface SummaryInput {
  now: number;
  version: string;
  current: Diagnosis | null;
  model: EvidenceModel;
  facts: LetterFacts;
  fixes: FixRow[];
  game: GameFacts | null;
  days: number;
}

/** Markdown-safe single line (game and network text can contain anything). */
const md = (s: string): string => s.replace(/[\r\n]+/g, " ").replace(/([\\`*_[\]<>|])/g, "\\$1");

export function renderSummary(s: SummaryInput): string {
  const { model: m, facts: f, game: g } = s;
  const tz = `UTC${offsetOf(s.now)}`;
  const out: string[] = [
    "# Tarkov connection: support summary",
    "",
    `Made ${bothTimes(s.now)} by tarkov-connection-agent ${s.version}. Covers the last ${count("en", s.days, { one: "day", other: "days" })}. Times are local (${tz}) unless marked UTC.`,
    "",
    "## Current verdict",
    "",
    s.current === null ? "No current check (the agent could not run one)." : `**${md(s.current.headline)}** (\`${s.current.verdict}\`, confidence ${s.current.confidence}). ${md(s.current.meaning)}`,
    ...(s.current?.evidence.slice(0, 8).map((e) => `- ${md(e.text)}`) ?? []),
    "",
    "## Incidents",
    "",
  ];
  if (m.incidents.length === 0) out.push("None in this period.");
  else {
    out.push("| Start (local) | Start (UTC) | End (local) | Duration | Cause | Checks failed | Connects failed |", "|---|---|---|---|---|---|---|");
    for (const i of m.incidents) {
      out.push(`| ${localTime(i.start, true)} | ${utcTime(i.start)} | ${i.end === null ? "ongoing" : localTime(i.end, true)} | ${duration(i.durationMs)} | ${md(i.verdicts.map(verdictWords).join(" → "))} | ${ofTimes(i.rounds)} | ${ofTimes(i.connects)} |`);
    }
  }
  out.push("", "## Fixes applied", "");
  if (s.fixes.length === 0) out.push("None in this period.");
  else for (const x of s.fixes) out.push(`- ${localTime(x.at)} \`${md(x.fixId)}\` (approved by ${md(x.approvedBy)}): ${md(x.outcome)}${x.message ? ` — ${md(x.message)}` : ""}`);

  out.push("", "## For BSG support", "");
  out.push(`- Game version: ${g?.version ? md(g.version) : "unknown (no game logs found)"}`);
  const raid = g?.raidServers[0];
  out.push(
    `- Raid server: ${
      raid
        ? `${md(raidServerAddress(raid))}${raid.datacenter ? `, data centre ${md(raid.datacenter)}` : ""}${raid.location ? `, ${md(raid.location)}` : ""} (${localTime(Date.parse(raid.at))}, ${utcTime(Date.parse(raid.at))}; named in ${T.raidSource(raid.source)})`
        : "none in the game's logs for this period"
    }`,
  );
  if (g && g.raidServers.length > 1) out.push(`- Earlier raid servers: ${g.raidServers.slice(1, 6).map((r) => `${md(raidServerAddress(r))}${r.datacenter ? ` (${md(r.datacenter)})` : ""}`).join(", ")}`);
  out.push(`- Game files checked/repaired: ${g && g.fileCheck.length > 0 ? md(g.fileCheck.join(" / ")) : "no file check in the bundled logs"}`);
  out.push("", g && g.errors.length > 0 ? "The game's own backend error lines (newest last):" : "The bundled game logs show no backend errors.", "");
  for (const e of g?.errors ?? []) out.push(`- ${md(e.text)}${e.code !== null ? ` (code ${e.code})` : ""}`);
  out.push("", `Session folders included: ${g && g.sessions.length > 0 ? g.sessions.map((x) => `\`${md(x.folder)}\``).join(", ") : "none"}.`);

  out.push("", "## For your ISP", "");
  const failed = f.failedPairs.filter((p) => p.failed > 0);
  if (failed.length === 0) out.push("No BSG server failed in this period.");
  else {
    out.push("| BSG server (host:port) | Addresses | Step that failed | How often | Most common failure | First | Last |", "|---|---|---|---|---|---|---|");
    for (const p of failed) {
      out.push(`| ${md(p.hostPort)} | ${md(p.addresses.join(", ") || "–")} | ${PHASE_WORDS[p.phase]} | ${ofTimes(p)} | ${p.code ? codeWords(p.code) : "–"} | ${p.first === null ? "–" : localTime(p.first)} | ${p.last === null ? "–" : localTime(p.last)} |`);
    }
  }
  out.push(
    "",
    `- In the same checks where a BSG server failed, the control sites (Cloudflare, Google, Microsoft, 1.1.1.1) failed ${ofTimes(f.controls)} times.`,
    `- Home router: ${m.gateway.n === 0 ? "not checked" : m.gateway.failed === 0 ? `answered in all ${m.gateway.n} checks` : `did not answer in ${ofTimes(m.gateway)} checks`}.`,
    `- ${resolverSentence(f.resolvers)}`,
    `- Quick connection tests: ${f.liveness.n} tests, ${f.liveness.lost} lost (${f.liveness.lossPct.toFixed(2)} %), median ${f.liveness.p50 ?? "–"} ms, 95th percentile ${f.liveness.p95 ?? "–"} ms${f.liveness.n < 500 ? " (fewer than 500 samples: ISPs usually want an evening's worth)" : ""}.`,
    `- BSG's status page ${m.statusPageBad.failed > 0 ? `reported trouble in ${ofTimes(m.statusPageBad)} readings` : "reported no trouble"} in this period.`,
    f.trace ? `- Path trace to ${f.trace.target} during an incident (${bothTimes(f.trace.t)}): ${md(f.trace.reading)}` : "- No path trace was taken during an incident in this period.",
    "",
    "The full evidence report (chart, tables, letter to the ISP, BSG ticket text) is `report.html` in this bundle; `manifest.json` lists every file with its SHA-256 and what was redacted.",
    "",
  );
  return out.join("\n");
}
