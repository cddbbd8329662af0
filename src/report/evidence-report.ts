/**
 * Builds the evidence report from the data folder: the evidence history (streamed), incidents.jsonl, the fix
 * journal and, when given, what the game's logs say. Read-only: nothing in the data folder is changed.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { readHistory, type HistoryReadStats } from "../agent/evidence-history.js";
import { listIncidents } from "../agent/incidents.js";
import type { Messages } from "../core/i18n/index.js";
import type { FailureCode, PhaseName } from "../core/types.js";
import type { GameFacts } from "../support/game-facts.js";
import { EvidenceModelBuilder, PHASE_ORDER, type EvidenceModel } from "./evidence-model.js";
import { readTrace } from "./path-trace.js";
import { renderReportHtml, type FixRow } from "./report-html.js";
import { bsgTicket, ispLetter, raidServerAddress, T, type LetterFacts } from "./report-text.js";

export interface EvidenceReportOptions {
  dataDir: string;
  from: number;
  to: number;
  version: string;
  now?: number;
  game?: GameFacts | null;
  /** The player's language for the page's own words; English when absent (the ISP letter follows it; the BSG ticket stays English). */
  messages?: Messages;
}

export interface EvidenceReport {
  html: string;
  model: EvidenceModel;
  facts: LetterFacts;
  fixes: FixRow[];
  isp: string;
  bsg: string;
  stats: HistoryReadStats;
}

/** Fix journal entries as report rows, read without touching the file (the journal's own loader may set a damaged file aside). */
export function readFixRows(dataDir: string, from: number, to: number): FixRow[] {
  let entries: unknown[];
  try {
    const parsed = JSON.parse(readFileSync(join(dataDir, "journal.json"), "utf8")) as { entries?: unknown[] };
    entries = Array.isArray(parsed.entries) ? parsed.entries : [];
  } catch {
    return [];
  }
  const rows: FixRow[] = [];
  for (const e of entries) {
    if (typeof e !== "object" || e === null) continue;
    const x = e as Record<string, unknown>;
    const at = typeof x.startedAt === "string" ? Date.parse(x.startedAt) : NaN;
    if (!Number.isFinite(at) || at < from || at >= to || typeof x.fixId !== "string") continue;
    const undo = x.undo as { state?: string; by?: string } | null | undefined;
    const outcome = [String(x.state ?? "?"), x.status ? `(${String(x.status)})` : "", undo?.state === "done" ? `, undone (${undo.by ?? "?"})` : ""].join(" ").replace(/\s+,/, ",").trim();
    rows.push({ at, fixId: x.fixId, approvedBy: String(x.approvedBy ?? "?"), outcome, message: String(x.message ?? "") });
  }
  return rows.sort((a, b) => a.at - b.at);
}

/** A path trace as the letters quote it: its reading in English, and the reading itself for other languages. */
function traceFact(trace: { target: string; hops: Parameters<typeof readTrace>[0]; t: number }): NonNullable<LetterFacts["trace"]> {
  const read = readTrace(trace.hops, trace.target);
  return { target: trace.target, reading: T.traceReading(read), read, t: trace.t };
}

/** The facts both letters are written from. */
export function letterFacts(model: EvidenceModel, game: GameFacts | null | undefined): LetterFacts {
  const failedPairs = model.targets
    .filter((t) => t.group === "bsg")
    .map((t) => {
      // The step that failed most; ties go to the earliest step (a DNS failure hides everything after it).
      let phase: PhaseName = "tcp";
      let best = -1;
      for (const p of PHASE_ORDER) {
        if (t.phases[p].failed > best) {
          best = t.phases[p].failed;
          phase = p;
        }
      }
      const top = Object.entries(t.codes).sort((a, b) => b[1] - a[1])[0];
      return { hostPort: t.hostPort ?? t.id, addresses: t.addresses, phase, code: (top?.[0] as FailureCode | undefined) ?? null, failed: t.phases[phase].failed, n: t.phases[phase].n, first: t.firstFail, last: t.lastFail };
    })
    .sort((a, b) => b.failed - a.failed);
  const trace = model.traces.find((t) => t.ok);
  const raid = game?.raidServers[0] ?? null;
  return {
    from: model.from,
    to: model.to,
    incidents: model.incidents.map((i) => ({ start: i.start, end: i.end, durationMs: i.durationMs, verdicts: i.verdicts })),
    failedPairs,
    controls: model.controlsWhileBsgFailed,
    resolvers: model.resolvers,
    liveness: model.liveness.overall,
    trace: trace ? traceFact(trace) : null,
    gatewayFine: model.gateway.failed === 0,
    raidServer: raid ? { address: raidServerAddress(raid), datacenter: raid.datacenter, location: raid.location, at: Date.parse(raid.at) } : null,
    gameErrors: (game?.errors ?? []).slice(-10).map((e) => e.text),
    gameVersion: game?.version ?? null,
    statusPageDown: model.statusPageBad.failed > 0,
  };
}

/** Reads everything and renders the report. */
export async function buildEvidenceReport(o: EvidenceReportOptions): Promise<EvidenceReport> {
  const incidents = listIncidents({ dataDir: o.dataDir });
  const builder = new EvidenceModelBuilder(o.from, o.to, incidents);
  const stats = await readHistory(o.dataDir, o.from, o.to, (r) => builder.add(r), { compactRounds: true });
  const model = builder.finish({ skippedLines: stats.skippedLines, cappedDays: stats.cappedDays });
  const fixes = readFixRows(o.dataDir, o.from, o.to);
  const facts = letterFacts(model, o.game);
  const isp = ispLetter(facts, o.messages);
  const bsg = bsgTicket(facts);
  const html = renderReportHtml({ model, version: o.version, generatedAt: o.now ?? Date.now(), fixes, ispLetter: isp, bsgTicket: bsg, raidServers: o.game?.raidServers ?? [], ...(o.messages ? { messages: o.messages } : {}) });
  return { html, model, facts, fixes, isp, bsg, stats };
}

/** `24h`, `7d`, `90m` → milliseconds; null when it is none of those. */
export function parseSince(s: string): number | null {
  const m = /^(\d{1,4})\s*(m|h|d)$/i.exec(s.trim());
  if (!m) return null;
  const n = Number(m[1]);
  if (n < 1) return null;
  const unit = m[2]!.toLowerCase() === "m" ? 60_000 : m[2]!.toLowerCase() === "h" ? 3_600_000 : 86_400_000;
  return Math.min(n * unit, 14 * 86_400_000);
}
