/**
 * The settings page's backend: what it shows (config in force, the tray's auto-fix switch, the game folder,
 * Start with Windows) and how a change is saved. Config keys go through the settings writer (src/config/write.ts:
 * the loader's own checks and messages, an atomic write that keeps the rest of the player's file) and then into the
 * running agent (src/config/live.ts); the auto-fix switch goes to the agent, Start with Windows to the autostart
 * port. One change at a time: two tabs saving at once are served in order.
 */
import { isAbsolute } from "node:path";
import type { LiveConfig } from "../config/live.js";
import type { Autostart } from "../ports/autostart.js";
import { saveSettings, type SettingEdit } from "../config/write.js";
import { effectivePolicy } from "../core/fix-policy.js";
import type { DashboardKey } from "../core/i18n/dashboard.js";
import { FIXES } from "../fixes/catalog/index.js";
import type { PageLanguage, SaveView, SettingsView } from "./types.js";
import type { DashboardWords } from "./views.js";

/** "Start with Windows": the installer's autostart module (src/ports/autostart.ts), or a stand-in where it has none. */
export type AutostartPort = Autostart;

/** Start with Windows where it cannot be offered at all (tests that do not exercise it). */
export function unsupportedAutostart(reason: string): AutostartPort {
  return { supported: false, unsupportedReason: reason, isEnabled: async () => null, setEnabled: async () => ({ ok: false, message: reason }) };
}

export interface SettingsDeps {
  live: LiveConfig;
  /** The file settings are saved to (`--config`, $TARKOV_AGENT_CONFIG, or `<data dir>/config.json`). */
  configFile: string;
  /** Relative paths in the config are relative to this folder (where the agent was started). */
  startDir: string;
  autoFix: { get(): boolean; set(enable: boolean): void };
  autostart: AutostartPort;
  /** The game folder the running agent found or was given; null when none. */
  gameInUse(): string | null;
  /** Does this folder look like a game install (EscapeFromTarkov.exe or Logs)? */
  folderHasGame(dir: string): Promise<boolean>;
  words: DashboardWords;
  /** The page's words in the page's language, for the few refusals the dashboard itself makes. */
  say(key: DashboardKey, language: PageLanguage): string;
  platform?: NodeJS.Platform;
}

/** Fixes the player sets a policy for: not the "put back" ones (restore-dns undoes switch-dns; it never runs alone). */
const POLICY_FIXES = FIXES.filter((f) => f.restores === undefined);

/** The settings page as it stands. */
export async function settingsView(deps: SettingsDeps, language: PageLanguage): Promise<SettingsView> {
  const c = deps.live.current();
  const game = c.game.installDir;
  const platform = deps.platform ?? process.platform;
  let enabled: boolean | null = null;
  try {
    enabled = deps.autostart.supported ? await deps.autostart.isEnabled() : null;
  } catch {
    enabled = null;
  }
  return {
    file: deps.configFile,
    language: c.ui.language,
    notifications: c.notifications.enabled,
    reminderMinutes: c.monitor.reminderMinutes,
    autoFix: deps.autoFix.get(),
    dailyCap: c.fixes.dailyCap,
    fixes: POLICY_FIXES.map((f) => ({
      id: f.id,
      title: deps.words.fixTitle(f.id, language),
      risk: f.risk,
      needsAdmin: f.needsAdmin,
      reversible: f.reversible,
      rebootNeeded: f.rebootNeeded,
      policy: effectivePolicy(f, c.fixes.policy[f.id]).effective,
      autoAllowed: f.risk !== "high",
    })),
    game: { setting: game, inUse: deps.gameInUse(), folderHasGame: game === "auto" ? null : await deps.folderHasGame(game) },
    autostart: {
      supported: deps.autostart.supported,
      enabled,
      reason: deps.autostart.supported ? null : platform !== "win32" ? "not-windows" : "other",
      reasonText: deps.autostart.unsupportedReason,
    },
  };
}

/** One change the page asks for. */
export interface ChangeRequest {
  key: string;
  value: unknown;
}

const CONFIG_KEYS = new Set(["ui.language", "notifications.enabled", "monitor.reminderMinutes", "fixes.dailyCap", "game.installDir"]);
const refuse = (code: string, message: string): SaveView => ({ ok: false, code, message });

/** Saves settings (see the file comment); one call at a time per settings page. */
export function settingsSaver(deps: SettingsDeps) {
  let queue: Promise<unknown> = Promise.resolve();
  const saveNow = async (changes: readonly ChangeRequest[], language: PageLanguage): Promise<SaveView> => {
    if (!Array.isArray(changes) || changes.length === 0 || changes.length > 32) return refuse("BAD_REQUEST", "expected a list of 1 to 32 changes");
    const edits: SettingEdit[] = [];
    let autoFix: boolean | null = null;
    let autostart: boolean | null = null;
    for (const ch of changes) {
      if (typeof ch !== "object" || ch === null || typeof ch.key !== "string") return refuse("BAD_REQUEST", "expected changes as { key, value }");
      const { key, value } = ch;
      if (key === "autoFix" || key === "startWithWindows") {
        if (typeof value !== "boolean") return refuse("CONFIG_INVALID", `key ${key}: expected true or false, found ${JSON.stringify(value) ?? "nothing"}`);
        if (key === "autoFix") autoFix = value;
        else autostart = value;
        continue;
      }
      const policy = /^fixes\.policy\.(.+)$/.exec(key);
      if (policy !== null) {
        const fixId = policy[1]!;
        if (FIXES.find((f) => f.id === fixId)?.risk === "high" && value === "auto") return refuse("HIGH_RISK_NEVER_AUTO", deps.say("policy.highRisk", language));
        edits.push({ path: ["fixes", "policy", fixId], value }); // an unknown id or value: the schema names the nearest
        continue;
      }
      if (!CONFIG_KEYS.has(key)) return refuse("BAD_REQUEST", `key ${key}: not a setting the dashboard changes`);
      if (key === "game.installDir" && typeof value === "string") {
        const dir = value.trim(); // a pasted path often brings a space or a line break along
        if (dir !== "" && dir !== "auto" && !isAbsolute(dir)) return refuse("CONFIG_INVALID", deps.say("game.needsFullPath", language));
        edits.push({ path: ["game", "installDir"], value: dir });
        continue;
      }
      edits.push({ path: key.split("."), value });
    }
    let applied: string[] = [];
    let restartNeeded: string[] = [];
    if (edits.length > 0) {
      const saved = saveSettings(deps.configFile, edits, deps.startDir);
      if (!saved.ok) return refuse(saved.code, saved.message);
      ({ applied, restartNeeded } = deps.live.replace(saved.value.config));
    }
    if (autoFix !== null) {
      deps.autoFix.set(autoFix);
      applied.push("autoFix");
    }
    if (autostart !== null) {
      const r = await deps.autostart.setEnabled(autostart);
      if (!r.ok) return refuse("AUTOSTART_FAILED", r.message);
      // reg.exe's exit 1 on a removal means "not there" and "access denied" alike: believe the registry, not the exit code.
      const now = await deps.autostart.isEnabled().catch(() => null);
      if (now !== null && now !== autostart) return refuse("AUTOSTART_FAILED", deps.say("autostart.notChanged", language));
      applied.push("startWithWindows");
    }
    return { ok: true, applied, restartNeeded, settings: await settingsView(deps, language) };
  };
  return (changes: readonly ChangeRequest[], language: PageLanguage): Promise<SaveView> => {
    const run = queue.then(() => saveNow(changes, language));
    queue = run.catch(() => undefined);
    return run;
  };
}
