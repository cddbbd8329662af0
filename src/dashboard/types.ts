/**
 * What the dashboard's JSON API answers (src/dashboard/server.ts serves it, src/dashboard/page/dashboard.js reads
 * it). Times are ISO strings: the page shows them in the player's local time with the zone. Texts from the network
 * and the game's logs are sanitised for display before they get here, and the page only ever sets them as text.
 */
import type { TrayIconName } from "../core/alert-text.js";
import type { Confidence, VerdictId } from "../core/types.js";
import type { FixPolicySetting, FixRisk } from "../core/fix-policy.js";
import type { UiLanguage } from "../config/schema.js";
import type { JournalState, UndoRecord } from "../fixes/journal.js";
import type { MonitorMode, MonitorStatus } from "../agent/monitor-types.js";

export type PageLanguage = "en" | "ru";

/** The connection as the tray shows it, with the diagnosis behind it. */
export interface StatusView {
  icon: TrayIconName;
  mode: MonitorMode;
  status: MonitorStatus;
  verdict: VerdictId | null;
  /** The verdict in plain words; null before the first result. */
  title: string | null;
  since: string | null;
  pausedUntil: string | null;
  lastRoundAt: string | null;
  maintenance: { active: boolean; message: string | null };
  diagnosis: {
    headline: string;
    meaning: string;
    confidence: Confidence;
    /** What the agent saw, in plain sentences in the page's language (`diagnose`'s); no codes. */
    saw: string[];
    advice: { text: string; step: number | null }[];
    /** Every evidence line (the core's technical English) with its code, for the details part. */
    details: { text: string; code: string | null }[];
  } | null;
}

export interface IncidentRow {
  id: string;
  start: string;
  end: string | null;
  durationMs: number | null;
  causes: string[];
  stoppedEarly: boolean;
}

export interface FixRow {
  entryId: string;
  fixId: string;
  title: string;
  at: string;
  by: "player" | "auto";
  state: JournalState;
  message: string | null;
  changes: string[];
  /** Something this entry changed can still be put back. */
  undoable: boolean;
  undo: Pick<UndoRecord, "state" | "by" | "message"> | null;
}

export interface HistoryView {
  incidents: IncidentRow[];
  fixes: FixRow[];
  undoable: number;
}

export interface FixPolicyRow {
  id: string;
  title: string;
  risk: FixRisk;
  needsAdmin: boolean;
  reversible: boolean;
  rebootNeeded: boolean;
  policy: FixPolicySetting;
  /** High-risk fixes never run on their own: "auto" is not offered. */
  autoAllowed: boolean;
}

export interface SettingsView {
  /** The config file settings are saved to. */
  file: string;
  language: UiLanguage;
  notifications: boolean;
  reminderMinutes: number;
  autoFix: boolean;
  dailyCap: number;
  fixes: FixPolicyRow[];
  game: {
    /** "auto" or the folder the config names. */
    setting: string;
    /** What the running agent found / uses (null: nothing found). */
    inUse: string | null;
    /** For a folder named in the config: does it look like a game install? null for "auto". */
    folderHasGame: boolean | null;
  };
  autostart: { supported: boolean; enabled: boolean | null; reason: "not-windows" | "other" | null; reasonText: string | null };
}

/** Keys the settings page may change: config keys, plus the tray's auto-fix switch and Start with Windows. */
export type SettingKey =
  | "ui.language"
  | "notifications.enabled"
  | "monitor.reminderMinutes"
  | "fixes.dailyCap"
  | `fixes.policy.${string}`
  | "game.installDir"
  | "autoFix"
  | "startWithWindows";

export type SaveView =
  | { ok: true; applied: string[]; restartNeeded: string[]; settings: SettingsView }
  | { ok: false; code: string; message: string };

export type BundleView = { ok: true; path: string } | { ok: false; message: string };

export interface UndoView {
  ok: boolean;
  message: string;
  items: { entryId: string; fixId: string; ok: boolean; message: string }[];
}

export interface Bootstrap {
  language: PageLanguage;
  strings: Record<string, string>;
  version: string;
}

/** Server-sent event names: the page refetches what changed. */
export type PushKind = "status" | "history" | "settings";
