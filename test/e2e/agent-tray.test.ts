// The REAL agent, end to end, on a desktop: the built `tarkov-agent run` (no --headless) against the loopback
// world, on a private Xvfb display + D-Bus session with a StatusNotifierWatcher (the tray host side) and dunst (a
// notification daemon) watched by dbus-monitor (test/gui/session-driver.sh). Nothing is faked between the agent
// and the desktop: its systray2 binary registers a StatusNotifierItem whose menu we read with dbusmenu GetLayout
// and click with dbusmenu Event, as a tray host would, and its toasts go notify-send → D-Bus → dunst, where
// dbus-monitor records the Notify calls. Expected words come from src/core/alert-text.ts and from a separate
// `tarkov-agent diagnose --json` of the same world, so the test checks the wiring, not a copy of the wording.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { delimiter, dirname, join, relative, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { PAUSE_MS } from "../../src/agent/agent.js";
import { incidentSchema } from "../../src/agent/incidents.js";
import { dropAlert, recoveryAlert, statusLine, VERDICT_TITLES } from "../../src/core/alert-text.js";
import { EN } from "../../src/core/i18n/index.js";
import { FixEngine } from "../../src/fixes/engine.js";
import { Journal } from "../../src/fixes/journal.js";
import { StateRunner } from "../fixes/helpers/state-runner.js";
import type { Diagnosis, VerdictId } from "../../src/core/types.js";
import { PAUSE_TITLE, RESUME_TITLE } from "../../src/tray/menu.js";
import { diagnoseJsonSchema } from "../../src/report/diagnose-json.js";
import { gate, missingLibraries, missingTools, startSession, TOOLS, type Session } from "../gui/session.js";
import { INSTALL_HINT, PWSH } from "../ps/harness.js";
import { startWorld, type World } from "../world/index.js";
import { CLI, runCli } from "./cli-run.js";
import { clickLabel, menuLayout, notifyCalls, registeredItems, renderedBetween, resolveItem, shownIcon, sniProp, visibleLabels, type NotifyCall, type SniItem } from "./tray-helpers.js";
import type { MenuNode } from "../gui/gvariant.js";

/** The icons the built agent loads (installRoot()/assets/icons). */
const ICONS = resolve(import.meta.dirname, "../../assets/icons");
const TRAY_BIN = join(dirname(createRequire(import.meta.url).resolve("systray2/package.json")), "traybin", "tray_linux_release");
const APP_NAME = "Tarkov Connection Agent";

// Real PowerShell on the agent's PATH: without a working one the agent turns fixes (and so undo) off at start.
const missing = [
  ...(PWSH === null ? [`pwsh (${INSTALL_HINT})`] : []),
  ...missingTools([TOOLS.xvfbRun, TOOLS.xvfb, TOOLS.xauth, TOOLS.dbusRunSession, TOOLS.dbusMonitor, TOOLS.gdbus, TOOLS.watcher, TOOLS.dunst, TOOLS.notifySend]),
  ...(process.platform === "linux" ? missingLibraries(TRAY_BIN) : ["a Linux host"]),
];
if (existsSync(TRAY_BIN) && (statSync(TRAY_BIN).mode & 0o111) === 0) {
  missing.push(`the run bit on ${TRAY_BIN} (npm's postinstall: node tools/postinstall.mjs)`);
}
const { skip, failure, label } = gate(missing);

/** Fast but still hysteresis-shaped monitoring: 2 failures to alert, 2 successes to recover. */
const MONITOR = { intervalMs: 2_000, failureThreshold: 2, successThreshold: 2, confirmIntervalMs: 300, livenessIntervalMs: 500 };
/** A hard drop (connections refused) must be on the tray and in a toast within this. */
const DETECT_MS = 8_000;
/**
 * Waits that are not a latency bound (first round, a click answered, Resume, recovery, Quit): sized for a loaded 2-core
 * CI machine (load 4–8), where a node process start alone took ~6 s, so none of them fails a slow but correct agent.
 */
const SLOW_MS = 30_000;

// Tests run up to three SLOW_MS waits plus CLI runs: the 30 s default test timeout would cut them short under load.
describe.skipIf(skip)(`the built agent's tray and toasts on a desktop session${label}`, { timeout: 120_000 }, () => {
  let session: Session;
  let world: World;
  let dir: string;
  let dataDir: string;
  let agent: ChildProcess | null = null;
  let agentExit: Promise<number | null>;
  let agentOut = "";
  let item: SniItem;
  let startedAt: number;
  let outage: Diagnosis;
  let droppedAt = 0;
  let configPath = "";
  /** The same world with absolute paths, for the CLI commands this test runs from its own cwd. */
  let cliConfigPath = "";
  const timings: Record<string, number> = {};

  const layout = () => menuLayout(session, item);
  const statusOf = async () => String((await layout())[0]?.props.label);
  const icon = () => shownIcon(session, item, ICONS);
  const calls = (): NotifyCall[] => notifyCalls(readFileSync(join(session.dir, "monitor.log"), "utf8"));
  /** Calls recorded after the first `n`, waiting until one matches. */
  const waitForCall = async (after: number, match: (c: NotifyCall) => boolean, timeout = DETECT_MS): Promise<NotifyCall> => {
    let found: NotifyCall | undefined;
    await vi.waitFor(
      () => {
        found = calls().slice(after).find(match);
        expect(found, `Notify calls so far: ${JSON.stringify(calls().map((c) => [c.summary, c.body]))}`).toBeDefined();
      },
      { timeout, interval: 100 },
    );
    return found!;
  };
  /** The status line a view shows for `verdict`, with a "since" somewhere in [from, now]. */
  const verdictLines = (verdict: VerdictId, from: number) => renderedBetween((at) => statusLine({ verdict, since: at }), from, Date.now());
  /** The agent's own log (winston JSON lines in <data dir>/logs/*.log). */
  const agentLog = () => readLogs(join(dataDir, "logs"));
  const context = () => `\n--- agent output ---\n${agentOut}\n--- agent log (end) ---\n${agentLog().slice(-4_000)}`;
  /** With TCA_SCREENSHOTS=<dir>, the whole X screen (dunst draws its toasts there) is saved for a person to look at. */
  const screenshot = async (name: string) => {
    const folder = process.env.TCA_SCREENSHOTS;
    if (!folder) return;
    mkdirSync(folder, { recursive: true });
    await session.run("import", ["-window", "root", join(folder, `${name}.png`)], 10_000);
  };

  /** What `tarkov-agent diagnose --json` says about the world right now: the diagnosis the agent should toast. */
  const diagnoseWorld = async (): Promise<Diagnosis> => {
    const r = await runCli(["diagnose", "--json", "--config", cliConfigPath, "--data-dir", join(dir, "diagnose-data")]);
    const json = diagnoseJsonSchema.parse(JSON.parse(r.stdout));
    return { verdict: json.verdict, confidence: json.confidence, headline: json.headline, meaning: json.meaning, evidence: json.evidence, advice: json.advice };
  };

  beforeAll(async () => {
    if (failure) throw new Error(failure);
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
    const t0 = performance.now();
    const [s, w] = await Promise.allSettled([startSession(["sni", "dunst"]), startWorld({ probe: { timeoutMs: 800, deadlineMs: 3_000 } })]);
    if (s.status === "fulfilled") session = s.value; // assigned even if the other failed, so afterAll ends it
    if (w.status === "fulfilled") world = w.value;
    if (s.status === "rejected") throw s.reason;
    if (w.status === "rejected") throw w.reason;
    dir = mkdtempSync(join(tmpdir(), "tca-agent-tray-"));
    dataDir = join(dir, "data");
    // A game folder with no Logs/ yet: no raid in progress to hold toasts back, and nothing read from $HOME.
    const noGame = join(dir, "no-game");
    mkdirSync(noGame);
    mkdirSync(join(dir, "cli"));
    cliConfigPath = world.writeConfig(join(dir, "cli"));
    // Started as a player might from a shell: relative --config, --data-dir and file paths in the config, from its
    // own working folder. The tray moves the process into the install folder (platform-notes §1 gotcha 9); every
    // path must still mean what it meant at start.
    configPath = world.writeConfig(dir, {
      monitor: MONITOR,
      game: { installDir: relative(dir, noGame), logsDir: null },
      tls: { extraCaFile: relative(dir, world.caFile) },
    });

    const env: NodeJS.ProcessEnv = { ...process.env, ...session.env, NO_AT_BRIDGE: "1", NODE_POWERSHELL: "", PATH: `${dirname(PWSH!)}${delimiter}${process.env.PATH ?? ""}` };
    delete env.WAYLAND_DISPLAY;
    startedAt = Date.now();
    const child = spawn(process.execPath, [CLI, "run", "--config", relative(dir, configPath), "--data-dir", relative(dir, dataDir)], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
    agent = child;
    agentExit = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
    child.stdout.on("data", (d: Buffer) => (agentOut += d.toString()));
    child.stderr.on("data", (d: Buffer) => (agentOut += d.toString()));

    await vi.waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`agent exited with ${child.exitCode}${context()}`);
        expect(await registeredItems(session)).toHaveLength(1);
      },
      { timeout: SLOW_MS, interval: 100 },
    );
    item = await resolveItem(session, (await registeredItems(session))[0]!);
    timings.trayShownMs = Math.round(performance.now() - t0);
  }, 120_000);

  afterAll(async () => {
    if (agent && agent.exitCode === null && agent.signalCode === null) {
      agent.kill("SIGTERM"); // the agent we spawned, by its pid
      const exited = await Promise.race([agentExit.then(() => true), new Promise((r) => setTimeout(() => r(false), 5_000))]);
      if (!exited) agent.kill("SIGKILL");
    }
    await session?.stop();
    await world?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    console.info(`agent-tray timings (ms): ${JSON.stringify(timings)}`);
  });

  it("shows the healthy verdict live in the status line, above the whole menu", async () => {
    expect(await sniProp(session, item, "Status")).toBe("Active");
    await vi.waitFor(
      async () => {
        expect(verdictLines("ok", startedAt), context()).toContain(await statusOf());
        expect(await icon()).toBe("ok");
      },
      { timeout: SLOW_MS, interval: 100 },
    );
    timings.firstVerdictMs = Date.now() - startedAt;
    const nodes = await layout();
    expect(nodes[0]!.props.enabled).toBe(false); // the status line is information, not a button
    const labels = visibleLabels(nodes);
    expect(labels[0]).toMatch(/^Tarkov servers are reachable since \d\d:\d\d$/);
    // "Fixes" is a submenu whose title counts what applies; its slots are the fix engine's business.
    const fixes = labels.findIndex((l) => l.startsWith("Fixes"));
    expect(fixes).toBe(2);
    expect(labels.slice(0, 2)).toEqual([labels[0], "Diagnose now"]);
    // (The fix slots of the submenu come between; the items after them are the menu's own.)
    expect(labels.slice(labels.indexOf("Put my previous DNS back"))).toEqual(["Put my previous DNS back", "Undo all changes the agent made", "Auto-fix approved problems", "Open dashboard", "Open logs folder", "Collect support bundle", PAUSE_TITLE, "Quit"]);
    // Nothing to undo yet: the undo items are there, greyed out.
    expect(nodes.filter((n) => n.props.label === "Put my previous DNS back" || n.props.label === "Undo all changes the agent made").map(isEnabled)).toEqual([false, false]);
    // A healthy first start: one toast, saying where the agent lives (and nothing about the connection).
    await vi.waitFor(() => expect(calls().length).toBeGreaterThanOrEqual(1), { timeout: SLOW_MS, interval: 100 });
    expect(calls().map((c) => [c.summary, c.body])).toEqual([[EN.alerts.welcomeTitle, EN.alerts.welcomeBody]]);
    expect(agentOut).toContain(EN.cli.trayHint);
  });

  it("a hard drop turns the status line to the outage verdict and toasts the drop alert once", async () => {
    const before = calls().length;
    const t0 = Date.now();
    droppedAt = t0;
    await world.setGroup("bsg", "refuse");
    const expected = diagnoseWorld(); // the same world, diagnosed by the CLI, concurrently with the agent
    outage = await expected;
    expect(outage.verdict).toBe("bsg-unreachable");

    await vi.waitFor(
      async () => {
        expect(verdictLines(outage.verdict, t0), context()).toContain(await statusOf());
        expect(await icon()).toBe("down"); // red
      },
      { timeout: DETECT_MS, interval: 100 },
    );
    timings.statusLineDownMs = Date.now() - t0;
    const drop = await waitForCall(before, (c) => c.summary === VERDICT_TITLES["bsg-unreachable"]);
    timings.dropToastMs = Date.now() - t0;
    expect(dropAlert(outage).title).toBe(VERDICT_TITLES["bsg-unreachable"]);
    expect({ app: drop.appName, title: drop.summary, body: drop.body, urgency: drop.urgency }).toEqual({ app: APP_NAME, ...dropAlert(outage), urgency: 2 });
    expect(await sniProp(session, item, "Status")).toBe("Active");
    // One voice: the status line reads the same verdict name as the toast.
    expect(await statusOf()).toMatch(new RegExp(`^${escapeRe(drop.summary)} since \\d\\d:\\d\\d$`));
    // Exactly one toast for the drop: a few more rounds (the fix engine has listed and judged its fixes by then)
    // bring no second toast naming another action.
    await screenshot("drop-toast");
    await new Promise((r) => setTimeout(r, 3 * MONITOR.intervalMs));
    expect(calls().slice(before).map((c) => c.summary)).toEqual([drop.summary]);
  });

  it("Diagnose now runs a round and toasts its headline", async () => {
    const before = calls().length;
    const t0 = Date.now();
    await clickLabel(session, item, "Diagnose now");
    const toast = await waitForCall(before, (c) => c.summary === VERDICT_TITLES[outage.verdict], SLOW_MS);
    timings.diagnoseToastMs = Date.now() - t0;
    expect([toast.appName, toast.body]).toEqual([APP_NAME, dropAlert(outage).body]);
  });

  it("Pause shows 'paused until' and offers Resume; Resume brings the outage line and Pause back", async () => {
    const t0 = Date.now();
    await clickLabel(session, item, PAUSE_TITLE);
    const pausedLines = renderedBetween((at) => statusLine({ verdict: null, since: null, pausedUntil: at }), t0 + PAUSE_MS, Date.now() + PAUSE_MS + 5_000);
    await vi.waitFor(
      async () => {
        const labels = visibleLabels(await layout());
        expect(pausedLines, context()).toContain(labels[0]);
        expect(labels).toContain(RESUME_TITLE);
        expect(labels).not.toContain(PAUSE_TITLE);
        expect(await icon()).toBe("unknown"); // grey: not watching
      },
      { timeout: SLOW_MS, interval: 100 },
    );
    expect(await statusOf()).toMatch(/^Monitoring paused until \d\d:\d\d$/);

    await clickLabel(session, item, RESUME_TITLE);
    await vi.waitFor(
      async () => {
        const labels = visibleLabels(await layout());
        expect(verdictLines(outage.verdict, startedAt), context()).toContain(labels[0]);
        expect(labels).toContain(PAUSE_TITLE);
        expect(labels).not.toContain(RESUME_TITLE);
        expect(await icon()).toBe("down"); // the incident is still open
      },
      { timeout: SLOW_MS, interval: 100 },
    );
    timings.pauseResumeMs = Date.now() - t0;
  });

  it("BSG back: healthy status line and a 'BSG reachable again after …' toast with the incident's duration", async () => {
    const before = calls().length;
    const t0 = Date.now();
    await world.setGroup("bsg", "up");
    await vi.waitFor(
      async () => {
        expect(verdictLines("ok", t0), context()).toContain(await statusOf());
        expect(await icon()).toBe("ok"); // green
      },
      { timeout: SLOW_MS, interval: 100 },
    );
    timings.statusLineUpMs = Date.now() - t0;
    const back = await waitForCall(before, (c) => c.summary.startsWith("BSG reachable again after "), SLOW_MS);
    timings.recoveryToastMs = Date.now() - t0;

    // The duration in the toast is the recorded incident's (history --json reads the same data dir).
    const history = await runCli(["history", "--json", "--data-dir", dataDir, "--config", cliConfigPath]);
    const [incident] = (JSON.parse(history.stdout) as { incidents: unknown[] }).incidents.map((i) => incidentSchema.parse(i));
    expect(incident, history.stdout).toMatchObject({ endReason: "recovered", verdicts: ["bsg-unreachable"] });
    expect(incident!.durationMs).toBeGreaterThan(0);
    expect(incident!.durationMs).toBeLessThanOrEqual(Date.now() - droppedAt); // the pause is left out, never added
    expect({ app: back.appName, title: back.summary, body: back.body, urgency: back.urgency }).toEqual({
      app: APP_NAME,
      ...recoveryAlert(incident!.durationMs!, "bsg-unreachable"),
      urgency: 1,
    });
    // One drop toast for the whole incident, plus the one the player asked for with Diagnose now: Pause/Resume and
    // the later rounds repeated neither.
    expect(calls().filter((c) => c.summary === VERDICT_TITLES["bsg-unreachable"])).toHaveLength(2);
  });

  it("a DNS change in the journal enables 'Put my previous DNS back' and 'Undo all'; a click undoes through the fix engine", async () => {
    // The change is made by the fix engine in this process, on the agent's own journal (cross-process lock), with
    // the in-memory stand-in for the PowerShell side, as a `tarkov-agent fix apply switch-dns` in a terminal would.
    const engine = new FixEngine({
      runner: new StateRunner(),
      journal: Journal.inDataDir(dataDir),
      config: { policy: {}, dailyCap: 3, verifyWindowMs: 1_000 },
      diagnose: () => Promise.reject(new Error("not used: verify is off")),
      benchmarkDns: async () => [],
      raidInProgress: () => false,
    });
    const applied = await engine.applyFix("switch-dns", { provider: "cloudflare", approvedBy: "player", verify: false });
    expect(applied).toMatchObject({ ok: true, status: "Changed" });
    const t0 = Date.now();
    const enabled = async (label: string) => {
      const node = (await layout()).find((n) => n.props.label === label);
      return node === undefined ? `no item "${label}"` : isEnabled(node);
    };
    await vi.waitFor(
      async () => {
        expect(await enabled("Put my previous DNS back"), context()).toBe(true);
        expect(await enabled("Undo all changes the agent made")).toBe(true);
      },
      { timeout: SLOW_MS, interval: 200 },
    );
    timings.undoEnabledMs = Date.now() - t0;
    // The click goes through the agent's own fix engine: the journal records an undo by the player. (On Linux the
    // elevated restore script cannot run, so the undo fails and the toast says so; on Windows it puts the DNS back.)
    const before = calls().length;
    await clickLabel(session, item, "Put my previous DNS back");
    const told = await waitForCall(before, (c) => c.summary === EN.alerts.undoFailedTitle || c.summary === EN.alerts.undoDnsTitle, SLOW_MS);
    expect(told.body.length).toBeGreaterThan(10);
    const [entry] = await engine.history();
    expect(entry).toMatchObject({ fixId: "switch-dns", undo: { by: "player" } });
    expect(calls().slice(before)).toHaveLength(1);
  });

  it("Auto-fix approved problems toggles a checkbox that is persisted in the data dir", async () => {
    const settings = () => (JSON.parse(readFileSync(join(dataDir, "settings.json"), "utf8")) as { autoFix: boolean }).autoFix;
    await clickLabel(session, item, "Auto-fix approved problems");
    await vi.waitFor(async () => expect(visibleLabels(await layout())).toContain("Auto-fix approved problems (√)"), { timeout: SLOW_MS, interval: 100 });
    expect(settings()).toBe(true);
    await clickLabel(session, item, "Auto-fix approved problems (√)");
    await vi.waitFor(async () => expect(visibleLabels(await layout())).toContain("Auto-fix approved problems"), { timeout: SLOW_MS, interval: 100 });
    expect(settings()).toBe(false);
  });

  it("Quit ends the agent with exit code 0 and its tray item leaves the watcher", async () => {
    const t0 = Date.now();
    await clickLabel(session, item, "Quit");
    const code = await Promise.race([agentExit, new Promise<string>((r) => setTimeout(() => r(`still running after ${SLOW_MS} ms`), SLOW_MS))]);
    expect(code, context()).toBe(0);
    timings.quitMs = Date.now() - t0;
    await vi.waitFor(async () => expect(await registeredItems(session)).toEqual([]), { timeout: SLOW_MS, interval: 100 });
    expect(agentOut).not.toMatch(/unexpected error/);
    // Every toast was delivered and nothing went wrong inside the agent along the way.
    const logLines = agentLog()
      .split("\n")
      .filter((l) => l.trim() !== "")
      .map((l) => JSON.parse(l) as { level: string; message: string });
    expect(logLines.filter((l) => l.level === "error" || /notification not delivered/.test(l.message))).toEqual([]);
    expect(logLines.map((l) => l.message)).toContain("agent stopped");
    expect(agentOut).toContain(EN.cli.goodbye);
  });
});

/** dbusmenu leaves "enabled" out when it is true (its default). */
const isEnabled = (n: MenuNode): boolean => n.props.enabled !== false;

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The `*.log` files of a folder, concatenated; "" when there are none. */
function readLogs(folder: string): string {
  if (!existsSync(folder)) return "";
  return readdirSync(folder)
    .filter((f) => f.endsWith(".log"))
    .sort()
    .map((f) => readFileSync(join(folder, f), "utf8"))
    .join("\n");
}
