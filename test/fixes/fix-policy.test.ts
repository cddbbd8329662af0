/** Policy tables: auto/ask/never × risk × verdict × caps, and the verification judgement. */
import { describe, expect, it } from "vitest";
import { decideAuto, effectivePolicy, judgeVerification, type AutoContext, type FixPolicySetting, type FixRisk } from "../../src/core/fix-policy.js";
import type { VerdictId } from "../../src/core/types.js";

const fix = (risk: FixRisk, appliesTo: VerdictId[] = ["dns-failure"]) => ({ id: "f", risk, appliesTo });
const ctx = (over: Partial<AutoContext> = {}): AutoContext => ({
  autoFixEnabled: true,
  verdict: "dns-failure",
  confirmed: true,
  confidence: "high",
  alreadyAppliedThisIncident: false,
  autoAppliesLast24h: 0,
  dailyCap: 3,
  ...over,
});

describe("effectivePolicy", () => {
  it.each<[FixRisk, FixPolicySetting | undefined, FixPolicySetting, string | null]>([
    ["low", undefined, "ask", null],
    ["medium", undefined, "ask", null],
    ["high", undefined, "ask", null],
    ["low", "auto", "auto", null],
    ["medium", "auto", "auto", null],
    ["high", "auto", "ask", "HIGH_RISK_NEVER_AUTO"],
    ["low", "never", "never", null],
    ["high", "never", "never", null],
    ["high", "ask", "ask", null],
  ])("risk %s, config %s → %s (note %s)", (risk, configured, effective, note) => {
    const p = effectivePolicy(fix(risk), configured);
    expect(p.effective).toBe(effective);
    expect(p.note).toBe(note);
    expect(p.configured).toBe(configured ?? null);
  });
});

describe("decideAuto", () => {
  it.each<[string, FixRisk, FixPolicySetting | undefined, Partial<AutoContext>, string, string]>([
    ["default is ask", "low", undefined, {}, "ask", "POLICY_ASK"],
    ["auto, all conditions met", "low", "auto", {}, "apply", "AUTO_APPROVED"],
    ["auto medium risk", "medium", "auto", {}, "apply", "AUTO_APPROVED"],
    ["auto on high risk is asked", "high", "auto", {}, "ask", "HIGH_RISK_NEVER_AUTO"],
    ["never stays quiet", "low", "never", {}, "skip", "POLICY_NEVER"],
    ["never beats applicability", "low", "never", { verdict: "ok" }, "skip", "POLICY_NEVER"],
    ["verdict the fix does not apply to", "low", "auto", { verdict: "server-outage" }, "skip", "NOT_APPLICABLE"],
    ["verdict not confirmed", "low", "auto", { confirmed: false }, "skip", "NOT_CONFIRMED"],
    ["already ran this incident", "low", "auto", { alreadyAppliedThisIncident: true }, "skip", "ALREADY_THIS_INCIDENT"],
    ["already ran, ask policy: not asked twice", "low", "ask", { alreadyAppliedThisIncident: true }, "skip", "ALREADY_THIS_INCIDENT"],
    ["tray toggle off", "low", "auto", { autoFixEnabled: false }, "ask", "AUTO_FIX_OFF"],
    ["low confidence", "low", "auto", { confidence: "low" }, "ask", "LOW_CONFIDENCE"],
    ["medium confidence is enough", "low", "auto", { confidence: "medium" }, "apply", "AUTO_APPROVED"],
    ["daily cap reached", "low", "auto", { autoAppliesLast24h: 3 }, "ask", "DAILY_CAP"],
    ["one below the cap", "low", "auto", { autoAppliesLast24h: 2 }, "apply", "AUTO_APPROVED"],
    ["cap 0 disables auto", "low", "auto", { dailyCap: 0 }, "ask", "DAILY_CAP"],
    ["high risk with toggle off still asks as high risk", "high", "auto", { autoFixEnabled: false }, "ask", "HIGH_RISK_NEVER_AUTO"],
  ])("%s", (_name, risk, configured, over, action, reason) => {
    expect(decideAuto(fix(risk), configured, ctx(over))).toEqual({ action, reason });
  });
});

describe("judgeVerification", () => {
  it.each<[VerdictId[], VerdictId, VerdictId, string]>([
    [["dns-failure"], "dns-failure", "ok", "improved"],
    [["dns-failure"], "dns-failure", "dns-failure", "unchanged"],
    [["dns-failure"], "dns-failure", "inconclusive", "unchanged"],
    [["dns-failure"], "dns-failure", "bsg-unreachable", "improved"],
    [["dns-failure"], "dns-failure", "no-internet", "worse"],
    [["bsg-unreachable", "dns-failure"], "dns-failure", "bsg-unreachable", "unchanged"],
    [["dns-failure"], "ok", "ok", "not-needed"],
    [["dns-failure"], "ok", "no-internet", "worse"],
    [["local-network", "no-internet"], "no-internet", "local-network", "unchanged"],
    [["local-network", "no-internet"], "no-internet", "ok", "improved"],
  ])("appliesTo %j: %s → %s is %s", (appliesTo, baseline, now, expected) => {
    expect(judgeVerification(appliesTo, baseline, now)).toBe(expected);
  });
});
