/**
 * The always-on agent: turns the monitor's confirmed events into toasts, tray state and automatic fixes, and the
 * tray's clicks into the same functions the CLI uses. Everything it talks to is injected (main.ts builds the real
 * ones), and nothing it calls may take it down: every sink is guarded.
 *
 * One voice: every event gives at most one toast, in the player's language, with the verdict's one name and the
 * one next step (and, when that step is a fix, where to find it); the toasts of one agent go out in order.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import {
  dropAlert,
  iconForVerdict,
  maintenanceAlert,
  nextStep,
  raidSummaryAlert,
  recoveryAlert,
  reminderAlert,
  statusLine,
  tooltip,
  verdictChangeAlert,
  type AlertText,
  type FixHint,
  type HeldEvent,
} from "../core/alert-text.js";
import { jsonForTerminal, sanitizeForDisplay } from "../core/display-text.js";
import type { PhaseChange } from "../core/eft-log.js";
import { clock, duration } from "../core/i18n/format.js";
import { EN, type Messages } from "../core/i18n/index.js";
import { releaseReason, shouldHold, type RaidView } from "../core/raid-hold.js";
import type { Diagnosis, VerdictId } from "../core/types.js";
import type { ApplyReport, FixEngine, FixListing, UndoReport } from "../fixes/engine.js";
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
/** The journal can change under the agent (`tarkov-agent fix …` in a terminal): re-read it at most this often. */
export const FIX_REFRESH_MS = 5_000;

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
  /** Writes one line for people (stderr when stdout carries `--events json`); defaults to `print` in text mode. */
  say?(line: string): void;
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
  /** The player's language (src/core/i18n); English when absent. */
  messages?: Messages;
  /** How many checks one round makes (the headless "All good" line). */
  checks?: () => number;
  /** Opens the local dashboard in the browser (tray "Open dashboard"); absent when it is not running. */
  openDashboard?: () => void;
}

interface Settings {
  autoFix: boolean;
  /** The first start's toast ("running in the tray") was shown. */
  welcomed?: boolean;
  /** The "game folder not found" warning was given (once). */
  gameNotFoundWarned?: boolean;
}

const SETTINGS_FILE = "settings.json";

/** Reads the persisted tray settings; a missing or broken file means defaults (and is never overwritten blindly). */
export function readSettings(dataDir: string): Settings {
  const path = join(dataDir, SETTINGS_FILE);
  if (!existsSync(path)) return { autoFix: false };
  try {
    if (statSync(path).size > 64 * 1024) return { autoFix: false }; // settings are a few bytes: not ours, not read
    const parsed = JSON.parse(readFileSync(path, "utf8")) as Partial<Settings>;
    return {
      autoFix: parsed.autoFix === true,
      ...(parsed.welcomed === true ? { welcomed: true } : {}),
      ...(parsed.gameNotFoundWarned === true ? { gameNotFoundWarned: true } : {}),
    };
  } catch {
    return { autoFix: false };
  }
}

/** What the agent knows at start for its first words. */
export interface StartInfo {
  /** A tray icon is shown (the first start's toast says where the agent lives). */
  tray: boolean;
  /** The game's logs were found (raid awareness on); false warns once. */
  gameFound: boolean;
}

export class Agent {
  private settings: Settings;
  /** Toasts waiting for the raid to end, with the agent's time each was held. */
  private held: Array<{ event: HeldEvent; heldAt: number }> = [];
  private lastMaintenanceAt = 0;
  private pendingConfirm: { fixId: string; until: number } | null = null;
  private listing: FixListing[] = [];
  private lastRefreshAt = -Infinity;
  private viewListener: ((v: TrayView) => void) | null = null;
  /** When the current cause began (from the events), so the status line's "since" is this cause's, not the incident's. */
  private cause: { verdict: VerdictId; since: number } | null = null;
  private saidAllGood = false;
  /** Toasts go out one after another, in the order their events came. */
  private toastQueue: Promise<unknown> = Promise.resolve();
  private readonly now: () => number;
  private readonly m: Messages;

  constructor(private readonly deps: AgentDeps) {
    this.settings = readSettings(deps.dataDir);
    this.now = deps.now ?? Date.now;
    this.m = deps.messages ?? EN;
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
    const causeSince = this.cause !== null && this.cause.verdict === s.verdict ? this.cause.since : s.since === null ? null : Date.parse(s.since);
    const state = { verdict: s.verdict, since: causeSince === null ? null : new Date(causeSince), pausedUntil: paused && s.pausedUntil ? new Date(s.pausedUntil) : null };
    const icon = paused || s.status === "unknown" ? "unknown" : s.status === "problem" ? "problem" : iconForVerdict(s.verdict);
    const damage = this.deps.journalDamage?.() ?? null;
    const note = damage === null ? "" : `\n${this.m.tray.damagedNote(damage.setAside + damage.notSetAside)}`;
    const tip = sanitizeForDisplay(tooltip(state, s.lastDiagnosis, this.m) + note, { multiline: true });
    const fixes = this.listing.filter((f) => f.id !== "restore-dns").map((f) => ({ id: f.id, title: this.fixName(f.id), applicable: f.appliesNow }));
    const undo = {
      dns: this.listing.find((f) => f.id === "restore-dns")?.undoable ?? 0,
      all: this.listing.filter((f) => f.id !== "restore-dns").reduce((n, f) => n + f.undoable, 0),
    };
    return { icon, statusLine: sanitizeForDisplay(statusLine(state, this.m)), tooltip: tip, autoFix: this.settings.autoFix, paused, fixes, undo, locale: this.m.locale };
  }

  /** Monitor state changed: refresh the tray (and, now and then, what can be undone), say "all good" once. */
  onStateChange(s: MonitorSnapshot): void {
    this.guard("tray update", () => this.viewListener?.(this.view(s)));
    this.checkRaidEnded();
    if (!this.saidAllGood && s.status === "ok" && s.verdict === "ok" && s.mode === "running") {
      this.saidAllGood = true;
      this.guard("event output", () => this.sayLine(this.m.cli.allGood(this.deps.checks?.() ?? 0, clock(this.now()))));
    }
    if (this.now() - this.lastRefreshAt >= FIX_REFRESH_MS) void this.refreshFixes(s.lastDiagnosis);
  }

  /** A confirmed change from the monitor. */
  onEvent(e: AgentEvent): void {
    this.trackCause(e);
    // Event text carries BSG's status message and game-log text: printed without escape sequences.
    this.guard("event output", () => this.deps.print(this.deps.eventsJson ? jsonForTerminal(e) : sanitizeForDisplay(this.describe(e))));
    const d = this.deps.monitor.state().lastDiagnosis;
    const fixable = (e.event === "down" || e.event === "verdict") && d !== null && d.verdict === e.verdict;
    // A held toast's wait is counted from when the event came, not from when its queued toast job ran.
    const arrivedAt = this.now();
    this.enqueue(async () => {
      // The drop's one toast names the fix for its next step, so the listing must be fresh first.
      const hint = fixable ? await this.fixHint(d) : null;
      const toast = this.toastFor(e, d, hint);
      if (toast !== null) this.toast(toast, e, arrivedAt);
      if (fixable) await this.runAutoFix(d, e.incidentId);
      else await this.refreshFixes(d);
    });
  }

  private trackCause(e: AgentEvent): void {
    if (e.event === "down") this.cause = { verdict: e.verdict, since: Date.parse(e.since) };
    else if (e.event === "verdict") this.cause = { verdict: e.verdict, since: Date.parse(e.at) };
    else if (e.event === "up") this.cause = { verdict: "ok", since: Date.parse(e.at) };
  }

  private describe(e: AgentEvent): string {
    const c = this.m.cli;
    const name = (v: VerdictId) => this.m.verdicts.name[v];
    const at = clock(Date.parse(e.at));
    switch (e.event) {
      case "down": {
        const d = this.deps.monitor.state().lastDiagnosis;
        const step = d !== null && d.verdict === e.verdict ? nextStep(d, this.m, 400) : null;
        return c.down(at, name(e.verdict), step);
      }
      case "verdict":
        return c.changed(at, name(e.verdict), name(e.previousVerdict));
      case "up":
        return c.up(at, duration(e.durationMs, this.m.locale), name(e.previousVerdict));
      case "maintenance":
        return c.maintenance(at, e.message);
      case "reminder":
        return c.still(at, name(e.verdict), duration(e.durationMs, this.m.locale));
    }
  }

  private toastFor(e: AgentEvent, d: Diagnosis | null, hint: FixHint | null): AlertText | null {
    const m = this.m;
    switch (e.event) {
      case "down":
        // The maintenance event already said it; a second toast for the same thing is noise.
        if (e.verdict === "maintenance" && this.now() - this.lastMaintenanceAt < 10 * 60_000) return null;
        return d !== null && d.verdict === e.verdict ? dropAlert(d, m, hint) : { title: m.verdicts.name[e.verdict], body: m.verdicts.action[e.verdict] };
      case "verdict":
        return d !== null && d.verdict === e.verdict ? verdictChangeAlert(e.previousVerdict, d, m, hint) : { title: m.verdicts.name[e.verdict], body: m.verdicts.action[e.verdict] };
      case "up":
        return recoveryAlert(e.durationMs, e.previousVerdict, m);
      case "maintenance":
        this.lastMaintenanceAt = this.now();
        return maintenanceAlert(e.message, m);
      case "reminder":
        return d !== null ? reminderAlert(d, e.durationMs ?? 0, m) : null;
    }
  }

  /** The fix that does the diagnosis' next step, if the engine has it; `auto` when the agent will apply it itself. */
  private async fixHint(d: Diagnosis): Promise<FixHint | null> {
    const fixId = d.advice[0]?.fixId;
    if (fixId === undefined || this.deps.engine === null) return null;
    await this.refreshFixes(d);
    const listed = this.listing.find((f) => f.id === fixId);
    if (listed === undefined) return null;
    return { name: this.fixName(fixId), auto: this.settings.autoFix && listed.policy.effective === "auto" };
  }

  private fixName(id: string): string {
    return this.m.fixes.name[id] ?? this.deps.engine?.fix(id)?.title ?? id;
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
  private toast(text: AlertText, e: AgentEvent, heldAt = this.now()): void {
    if (this.deps.notifier === null) return;
    if (this.holding()) {
      const at = new Date(e.at);
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
    const summary = raidSummaryAlert(held, this.m);
    if (summary === null) return;
    const stillDown = this.deps.monitor.state().status === "down";
    this.deps.logger.info("held toasts delivered", { reason, count: held.length, stillDown });
    this.send({ title: summary.title, body: summary.body, urgency: stillDown ? "critical" : "normal" });
  }

  /** The game's phase changed (from the game log): print it for scripts and deliver held toasts if it is over. */
  onGamePhase(change: PhaseChange): void {
    const e = gamePhaseEvent(change);
    this.guard("event output", () =>
      this.deps.print(this.deps.eventsJson ? JSON.stringify(e) : sanitizeForDisplay(this.m.cli.game(clock(change.at), this.m.cli.phase[e.phase] ?? e.phase, e.source))),
    );
    this.checkRaidEnded();
  }

  private sayLine(line: string): void {
    if (this.deps.say) this.deps.say(line);
    else if (!this.deps.eventsJson) this.deps.print(line);
  }

  private enqueue(job: () => Promise<void>): void {
    this.toastQueue = this.toastQueue.then(job).catch((err: unknown) => this.deps.logger.error("event handling failed", { error: String(err) }));
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

  /** An auto-approved fix after a confirmed verdict; its outcome is its own toast (the drop's toast said it comes). */
  private async runAutoFix(d: Diagnosis, incidentId: string): Promise<void> {
    const engine = this.deps.engine;
    if (engine === null) return;
    try {
      const report = await engine.onConfirmedVerdict(d, incidentId, this.settings.autoFix);
      if (report.applied !== null) {
        const r = report.applied;
        const name = this.fixName(r.fixId);
        this.send({ title: r.ok ? this.m.alerts.autoDoneTitle(name) : this.m.alerts.autoFailedTitle(name), body: this.outcomeBody(r) });
      }
      // Fixes to ask about are not toasted: the drop's toast already named the one for the next step, and the
      // tray's Fixes menu lists them all.
    } catch (err) {
      this.deps.logger.error("auto-fix failed", { error: String(err) });
    }
    await this.refreshFixes(this.deps.monitor.state().lastDiagnosis);
  }

  /** What a fix run came to, in plain words (the engine's own message only when no plain one fits). */
  private outcomeBody(r: ApplyReport): string {
    const a = this.m.alerts;
    if (r.rolledBack !== null || r.code === "FIX_ROLLED_BACK") return a.rolledBack;
    if (r.code === "FIX_RAID_IN_PROGRESS") return a.raidInProgress;
    if (r.code === "FIX_POLICY_NEVER") return a.policyNever;
    if (r.code?.startsWith("ELEVATION_")) return a.elevationDeclined;
    if (!r.ok) return a.failedWith(r.message);
    if (r.rebootNeeded) return a.doneRestart;
    if (r.verification?.final) return a.doneVerified(this.m.verdicts.name[r.verification.final]);
    return a.doneOk;
  }

  private async refreshFixes(d: Diagnosis | null): Promise<void> {
    const engine = this.deps.engine;
    if (engine === null) return;
    this.lastRefreshAt = this.now();
    try {
      const { fixes } = await engine.listFixes(d);
      this.listing = fixes;
      this.guard("tray update", () => this.viewListener?.(this.view()));
    } catch (err) {
      this.deps.logger.warn("could not list fixes", { error: String(err) });
    }
  }

  /** Initial fix list (before any event), and the first words: where the agent lives, and a missing game folder. */
  async start(info: StartInfo = { tray: false, gameFound: true }): Promise<void> {
    await this.refreshFixes(null);
    const damage = this.deps.journalDamage?.() ?? null;
    if (damage !== null) {
      this.deps.logger.warn("fix journal has damaged records set aside", { ...damage });
      this.send({ title: this.m.alerts.damagedTitle, body: this.m.alerts.damagedBody(damage.file) });
    }
    let changed = false;
    if (info.tray && this.settings.welcomed !== true) {
      this.send({ title: this.m.alerts.welcomeTitle, body: this.m.alerts.welcomeBody });
      this.settings = { ...this.settings, welcomed: true };
      changed = true;
    }
    if (!info.gameFound) {
      this.sayLine(this.m.cli.gameNotFound);
      if (this.settings.gameNotFoundWarned !== true) {
        this.send({ title: this.m.alerts.gameNotFoundTitle, body: this.m.alerts.gameNotFoundBody });
        this.settings = { ...this.settings, gameNotFoundWarned: true };
        changed = true;
      }
    }
    if (changed) this.guard("settings", () => this.saveSettings());
  }

  private saveSettings(): void {
    writeFileAtomicSync(join(this.deps.dataDir, SETTINGS_FILE), JSON.stringify(this.settings, null, 2) + "\n");
  }

  /** The tray's actions: the same functions the CLI calls. */
  trayActions(): TrayActions {
    return {
      diagnoseNow: async () => {
        const d = await this.deps.monitor.diagnoseNow();
        const toast = dropAlert(d, this.m, await this.fixHint(d));
        this.send({ title: toast.title, body: toast.body });
      },
      toggleAutoFix: (enable: boolean) => this.setAutoFix(enable),
      openLogs: () => this.deps.openFolder(this.deps.logsDir),
      collectBundle: () => this.collectBundle(),
      pause: () => this.deps.monitor.pause(PAUSE_MS),
      resume: () => this.deps.monitor.resume(),
      quit: () => this.deps.quit(),
      applyFix: (id: string) => this.applyFromTray(id),
      restoreDns: () => this.undoFromTray("dns"),
      undoAll: () => this.undoFromTray("all"),
      openDashboard: () => this.deps.openDashboard?.(),
    };
  }

  /** Tray "Put my previous DNS back" / "Undo all changes the agent made", through the fix engine's exact undo. */
  async undoFromTray(what: "dns" | "all"): Promise<void> {
    const engine = this.deps.engine;
    if (engine === null) return;
    const a = this.m.alerts;
    let r: UndoReport;
    try {
      r = what === "dns" ? await engine.undoFix("restore-dns", "player") : await engine.undoAll();
    } catch (err) {
      this.deps.logger.error("undo from the tray failed", { what, error: String(err) });
      r = { ok: false, code: "FIX_UNDO_FAILED", message: String(err), items: [] };
    }
    this.deps.logger.info("undo from the tray", { what, ok: r.ok, code: r.code, items: r.items.length });
    if (r.ok && r.items.length === 0) this.send({ title: a.undoNothingTitle, body: a.undoNothingBody });
    else if (r.ok) this.send({ title: what === "dns" ? a.undoDnsTitle : a.undoAllTitle, body: a.undoneCount(r.items.length) });
    else this.send({ title: a.undoFailedTitle, body: r.items.length > 0 ? a.undoFailedBody(r.items.filter((i) => !i.ok).length, r.items.length) : a.failedWith(r.message) });
    await this.refreshFixes(this.deps.monitor.state().lastDiagnosis);
  }

  /** The "Auto-fix approved problems" switch (tray and dashboard), remembered in settings.json. */
  setAutoFix(enable: boolean): void {
    this.settings = { ...this.settings, autoFix: enable };
    this.saveSettings();
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
      this.send({ title: this.m.alerts.bundleSavedTitle, body: this.m.alerts.bundleSavedBody(basename(path), dirname(path)) });
    } catch (err) {
      this.deps.logger.error("support bundle failed", { error: String(err) });
      this.send({ title: this.m.alerts.bundleFailedTitle, body: this.m.alerts.bundleFailedBody(String(err)) });
    }
  }

  /** First click: dry run and show the plan. Second click within a minute: apply, verified, with rollback. */
  async applyFromTray(id: string): Promise<void> {
    const engine = this.deps.engine;
    if (engine === null) return;
    const a = this.m.alerts;
    const name = this.fixName(id);
    const now = this.now();
    if (this.pendingConfirm === null || this.pendingConfirm.fixId !== id || this.pendingConfirm.until < now) {
      const plan = await engine.applyFix(id, { dryRun: true, approvedBy: "player" });
      if (!plan.ok) {
        this.send({ title: a.cantApplyTitle(name), body: this.outcomeBody(plan) });
        return;
      }
      this.pendingConfirm = { fixId: id, until: now + CONFIRM_WINDOW_MS };
      // The plan lines are the script's own words about this PC (adapter names, addresses).
      const what = plan.plan.length > 0 ? plan.plan.slice(0, 3).join("; ") : a.nothingToChange;
      this.send({ title: a.confirmTitle(name), body: a.confirmBody(what) });
      return;
    }
    this.pendingConfirm = null;
    const r = await engine.applyFix(id, { approvedBy: "player", incidentId: this.deps.monitor.state().incidentId });
    this.send({ title: r.ok ? a.doneTitle(name) : a.failedTitle(name), body: this.outcomeBody(r) });
    await this.refreshFixes(this.deps.monitor.state().lastDiagnosis);
  }

  private guard(what: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.deps.logger.error(`${what} failed`, { error: String(err) });
    }
  }
}
