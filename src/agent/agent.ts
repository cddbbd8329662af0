/**
 * The always-on agent: turns the monitor's confirmed events into toasts, tray state and automatic fixes, and the
 * tray's clicks into the same functions the CLI uses. Everything it talks to is injected (main.ts builds the real
 * ones), and nothing it calls may take it down: every sink is guarded.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
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
import type { Diagnosis } from "../core/types.js";
import type { FixEngine } from "../fixes/engine.js";
import type { NotifyInput, Notifier } from "../ports/notify.js";
import type { TrayView } from "../tray/menu.js";
import type { TrayActions } from "../tray/tray.js";
import { writeFileAtomicSync } from "./atomic-write.js";
import type { AgentEvent } from "./events.js";
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
  /** Fix engine; null where fixes are unavailable. */
  engine: FixEngine | null;
  /** True while the game log shows matching or a raid: toasts wait for the raid to end. */
  raidBusy(): boolean;
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
  /** Damaged fix records set aside from the journal (issue 8): the tray says so. */
  journalDamage?: () => { setAside: number; notSetAside: number; file: string } | null;
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
  private held: HeldEvent[] = [];
  private wasBusy = false;
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
    return { icon, statusLine: statusLine(state), tooltip: tooltip(state, s.lastDiagnosis) + note, autoFix: this.settings.autoFix, paused, fixes: this.fixEntries };
  }

  /** Monitor state changed: refresh the tray (and the fix list when the verdict moved). */
  onStateChange(s: MonitorSnapshot): void {
    this.guard("tray update", () => this.viewListener?.(this.view(s)));
    this.checkRaidEnded();
  }

  /** A confirmed change from the monitor. */
  onEvent(e: AgentEvent): void {
    this.guard("event output", () => this.deps.print(this.deps.eventsJson ? JSON.stringify(e) : this.describe(e)));
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

  /** Shows a toast now, or holds it until the raid ends (one summary instead of toasts over the game). */
  private toast(text: AlertText, e: AgentEvent): void {
    if (this.deps.notifier === null) return;
    if (this.deps.raidBusy()) {
      this.wasBusy = true;
      const at = new Date(e.at);
      if (e.event === "maintenance") this.held.push({ kind: "maintenance", at, message: e.message });
      else if (e.event === "up") this.held.push({ kind: "recovery", at, verdict: e.previousVerdict, durationMs: e.durationMs });
      else if (e.event === "down" || e.event === "verdict" || e.event === "reminder") this.held.push({ kind: e.event === "verdict" ? "change" : "drop", at, verdict: e.verdict });
      this.deps.logger.info("toast held until the raid ends", { event: e.event });
      return;
    }
    this.send({ title: text.title, body: text.body, urgency: e.event === "down" ? "critical" : "normal" });
  }

  /** Called on state changes and by a timer: delivers the held toasts as one summary once the raid is over. */
  checkRaidEnded(): void {
    if (!this.wasBusy || this.deps.raidBusy()) return;
    this.wasBusy = false;
    const summary = raidSummaryAlert(this.held);
    this.held = [];
    if (summary !== null) this.send({ title: summary.title, body: summary.body });
  }

  private send(n: NotifyInput): void {
    const notifier = this.deps.notifier;
    if (notifier === null) return;
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
      } else if (report.ask.length > 0 && !this.deps.raidBusy()) {
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
      toggleAutoFix: (enable: boolean) => {
        this.settings = { ...this.settings, autoFix: enable };
        writeFileAtomicSync(join(this.deps.dataDir, SETTINGS_FILE), JSON.stringify(this.settings, null, 2) + "\n");
        this.guard("tray update", () => this.viewListener?.(this.view()));
      },
      openLogs: () => this.deps.openFolder(this.deps.logsDir),
      collectBundle: () => {
        // Support bundles are their own feature (redacted zip); until then the logs folder is what support needs.
        this.deps.openFolder(this.deps.logsDir);
        this.send({ title: "Logs folder opened", body: "Attach the newest agent-*.log and incidents.jsonl to your support ticket." });
      },
      pause: () => this.deps.monitor.pause(PAUSE_MS),
      resume: () => this.deps.monitor.resume(),
      quit: () => this.deps.quit(),
      applyFix: (id: string) => this.applyFromTray(id),
    };
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
