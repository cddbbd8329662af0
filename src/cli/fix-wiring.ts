/**
 * The fix engine as `run`, `fix`, `diagnose` and `bundle` build it: the PowerShell runner (on Windows with the
 * elevated task for approved fixes), the journal and the engine.
 */
import { userInfo } from "node:os";
import { join } from "node:path";
import { classify } from "../core/classify.js";
import { defaultDataDir, installRoot } from "../config/load.js";
import type { ResolvedConfig } from "../config/schema.js";
import { FixEngine, isUndoable, type FixEvent } from "../fixes/engine.js";
import { effectivePolicy } from "../core/fix-policy.js";
import { FIXES } from "../fixes/catalog/index.js";
import { Journal } from "../fixes/journal.js";
import { currentUserSid, runSchtasks, ScheduledTaskElevator, taskNameFor } from "../ports/elevated-task.js";
import { PowerShellRunner, type Elevator } from "../ports/powershell.js";
import { benchmarkResolvers } from "../probes/dns-benchmark.js";
import { runRound, type RoundOptions } from "../probes/round.js";
import { startGameWatch } from "../game/index.js";
import { closeLogger } from "../log.js";
import { checkPowerShell, type PowerShellCheck } from "../ports/powershell-check.js";
import { fixesUnavailable, type Context } from "./context.js";
import type { FixSession } from "./fix-command.js";
import { muteAfterClose } from "./lifecycle.js";

/** The journal, with the catalogue's rule for what may still need an undo (compaction keeps those). */
export function openJournal(ctx: Context): Journal {
  return Journal.inDataDir(ctx.dataDir, {
    log: ctx.logger.child({ component: "journal" }),
    stillNeeded: (e) => isUndoable(FIXES.find((f) => f.id === e.fixId), e),
  });
}

/**
 * Windows: fixes the player approved (policy "auto", and their undo scripts) run through the elevated scheduled task
 * the installer registered, without a UAC prompt; everything else keeps asking (src/ports/elevated-task.ts).
 */
export function approvedFixesElevator(ctx: Context, fixes: ResolvedConfig["fixes"], uac: Elevator): Elevator {
  const approved = (script: string) => FIXES.some((f) => (f.script === script || f.undoScript === script) && effectivePolicy(f, fixes.policy[f.id]).effective === "auto");
  return new ScheduledTaskElevator({
    fallback: uac,
    installDir: installRoot(),
    // Where the task reads requests: the default data folder, whatever --data-dir says.
    requestDir: join(defaultDataDir(), "elevated"),
    taskName: taskNameFor(process.env.USERNAME ?? userInfo().username),
    approved,
    userKey: currentUserSid,
    schtasks: runSchtasks,
    log: ctx.logger.child({ component: "elevated-task" }),
  });
}

/**
 * The PowerShell runner and fix engine, shared by `run` and `fix`. `run` passes its live `fixes` config (policy
 * changes from the dashboard apply at once, also to what the elevated task accepts) and a listener for fix events.
 */
export function buildFixEngine(ctx: Context, probe: (o?: RoundOptions) => Promise<ReturnType<typeof classify>>, raidInProgress: () => boolean, fixes = ctx.config.fixes, onEvent?: (e: FixEvent) => void) {
  const runner = new PowerShellRunner({
    installDir: installRoot(),
    dataDir: ctx.dataDir,
    log: ctx.logger.child({ component: "powershell" }),
    ...(process.platform === "win32" ? { wrapElevator: (uac: Elevator) => approvedFixesElevator(ctx, fixes, uac) } : {}),
  });
  const journal = openJournal(ctx);
  const engine = new FixEngine({
    runner,
    journal,
    config: fixes,
    ...(onEvent === undefined ? {} : { onEvent }),
    diagnose: () => probe(),
    benchmarkDns: (resolvers) => benchmarkResolvers(ctx.config, resolvers),
    raidInProgress,
    eftInstallDir: ctx.config.game.installDir === "auto" ? null : ctx.config.game.installDir,
    log: ctx.logger.child({ component: "fixes" }),
  });
  return { runner, engine, journal };
}

/**
 * What a `fix` subcommand works with: the engine, a fresh diagnosis on demand, the game watch (restart-launcher
 * refuses during a raid; it replays the log tail on attach) and whether PowerShell can run fixes here at all.
 */
export async function openFixSession(ctx: Context): Promise<FixSession> {
  const diagnose = async () => classify(await runRound(ctx.config));
  const game = await startGameWatch(ctx.config.game, { log: ctx.logger.child({ component: "game" }) });
  const { runner, engine, journal } = buildFixEngine(ctx, diagnose, () => game.tailer?.busy ?? false);
  const powershell: PowerShellCheck = await checkPowerShell();
  if (!powershell.ok) ctx.logger.warn("fixes unavailable", { code: powershell.code, reason: powershell.message });
  return {
    engine,
    messages: ctx.m,
    journalDamage: () => journal.damage(),
    diagnose,
    ...(powershell.ok ? {} : { unavailable: fixesUnavailable(ctx.m, powershell) }),
    close: async () => {
      game.stop();
      await runner.dispose();
      await closeLogger(ctx.logger);
      muteAfterClose(ctx.logger);
    },
  };
}
