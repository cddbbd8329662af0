import { paramsObject } from "../result-schema.js";
import type { FixSpec } from "../types.js";

/** Clear the Windows DNS client cache: cheap, harmless, nothing to undo (guide step 4). */
export const flushDns: FixSpec<Record<string, never>> = {
  id: "flush-dns",
  title: "Clear the DNS cache",
  guideStep: 4,
  risk: "low",
  needsAdmin: false,
  reversible: false,
  rebootNeeded: false,
  appliesTo: ["dns-failure", "bsg-unreachable"],
  script: "Clear-AgentDnsCache.ps1",
  paramsSchema: paramsObject({}),
  prepare: async () => ({ ok: true, params: {} }),
};
