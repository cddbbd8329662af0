/**
 * In-memory stand-in for the PowerShell side, for engine tests: emulates the DNS / firewall / Defender state the
 * real scripts change, honours -WhatIf, and records every call. The runner itself is tested against the fake shell.
 */
import type { FixResult, ResultStatus } from "../../../src/fixes/result-schema.js";
import type { RunnerCode, RunOutcome, ScriptRequest, ScriptRunner } from "../../../src/ports/powershell.js";

export interface World {
  dns: string; // "dhcp" or a provider id
  firewallGroup: boolean;
  defenderExclusion: boolean;
}

export class StateRunner implements ScriptRunner {
  world: World = { dns: "dhcp", firewallGroup: false, defenderExclusion: false };
  calls: { script: string; whatIf: boolean; elevated: boolean; params: unknown }[] = [];
  /** Make the next real (non-WhatIf) run of a script fail with a runner code. */
  failNext = new Map<string, RunnerCode>();
  /** Scripts whose real run reports Failed. */
  scriptFails = new Set<string>();
  /** Scripts whose -WhatIf run reports Failed (prior state unreadable). */
  whatIfFails = new Set<string>();
  /** Scripts whose next real run times out before it changed anything. */
  timeoutBeforeEffect = new Set<string>();
  /** Scripts whose -WhatIf run cannot see the state without admin (Defender): plans, reports stateVisible false. */
  hiddenWithoutAdmin = new Set<string>();

  async run(req: ScriptRequest): Promise<RunOutcome> {
    const whatIf = req.whatIf === true;
    this.calls.push({ script: req.script, whatIf, elevated: req.elevated === true, params: structuredClone(req.params) });
    const meta = { runId: `r-${this.calls.length}`, durationMs: 1, stdoutTail: "", stderrTail: "" };
    if (!whatIf && this.timeoutBeforeEffect.delete(req.script)) return { ok: false, code: "PS_TIMEOUT", message: "fake PS_TIMEOUT before any change", ...meta };
    if (whatIf && req.elevated !== true && this.hiddenWithoutAdmin.has(req.script)) {
      return { ok: true, result: { ...this.result(req, "WouldChange", [], null, null, [`would change ${req.script} unless already there`]), data: { stateVisible: false, reason: "only administrators can see it" } }, ...meta };
    }
    const code = !whatIf ? this.failNext.get(req.script) : undefined;
    if (code !== undefined) {
      this.failNext.delete(req.script);
      if (code === "PS_TIMEOUT") this.apply(req); // the change happened, we just never heard back
      return { ok: false, code, message: `fake ${code}`, ...meta };
    }
    if (whatIf && this.whatIfFails.has(req.script)) return { ok: true, result: this.result(req, "Failed", [], null, null), ...meta };
    if (!whatIf && this.scriptFails.has(req.script)) return { ok: true, result: this.result(req, "Failed", [], null, null), ...meta };
    const before = structuredClone(this.world);
    const wouldChange = this.wouldChange(req);
    if (whatIf) return { ok: true, result: this.result(req, wouldChange ? "WouldChange" : "NoChange", [], before, null, wouldChange ? [`would change ${req.script}`] : []), ...meta };
    if (!wouldChange) return { ok: true, result: this.result(req, "NoChange", [], before, before), ...meta };
    this.apply(req);
    return { ok: true, result: this.result(req, "Changed", [`${req.script} changed`], before, structuredClone(this.world)), ...meta };
  }

  async dispose(): Promise<void> {}

  private wouldChange(req: ScriptRequest): boolean {
    const p = req.params as Record<string, unknown>;
    switch (req.script) {
      case "Set-AgentDnsServer.ps1":
        return this.world.dns !== p.provider;
      case "Restore-AgentDnsServer.ps1":
        return this.world.dns !== (p.snapshot as World).dns;
      case "Add-AgentFirewallRule.ps1":
        return !this.world.firewallGroup;
      case "Remove-AgentFirewallRule.ps1":
        return this.world.firewallGroup;
      case "Add-AgentDefenderExclusion.ps1":
        return !this.world.defenderExclusion;
      case "Remove-AgentDefenderExclusion.ps1":
        return this.world.defenderExclusion && (p.snapshot as World).defenderExclusion === false;
      default:
        return true;
    }
  }

  private apply(req: ScriptRequest): void {
    const p = req.params as Record<string, unknown>;
    if (req.script === "Set-AgentDnsServer.ps1") this.world.dns = p.provider as string;
    if (req.script === "Restore-AgentDnsServer.ps1") this.world.dns = (p.snapshot as World).dns;
    if (req.script === "Add-AgentFirewallRule.ps1") this.world.firewallGroup = true;
    if (req.script === "Remove-AgentFirewallRule.ps1") this.world.firewallGroup = false;
    if (req.script === "Add-AgentDefenderExclusion.ps1") this.world.defenderExclusion = true;
    if (req.script === "Remove-AgentDefenderExclusion.ps1") this.world.defenderExclusion = false;
  }

  private result(req: ScriptRequest, status: ResultStatus, changes: string[], before: unknown, after: unknown, plan: string[] = []): FixResult {
    return {
      schema: 1,
      script: req.script.replace(/\.ps1$/, ""),
      mode: req.mode,
      whatIf: req.whatIf === true,
      status,
      changes,
      plan,
      before,
      after,
      data: null,
      rebootNeeded: false,
      error: status === "Failed" ? { message: "fake failure", category: "NotSpecified", fullyQualifiedErrorId: "Fake" } : null,
      startedAt: new Date().toISOString(),
      durationMs: 1,
    };
  }
}
