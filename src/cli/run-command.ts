/**
 * `tarkov-agent run`: the always-on agent. It wires the real adapters (probes, monitor, game watch, tray and toasts,
 * dashboard, fix engine) to the agent and runs until it is told to stop.
 */
import { Agent } from "../agent/agent.js";
import { stateFileError } from "../agent/file-errors.js";
import { HOUSEKEEPING_EVERY_MS, pruneLogs } from "../agent/housekeeping.js";
import { createIncidentStore } from "../agent/incidents.js";
import { acquireInstanceLock } from "../agent/lock.js";
import { createTcpLiveness } from "../agent/liveness.js";
import { createMonitor, osNetworkSignature, systemClock } from "../agent/monitor.js";
import { createEvidenceHistory } from "../agent/evidence-history.js";
import { defaultInstallDeps, looksLikeInstall } from "../game/install.js";
import type { RoundResult } from "../core/types.js";
import { createIncidentTracer } from "../support/incident-trace.js";
import { pathTracer } from "../support/path-trace-runner.js";
import { launcherLogsDir, makeSupportBundle, revealFile } from "../support/support-bundle.js";
import { classify } from "../core/classify.js";
import { createFirewallWatch, type FirewallWatch } from "../agent/firewall-watch.js";
import { zone } from "../core/i18n/format.js";
import { describeEvent, toEvidence } from "../core/eft-log.js";
import { installRoot } from "../config/load.js";
import type { ResolvedConfig } from "../config/schema.js";
import { startGameWatch, type GameWatch } from "../game/index.js";
import { logsDir } from "../log.js";
import { checkPowerShell } from "../ports/powershell-check.js";
import { runRound, type RoundOptions } from "../probes/round.js";
import { createLiveConfig } from "../config/live.js";
import { startDashboard, type RunningDashboard } from "../dashboard/index.js";
import { createBackend, type DashboardBackend } from "../dashboard/backend.js";
import { osLanguage } from "../dashboard/language.js";
import { openInBrowser } from "../dashboard/open-browser.js";
import { coreWords, rememberRounds } from "../dashboard/views.js";
import { createDesktop } from "./desktop.js";
import { EXIT } from "./failures.js";
import { onStopSignals, settlesWithin, watchStopRequest } from "./lifecycle.js";
import { APP_ID, APP_NAME, fixesUnavailable, gameDirOf, openFolder, type Context } from "./context.js";
import { buildFixEngine } from "./fix-wiring.js";

export interface RunOptions {
  headless?: boolean;
  events?: "json" | "text";
  /** `--no-dashboard`: commander sets false. */
  dashboard?: boolean;
}

/** `tarkov-agent run`: the always-on agent. Resolves (exit 0) when it is told to stop. */
export async function runAgent(ctx: Context, opts: RunOptions): Promise<number> {
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
  // The dashboard says what the agent saw from the very round behind the monitor's last diagnosis.
  const classified = rememberRounds(classify);
  const traceDuringIncident = createIncidentTracer({ history, raidServers: () => game, lastRound: () => lastRound, trace: pathTracer({ runner }), log: logger.child({ component: "trace" }) });
  const monitor = createMonitor({
    config,
    probeRound: async (o) => {
      const r = await probe(o);
      if (o.only === undefined || o.only.length > 0) lastRound = r;
      return r;
    },
    history,
    classify: classified.classify,
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
      roundOf: classified.roundOf,
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
