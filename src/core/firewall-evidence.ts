/**
 * Windows Firewall's view of the game, as evidence: Get-AgentFirewallState (read-only, scripts/) reports the
 * effective result per EFT program and direction, Block winning over Allow. An enabled BLOCK rule for the game or
 * the launcher is the evidence that makes the agent offer its firewall rule (src/core/advice.ts, `firewall-block`).
 * The agent's own probes run as node, not as the game, so this is the only way the agent sees such a block.
 * Pure: the composition root runs the script and hands its `data` in.
 */
import { z } from "zod";
import type { Evidence } from "./types.js";

const ruleSchema = z.object({
  displayName: z.string().max(512),
  direction: z.string().max(32),
  action: z.string().max(32),
  enabled: z.boolean(),
  owned: z.boolean().optional(),
});

const dataSchema = z.object({
  programs: z
    .array(
      z.object({
        path: z.string().max(1024),
        inbound: z.string().max(32),
        outbound: z.string().max(32),
        rules: z.array(ruleSchema).max(500).default([]),
      }),
    )
    .max(16),
});

/** The program's file name from a Windows path. */
const fileName = (path: string): string => path.split(/[\\/]/).pop() ?? path;

/** Evidence lines for the firewall state (one per blocked program); [] when the data is not the script's shape. */
export function firewallEvidence(data: unknown): Evidence[] {
  const parsed = dataSchema.safeParse(data);
  if (!parsed.success) return [];
  const out: Evidence[] = [];
  for (const p of parsed.data.programs) {
    const blocked = [p.outbound === "Block" ? "outbound" : null, p.inbound === "Block" ? "inbound" : null].filter((d) => d !== null);
    if (blocked.length === 0) continue;
    const rules = p.rules.filter((r) => r.enabled && r.action === "Block" && r.owned !== true).map((r) => `"${r.displayName}"`);
    out.push({
      kind: "firewall",
      severity: "problem",
      text: `Windows Firewall blocks ${fileName(p.path)} (${blocked.join(" and ")})${rules.length > 0 ? ` with rule ${rules.slice(0, 3).join(", ")}` : ""}: the agent's own checks get through, the game does not.`,
    });
  }
  return out;
}
