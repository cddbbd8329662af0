import { paramsObject } from "../result-schema.js";
import type { FixSpec } from "../types.js";

/** `netsh winsock reset` + `netsh int ip reset`: last resort, needs a reboot, never automatic. */
export const resetNetworkStack: FixSpec<Record<string, never>> = {
  id: "reset-network-stack",
  title: "Reset Windows networking (needs a restart)",
  guideStep: 4,
  risk: "high",
  needsAdmin: true,
  reversible: false,
  rebootNeeded: true,
  appliesTo: ["local-network", "no-internet"],
  script: "Reset-AgentNetworkStack.ps1",
  paramsSchema: paramsObject({}),
  prepare: async () => ({ ok: true, params: {} }),
};
