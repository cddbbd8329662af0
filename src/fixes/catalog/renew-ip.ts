import { z } from "zod";
import { paramsObject } from "../result-schema.js";
import type { FixSpec } from "../types.js";

/** Release/renew DHCP on the active physical adapter only, never on VPN or virtual ones (guide step 4). */
export const renewIp: FixSpec<{ activeAdapterOnly: true }> = {
  id: "renew-ip",
  title: "Get a fresh IP address from the router",
  guideStep: 4,
  risk: "medium",
  needsAdmin: false,
  reversible: false,
  rebootNeeded: false,
  appliesTo: ["local-network", "no-internet"],
  script: "Update-AgentDhcpLease.ps1",
  paramsSchema: paramsObject({ activeAdapterOnly: z.literal(true) }),
  prepare: async () => ({ ok: true, params: { activeAdapterOnly: true } }),
};
