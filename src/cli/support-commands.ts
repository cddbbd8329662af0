/**
 * `tarkov-agent bundle` and `tarkov-agent report` wired to the real game discovery, probes and (on Windows) the
 * PowerShell runner that takes the network snapshot and path trace. Loaded only when one of them runs.
 */
import { classify } from "../core/classify.js";
import { defaultInstallDeps, findGame } from "../game/install.js";
import { runRound } from "../probes/round.js";
import { launcherLogsDir } from "../support/support-bundle.js";
import { bundleCommand, type BundleCliOptions } from "./bundle-command.js";
import { openFolder, type Context } from "./context.js";
import { buildFixEngine } from "./fix-wiring.js";
import { reportCommand, type ReportCliOptions } from "./report-command.js";

const io = { out: (t: string) => void process.stdout.write(t), err: (t: string) => void process.stderr.write(t) };

/** Where the game writes its logs (null when the game was not found). */
const gameLogsDir = async (ctx: Context) => (await findGame(ctx.config.game, defaultInstallDeps(ctx.logger.child({ component: "game" })))).logsDir;

export async function runBundleCommand(ctx: Context, opts: BundleCliOptions): Promise<number> {
  const currentDiagnosis = async () => classify(await runRound(ctx.config));
  const runner = process.platform === "win32" ? buildFixEngine(ctx, currentDiagnosis, () => false).runner : null;
  try {
    const deps = { dataDir: ctx.dataDir, version: ctx.version, gameLogsDir: await gameLogsDir(ctx), launcherLogsDir: launcherLogsDir(), runner, currentDiagnosis };
    return await bundleCommand(opts, deps, io);
  } finally {
    await runner?.dispose();
  }
}

export async function runReportCommand(ctx: Context, opts: ReportCliOptions): Promise<number> {
  return reportCommand(opts, { dataDir: ctx.dataDir, version: ctx.version, gameLogsDir: await gameLogsDir(ctx), openFile: (p) => openFolder(p, ctx.logger), messages: ctx.m }, io);
}
