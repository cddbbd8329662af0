import { z } from "zod";
import { paramsObject } from "../result-schema.js";
import type { FixSpec } from "../types.js";
import { verdictsAdvising } from "../../core/advice.js";

const PROCESSES = ["EscapeFromTarkov.exe", "EscapeFromTarkov_BE.exe"] as const;
const params = paramsObject({
  installDir: z.string().min(1).nullable(),
  processes: z.array(z.enum(PROCESSES)).min(1),
});

/** Microsoft Defender process exclusion for the game. High risk: never automatic, always asks; undo removes it (step 6). */
export const defenderExclusionEft: FixSpec<z.infer<typeof params>> = {
  id: "defender-exclusion-eft",
  title: "Stop Microsoft Defender from scanning the game",
  guideStep: 6,
  risk: "high",
  needsAdmin: true,
  reversible: true,
  rebootNeeded: false,
  // The verdicts whose advice offers this fix (src/core/advice.ts): one table for advice and applicability.
  appliesTo: verdictsAdvising("defender-exclusion-eft"),
  script: "Add-AgentDefenderExclusion.ps1",
  undoScript: "Remove-AgentDefenderExclusion.ps1",
  // Undo must know whether the exclusion was ours or already there.
  requiresSnapshot: true,
  paramsSchema: params,
  prepare: async (ctx) => ({ ok: true, params: { installDir: ctx.eftInstallDir, processes: [...PROCESSES] } }),
};
