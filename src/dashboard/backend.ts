/**
 * Everything the dashboard can show or do, over the running agent's own parts: the monitor's state, the incident
 * store, the fix engine and journal, the evidence chart, the settings writer, and the agent's actions (the same
 * functions the tray calls). The HTTP server (server.ts) only routes to this; tests drive it with real parts.
 */
import { listIncidents } from "../agent/incidents.js";
import type { MonitorSnapshot } from "../agent/monitor-types.js";
import { en, ru, type DashboardKey } from "../core/i18n/dashboard.js";
import type { Diagnosis, RoundResult } from "../core/types.js";
import type { UndoReport } from "../fixes/engine.js";
import type { JournalEntry } from "../fixes/journal.js";
import { chartCache, type ChartView, type ChartWindow } from "./chart.js";
import { settingsSaver, settingsView, type ChangeRequest, type SettingsDeps } from "./settings.js";
import type { Bootstrap, BundleView, HistoryView, PageLanguage, SaveView, SettingsView, StatusView, UndoView } from "./types.js";
import { fixRows, incidentRows, statusView } from "./views.js";

/** What the dashboard asks of the agent (src/agent/agent.ts implements it). */
export interface DashboardAgent {
  /** A full round now; the answer also feeds the monitor (and so the tray and the page). */
  diagnose(): Promise<Diagnosis>;
  /** Writes the support bundle; the path of the zip, or why it could not be written. */
  saveBundle(): Promise<BundleView>;
  /** Undo one journal entry, or everything the agent changed; null where fixes are unavailable. */
  undo(target: { entryId: string } | "all"): Promise<UndoReport | null>;
  /** Journal entries, newest first ([] where fixes are unavailable). */
  fixHistory(): Promise<JournalEntry[]>;
}

export interface BackendDeps extends Omit<SettingsDeps, "say"> {
  dataDir: string;
  version: string;
  snapshot(): MonitorSnapshot;
  /** The round a diagnosis was made from (views.ts `rememberRounds`), for the plain "what the agent saw". */
  roundOf?(d: Diagnosis): RoundResult | null;
  agent: DashboardAgent;
  /** Opens the file manager with the file selected. */
  revealFile(path: string): void;
  /** The OS language, for `ui.language: "auto"`. */
  osLanguage(): PageLanguage;
  logger: { warn(message: string, meta?: Record<string, unknown>): unknown };
}

export interface DashboardBackend {
  bootstrap(): Bootstrap;
  status(): StatusView;
  history(): Promise<HistoryView>;
  chart(window: ChartWindow): Promise<ChartView>;
  settings(): Promise<SettingsView>;
  save(changes: readonly ChangeRequest[]): Promise<SaveView>;
  diagnose(): Promise<StatusView>;
  bundle(): Promise<BundleView>;
  /** Shows the last bundle this page made in the file manager; false when there is none. */
  revealBundle(): boolean;
  undo(target: { entryId: string } | "all"): Promise<UndoView>;
  /** Something changed that the chart shows (an incident began or ended). */
  invalidateChart(): void;
}

const CATALOGUE = { en, ru } as const;
/** A word from the dashboard's catalogue with `{name}` placeholders filled in. */
export function say(key: DashboardKey, language: PageLanguage, values: Record<string, string | number> = {}): string {
  return CATALOGUE[language][key].replace(/\{(\w+)\}/g, (m, name: string) => (name in values ? String(values[name]) : m));
}

/** At most this many fixes in the history table (the journal keeps 500 settled ones). */
const FIX_ROWS = 50;
const INCIDENT_ROWS = 20;

/** One run at a time: a second click while the first is running gets the first one's answer. */
function single<T>(fn: () => Promise<T>): () => Promise<T> {
  let running: Promise<T> | null = null;
  return () => {
    running ??= fn().finally(() => {
      running = null;
    });
    return running;
  };
}

export function createBackend(deps: BackendDeps): DashboardBackend {
  const language = (): PageLanguage => {
    const l = deps.live.current().ui.language;
    return l === "auto" ? deps.osLanguage() : l;
  };
  const settingsDeps: SettingsDeps = { ...deps, say: (key, lang) => say(key, lang) };
  const save = settingsSaver(settingsDeps);
  const charts = chartCache(deps.dataDir);
  let lastBundle: string | null = null;
  const status = (): StatusView => {
    const s = deps.snapshot();
    const round = s.lastDiagnosis === null ? null : (deps.roundOf?.(s.lastDiagnosis) ?? null);
    return statusView(s, deps.words, language(), round);
  };
  const diagnose = single(async () => {
    await deps.agent.diagnose();
    return status();
  });
  const bundle = single(async (): Promise<BundleView> => {
    const r = await deps.agent.saveBundle();
    if (r.ok) lastBundle = r.path;
    return r;
  });
  return {
    bootstrap: () => {
      const lang = language();
      return { language: lang, strings: { ...CATALOGUE[lang] }, version: deps.version };
    },
    status,
    async history() {
      const lang = language();
      const fixes = fixRows((await deps.agent.fixHistory()).slice(0, FIX_ROWS), deps.words, lang);
      return {
        incidents: incidentRows(listIncidents({ dataDir: deps.dataDir, limit: INCIDENT_ROWS }), deps.words, lang),
        fixes,
        undoable: fixes.filter((f) => f.undoable).length,
      };
    },
    chart: (window) => charts.get(window),
    settings: () => settingsView(settingsDeps, language()),
    save: (changes) => save(changes, language()),
    diagnose,
    bundle,
    revealBundle() {
      if (lastBundle === null) return false;
      deps.revealFile(lastBundle);
      return true;
    },
    async undo(target) {
      const r = await deps.agent.undo(target);
      if (r === null) return { ok: false, message: "fixes are not available here", items: [] };
      return { ok: r.ok, message: r.message, items: r.items.map((i) => ({ entryId: i.entryId, fixId: i.fixId, ok: i.ok, message: i.message })) };
    },
    invalidateChart: () => charts.invalidate(),
  };
}
