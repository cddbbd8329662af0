import { paramsObject } from "../result-schema.js";
import type { FixSpec } from "../types.js";
import { verdictsAdvising } from "../../core/advice.js";

/** `netsh winsock reset` + `netsh int ip reset`: last resort, needs a reboot, never automatic. */
export const resetNetworkStack: FixSpec<Record<string, never>> = {
  id: "reset-network-stack",
  title: "Reset Windows networking (needs a restart)",
  guideStep: 4,
  risk: "high",
  needsAdmin: true,
  reversible: false,
  rebootNeeded: true,
  // The verdicts whose advice offers this fix (src/core/advice.ts): one table for advice and applicability.
  appliesTo: verdictsAdvising("reset-network-stack"),
  script: "Reset-AgentNetworkStack.ps1",
  paramsSchema: paramsObject({}),
  prepare: async () => ({ ok: true, params: {} }),
};
