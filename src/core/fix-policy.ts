/**
 * Fix approval policy and verification, as pure functions (no I/O: the engine passes in counts from the journal).
 * Config says auto | ask | never per fix id (default ask). High-risk fixes are never automatic whatever the config
 * says; auto also needs the tray toggle, a confirmed verdict the fix applies to, once per incident, and the daily cap.
 */
import type { Confidence, VerdictId } from "./types.js";

export type FixRisk = "low" | "medium" | "high";
export type FixPolicySetting = "auto" | "ask" | "never";

/** Why a setting was changed on the way in; shown in `fix list` so the player knows their config was overridden. */
export type PolicyNote = "HIGH_RISK_NEVER_AUTO";

/** What the config asked for and what applies. */
export interface EffectivePolicy {
  configured: FixPolicySetting | null;
  effective: FixPolicySetting;
  note: PolicyNote | null;
}

/** The fix facts the policy looks at. */
export interface PolicyFix {
  id: string;
  risk: FixRisk;
  appliesTo: readonly VerdictId[];
}

/** Config value → the policy in force (default ask; auto on a high-risk fix is treated as ask and reported). */
export function effectivePolicy(fix: PolicyFix, configured: FixPolicySetting | undefined): EffectivePolicy {
  const c = configured ?? null;
  if (c === "auto" && fix.risk === "high") return { configured: c, effective: "ask", note: "HIGH_RISK_NEVER_AUTO" };
  return { configured: c, effective: c ?? "ask", note: null };
}

/** Everything the automatic path needs to know, counted by the caller. */
export interface AutoContext {
  /** The tray's "Auto-fix approved problems" toggle. */
  autoFixEnabled: boolean;
  verdict: VerdictId;
  /** The monitor confirmed the verdict (hysteresis passed), not a single suspicious round. */
  confirmed: boolean;
  confidence: Confidence;
  /** This fix already ran (any outcome) for this incident. */
  alreadyAppliedThisIncident: boolean;
  /** Automatic applies (all fixes) in the last 24 hours. */
  autoAppliesLast24h: number;
  dailyCap: number;
}

export type AutoDecision =
  | { action: "apply"; reason: "AUTO_APPROVED" }
  | { action: "ask"; reason: "POLICY_ASK" | "HIGH_RISK_NEVER_AUTO" | "AUTO_FIX_OFF" | "LOW_CONFIDENCE" | "DAILY_CAP" }
  | { action: "skip"; reason: "POLICY_NEVER" | "NOT_APPLICABLE" | "NOT_CONFIRMED" | "ALREADY_THIS_INCIDENT" };

/**
 * What to do with one fix when a verdict is confirmed: apply it on its own, ask the player, or stay quiet.
 * Order matters: "never" and "does not apply" silence a fix; anything else the agent can't do alone becomes a
 * question, so the player still hears about a fix that would help.
 */
export function decideAuto(fix: PolicyFix, configured: FixPolicySetting | undefined, ctx: AutoContext): AutoDecision {
  const policy = effectivePolicy(fix, configured);
  if (policy.effective === "never") return { action: "skip", reason: "POLICY_NEVER" };
  if (!fix.appliesTo.includes(ctx.verdict)) return { action: "skip", reason: "NOT_APPLICABLE" };
  if (!ctx.confirmed) return { action: "skip", reason: "NOT_CONFIRMED" };
  if (ctx.alreadyAppliedThisIncident) return { action: "skip", reason: "ALREADY_THIS_INCIDENT" };
  if (policy.note === "HIGH_RISK_NEVER_AUTO") return { action: "ask", reason: "HIGH_RISK_NEVER_AUTO" };
  if (policy.effective === "ask") return { action: "ask", reason: "POLICY_ASK" };
  if (!ctx.autoFixEnabled) return { action: "ask", reason: "AUTO_FIX_OFF" };
  if (ctx.confidence === "low") return { action: "ask", reason: "LOW_CONFIDENCE" };
  if (ctx.autoAppliesLast24h >= ctx.dailyCap) return { action: "ask", reason: "DAILY_CAP" };
  return { action: "apply", reason: "AUTO_APPROVED" };
}

/** Verdicts that mean the local connection itself is down: moving into one after a fix is a regression. */
const BROKEN_LOCAL: readonly VerdictId[] = ["no-internet", "local-network"];

export type Verification = "improved" | "unchanged" | "worse" | "not-needed";

/**
 * Did the verdict improve after a fix? Baseline in the fix's verdicts: improved once the verdict leaves them for
 * something that is not worse or unknown. Baseline outside them (the player ran it anyway): fine unless it broke the
 * local connection.
 */
export function judgeVerification(appliesTo: readonly VerdictId[], baseline: VerdictId, now: VerdictId): Verification {
  const worse = BROKEN_LOCAL.includes(now) && !BROKEN_LOCAL.includes(baseline);
  if (!appliesTo.includes(baseline)) return worse ? "worse" : "not-needed";
  if (worse) return "worse";
  if (now === "ok") return "improved";
  if (appliesTo.includes(now) || now === "inconclusive" || now === baseline) return "unchanged";
  return "improved";
}
