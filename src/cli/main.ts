#!/usr/bin/env node
/**
 * `tarkov-agent`: the command line and the agent's single composition root. Only this file builds real adapters
 * (probes, logger, shell, tray, notifier) and hands them to the pure core and the agent.
 *
 * Exit codes: 0 = verdict ok / command succeeded, 1 = any other verdict / command failed, 2 = usage or config error.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { userInfo } from "node:os";
import { join, resolve, win32 } from "node:path";
import { Command, CommanderError, Option } from "commander";
import { Agent } from "../agent/agent.js";
import { createIncidentStore, listIncidents } from "../agent/incidents.js";
import { acquireInstanceLock } from "../agent/lock.js";
import { createTcpLiveness } from "../agent/liveness.js";
import { createMonitor, osNetworkSignature, systemClock } from "../agent/monitor.js";
import { classify, headlineOf } from "../core/classify.js";
import { describeEvent, toEvidence } from "../core/eft-log.js";
import { defaultDataDir, installRoot, loadConfig } from "../config/load.js";
import type { ResolvedConfig } from "../config/schema.js";
import { effectivePolicy } from "../core/fix-policy.js";
import { FIXES } from "../fixes/catalog/index.js";
import { FixEngine } from "../fixes/engine.js";
import { Journal } from "../fixes/journal.js";
import { startGameWatch, type GameWatch } from "../game/index.js";
import { closeLogger, createLogger, logsDir, type Logger } from "../log.js";
import { currentUserSid, runSchtasks, ScheduledTaskElevator, taskNameFor } from "../ports/elevated-task.js";
import { PowerShellRunner, type Elevator } from "../ports/powershell.js";
import { checkPowerShell, fixesUnavailableMessage, type PowerShellCheck } from "../ports/powershell-check.js";
import { benchmarkResolvers } from "../probes/dns-benchmark.js";
import { runRound, type RoundOptions } from "../probes/round.js";
import { toDiagnoseJson } from "../report/diagnose-json.js";
import { renderDiagnoseText } from "../report/diagnose-text.js";
import { createDesktop } from "./desktop.js";
import { registerFixCommands } from "./fix-command.js";
import { muteAfterClose, onStopSignals, settlesWithin, watchStopRequest } from "./lifecycle.js";
import { registerSystemCommands } from "./system-commands.js";

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
  const config = withAbsolutePaths(loaded.value);
  // Every path is absolute now. Work from the install folder (Program Files when installed, writable by admins
  // only), so nothing a program looks up in the current folder first (systray2's traybin, a bare command name)
  // can be planted in the folder the agent happened to be started from.
  try {
    process.chdir(installRoot());
  } catch (e) {
    logger.warn("cannot enter the install folder", { installDir: installRoot(), error: (e as Error).message });
  }
  return { config, dataDir, logger, version: VERSION };
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

/**
 * Windows: fixes the player approved (policy "auto", and their undo scripts) run through the elevated scheduled task
 * the installer registered, without a UAC prompt; everything else keeps asking (src/ports/elevated-task.ts).
 */
function approvedFixesElevator(ctx: Context, uac: Elevator): Elevator {
  const approved = (script: string) => FIXES.some((f) => (f.script === script || f.undoScript === script) && effectivePolicy(f, ctx.config.fixes.policy[f.id]).effective === "auto");
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

/** The PowerShell runner and fix engine, shared by `run` and `fix`. */
function buildFixEngine(ctx: Context, probe: (o?: RoundOptions) => Promise<ReturnType<typeof classify>>, raidInProgress: () => boolean) {
  const runner = new PowerShellRunner({
    installDir: installRoot(),
    dataDir: ctx.dataDir,
    log: ctx.logger.child({ component: "powershell" }),
    ...(process.platform === "win32" ? { wrapElevator: (uac: Elevator) => approvedFixesElevator(ctx, uac) } : {}),
  });
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
  // Full path: a bare explorer.exe would be looked up in the current folder first.
  const explorer = win32.join(process.env.SystemRoot ?? process.env.windir ?? "C:\\Windows", "explorer.exe");
  const [cmd, args] = process.platform === "win32" ? [explorer, [path]] : process.platform === "darwin" ? ["open", [path]] : ["xdg-open", [path]];
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
  // Asked once, at start (PowerShell's cold start takes a second or two: overlap it with the rest of startup).
  const powershellCheck = checkPowerShell();
  const lock = acquireInstanceLock(dataDir);
  if (!lock.ok && lock.code === "ALREADY_RUNNING") {
    process.stderr.write(`${lock.message}\n`);
    return EXIT.ok;
  }
  if (!lock.ok) logger.warn("instance lock unavailable; continuing without it", { reason: lock.message });
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
  const { runner, engine: fixEngine } = buildFixEngine(ctx, async () => classify(await probe()), raidBusy);
  // Without a working PowerShell every fix would fail one by one with a code: say it once, plainly.
  const powershell = await powershellCheck;
  const engine = powershell.ok ? fixEngine : null;
  if (!powershell.ok) {
    logger.warn("fixes unavailable", { code: powershell.code, reason: powershell.message });
    say(fixesUnavailableMessage(powershell));
  }

  let stop: () => void = () => {};
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  // Ctrl+C, SIGTERM, and on Windows the console closing (SIGHUP) or Ctrl+Break (SIGBREAK); a second one ends at once.
  const offSignals = onStopSignals((signal) => {
    logger.info("stop requested", { signal });
    stop();
  });
  // `tarkov-agent stop` (the installer and uninstaller) asks through the data folder.
  const offStopRequest = watchStopRequest(dataDir, () => {
    logger.info("stop requested", { by: "tarkov-agent stop" });
    stop();
  });
  const desktop = createDesktop({ installDir: installRoot(), dataDir, appId: APP_ID, appName: APP_NAME, notifications: config.notifications.enabled, headless: opts.headless === true, logger, say });
  let agent: Agent | null = null;
  const monitor = createMonitor({
    config,
    probeRound: (o) => probe(o),
    classify,
    liveness: createTcpLiveness(),
    clock: systemClock,
    networkSignature: osNetworkSignature,
    incidents: createIncidentStore({ dataDir, logger }),
    logger: logger.child({ component: "monitor" }),
    onEvent: (e) => agent?.onEvent(e),
    onStateChange: (st) => agent?.onStateChange(st),
  });
  agent = new Agent({
    dataDir,
    monitor,
    notifier: desktop.notifier,
    engine,
    raidBusy,
    print: (line) => process.stdout.write(line + "\n"),
    eventsJson,
    openFolder: (p) => openFolder(p, logger),
    logsDir: logsDir(dataDir),
    quit: () => stop(),
    logger: logger.child({ component: "agent" }),
  });

  if (!powershell.ok) desktop.setFixesNote(process.platform === "win32" ? "Fixes need Windows PowerShell" : "Fixes need PowerShell (pwsh)");
  const trayShown = await desktop.start(agent.trayActions(), agent.view());
  if (trayShown) agent.onView((v) => desktop.show(v));
  else if (!opts.headless) say("No desktop tray is available here: running headless (events are printed below).");

  game = await startGameWatch(config.game, {
    log: logger.child({ component: "game" }),
    onTrigger: (e) => monitor.triggerImmediate(describeEvent(e), [toEvidence(e)]),
    onNewHost: (h) => logger.info("game uses a new BSG host; probing it too", { host: h.host }),
  });
  void engine?.resolvePending().then(
    (outcomes) => outcomes.forEach((o) => logger.warn("resolved a fix interrupted by a crash", { ...o })),
    (e: unknown) => logger.error("could not resolve pending fixes", { error: String(e) }),
  );
  monitor.start();
  void agent.start();
  const raidTimer = setInterval(() => agent?.checkRaidEnded(), 5_000);
  say(`tarkov-agent ${ctx.version}: watching ${config.targets.length} targets every ${Math.round(config.monitor.intervalMs / 1000)} s${trayShown ? " (tray icon shown)" : ""}. Logs: ${logsDir(dataDir)}. Ctrl+C stops.`);

  await stopped;
  // Quit ends the process within 2 s, whatever a child does: toasts are killed, the tray and PowerShell get a
  // bounded goodbye, and main() exits even if a handle lingers. The signal handlers stay until the end: a second
  // Ctrl+C during shutdown still means "now".
  offStopRequest();
  clearInterval(raidTimer);
  monitor.stop();
  game.stop();
  const closed = await settlesWithin(Promise.all([desktop.close(), runner.dispose()]), 1_400);
  if (!closed) logger.warn("tray or PowerShell did not close in time; exiting anyway");
  if (lock.ok) lock.value.release();
  logger.info("agent stopped");
  offSignals();
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
            muteAfterClose(ctx.logger);
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

  registerFixCommands(program, {
    run,
    openSession: async () => {
      const ctx = buildContext(program.opts<GlobalOptions>(), "fix");
      const diagnose = async () => classify(await runRound(ctx.config));
      // The game log tells whether a raid is running (restart-launcher refuses then); it replays the log tail on attach.
      const game = await startGameWatch(ctx.config.game, { log: ctx.logger.child({ component: "game" }) });
      const { runner, engine } = buildFixEngine(ctx, diagnose, () => game.tailer?.busy ?? false);
      const powershell: PowerShellCheck = await checkPowerShell();
      if (!powershell.ok) ctx.logger.warn("fixes unavailable", { code: powershell.code, reason: powershell.message });
      return {
        engine,
        diagnose,
        ...(powershell.ok ? {} : { unavailable: fixesUnavailableMessage(powershell) }),
        close: async () => {
          game.stop();
          await runner.dispose();
          await closeLogger(ctx.logger);
          muteAfterClose(ctx.logger);
        },
      };
    },
  });

  registerSystemCommands(program, {
    withContext: (component, fn) => withContext(component, (ctx, opts) => fn({ dataDir: ctx.dataDir, installDir: installRoot(), appId: APP_ID, appName: APP_NAME }, opts)),
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
    // The command is over and its log is closed. A child or socket that still holds the event loop (a toast or
    // PowerShell that ignored its kill) must not keep the process alive: unref'd, this fires only in that case.
    setTimeout(() => process.exit(code), 300).unref();
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
