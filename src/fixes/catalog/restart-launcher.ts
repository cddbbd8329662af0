import { z } from "zod";
import { paramsObject } from "../result-schema.js";
import type { FixSpec } from "../types.js";

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
  appliesTo: ["bsg-degraded", "bsg-unreachable"],
  script: "Restart-AgentBsgLauncher.ps1",
  precondition: "no-raid",
  paramsSchema: params,
  prepare: async (ctx) => ({ ok: true, params: { installDir: ctx.eftInstallDir } }),
};
