import { z } from "zod";
import { paramsObject } from "../result-schema.js";
import type { FixSpec } from "../types.js";
import { verdictsAdvising } from "../../core/advice.js";

const params = paramsObject({ installDir: z.string().min(1).nullable() });

/** Stop and start the BSG launcher from its install path; refused while a raid is in progress (step 2). */
export const restartLauncher: FixSpec<z.infer<typeof params>> = {
  id: "restart-launcher",
  title: "Restart the BSG launcher",
  guideStep: 2,
  risk: "low",
  needsAdmin: false,
  reversible: false,
  rebootNeeded: false,
  // The verdicts whose advice offers this fix (src/core/advice.ts): one table for advice and applicability.
  appliesTo: verdictsAdvising("restart-launcher"),
  script: "Restart-AgentBsgLauncher.ps1",
  precondition: "no-raid",
  paramsSchema: params,
  prepare: async (ctx) => ({ ok: true, params: { installDir: ctx.eftInstallDir } }),
};
