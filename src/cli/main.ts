#!/usr/bin/env node
/**
 * `tarkov-agent`: the command line and the agent's single composition root. Only this file builds real adapters
 * (probes, logger, shell, tray, notifier) and hands them to the pure core and the agent.
 *
 * Exit codes (src/cli/failures.ts): 0 = verdict ok / command succeeded, 1 = any other verdict / command failed,
 * 2 = usage or config error, 3 = the agent's own files cannot be read or written.
 */
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, statSync } from "node:fs";
import { userInfo } from "node:os";
import { join, resolve, win32 } from "node:path";
import { Command, CommanderError, Option } from "commander";
import { Agent } from "../agent/agent.js";
import { stateFileError, type StateFileError } from "../agent/file-errors.js";
import { HOUSEKEEPING_EVERY_MS, pruneLogs } from "../agent/housekeeping.js";
import { createIncidentStore, listIncidents, type Incident } from "../agent/incidents.js";
import { acquireInstanceLock } from "../agent/lock.js";
import { createTcpLiveness } from "../agent/liveness.js";
import { createMonitor, osNetworkSignature, systemClock } from "../agent/monitor.js";
import { createEvidenceHistory } from "../agent/evidence-history.js";
import { defaultInstallDeps, findGame, looksLikeInstall } from "../game/install.js";
import type { RoundResult } from "../core/types.js";
import { createIncidentTracer } from "../support/incident-trace.js";
import { pathTracer } from "../support/path-trace-runner.js";
import { launcherLogsDir, makeSupportBundle, revealFile } from "../support/support-bundle.js";
import { bundleCommand, bundleCommandSpec, BundleUsageError, type BundleCliOptions } from "./bundle-command.js";
import { reportCommand, reportCommandSpec, ReportUsageError, type ReportCliOptions } from "./report-command.js";
import { classify } from "../core/classify.js";
import { createFirewallWatch, type FirewallWatch } from "../agent/firewall-watch.js";
import { dateTimeWithZone, duration, zone } from "../core/i18n/format.js";
import { messages, pickLocale, type Messages } from "../core/i18n/index.js";
import { describeEvent, toEvidence } from "../core/eft-log.js";
import { chooseConfigFile, defaultDataDir, installRoot, loadConfig, resolvePaths, type ConfigChoice } from "../config/load.js";
import type { ResolvedConfig } from "../config/schema.js";
import { FixEngine, isUndoable, type FixEvent } from "../fixes/engine.js";
import { effectivePolicy } from "../core/fix-policy.js";
import { FIXES } from "../fixes/catalog/index.js";
import { Journal } from "../fixes/journal.js";
import { startGameWatch, type GameWatch } from "../game/index.js";
import { closeLogger, createLogger, logsDir, type Logger } from "../log.js";
import { currentUserSid, runSchtasks, ScheduledTaskElevator, taskNameFor } from "../ports/elevated-task.js";
import { PowerShellRunner, type Elevator } from "../ports/powershell.js";
import { checkPowerShell, type PowerShellCheck } from "../ports/powershell-check.js";
import { benchmarkResolvers } from "../probes/dns-benchmark.js";
import { runRound, type RoundOptions } from "../probes/round.js";
import { toDiagnoseJson } from "../report/diagnose-json.js";
import { renderDiagnoseText } from "../report/diagnose-text.js";
import { createLiveConfig } from "../config/live.js";
import { startDashboard, type RunningDashboard } from "../dashboard/index.js";
import { createBackend, type DashboardBackend } from "../dashboard/backend.js";
import { osLanguage } from "../dashboard/language.js";
import { openInBrowser } from "../dashboard/open-browser.js";
import { coreWords } from "../dashboard/views.js";
import { registerDashboardCommand } from "./dashboard-command.js";
import { createDesktop } from "./desktop.js";
import { describeFailure, EXIT, jsonError, UsageError, VALUE_OPTIONS, wantsJson } from "./failures.js";
import { registerFixCommands } from "./fix-command.js";
import { jsonOut } from "./json-out.js";
import { muteAfterClose, onStopSignals, settlesWithin, watchStopRequest } from "./lifecycle.js";
import { registerSystemCommands } from "./system-commands.js";

export { EXIT } from "./failures.js";

const VERSION = (JSON.parse(readFileSync(join(installRoot(), "package.json"), "utf8")) as { version: string }).version;

interface GlobalOptions {
  config?: string;
  dataDir?: string;
  verbose?: boolean;
}

/** Everything a command needs, built once from the global options. */
export interface Context {
  config: ResolvedConfig;
  /** Which config file was read, and where settings are saved. */
  configFile: ConfigChoice;
  /** The folder the command was started from: relative paths in the config are relative to it. */
  startDir: string;
  dataDir: string;
  logger: Logger;
  version: string;
  /** The player's language: `ui.language`, or the OS's (src/core/i18n/locale.ts). */
  m: Messages;
}

/** The catalogue in the player's language: the config's `ui.language`, else what the OS says. */
function playerMessages(config: ResolvedConfig): Messages {
  return messages(pickLocale(config.ui.language, { env: process.env, intlLocale: Intl.DateTimeFormat().resolvedOptions().locale }));
}

/**
 * Can the data folder be used? Creates it when missing. Null = yes; otherwise why not (a file where the folder
 * should be, no permission, a read-only disk). A full disk is not checked here: it comes and goes.
 */
function dataDirProblem(dataDir: string): StateFileError | null {
  try {
    mkdirSync(dataDir, { recursive: true });
    if (!statSync(dataDir).isDirectory()) throw Object.assign(new Error("not a directory"), { code: "ENOTDIR" });
    return null;
  } catch (e) {
    return stateFileError(e, dataDir, "the agent's data folder", "write", dataDir);
  }
}

/**
 * `needsDataDir`: the command keeps its records there (run, history, fix) and stops with exit 3 when the folder
 * cannot be used; `diagnose` only loses its log file and says so.
 */
function buildContext(opts: GlobalOptions, component: string, needsDataDir = true): Context {
  if (opts.config === "") throw new UsageError("--config: expected the path of a JSON config file, found an empty text", "CONFIG_UNREADABLE");
  const dataDir = resolveDataDir(opts);
  // --config, else $TARKOV_AGENT_CONFIG (empty = unset), else <data dir>/config.json when it exists.
  const configFile = chooseConfigFile({ option: opts.config, env: process.env.TARKOV_AGENT_CONFIG, dataDir });
  const loaded = loadConfig(configFile.path ?? undefined);
  if (!loaded.ok) throw new UsageError(loaded.message, loaded.code);
  const problem = dataDirProblem(dataDir);
  if (problem !== null && needsDataDir) throw problem;
  let logger: Logger;
  try {
    if (problem !== null) throw problem;
    logger = createLogger({ dataDir, console: opts.verbose === true, level: opts.verbose ? "debug" : "info", component });
  } catch (e) {
    // An unwritable data dir must not stop a diagnosis: log nowhere and say so.
    process.stderr.write(`warning: not writing a log file: ${(e as Error).message}\n`);
    logger = createLogger({ dataDir: null, console: opts.verbose === true, component });
  }
  const startDir = process.cwd();
  // File paths in the config, resolved against the folder the command was started from (see resolveDataDir).
  const config = resolvePaths(loaded.value, startDir);
  // Every path is absolute now. Work from the install folder (Program Files when installed, writable by admins
  // only), so nothing a program looks up in the current folder first (systray2's traybin, a bare command name)
  // can be planted in the folder the agent happened to be started from.
  try {
    process.chdir(installRoot());
  } catch (e) {
    logger.warn("cannot enter the install folder", { installDir: installRoot(), error: (e as Error).message });
  }
  return { config, configFile, startDir, dataDir, logger, version: VERSION, m: playerMessages(loaded.value) };
}

/** The start-up PowerShell check's failure, in the player's words (the reason itself names a path or a version). */
const fixesUnavailable = (m: Messages, check: Extract<PowerShellCheck, { ok: false }>): string =>
  m.cli.fixesUnavailable(process.platform === "win32" ? "Windows PowerShell" : "PowerShell (pwsh)", check.message);

/**
 * `--data-dir` or the per-user default, absolute from here on: the tray moves the process into the install folder
 * (platform-notes §1 gotcha 9), after which a relative --data-dir would point elsewhere (its log stream then fails
 * to open and takes the agent down).
 */
function resolveDataDir(opts: GlobalOptions): string {
  if (opts.dataDir === "") throw new UsageError("--data-dir: expected a folder, found an empty text");
  return resolve(opts.dataDir ?? defaultDataDir());
}

async function diagnoseCommand(ctx: Context, opts: { json?: boolean }): Promise<number> {
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
async function readFirewallOnce(ctx: Context) {
  if (process.platform !== "win32") return [];
  const runner = new PowerShellRunner({ installDir: installRoot(), dataDir: ctx.dataDir, log: ctx.logger.child({ component: "powershell" }) });
  try {
    const watch = createFirewallWatch({ runner, installDir: gameDirOf(ctx.config), periodic: false, warn: (msg, meta) => ctx.logger.warn(msg, meta) });
    return await watch.refresh();
  } finally {
    await runner.dispose();
  }
}

const gameDirOf = (config: ResolvedConfig): string | null => (config.game.installDir === "auto" ? null : config.game.installDir);

/** Windows' AppUserModelID: toasts carry the app's name (the installer's Start-menu shortcut registers it). */
const APP_ID = "TarkovConnectionAgent";
const APP_NAME = "Tarkov Connection Agent";

/** The journal, with the catalogue's rule for what may still need an undo (compaction keeps those). */
function openJournal(ctx: Context): Journal {
  return Journal.inDataDir(ctx.dataDir, {
    log: ctx.logger.child({ component: "journal" }),
    stillNeeded: (e) => isUndoable(FIXES.find((f) => f.id === e.fixId), e),
  });
}

/**
 * Windows: fixes the player approved (policy "auto", and their undo scripts) run through the elevated scheduled task
 * the installer registered, without a UAC prompt; everything else keeps asking (src/ports/elevated-task.ts).
 */
function approvedFixesElevator(ctx: Context, fixes: ResolvedConfig["fixes"], uac: Elevator): Elevator {
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
function buildFixEngine(ctx: Context, probe: (o?: RoundOptions) => Promise<ReturnType<typeof classify>>, raidInProgress: () => boolean, fixes = ctx.config.fixes, onEvent?: (e: FixEvent) => void) {
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
  /** `--no-dashboard`: commander sets false. */
  dashboard?: boolean;
}

/** `tarkov-agent run`: the always-on agent. Resolves (exit 0) when it is told to stop. */
async function runAgent(ctx: Context, opts: RunOptions): Promise<number> {
  const { dataDir, logger } = ctx;
  // Settings saved from the dashboard replace the config while the agent runs; `config.*` reads what is in force.
  const live = createLiveConfig(ctx.config);
  const config = live.view;
  let dashboard: RunningDashboard | null = null;
  // Asked once, at start (PowerShell's cold start takes a second or two: overlap it with the rest of startup).
  const powershellCheck = checkPowerShell();
  const lock = acquireInstanceLock(dataDir);
  if (!lock.ok && lock.code === "ALREADY_RUNNING") {
    process.stderr.write(`${lock.message}\n`);
    return EXIT.ok;
  }
  // A read-only or forbidden data folder would lose every incident and fix record: say so and stop. A full disk
  // may clear up, and watching the connection is still worth it: go on and say so.
  if (!lock.ok && lock.errno !== undefined && ["EROFS", "EACCES", "EPERM", "ENOTDIR", "EISDIR"].includes(lock.errno)) {
    throw stateFileError(Object.assign(new Error(lock.message), { code: lock.errno }), lock.path, "the agent's lock file", "write", dataDir);
  }
  if (!lock.ok) {
    logger.warn("instance lock unavailable; continuing without it", { reason: lock.message });
    process.stderr.write(`warning: ${lock.message}; watching anyway\n`);
  }
  const eventsJson = opts.events === "json";
  // In --events json mode stdout carries only events; everything for people goes to stderr.
  const say = (line: string) => (eventsJson ? process.stderr : process.stdout).write(line + "\n");
  const m = ctx.m;

  let game: GameWatch | null = null;
  const liveTargets = () => game?.liveHosts.targets() ?? [];
  const withLive = (): ResolvedConfig => {
    const known = new Set(config.targets.map((t) => t.id));
    return { ...config, targets: [...config.targets, ...liveTargets().filter((t) => !known.has(t.id))] };
  };
  let firewall: FirewallWatch | null = null;
  const probe = async (o?: RoundOptions) => {
    const r = await runRound(withLive(), o);
    const extra = firewall?.evidence() ?? [];
    return extra.length === 0 ? r : { ...r, extraEvidence: [...(r.extraEvidence ?? []), ...extra] };
  };
  const raidBusy = () => game?.tailer?.busy ?? false;
  const raidPhase = () => {
    const st = game?.tailer?.raidState;
    return st ? { phase: st.phase, sinceMs: st.since } : null;
  };
  const { runner, engine: fixEngine, journal } = buildFixEngine(ctx, async () => classify(await probe()), raidBusy, config.fixes, () => dashboard?.push("history"));
  // Without a working PowerShell every fix would fail one by one with a code: say it once, plainly.
  const powershell = await powershellCheck;
  const engine = powershell.ok ? fixEngine : null;
  if (!powershell.ok) {
    logger.warn("fixes unavailable", { code: powershell.code, reason: powershell.message });
    say(fixesUnavailable(m, powershell));
  }
  firewall = createFirewallWatch({ runner: process.platform === "win32" && powershell.ok ? runner : null, installDir: gameDirOf(config), periodic: true, warn: (msg, meta) => logger.warn(msg, meta) });
  void firewall.refresh();

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
  // The notifier is always built, so toasts can be switched on from the dashboard: the agent reads
  // `notifications.enabled` per toast (notificationsEnabled below).
  const desktop = createDesktop({ installDir: installRoot(), dataDir, appId: APP_ID, appName: APP_NAME, notifications: true, headless: opts.headless === true, logger, say });
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
      dashboardBackend?.invalidateChart();
      dashboard?.push("history");
    },
    onStateChange: (st) => {
      agent?.onStateChange(st);
      dashboard?.push("status");
    },
  });
  let dashboardBackend: DashboardBackend | null = null;
  agent = new Agent({
    dataDir,
    monitor,
    notifier: desktop.notifier,
    notificationsEnabled: () => config.notifications.enabled,
    engine,
    raidBusy,
    raidPhase,
    print: (line) => process.stdout.write(line + "\n"),
    say,
    messages: m,
    checks: () => withLive().targets.length,
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
    journalDamage: () => journal.damage(),
    openDashboard: () => {
      if (dashboard === null) logger.warn("dashboard is not running; nothing to open");
      else openInBrowser(dashboard.url, (e) => logger.warn("could not open the dashboard in a browser", { error: e.message }));
    },
  });

  if (opts.dashboard !== false) {
    dashboardBackend = createBackend({
      dataDir,
      version: ctx.version,
      snapshot: () => monitor.state(),
      agent,
      live,
      configFile: ctx.configFile.saveTo,
      startDir: ctx.startDir,
      autoFix: { get: () => agent?.autoFixEnabled ?? false, set: (on) => agent?.setAutoFix(on) },
      autostart: desktop.autostart,
      gameInUse: () => game?.location.installDir ?? null,
      folderHasGame: (dir) => looksLikeInstall(dir, defaultInstallDeps()),
      words: coreWords,
      revealFile: (p) => revealFile(p, (e) => logger.warn("could not show the bundle in the file manager", { error: e.message })),
      osLanguage: () => osLanguage(),
      logger: logger.child({ component: "dashboard" }),
    });
    dashboard = await startDashboard({ backend: dashboardBackend, dataDir, logger: logger.child({ component: "dashboard" }) });
  }

  if (!powershell.ok) desktop.setFixesNote(process.platform === "win32" ? m.tray.fixesNeedWindowsPowerShell : m.tray.fixesNeedPwsh);
  const trayShown = await desktop.start(agent.trayActions(), agent.view());
  if (trayShown) agent.onView((v) => desktop.show(v));
  else if (!opts.headless) say(m.cli.noTray);

  game = await startGameWatch(config.game, {
    log: logger.child({ component: "game" }),
    onTrigger: (e) => monitor.triggerImmediate(describeEvent(e), [toEvidence(e), ...(game?.raidServerEvidence() ?? [])]),
    onRaidPhase: (change) => agent?.onGamePhase(change),
    onNewHost: (h) => logger.info("game uses a new BSG host; probing it too", { host: h.host }),
  });
  void engine?.resolvePending().then(
    (outcomes) => outcomes.forEach((o) => logger.warn("resolved a fix interrupted by a crash", { ...o })),
    (e: unknown) => logger.error("could not resolve pending fixes", { error: String(e) }),
  );
  monitor.start();
  void agent.start({ tray: trayShown, gameFound: game.location.logsDir !== null });
  const raidTimer = setInterval(() => agent?.checkRaidEnded(), 5_000);
  const keepLogsBounded = () => pruneLogs(logsDir(dataDir)).forEach((f) => logger.info("old log file deleted (size bound)", { file: f }));
  keepLogsBounded();
  const housekeepingTimer = setInterval(keepLogsBounded, HOUSEKEEPING_EVERY_MS);
  say(m.cli.greeting(ctx.version, config.targets.length, Math.round(config.monitor.intervalMs / 1000), trayShown, logsDir(dataDir)));
  if (trayShown) say(m.cli.trayHint);
  say(m.cli.timesAre(zone(Date.now())));
  if (dashboard !== null) say(m.cli.dashboardHint(trayShown));

  await stopped;
  // Quit ends the process within 2 s, whatever a child does: toasts are killed, the tray and PowerShell get a
  // bounded goodbye, and main() exits even if a handle lingers. The signal handlers stay until the end: a second
  // Ctrl+C during shutdown still means "now".
  offStopRequest();
  clearInterval(raidTimer);
  clearInterval(housekeepingTimer);
  firewall.stop();
  monitor.stop();
  history.close();
  game.stop();
  const closed = await settlesWithin(Promise.all([desktop.close(), runner.dispose(), dashboard?.close()]), 1_400);
  if (!closed) logger.warn("tray, dashboard or PowerShell did not close in time; exiting anyway");
  if (lock.ok) lock.value.release();
  logger.info("agent stopped");
  say(m.cli.goodbye);
  offSignals();
  return EXIT.ok;
}

/** `--limit`: plain decimal digits only (no `0x10`, `1e3`, ` 5`), 1 to 10,000. */
export function parseLimit(text: string | undefined, fallback = 20): number {
  if (text === undefined) return fallback;
  const n = /^[0-9]{1,6}$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(n) || n < 1 || n > 10_000) throw new UsageError(`--limit: expected a whole number from 1 to 10000 (digits only), found ${JSON.stringify(text)}`);
  return n;
}

async function historyCommand(ctx: Context, opts: { json?: boolean; limit?: string }): Promise<number> {
  const limit = parseLimit(opts.limit);
  const incidents = listIncidents({ dataDir: ctx.dataDir, limit, logger: ctx.logger });
  if (opts.json) {
    // The same envelope as `fix history --json` and `diagnose --json`: a schema number and the list under its name.
    process.stdout.write(jsonOut({ schema: 1, incidents }));
    return EXIT.ok;
  }
  process.stdout.write(historyText(incidents, ctx.m));
  return EXIT.ok;
}

/** `history` for people: local time with its zone, the duration as everywhere else, the verdicts' one names. */
export function historyText(incidents: readonly Incident[], m: Messages): string {
  if (incidents.length === 0) return `${m.cli.noIncidents}\n`;
  const rows = incidents.map((i) => {
    const when = dateTimeWithZone(Date.parse(i.start), m.locale);
    const lasted = i.durationMs === null ? m.cli.ongoing : duration(i.durationMs, m.locale);
    const cause = i.verdicts.map((v) => m.verdicts.name[v]).join(" → ");
    return { when, lasted, cause, note: i.endReason === "agent stopped" ? `  ${m.cli.agentStopped}` : "" };
  });
  const w = Math.max(...rows.map((r) => r.lasted.length));
  return rows.map((r) => `${r.when}  ${r.lasted.padEnd(w)}  ${r.cause}${r.note}\n`).join("");
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
          const ctx = buildContext(program.opts<GlobalOptions>(), component, component !== "diagnose");
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
    .option("--no-dashboard", "do not serve the local dashboard (tarkov-agent dashboard)")
    .addOption(new Option("--events <format>", "print each confirmed change: json = one JSON object per line (schema in the README)").choices(["json", "text"]))
    .action(withContext("agent", (ctx, opts) => runAgent(ctx, opts as RunOptions)));

  program
    .command("history")
    .description("list past connection incidents (newest first)")
    .option("--json", "print JSON")
    .option("--limit <n>", "how many, 1–10000 (default 20)")
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
      usage(async () => reportCommand(opts as ReportCliOptions, { dataDir: ctx.dataDir, version: ctx.version, gameLogsDir: await gameLogsDir(ctx), openFile: (p) => openFolder(p, ctx.logger), messages: ctx.m }, io)),
    ),
  );

  registerDashboardCommand(program, { run, dataDir: () => resolveDataDir(program.opts<GlobalOptions>()) });

  registerFixCommands(program, {
    run,
    openSession: async () => {
      const ctx = buildContext(program.opts<GlobalOptions>(), "fix");
      const diagnose = async () => classify(await runRound(ctx.config));
      // The game log tells whether a raid is running (restart-launcher refuses then); it replays the log tail on attach.
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
    },
  });

  registerSystemCommands(program, {
    withContext: (component, fn) => withContext(component, (ctx, opts) => fn({ dataDir: ctx.dataDir, installDir: installRoot(), appId: APP_ID, appName: APP_NAME }, opts)),
  });

  return program;
}

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
  const json = wantsJson(argv.slice(2));
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
    const f = describeFailure(e);
    // Commander has already printed its own usage error; everything else is said here, once.
    if (json && f.exit !== EXIT.ok) process.stdout.write(jsonError(f));
    if (!(e instanceof CommanderError)) {
      process.stderr.write(f.bug ? `tarkov-agent: ${f.message}\n${(e as Error).stack ?? ""}\n` : `error: ${f.message}\n`);
    }
    process.exitCode = f.exit;
  }
}

await main(process.argv);
