import { z } from "zod";
import { paramsObject } from "../result-schema.js";
import type { FixSpec } from "../types.js";
import { verdictsAdvising } from "../../core/advice.js";

/** The one rule group the agent owns; undo removes this group and nothing else. */
export const AGENT_FIREWALL_GROUP = "Tarkov Connection Agent";
export const EFT_PROGRAMS = ["EscapeFromTarkov.exe", "EscapeFromTarkov_BE.exe", "BsgLauncher.exe"] as const;

const params = paramsObject({
  group: z.literal(AGENT_FIREWALL_GROUP),
  /** Game folder from config; null = the script finds the install (registry / launcher). */
  installDir: z.string().min(1).nullable(),
  programs: z.array(z.enum(EFT_PROGRAMS)).min(1),
});

/** Allow rules (in and out) for the game, BattlEye and the launcher, in the agent's own group; reports BLOCK rules (step 6). */
export const firewallAllowEft: FixSpec<z.infer<typeof params>> = {
  id: "firewall-allow-eft",
  title: "Let the game through Windows Firewall",
  guideStep: 6,
  risk: "medium",
  needsAdmin: true,
  reversible: true,
  rebootNeeded: false,
  // The verdicts whose advice offers this fix (src/core/advice.ts): one table for advice and applicability.
  appliesTo: verdictsAdvising("firewall-allow-eft"),
  script: "Add-AgentFirewallRule.ps1",
  undoScript: "Remove-AgentFirewallRule.ps1",
  paramsSchema: params,
  prepare: async (ctx) => ({ ok: true, params: { group: AGENT_FIREWALL_GROUP, installDir: ctx.eftInstallDir, programs: [...EFT_PROGRAMS] } }),
};
