import { paramsObject } from "../result-schema.js";
import type { FixSpec } from "../types.js";
import { verdictsAdvising } from "../../core/advice.js";

/**
 * Release/renew DHCP on the active physical adapter only (the one holding the best default route), never on VPN or
 * virtual ones (guide step 4). Empty params: the script picks the adapter from Windows, never from caller data.
 */
export const renewIp: FixSpec<Record<string, never>> = {
  id: "renew-ip",
  title: "Get a fresh IP address from the router",
  guideStep: 4,
  risk: "medium",
  needsAdmin: true, // ipconfig /release and /renew need an elevated session
  reversible: false,
  rebootNeeded: false,
  // The verdicts whose advice offers this fix (src/core/advice.ts): one table for advice and applicability.
  appliesTo: verdictsAdvising("renew-ip"),
  script: "Update-AgentDhcpLease.ps1",
  paramsSchema: paramsObject({}),
  prepare: async () => ({ ok: true, params: {} }),
};
