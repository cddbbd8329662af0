/**
 * The always-on agent: turns the monitor's confirmed events into toasts, tray state and automatic fixes, and the
 * tray's clicks into the same functions the CLI uses. Everything it talks to is injected (main.ts builds the real
 * ones), and nothing it calls may take it down: every sink is guarded.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import {
  dropAlert,
  iconForVerdict,
  maintenanceAlert,
  raidSummaryAlert,
  recoveryAlert,
  reminderAlert,
  statusLine,
  tooltip,
  verdictChangeAlert,
  type AlertText,
  type HeldEvent,
} from "../core/alert-text.js";
import { jsonForTerminal, sanitizeForDisplay } from "../core/display-text.js";
import type { PhaseChange } from "../core/eft-log.js";
import { releaseReason, shouldHold, type RaidView } from "../core/raid-hold.js";
import type { Diagnosis } from "../core/types.js";
import type { FixEngine, UndoReport } from "../fixes/engine.js";
import type { JournalEntry } from "../fixes/journal.js";
import type { NotifyInput, Notifier } from "../ports/notify.js";
import type { TrayView } from "../tray/menu.js";
import type { TrayActions } from "../tray/tray.js";
import { writeFileAtomicSync } from "./atomic-write.js";
import { gamePhaseEvent, type AgentEvent } from "./events.js";
import type { Monitor, MonitorSnapshot } from "./monitor.js";

export const PAUSE_MS = 30 * 60_000;
/** An "ask" fix clicked once shows its dry-run plan; a second click within this window applies it. */
export const CONFIRM_WINDOW_MS = 60_000;

export interface AgentLogger {
  info(message: string, meta?: Record<string, unknown>): unknown;
  warn(message: string, meta?: Record<string, unknown>): unknown;
  error(message: string, meta?: Record<string, unknown>): unknown;
}

export interface AgentDeps {
  dataDir: string;
  monitor: Monitor;
  notifier: Notifier | null;
  /** Read before every toast (settings can switch toasts off while the agent runs); absent = on. */
  notificationsEnabled?: () => boolean;
  /** Fix engine; null where fixes are unavailable. */
  engine: FixEngine | null;
  /** True while the game log shows matching or a raid: toasts wait for the raid to end. */
  raidBusy(): boolean;
  /** The game's phase and when it began (from the game log); gives the hold its bounds. Null: no game awareness. */
  raidPhase?(): RaidView | null;
  /** Writes one line to stdout (`--events json` or the headless event log). */
  print(line: string): void;
  eventsJson: boolean;
  /** Opens a folder in the OS file manager. */
  openFolder(path: string): void;
  logsDir: string;
  /** Ends the process (tray "Quit"). */
  quit(): void;
  logger: AgentLogger;
  now?: () => number;
  /** Writes a support bundle (tray "Collect support bundle"); without it the logs folder opens instead. */
  makeBundle?: () => Promise<{ path: string | null }>;
  /** Shows a file selected in the file manager. */
  revealFile?: (path: string) => void;
  /** Damaged fix records set aside from the journal (issue 8): the tray says so. */
  journalDamage?: () => { setAside: number; notSetAside: number; file: string } | null;
  /** Opens the local dashboard in the browser (tray "Open dashboard"); absent when it is not running. */
  openDashboard?: () => void;
}

interface Settings {
  autoFix: boolean;
}

const SETTINGS_FILE = "settings.json";

/** Reads the persisted tray settings; a missing or broken file means defaults (and is never overwritten blindly). */
export function readSettings(dataDir: string): Settings {
  const path = join(dataDir, SETTINGS_FILE);
  if (!existsSync(path)) return { autoFix: false };
  try {
    if (statSync(path).size > 64 * 1024) return { autoFix: false }; // settings are a few bytes: not ours, not read
    const parsed = JSON.parse(readFileSync(path, "utf8")) as Partial<Settings>;
    return { autoFix: parsed.autoFix === true };
  } catch {
    return { autoFix: false };
  }
}

export class Agent {
  private settings: Settings;
  /** Toasts waiting for the raid to end, with the agent's time each was held. */
  private held: Array<{ event: HeldEvent; heldAt: number }> = [];
  private lastMaintenanceAt = 0;
  private pendingConfirm: { fixId: string; until: number } | null = null;
  private fixEntries: TrayView["fixes"] = [];
  private viewListener: ((v: TrayView) => void) | null = null;
  private readonly now: () => number;

  constructor(private readonly deps: AgentDeps) {
    this.settings = readSettings(deps.dataDir);
    this.now = deps.now ?? Date.now;
  }

  /** The tray subscribes here; called with a fresh view on every state change. */
  onView(listener: (v: TrayView) => void): void {
    this.viewListener = listener;
  }

  get autoFixEnabled(): boolean {
    return this.settings.autoFix;
  }

  /** Builds what the tray shows from the monitor's state. */
  view(s: MonitorSnapshot = this.deps.monitor.state()): TrayView {
    const paused = s.mode === "paused";
    const since = s.since === null ? null : new Date(s.since);
    const state = { verdict: s.verdict, since, pausedUntil: paused && s.pausedUntil ? new Date(s.pausedUntil) : null };
    const icon = paused || s.status === "unknown" ? "unknown" : s.status === "problem" ? "problem" : iconForVerdict(s.verdict);
    const damage = this.deps.journalDamage?.() ?? null;
    const note = damage === null ? "" : `\n${damage.setAside + damage.notSetAside} damaged fix record(s) set aside: see "tarkov-agent fix history"`;
    const tip = sanitizeForDisplay(tooltip(state, s.lastDiagnosis) + note, { multiline: true });
    return { icon, statusLine: sanitizeForDisplay(statusLine(state)), tooltip: tip, autoFix: this.settings.autoFix, paused, fixes: this.fixEntries };
  }

  /** Monitor state changed: refresh the tray (and the fix list when the verdict moved). */
  onStateChange(s: MonitorSnapshot): void {
    this.guard("tray update", () => this.viewListener?.(this.view(s)));
    this.checkRaidEnded();
  }

  /** A confirmed change from the monitor. */
  onEvent(e: AgentEvent): void {
    // Event text carries BSG's status message and game-log text: printed without escape sequences.
    this.guard("event output", () => this.deps.print(this.deps.eventsJson ? jsonForTerminal(e) : sanitizeForDisplay(this.describe(e))));
    const d = this.deps.monitor.state().lastDiagnosis;
    const toast = this.toastFor(e, d);
    if (toast !== null) this.toast(toast, e);
    if ((e.event === "down" || e.event === "verdict") && d !== null) void this.runAutoFix(d, e.incidentId);
    void this.refreshFixes(d);
  }

  private describe(e: AgentEvent): string {
    const at = e.at.slice(11, 19);
    switch (e.event) {
      case "down":
        return `${at} DOWN     ${e.verdict}: ${e.headline}${e.advice ? ` — next: ${e.advice.text}` : ""}`;
      case "verdict":
        return `${at} CHANGED  ${e.verdict}: ${e.headline}`;
      case "up":
        return `${at} UP       BSG reachable again after ${Math.round(e.durationMs / 1000)} s`;
      case "maintenance":
        return `${at} MAINT    ${e.message ?? "BSG maintenance"}`;
      case "reminder":
        return `${at} STILL    ${e.verdict}`;
    }
  }

  private toastFor(e: AgentEvent, d: Diagnosis | null): AlertText | null {
    switch (e.event) {
      case "down":
        // The maintenance event already said it; a second toast for the same thing is noise.
        if (e.verdict === "maintenance" && this.now() - this.lastMaintenanceAt < 10 * 60_000) return null;
        return d !== null && d.verdict === e.verdict ? dropAlert(d) : { title: e.headline, body: e.advice?.text ?? "" };
      case "verdict":
        return d !== null && d.verdict === e.verdict ? verdictChangeAlert(e.previousVerdict, d) : { title: e.headline, body: e.advice?.text ?? "" };
      case "up":
        return recoveryAlert(e.durationMs, e.previousVerdict);
      case "maintenance":
        this.lastMaintenanceAt = this.now();
        return maintenanceAlert(e.message);
      case "reminder":
        return d !== null ? reminderAlert(d, e.durationMs ?? 0) : null;
    }
  }

  /** The game as the hold sees it. Without a phase source, "busy" counts as a raid that began when the hold did. */
  private raidView(): RaidView | null {
    if (this.deps.raidPhase) return this.deps.raidPhase();
    return this.deps.raidBusy() ? { phase: "in-raid", sinceMs: this.held[0]?.heldAt ?? this.now() } : null;
  }

  /** True when toasts should wait now (matching, or a raid that may still be running: see core/raid-hold.ts). */
  private holding(): boolean {
    return shouldHold(this.raidView(), this.now());
  }

  /** Shows a toast now, or holds it until the raid ends (one summary instead of toasts over the game). */
  private toast(text: AlertText, e: AgentEvent): void {
    if (this.deps.notifier === null) return;
    if (this.holding()) {
      const at = new Date(e.at);
      const heldAt = this.now();
      if (e.event === "maintenance") this.held.push({ heldAt, event: { kind: "maintenance", at, message: e.message } });
      else if (e.event === "up") this.held.push({ heldAt, event: { kind: "recovery", at, verdict: e.previousVerdict, durationMs: e.durationMs } });
      else if (e.event === "down" || e.event === "verdict" || e.event === "reminder") this.held.push({ heldAt, event: { kind: e.event === "verdict" ? "change" : "drop", at, verdict: e.verdict } });
      this.deps.logger.info("toast held until the raid ends", { event: e.event });
      return;
    }
    this.send({ title: text.title, body: text.body, urgency: e.event === "down" ? "critical" : "normal" });
  }

  /**
   * Called on game phase and monitor state changes and by a timer: delivers the held toasts as one summary once
   * the raid is over, once it should be over, or once the oldest has waited the longest a toast may wait. The
   * summary is urgent when the connection is still down.
   */
  checkRaidEnded(): void {
    const oldest = this.held[0];
    if (oldest === undefined) return;
    const reason = releaseReason(this.raidView(), oldest.heldAt, this.now());
    if (reason === null) return;
    const held = this.held.map((h) => h.event);
    this.held = [];
    const summary = raidSummaryAlert(held);
    if (summary === null) return;
    const stillDown = this.deps.monitor.state().status === "down";
    this.deps.logger.info("held toasts delivered", { reason, count: held.length, stillDown });
    this.send({ title: summary.title, body: summary.body, urgency: stillDown ? "critical" : "normal" });
  }

  /** The game's phase changed (from the game log): print it for scripts and deliver held toasts if it is over. */
  onGamePhase(change: PhaseChange): void {
    const e = gamePhaseEvent(change);
    this.guard("event output", () =>
      this.deps.print(this.deps.eventsJson ? JSON.stringify(e) : `${new Date(change.at).toTimeString().slice(0, 8)} GAME     ${e.phase} (${e.source})`),
    );
    this.checkRaidEnded();
  }

  private send(n: NotifyInput): void {
    const notifier = this.deps.notifier;
    if (notifier === null || this.deps.notificationsEnabled?.() === false) return;
    notifier.notify(n).then(
      (r) => {
        if (!r.delivered) this.deps.logger.warn("notification not delivered", { title: n.title, error: r.error });
      },
      (err: unknown) => this.deps.logger.error("notifier threw", { error: String(err) }),
    );
  }

  private async runAutoFix(d: Diagnosis, incidentId: string): Promise<void> {
    const engine = this.deps.engine;
    if (engine === null) return;
    try {
      const report = await engine.onConfirmedVerdict(d, incidentId, this.settings.autoFix);
      if (report.applied !== null) {
        const r = report.applied;
        this.send({ title: r.ok ? `Fixed automatically: ${r.fixId}` : `Automatic fix failed: ${r.fixId}`, body: r.message });
      } else if (report.ask.length > 0 && !this.holding()) {
        const first = report.ask[0]!;
        this.send({ title: `A fix may help: ${first.title}`, body: "Open the tray menu → Fixes to see what it changes and apply it." });
      }
    } catch (err) {
      this.deps.logger.error("auto-fix failed", { error: String(err) });
    }
  }

  private async refreshFixes(d: Diagnosis | null): Promise<void> {
    const engine = this.deps.engine;
    if (engine === null) return;
    try {
      const { fixes } = await engine.listFixes(d);
      this.fixEntries = fixes.map((f) => ({ id: f.id, title: f.title, applicable: f.appliesNow }));
      this.guard("tray update", () => this.viewListener?.(this.view()));
    } catch (err) {
      this.deps.logger.warn("could not list fixes", { error: String(err) });
    }
  }

  /** Initial fix list (before any event). */
  async start(): Promise<void> {
    await this.refreshFixes(null);
    const damage = this.deps.journalDamage?.() ?? null;
    if (damage !== null) {
      this.deps.logger.warn("fix journal has damaged records set aside", { ...damage });
      this.send({ title: "Some fix records were damaged", body: `They were set aside in ${damage.file}; the rest are safe. Run "tarkov-agent fix history" to see what can still be undone.` });
    }
  }

  /** The tray's actions: the same functions the CLI calls. */
  trayActions(): TrayActions {
    return {
      diagnoseNow: async () => {
        const d = await this.deps.monitor.diagnoseNow();
        this.send({ title: d.headline, body: d.advice[0]?.text ?? d.meaning });
        void this.refreshFixes(d);
      },
      toggleAutoFix: (enable: boolean) => this.setAutoFix(enable),
      openLogs: () => this.deps.openFolder(this.deps.logsDir),
      collectBundle: () => this.collectBundle(),
      pause: () => this.deps.monitor.pause(PAUSE_MS),
      resume: () => this.deps.monitor.resume(),
      quit: () => this.deps.quit(),
      applyFix: (id: string) => this.applyFromTray(id),
      openDashboard: () => this.deps.openDashboard?.(),
    };
  }

  /** The "Auto-fix approved problems" switch (tray and dashboard), remembered in settings.json. */
  setAutoFix(enable: boolean): void {
    this.settings = { ...this.settings, autoFix: enable };
    writeFileAtomicSync(join(this.deps.dataDir, SETTINGS_FILE), JSON.stringify(this.settings, null, 2) + "\n");
    this.guard("tray update", () => this.viewListener?.(this.view()));
  }

  /** Dashboard "Diagnose now": the tray's round, answered on the page instead of in a toast. */
  async diagnose(): Promise<Diagnosis> {
    const d = await this.deps.monitor.diagnoseNow();
    void this.refreshFixes(d);
    return d;
  }

  /** Dashboard "Collect support bundle": the zip's path for the page, or why it could not be written. */
  async saveBundle(): Promise<{ ok: true; path: string } | { ok: false; message: string }> {
    if (this.deps.makeBundle === undefined) return { ok: false, message: "support bundles are not available here" };
    try {
      const { path } = await this.deps.makeBundle();
      if (path === null) return { ok: false, message: "no bundle was written" };
      this.deps.logger.info("support bundle written", { path });
      return { ok: true, path };
    } catch (err) {
      this.deps.logger.error("support bundle failed", { error: String(err) });
      return { ok: false, message: String(err) };
    }
  }

  /** Dashboard undo: one journal entry, or everything the agent changed; the tray's fix list follows. */
  async undo(target: { entryId: string } | "all"): Promise<UndoReport | null> {
    const engine = this.deps.engine;
    if (engine === null) return null;
    const r = target === "all" ? await engine.undoAll() : await engine.undoFix(target.entryId, "player");
    void this.refreshFixes(this.deps.monitor.state().lastDiagnosis);
    return r;
  }

  /** The fix journal, newest first ([] without fixes). */
  async fixHistory(): Promise<JournalEntry[]> {
    return this.deps.engine === null ? [] : this.deps.engine.history();
  }

  /** Tray "Collect support bundle": the redacted zip (Desktop), shown selected in the file manager, and a toast. */
  async collectBundle(): Promise<void> {
    const make = this.deps.makeBundle;
    if (make === undefined) {
      this.deps.openFolder(this.deps.logsDir);
      return;
    }
    try {
      const { path } = await make();
      if (path === null) return;
      this.deps.revealFile?.(path);
      this.deps.logger.info("support bundle written", { path });
      this.send({ title: "Support bundle saved", body: `${basename(path)} is in ${dirname(path)}. Attach it to your BSG support ticket; summary.md inside has the text for BSG and for your ISP.` });
    } catch (err) {
      this.deps.logger.error("support bundle failed", { error: String(err) });
      this.send({ title: "Support bundle failed", body: `It could not be written (${String(err)}). Try "tarkov-agent bundle" in a terminal to see more.` });
    }
  }

  /** First click: dry run and show the plan. Second click within a minute: apply, verified, with rollback. */
  async applyFromTray(id: string): Promise<void> {
    const engine = this.deps.engine;
    if (engine === null) return;
    const now = this.now();
    if (this.pendingConfirm === null || this.pendingConfirm.fixId !== id || this.pendingConfirm.until < now) {
      const plan = await engine.applyFix(id, { dryRun: true, approvedBy: "player" });
      if (!plan.ok) {
        this.send({ title: `Can't apply ${id}`, body: plan.message });
        return;
      }
      this.pendingConfirm = { fixId: id, until: now + CONFIRM_WINDOW_MS };
      const what = plan.plan.length > 0 ? plan.plan.slice(0, 3).join("; ") : "nothing needs changing";
      this.send({ title: `Click the fix again to apply: ${engine.fix(id)?.title ?? id}`, body: `It will: ${what}` });
      return;
    }
    this.pendingConfirm = null;
    const r = await engine.applyFix(id, { approvedBy: "player", incidentId: this.deps.monitor.state().incidentId });
    const body = r.rolledBack ? `It did not help, so it was undone: ${r.rolledBack.message}` : r.message;
    this.send({ title: r.ok ? `Done: ${engine.fix(id)?.title ?? id}` : `Fix failed: ${id}`, body });
    void this.refreshFixes(this.deps.monitor.state().lastDiagnosis);
  }

  private guard(what: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.deps.logger.error(`${what} failed`, { error: String(err) });
    }
  }
}
