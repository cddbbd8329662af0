import { paramsObject } from "../result-schema.js";
import type { FixSpec } from "../types.js";
import { verdictsAdvising } from "../../core/advice.js";

/** Clear the Windows DNS client cache: cheap, harmless, nothing to undo (guide step 4). */
export const flushDns: FixSpec<Record<string, never>> = {
  id: "flush-dns",
  title: "Clear the DNS cache",
  guideStep: 4,
  risk: "low",
  needsAdmin: false,
  reversible: false,
  rebootNeeded: false,
  // The verdicts whose advice offers this fix (src/core/advice.ts): one table for advice and applicability.
  appliesTo: verdictsAdvising("flush-dns"),
  script: "Clear-AgentDnsCache.ps1",
  paramsSchema: paramsObject({}),
  prepare: async () => ({ ok: true, params: {} }),
};
