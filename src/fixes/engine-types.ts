/** What the fix engine reports: per-fix results, undo reports, events, listings (engine.ts produces them). */
import type { AutoDecision, EffectivePolicy, FixPolicySetting, FixRisk, Verification } from "../core/fix-policy.js";
import type { Diagnosis, VerdictId } from "../core/types.js";
import type { Approver } from "./journal.js";
import type { ResultStatus } from "./result-schema.js";
import type { DnsProvider } from "./types.js";

/** The `fixes` block of the config (src/config/schema.ts). */
export interface FixesConfig {
  policy: Record<string, FixPolicySetting>;
  dailyCap: number;
  verifyWindowMs: number;
}

/** Something the tray/monitor should tell the player about. */
export type FixEvent =
  | { type: "applied"; fixId: string; approvedBy: Approver; status: ResultStatus; entryId: string }
  | { type: "rolled-back"; fixId: string; entryId: string; verification: Verification; verdict: VerdictId | null }
  | { type: "failed"; fixId: string; code: string; message: string }
  | { type: "pending-resolved"; fixId: string; entryId: string; outcome: PendingOutcome["outcome"] };

export interface ApplyOptions {
  dryRun?: boolean;
  provider?: DnsProvider;
  approvedBy?: Approver;
  incidentId?: string | null;
  /** Verdict before the fix; default: diagnose first. */
  baseline?: Diagnosis;
  /** Skip verification/rollback (tests, or a caller that verifies itself). */
  verify?: boolean;
}

export interface UndoItem {
  entryId: string;
  fixId: string;
  ok: boolean;
  status: ResultStatus | null;
  code: string | null;
  message: string;
  changes: string[];
}

export interface UndoReport {
  ok: boolean;
  code: string | null;
  message: string;
  items: UndoItem[];
}

export interface ApplyReport {
  ok: boolean;
  fixId: string;
  dryRun: boolean;
  status: ResultStatus | null;
  /** Engine/runner code when not ok (FIX_*, PS_*, ELEVATION_*, DNS_*). */
  code: string | null;
  message: string;
  plan: string[];
  changes: string[];
  rebootNeeded: boolean;
  entryId: string | null;
  note: string | null;
  verification: { result: Verification; baseline: VerdictId; final: VerdictId | null } | null;
  rolledBack: UndoReport | null;
}

export interface FixListing {
  id: string;
  title: string;
  guideStep: number;
  risk: FixRisk;
  needsAdmin: boolean;
  reversible: boolean;
  rebootNeeded: boolean;
  appliesNow: boolean;
  policy: EffectivePolicy;
  /** Journalled changes of this fix that can still be undone. */
  undoable: number;
}
export interface GuidanceListing {
  id: string;
  title: string;
  guideStep: number | null;
  text: string;
  why: string;
}

export interface PendingOutcome {
  entryId: string;
  fixId: string;
  outcome: "undone" | "offer-undo" | "not-applied" | "interrupted" | "unresolved";
  message: string;
}

export interface AutoReport {
  applied: ApplyReport | null;
  ask: { fixId: string; title: string; reason: AutoDecision["reason"] }[];
  skipped: { fixId: string; reason: AutoDecision["reason"] }[];
}
