import { undoParamsSchema, type UndoParams } from "../result-schema.js";
import type { FixSpec } from "../types.js";

/**
 * Put back the exact DNS setup switch-dns found (DHCP stays DHCP, static keeps its list and order), from the
 * registry snapshot in the journal. Applying it = undoing every journalled switch-dns, newest first.
 */
export const restoreDns: FixSpec<UndoParams> = {
  id: "restore-dns",
  title: "Put my previous DNS back",
  guideStep: 5,
  risk: "low",
  needsAdmin: true,
  reversible: false,
  rebootNeeded: false,
  appliesTo: [],
  script: "Restore-AgentDnsServer.ps1",
  restores: "switch-dns",
  paramsSchema: undoParamsSchema,
  prepare: async () => ({ ok: false, code: "FIX_FROM_JOURNAL", message: "restore-dns takes its params from the journal" }),
};
