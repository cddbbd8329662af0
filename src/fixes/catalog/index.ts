/** The fix catalogue. Adding a fix = one file in this folder + one line here. */
import type { FixSpec, GuidanceSpec } from "../types.js";
import { defenderExclusionEft } from "./defender-exclusion-eft.js";
import { firewallAllowEft } from "./firewall-allow-eft.js";
import { flushDns } from "./flush-dns.js";
import { repairGameFiles, restartRouter, updateNetworkDriver, useCable, vpnOrRegion } from "./guidance.js";
import { renewIp } from "./renew-ip.js";
import { resetNetworkStack } from "./reset-network-stack.js";
import { restartLauncher } from "./restart-launcher.js";
import { restoreDns } from "./restore-dns.js";
import { switchDns } from "./switch-dns.js";

/** Automatable fixes, in the order the tray lists them when none applies. */
export const FIXES: readonly FixSpec[] = [
  flushDns,
  renewIp,
  switchDns,
  restoreDns,
  firewallAllowEft,
  defenderExclusionEft,
  restartLauncher,
  resetNetworkStack,
];

/** Advice the agent cannot carry out itself. */
export const GUIDANCE: readonly GuidanceSpec[] = [restartRouter, useCable, vpnOrRegion, repairGameFiles, updateNetworkDriver];

/** Read-only scripts other parts of the agent use. */
export const READ_SCRIPTS = {
  networkSnapshot: "Get-AgentNetworkSnapshot.ps1",
  eftInstall: "Get-AgentEftInstall.ps1",
  firewallState: "Get-AgentFirewallState.ps1",
  pathTrace: "Get-AgentPathTrace.ps1",
} as const;

/** Fix by id, or undefined. */
export const findFix = (id: string): FixSpec | undefined => FIXES.find((f) => f.id === id);
