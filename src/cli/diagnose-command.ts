/** `tarkov-agent diagnose`: one round, explained (plain words first, or JSON). */
import { classify } from "../core/classify.js";
import { createFirewallWatch } from "../agent/firewall-watch.js";
import { installRoot } from "../config/load.js";
import { PowerShellRunner } from "../ports/powershell.js";
import { runRound } from "../probes/round.js";
import { toDiagnoseJson } from "../report/diagnose-json.js";
import { renderDiagnoseText } from "../report/diagnose-text.js";
import { EXIT } from "./failures.js";
import { jsonOut } from "./json-out.js";
import { gameDirOf, type Context } from "./context.js";

export async function diagnoseCommand(ctx: Context, opts: { json?: boolean }): Promise<number> {
  // On Windows, the game's firewall rules join the evidence (the probes run as node and cannot see a rule for the game).
  const firewall = await readFirewallOnce(ctx);
  const measured = await runRound(ctx.config);
  const round = firewall.length === 0 ? measured : { ...measured, extraEvidence: [...(measured.extraEvidence ?? []), ...firewall] };
  const diagnosis = classify(round);
  ctx.logger.info("diagnosis", { verdict: diagnosis.verdict, confidence: diagnosis.confidence, evidence: diagnosis.evidence, durationMs: round.durationMs, round });
  process.stdout.write(opts.json ? jsonOut(toDiagnoseJson(round, diagnosis, ctx.version)) : renderDiagnoseText(round, diagnosis, ctx.m));
  return diagnosis.verdict === "ok" ? EXIT.ok : EXIT.problem;
}

/** Windows only: the firewall rules for the game, read once through a short-lived PowerShell session. */
export async function readFirewallOnce(ctx: Context) {
  if (process.platform !== "win32") return [];
  const runner = new PowerShellRunner({ installDir: installRoot(), dataDir: ctx.dataDir, log: ctx.logger.child({ component: "powershell" }) });
  try {
    const watch = createFirewallWatch({ runner, installDir: gameDirOf(ctx.config), periodic: false, warn: (msg, meta) => ctx.logger.warn(msg, meta) });
    return await watch.refresh();
  } finally {
    await runner.dispose();
  }
}
