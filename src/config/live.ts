/**
 * The running agent's config, replaceable while it runs (settings saved from the dashboard). Long-lived parts
 * (monitor, fix engine, notifier) are built once with `view`: the keys that can change under them read the newest
 * value on every access, so a new fix policy, reminder interval, toasts on/off or language applies at once. Other
 * keys (targets, probing, the game folder) are fixed when the parts are built: a change to them is saved and
 * reported as needing a restart.
 */
import type { ResolvedConfig } from "./schema.js";

/** Keys (and everything under them) that apply without a restart. */
export const LIVE_KEYS: readonly string[] = ["fixes.policy", "fixes.dailyCap", "fixes.verifyWindowMs", "notifications.enabled", "monitor.reminderMinutes", "ui.language"];

/** What a replacement changed: leaf keys as dotted paths, split by whether they apply now. */
export interface ConfigChange {
  applied: string[];
  restartNeeded: string[];
}

export interface LiveConfig {
  /** The config in force now (a plain snapshot). */
  current(): ResolvedConfig;
  /** The config for long-lived parts: the live keys always answer with the current value. */
  readonly view: ResolvedConfig;
  /** Puts a newly saved config in force; says which changes applied and which wait for a restart. */
  replace(next: ResolvedConfig): ConfigChange;
  /** Called after every replacement that changed something; returns the unsubscribe function. */
  onChange(listener: (next: ResolvedConfig, change: ConfigChange) => void): () => void;
}

const isLive = (key: string): boolean => LIVE_KEYS.some((k) => key === k || key.startsWith(`${k}.`));

/** Dotted paths of the leaves that differ between two plain JSON values (arrays compare whole). */
export function changedKeys(a: unknown, b: unknown, prefix = ""): string[] {
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
  if (isObj(a) && isObj(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => changedKeys(a[k], b[k], prefix === "" ? k : `${prefix}.${k}`));
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [prefix === "" ? "(top level)" : prefix];
}

/** Creates the live config around the one the agent started with. */
export function createLiveConfig(initial: ResolvedConfig): LiveConfig {
  let cur = initial;
  const listeners = new Set<(next: ResolvedConfig, change: ConfigChange) => void>();
  const view: ResolvedConfig = {
    ...initial,
    monitor: {
      ...initial.monitor,
      get reminderMinutes() {
        return cur.monitor.reminderMinutes;
      },
    },
    fixes: {
      get policy() {
        return cur.fixes.policy;
      },
      get dailyCap() {
        return cur.fixes.dailyCap;
      },
      get verifyWindowMs() {
        return cur.fixes.verifyWindowMs;
      },
    },
    notifications: {
      get enabled() {
        return cur.notifications.enabled;
      },
    },
    ui: {
      get language() {
        return cur.ui.language;
      },
    },
  };
  return {
    current: () => cur,
    view,
    replace(next) {
      const keys = changedKeys(JSON.parse(JSON.stringify(cur)), JSON.parse(JSON.stringify(next)));
      cur = next;
      const change = { applied: keys.filter(isLive), restartNeeded: keys.filter((k) => !isLive(k)) };
      if (keys.length > 0) {
        for (const l of listeners) {
          try {
            l(next, change);
          } catch {
            // a listener's failure must not undo a saved setting; listeners log their own errors
          }
        }
      }
      return change;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
