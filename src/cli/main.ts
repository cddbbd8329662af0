#!/usr/bin/env node
/**
 * `tarkov-agent`: the command line and the agent's single composition root. Only this file builds real adapters
 * (probes, logger, shell, tray, notifier) and hands them to the pure core and the agent.
 *
 * Exit codes: 0 = verdict ok / command succeeded, 1 = any other verdict / command failed, 2 = usage or config error.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Command, CommanderError, Option } from "commander";
import { Agent } from "../agent/agent.js";
import { createIncidentStore, listIncidents } from "../agent/incidents.js";
import { acquireInstanceLock } from "../agent/lock.js";
import { createTcpLiveness } from "../agent/liveness.js";
import { createMonitor, osNetworkSignature, systemClock } from "../agent/monitor.js";
import { createEvidenceHistory } from "../agent/evidence-history.js";
import { defaultInstallDeps, findGame } from "../game/install.js";
import type { RoundResult } from "../core/types.js";
import { createIncidentTracer } from "../support/incident-trace.js";
import { pathTracer } from "../support/path-trace-runner.js";
import { launcherLogsDir, makeSupportBundle, revealFile } from "../support/support-bundle.js";
import { bundleCommand, bundleCommandSpec, BundleUsageError, type BundleCliOptions } from "./bundle-command.js";
import { reportCommand, reportCommandSpec, ReportUsageError, type ReportCliOptions } from "./report-command.js";
import { classify, headlineOf } from "../core/classify.js";
import { describeEvent, toEvidence } from "../core/eft-log.js";
import { defaultDataDir, installRoot, loadConfig } from "../config/load.js";
import type { ResolvedConfig } from "../config/schema.js";
import { FixEngine } from "../fixes/engine.js";
import { Journal } from "../fixes/journal.js";
import { startGameWatch, type GameWatch } from "../game/index.js";
import { closeLogger, createLogger, logsDir, type Logger } from "../log.js";
import { createNotifier } from "../ports/notify.js";
import { PowerShellRunner } from "../ports/powershell.js";
import { benchmarkResolvers } from "../probes/dns-benchmark.js";
import { runRound, type RoundOptions } from "../probes/round.js";
import { toDiagnoseJson } from "../report/diagnose-json.js";
import { renderDiagnoseText } from "../report/diagnose-text.js";
import { startTray, type TrayHandle } from "../tray/tray.js";
import { registerFixCommands } from "./fix-command.js";

export const EXIT = { ok: 0, problem: 1, usage: 2 } as const;

const VERSION = (JSON.parse(readFileSync(join(installRoot(), "package.json"), "utf8")) as { version: string }).version;

interface GlobalOptions {
  config?: string;
  dataDir?: string;
  verbose?: boolean;
}

/** Everything a command needs, built once from the global options. */
export interface Context {
  config: ResolvedConfig;
  dataDir: string;
  logger: Logger;
  version: string;
}

class UsageError extends Error {}

function buildContext(opts: GlobalOptions, component: string): Context {
  const configPath = opts.config ?? process.env.TARKOV_AGENT_CONFIG;
  const loaded = loadConfig(configPath);
  if (!loaded.ok) throw new UsageError(loaded.message);
  // Absolute from here on: the tray moves the process into the install folder (platform-notes §1 gotcha 9), after
  // which a relative --data-dir would point elsewhere (its log stream then fails to open and takes the agent down).
  const dataDir = resolve(opts.dataDir ?? defaultDataDir());
  let logger: Logger;
  try {
    logger = createLogger({ dataDir, console: opts.verbose === true, level: opts.verbose ? "debug" : "info", component });
  } catch (e) {
    // An unwritable data dir must not stop a diagnosis: log nowhere and say so.
    process.stderr.write(`warning: cannot write logs to ${dataDir}: ${(e as Error).message}\n`);
    logger = createLogger({ dataDir: null, console: opts.verbose === true, component });
  }
  return { config: withAbsolutePaths(loaded.value), dataDir, logger, version: VERSION };
}

/** File paths in the config, resolved against the folder the command was started from (see buildContext). */
function withAbsolutePaths(config: ResolvedConfig): ResolvedConfig {
  const { tls, game } = config;
  return {
    ...config,
    tls: { ...tls, extraCaFile: tls.extraCaFile === null ? null : resolve(tls.extraCaFile) },
    game: { ...game, installDir: game.installDir === "auto" ? "auto" : resolve(game.installDir), logsDir: game.logsDir === null ? null : resolve(game.logsDir) },
  };
}

async function diagnoseCommand(ctx: Context, opts: { json?: boolean }): Promise<number> {
  const round = await runRound(ctx.config);
  const diagnosis = classify(round);
  ctx.logger.info("diagnosis", { verdict: diagnosis.verdict, confidence: diagnosis.confidence, evidence: diagnosis.evidence, durationMs: round.durationMs, round });
  process.stdout.write(opts.json ? JSON.stringify(toDiagnoseJson(round, diagnosis, ctx.version), null, 2) + "\n" : renderDiagnoseText(round, diagnosis));
  return diagnosis.verdict === "ok" ? EXIT.ok : EXIT.problem;
}

/** Windows' AppUserModelID: toasts carry the app's name (the installer's Start-menu shortcut registers it). */
const APP_ID = "TarkovConnectionAgent";
const APP_NAME = "Tarkov Connection Agent";

/** The PowerShell runner and fix engine, shared by `run` and `fix`. */
function buildFixEngine(ctx: Context, probe: (o?: RoundOptions) => Promise<ReturnType<typeof classify>>, raidInProgress: () => boolean) {
  const runner = new PowerShellRunner({ installDir: installRoot(), dataDir: ctx.dataDir, log: ctx.logger.child({ component: "powershell" }) });
  const engine = new FixEngine({
    runner,
    journal: Journal.inDataDir(ctx.dataDir),
    config: ctx.config.fixes,
    diagnose: () => probe(),
    benchmarkDns: (resolvers) => benchmarkResolvers(ctx.config, resolvers),
    raidInProgress,
    eftInstallDir: ctx.config.game.installDir === "auto" ? null : ctx.config.game.installDir,
    log: ctx.logger.child({ component: "fixes" }),
  });
  return { runner, engine };
}

/** Opens a folder in the OS file manager; a failure is logged, never thrown. */
function openFolder(path: string, logger: Logger): void {
  const [cmd, args] = process.platform === "win32" ? ["explorer.exe", [path]] : process.platform === "darwin" ? ["open", [path]] : ["xdg-open", [path]];
  try {
    const child = spawn(cmd, args, { detached: true, stdio: "ignore", windowsHide: false });
    child.on("error", (e) => logger.warn("could not open folder", { path, error: e.message }));
    child.unref();
  } catch (e) {
    logger.warn("could not open folder", { path, error: (e as Error).message });
  }
}

interface RunOptions {
  headless?: boolean;
  events?: "json" | "text";
}

/** `tarkov-agent run`: the always-on agent. Resolves (exit 0) when it is told to stop. */
async function runAgent(ctx: Context, opts: RunOptions): Promise<number> {
  const { config, dataDir, logger } = ctx;
  const lock = acquireInstanceLock(dataDir);
  if (!lock.ok && lock.code === "ALREADY_RUNNING") {
    process.stderr.write(`${lock.message}\n`);
    return EXIT.ok;
  }
  if (!lock.ok) logger.warn("instance lock unavailable; continuing without it", { message: lock.message });
  const eventsJson = opts.events === "json";
  // In --events json mode stdout carries only events; everything for people goes to stderr.
  const say = (line: string) => (eventsJson ? process.stderr : process.stdout).write(line + "\n");

  let game: GameWatch | null = null;
  const liveTargets = () => game?.liveHosts.targets() ?? [];
  const withLive = (): ResolvedConfig => {
    const known = new Set(config.targets.map((t) => t.id));
    return { ...config, targets: [...config.targets, ...liveTargets().filter((t) => !known.has(t.id))] };
  };
  const probe = (o?: RoundOptions) => runRound(withLive(), o);
  const raidBusy = () => game?.tailer?.busy ?? false;
  const raidPhase = () => {
    const st = game?.tailer?.raidState;
    return st ? { phase: st.phase, sinceMs: st.since } : null;
  };
  const { runner, engine } = buildFixEngine(ctx, async () => classify(await probe()), raidBusy);

  let stop: () => void = () => {};
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  let agent: Agent | null = null;
  const history = createEvidenceHistory({ dataDir, logger: logger.child({ component: "history" }) });
  let lastRound: RoundResult | null = null;
  const traceDuringIncident = createIncidentTracer({ history, raidServers: () => game, lastRound: () => lastRound, trace: pathTracer({ runner }), log: logger.child({ component: "trace" }) });
  const monitor = createMonitor({
    config,
    probeRound: async (o) => {
      const r = await probe(o);
      if (o.only === undefined || o.only.length > 0) lastRound = r;
      return r;
    },
    history,
    classify,
    liveness: createTcpLiveness(),
    clock: systemClock,
    networkSignature: osNetworkSignature,
    incidents: createIncidentStore({ dataDir, logger }),
    logger: logger.child({ component: "monitor" }),
    onEvent: (e) => {
      agent?.onEvent(e);
      traceDuringIncident(e);
    },
    onStateChange: (st) => agent?.onStateChange(st),
  });
  agent = new Agent({
    dataDir,
    monitor,
    notifier: config.notifications.enabled ? createNotifier({ appId: APP_ID, appName: APP_NAME, logger: logger.child({ component: "notify" }) }) : null,
    engine,
    raidBusy,
    raidPhase,
    print: (line) => process.stdout.write(line + "\n"),
    eventsJson,
    openFolder: (p) => openFolder(p, logger),
    logsDir: logsDir(dataDir),
    quit: () => stop(),
    logger: logger.child({ component: "agent" }),
    makeBundle: () =>
      makeSupportBundle({
        dataDir,
        version: ctx.version,
        gameLogsDir: game?.location.logsDir ?? null,
        launcherLogsDir: launcherLogsDir(),
        currentDiagnosis: async () => monitor.state().lastDiagnosis,
        runner: process.platform === "win32" ? runner : null,
        raidServers: game,
      }),
    revealFile: (p) => revealFile(p, (e) => logger.warn("could not show the bundle in the file manager", { path: p, error: e.message })),
  });

  let tray: TrayHandle | null = null;
  if (!opts.headless) {
    tray = await startTray({ installDir: installRoot(), readyTimeoutMs: 8_000, actions: agent.trayActions(), logger: logger.child({ component: "tray" }), initialView: agent.view() });
    if (tray === null) say("No desktop tray is available here: running headless (events are printed below).");
    else agent.onView((v) => tray?.update(v));
  }

  game = await startGameWatch(config.game, {
    log: logger.child({ component: "game" }),
    onTrigger: (e) => monitor.triggerImmediate(describeEvent(e), [toEvidence(e), ...(game?.raidServerEvidence() ?? [])]),
    onRaidPhase: (change) => agent?.onGamePhase(change),
    onNewHost: (h) => logger.info("game uses a new BSG host; probing it too", { host: h.host }),
  });
  void engine.resolvePending().then(
    (outcomes) => outcomes.forEach((o) => logger.warn("resolved a fix interrupted by a crash", { ...o })),
    (e: unknown) => logger.error("could not resolve pending fixes", { error: String(e) }),
  );
  monitor.start();
  void agent.start();
  const raidTimer = setInterval(() => agent?.checkRaidEnded(), 5_000);
  say(`tarkov-agent ${ctx.version}: watching ${config.targets.length} targets every ${Math.round(config.monitor.intervalMs / 1000)} s${tray ? " (tray icon shown)" : ""}. Logs: ${logsDir(dataDir)}. Ctrl+C stops.`);

  const onSignal = () => stop();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  await stopped;
  process.off("SIGINT", onSignal);
  process.off("SIGTERM", onSignal);
  clearInterval(raidTimer);
  monitor.stop();
  history.close();
  game.stop();
  await tray?.close();
  await runner.dispose();
  if (lock.ok) lock.value.release();
  logger.info("agent stopped");
  return EXIT.ok;
}

async function historyCommand(ctx: Context, opts: { json?: boolean; limit?: string }): Promise<number> {
  const limit = opts.limit === undefined ? 20 : Number(opts.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit: expected a whole number of at least 1, found ${JSON.stringify(opts.limit)}`);
  const incidents = listIncidents({ dataDir: ctx.dataDir, limit, logger: ctx.logger });
  if (opts.json) {
    process.stdout.write(JSON.stringify({ incidents }, null, 2) + "\n");
    return EXIT.ok;
  }
  if (incidents.length === 0) {
    process.stdout.write("No incidents recorded yet.\n");
    return EXIT.ok;
  }
  for (const i of incidents) {
    const minutes = i.durationMs === null ? "ongoing" : `${Math.max(1, Math.round(i.durationMs / 60_000))} min`;
    const cause = i.verdicts.map((v) => headlineOf(v)).join(" → ");
    process.stdout.write(`${i.start}  ${minutes.padStart(8)}  ${cause}${i.endReason === "agent stopped" ? "  (agent stopped before it ended)" : ""}\n`);
  }
  return EXIT.ok;
}

export function buildProgram(run: (code: Promise<number>) => void): Command {
  const program = new Command();
  program
    .name("tarkov-agent")
    .description("Watches your PC's connection to Escape from Tarkov's servers, says why it broke and helps fix it.")
    .version(VERSION, "-V, --version", "print the version")
    .option("-c, --config <file>", "config file (JSON); default: built-in settings, or $TARKOV_AGENT_CONFIG")
    .option("--data-dir <dir>", "where logs, incidents and the fix journal live (default: per-user state folder)")
    .option("-v, --verbose", "also print log lines to stderr")
    .showHelpAfterError("(run tarkov-agent --help for usage)")
    .exitOverride();

  const withContext = (component: string, fn: (ctx: Context, opts: Record<string, unknown>) => Promise<number>) =>
    function (this: Command, opts: Record<string, unknown>) {
      run(
        (async () => {
          const ctx = buildContext(program.opts<GlobalOptions>(), component);
          try {
            return await fn(ctx, opts);
          } finally {
            await closeLogger(ctx.logger);
          }
        })(),
      );
    };

  program
    .command("diagnose")
    .description("check the connection to BSG once and explain what is wrong (exit 0 = ok, 1 = a problem, 2 = usage/config error)")
    .addOption(new Option("--json", "print the result as JSON (schema in the README)"))
    .action(withContext("diagnose", (ctx, opts) => diagnoseCommand(ctx, opts as { json?: boolean })));

  program
    .command("run")
    .description("the always-on agent: tray icon, alerts when the connection drops and when it is back (default command)")
    .option("--headless", "no tray icon; print events instead")
    .addOption(new Option("--events <format>", "print each confirmed change: json = one JSON object per line (schema in the README)").choices(["json", "text"]))
    .action(withContext("agent", (ctx, opts) => runAgent(ctx, opts as RunOptions)));

  program
    .command("history")
    .description("list past connection incidents (newest first)")
    .option("--json", "print JSON")
    .option("--limit <n>", "how many (default 20)")
    .action(withContext("history", (ctx, opts) => historyCommand(ctx, opts as { json?: boolean; limit?: string })));

  const gameLogsDir = async (ctx: Context) => (await findGame(ctx.config.game, defaultInstallDeps(ctx.logger.child({ component: "game" })))).logsDir;
  const usage = <T>(fn: () => Promise<T>) =>
    fn().catch((e: unknown) => {
      throw e instanceof BundleUsageError || e instanceof ReportUsageError ? new UsageError(e.message) : e;
    });
  const io = { out: (t: string) => void process.stdout.write(t), err: (t: string) => void process.stderr.write(t) };
  bundleCommandSpec(program).action(
    withContext("bundle", (ctx, opts) =>
      usage(async () => {
        const runner = process.platform === "win32" ? buildFixEngine(ctx, async () => classify(await runRound(ctx.config)), () => false).runner : null;
        try {
          const deps = { dataDir: ctx.dataDir, version: ctx.version, gameLogsDir: await gameLogsDir(ctx), launcherLogsDir: launcherLogsDir(), runner, currentDiagnosis: async () => classify(await runRound(ctx.config)) };
          return await bundleCommand(opts as BundleCliOptions, deps, io);
        } finally {
          await runner?.dispose();
        }
      }),
    ),
  );
  reportCommandSpec(program).action(
    withContext("report", (ctx, opts) =>
      usage(async () => reportCommand(opts as ReportCliOptions, { dataDir: ctx.dataDir, version: ctx.version, gameLogsDir: await gameLogsDir(ctx), openFile: (p) => openFolder(p, ctx.logger) }, io)),
    ),
  );

  registerFixCommands(program, {
    run,
    openSession: async () => {
      const ctx = buildContext(program.opts<GlobalOptions>(), "fix");
      const diagnose = async () => classify(await runRound(ctx.config));
      // The game log tells whether a raid is running (restart-launcher refuses then); it replays the log tail on attach.
      const game = await startGameWatch(ctx.config.game, { log: ctx.logger.child({ component: "game" }) });
      const { runner, engine } = buildFixEngine(ctx, diagnose, () => game.tailer?.busy ?? false);
      return {
        engine,
        diagnose,
        close: async () => {
          game.stop();
          await runner.dispose();
          await closeLogger(ctx.logger);
        },
      };
    },
  });

  return program;
}

/** Global options that take a value: their value is not a command word. */
const VALUE_OPTIONS = new Set(["-c", "--config", "--data-dir"]);

/**
 * `tarkov-agent` alone (or with only global options) runs the agent, as `npm start` does. Commander's own default
 * command would also swallow typos ("too many arguments for 'run'"), so route only when no command word is given.
 */
export function withDefaultCommand(argv: string[]): string[] {
  const args = argv.slice(2);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (VALUE_OPTIONS.has(a)) i++;
    else if (!a.startsWith("-")) return argv;
    else if (["-h", "--help", "-V", "--version"].includes(a)) return argv;
  }
  return [...argv.slice(0, 2), "run", ...args];
}

async function main(argv: string[]): Promise<void> {
  let pending: Promise<number> | null = null;
  const program = buildProgram((p) => {
    pending = p;
  });
  try {
    await program.parseAsync(withDefaultCommand(argv));
    const code = pending === null ? EXIT.ok : await (pending as Promise<number>);
    process.exitCode = code;
  } catch (e) {
    if (e instanceof CommanderError) {
      process.exitCode = e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    } else if (e instanceof UsageError) {
      process.stderr.write(`error: ${e.message}\n`);
      process.exitCode = EXIT.usage;
    } else {
      process.stderr.write(`tarkov-agent: unexpected error (a bug, please report it): ${(e as Error).stack ?? String(e)}\n`);
      process.exitCode = EXIT.problem;
    }
  }
}

await main(process.argv);
