/**
 * The agent's state in the shapes the page reads (src/dashboard/types.ts). Pure mappers: the monitor's snapshot,
 * incidents and journal entries in, views out. Words the core owns (verdict titles, fix titles) come through
 * {@link DashboardWords}, so the one catalogue that names them names them here too; the status card's meaning,
 * advice and "what the agent saw" come from that catalogue as `diagnose` says them (src/report/diagnose-text.ts).
 */
import type { MonitorSnapshot } from "../agent/monitor-types.js";
import type { Incident } from "../agent/incidents.js";
import { meaningOf } from "../core/meaning.js";
import { adviceText, iconForVerdict, verdictTitle } from "../core/alert-text.js";
import { sanitizeForDisplay } from "../core/display-text.js";
import { messages } from "../core/i18n/index.js";
import type { Diagnosis, RoundResult, VerdictId } from "../core/types.js";
import { plainEvidence } from "../report/diagnose-text.js";
import { isUndoable } from "../fixes/engine.js";
import { findFix } from "../fixes/catalog/index.js";
import type { JournalEntry } from "../fixes/journal.js";
import type { FixRow, IncidentRow, PageLanguage, StatusView } from "./types.js";

/** Names the core owns, in the page's language. */
export interface DashboardWords {
  verdictTitle(verdict: VerdictId, language: PageLanguage): string;
  fixTitle(fixId: string, language: PageLanguage): string;
}

/** The catalogue's names (the tray's and the toasts'), in the page's language. */
export const coreWords: DashboardWords = {
  verdictTitle: (v, language) => messages(language).verdicts.name[v] ?? verdictTitle(v),
  fixTitle: (id, language) => messages(language).fixes.name[id] ?? findFix(id)?.title ?? id,
};

const line = (s: string): string => sanitizeForDisplay(s, { maxLength: 600 });

/** Which round each diagnosis was made from. */
export interface RoundMemory {
  /** `classify`, remembering the round behind each diagnosis it makes (the monitor's `classify` dep). */
  classify(round: RoundResult): Diagnosis;
  /** The round `d` was made from; null for a diagnosis this memory did not make. */
  roundOf(d: Diagnosis): RoundResult | null;
}

/**
 * Wraps `classify` so the status card can say what the agent saw in plain words: the monitor classifies the merged
 * picture (fresh results merged with older ones), and that round, not the last one probed, is what its diagnosis
 * says. Held weakly: a diagnosis nobody keeps takes its round with it.
 */
export function rememberRounds(classify: (round: RoundResult) => Diagnosis): RoundMemory {
  const rounds = new WeakMap<Diagnosis, RoundResult>();
  return {
    classify(round) {
      const d = classify(round);
      rounds.set(d, round);
      return d;
    },
    roundOf: (d) => rounds.get(d) ?? null,
  };
}

/**
 * The monitor's snapshot as the status card shows it, in the page's language: the verdict's name, what it means,
 * what the agent saw (plain sentences from `round`, the round the last diagnosis was made from; none without it) and
 * what to do. Codes, target ids and raw errors are in `details` only.
 */
export function statusView(s: MonitorSnapshot, words: DashboardWords, language: PageLanguage, round: RoundResult | null = null): StatusView {
  const d = s.lastDiagnosis;
  const m = messages(language);
  const paused = s.mode === "paused";
  return {
    icon: paused || s.status === "unknown" ? "unknown" : s.status === "problem" ? "problem" : iconForVerdict(s.verdict),
    mode: s.mode,
    status: s.status,
    verdict: s.verdict,
    title: s.verdict === null ? null : words.verdictTitle(s.verdict, language),
    since: s.since,
    pausedUntil: s.pausedUntil,
    lastRoundAt: s.lastRoundAt,
    maintenance: { active: s.maintenance.active, message: s.maintenance.message === null ? null : line(s.maintenance.message) },
    diagnosis:
      d === null
        ? null
        : {
            headline: line(words.verdictTitle(d.verdict, language)),
            meaning: line(meaningOf(d, m)),
            confidence: d.confidence,
            saw: round === null ? [] : plainEvidence(round, d, m).map(line),
            advice: d.advice.map((a) => ({ text: line(adviceText(a, m)), step: a.step })),
            details: d.evidence.map((e) => ({ text: line(e.text), code: e.code ?? null })),
          },
  };
}

/** Incidents, newest first, as the history table lists them. */
export function incidentRows(incidents: readonly Incident[], words: DashboardWords, language: PageLanguage): IncidentRow[] {
  return incidents.map((i) => ({
    id: i.id,
    start: i.start,
    end: i.end,
    durationMs: i.durationMs,
    causes: i.verdicts.map((v) => words.verdictTitle(v, language)),
    stoppedEarly: i.endReason === "agent stopped",
  }));
}

/** Journal entries (newest first) as the "changes the agent made" table lists them. */
export function fixRows(entries: readonly JournalEntry[], words: DashboardWords, language: PageLanguage): FixRow[] {
  return entries.map((e) => ({
    entryId: e.id,
    fixId: e.fixId,
    title: words.fixTitle(e.fixId, language),
    at: e.startedAt,
    by: e.approvedBy,
    state: e.state,
    message: e.message === null ? null : line(e.message),
    changes: e.changes.map(line),
    undoable: isUndoable(findFix(e.fixId), e),
    undo: e.undo === null ? null : { state: e.undo.state, by: e.undo.by, message: e.undo.message === null ? null : line(e.undo.message) },
  }));
}
