/**
 * Windows Firewall's rules for the game, read now and then and kept as evidence for every round: a BLOCK rule for
 * the game is something the agent's own probes (which run as node, not as the game) can never see, and it is the
 * evidence that makes the agent offer its firewall rule (src/core/advice.ts). Read-only and unelevated
 * (Get-AgentFirewallState); on other systems there is nothing to read and the evidence stays empty.
 */
import { firewallEvidence } from "../core/firewall-evidence.js";
import type { Evidence } from "../core/types.js";
import { READ_SCRIPTS } from "../fixes/catalog/index.js";
import type { ScriptRunner } from "../ports/powershell.js";

/** How often the rules are read again while the agent runs (rules change rarely; a fix re-reads at once). */
export const FIREWALL_REREAD_MS = 30 * 60_000;

export interface FirewallWatch {
  /** The evidence as of the last read ([] before the first, and where there is no Windows Firewall). */
  evidence(): Evidence[];
  /** Reads the rules now; never rejects. */
  refresh(): Promise<Evidence[]>;
  stop(): void;
}

export function createFirewallWatch(opts: { runner: ScriptRunner | null; installDir: string | null; periodic: boolean; warn(message: string, meta?: Record<string, unknown>): void }): FirewallWatch {
  let current: Evidence[] = [];
  const refresh = async (): Promise<Evidence[]> => {
    if (opts.runner === null) return current;
    try {
      const r = await opts.runner.run({ script: READ_SCRIPTS.firewallState, params: opts.installDir === null ? {} : { installDir: opts.installDir }, mode: "Read" });
      if (r.ok && r.result.status !== "Failed") current = firewallEvidence(r.result.data);
      else opts.warn("could not read the firewall rules for the game", { code: r.ok ? r.result.status : r.code });
    } catch (e) {
      opts.warn("could not read the firewall rules for the game", { error: String(e) });
    }
    return current;
  };
  const timer = opts.periodic && opts.runner !== null ? setInterval(() => void refresh(), FIREWALL_REREAD_MS) : null;
  timer?.unref();
  return { evidence: () => current, refresh, stop: () => timer !== null && clearInterval(timer) };
}
