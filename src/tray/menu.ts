/**
 * The tray menu as data (pure). systray2's `update-menu` never rebuilds items (platform-notes §1 gotcha 4), so
 * the menu has one fixed shape for the agent's whole life: every item, including a fixed number of fix slots,
 * exists from the start and only its title/enabled/checked/hidden change. `buildMenu` always returns the same
 * keys in the same order; `changedItems` says which ones to resend.
 */
import type { TrayIconName } from "../core/alert-text.js";
import { sanitizeForDisplay } from "../core/display-text.js";

/** Fix slots allocated at start; more fixes than this are not shown. */
export const FIX_SLOTS = 8;

/** One fix offered in the "Fixes" submenu; `applicable` false shows it greyed out. */
export interface FixEntry {
  id: string;
  title: string;
  applicable: boolean;
}

/** Everything the tray shows; the owner builds it and calls `TrayHandle.update` with it. */
export interface TrayView {
  icon: TrayIconName;
  statusLine: string;
  tooltip: string;
  autoFix: boolean;
  paused: boolean;
  fixes: readonly FixEntry[];
  /** "Start with Windows" checkbox; null or absent where it does not apply (not Windows, not installed): hidden. */
  startWithWindows?: boolean | null;
  /** The last message that could not be shown as a toast (toasts off or broken); shown until clicked. */
  notice?: string | null;
  /** Why fixes cannot run here (e.g. no Windows PowerShell); replaces the Fixes submenu's title. */
  fixesNote?: string | null;
}

export type ItemKey =
  | "status"
  | "notice"
  | "autostart"
  | "diagnose"
  | "fixes"
  | `fix-${number}`
  | "auto-fix"
  | "dashboard"
  | "open-logs"
  | "bundle"
  | "pause"
  | "quit"
  | `separator-${number}`;

export interface MenuItemModel {
  key: ItemKey;
  title: string;
  tooltip: string;
  enabled: boolean;
  checked: boolean;
  hidden: boolean;
  children?: MenuItemModel[];
}

/** What a click asks the agent to do. */
export type MenuCommand =
  | { kind: "diagnose" }
  | { kind: "toggle-auto-fix"; enable: boolean }
  | { kind: "open-logs" }
  | { kind: "collect-bundle" }
  | { kind: "pause" }
  | { kind: "resume" }
  | { kind: "quit" }
  | { kind: "apply-fix"; fixId: string }
  | { kind: "open-dashboard" }
  | { kind: "toggle-autostart"; enable: boolean }
  | { kind: "dismiss-notice" };

/** systray2's separator marker (a title the tray binary turns into a separator line). */
export const SEPARATOR_TITLE = "<SEPARATOR>";

/** Shown until the first round has finished. */
export const INITIAL_VIEW: TrayView = {
  icon: "unknown",
  statusLine: "Checking the connection…",
  tooltip: "Tarkov connection: checking…",
  autoFix: false,
  paused: false,
  fixes: [],
};

export const PAUSE_TITLE = "Pause monitoring for 30 min";
export const RESUME_TITLE = "Resume monitoring";
const MAX_TITLE = 64;

/** The whole menu for a view; same keys and order for every view. */
export function buildMenu(view: TrayView): MenuItemModel[] {
  const applicable = view.fixes.filter((f) => f.applicable).length;
  const fixSlots: MenuItemModel[] = Array.from({ length: FIX_SLOTS }, (_, i) => {
    const fix = view.fixes[i];
    return fix
      ? item(`fix-${i}`, fix.title, fix.applicable ? "Apply this fix now" : "Not needed for the current problem", {
          enabled: fix.applicable,
        })
      : item(`fix-${i}`, "(no fix)", "", { enabled: false, hidden: true });
  });
  const notice = view.notice ?? null;
  return [
    item("status", view.statusLine, view.tooltip, { enabled: false }),
    item("notice", notice === null ? "(no message)" : `⚠ ${notice}`, "A message Windows did not show as a notification. Click to dismiss.", { hidden: notice === null }),
    separator(1),
    item("diagnose", "Diagnose now", "Check the connection to Tarkov right away"),
    {
      ...item(
        "fixes",
        view.fixesNote ? view.fixesNote : view.fixes.length === 0 ? "Fixes (none available)" : applicable > 0 ? `Fixes (${applicable})` : "Fixes",
        "Automatic fixes for the current problem",
        { enabled: view.fixes.length > 0 && !view.fixesNote },
      ),
      children: fixSlots,
    },
    item("auto-fix", "Auto-fix approved problems", "Apply the fixes you approved without asking", { checked: view.autoFix }),
    item("autostart", "Start with Windows", "Start the agent when you sign in to Windows", {
      checked: view.startWithWindows === true,
      hidden: view.startWithWindows === null || view.startWithWindows === undefined,
    }),
    separator(2),
    item("dashboard", "Open dashboard", "Status, history and settings in your browser"),
    item("open-logs", "Open logs folder", "Show the agent's log files"),
    item("bundle", "Collect support bundle", "Save a zip with logs and results for support"),
    view.paused
      ? item("pause", RESUME_TITLE, "Start watching the connection again")
      : item("pause", PAUSE_TITLE, "Stop checks and alerts for 30 minutes"),
    separator(3),
    item("quit", "Quit", "Stop the agent"),
  ];
}

/** Depth-first, parents before their children: the order systray2 numbers items in. */
export function flattenMenu(items: readonly MenuItemModel[]): MenuItemModel[] {
  return items.flatMap((i) => [i, ...flattenMenu(i.children ?? [])]);
}

/** Items (flattened, without their children) whose visible properties differ between two menus. */
export function changedItems(prev: readonly MenuItemModel[], next: readonly MenuItemModel[]): MenuItemModel[] {
  const before = new Map(flattenMenu(prev).map((i) => [i.key, i]));
  return flattenMenu(next)
    .filter((i) => {
      const p = before.get(i.key);
      return (
        !p ||
        p.title !== i.title ||
        p.tooltip !== i.tooltip ||
        p.enabled !== i.enabled ||
        p.checked !== i.checked ||
        p.hidden !== i.hidden
      );
    })
    .map(({ children: _children, ...rest }) => rest);
}

/** The command a click on `key` means, judged against the view the player was looking at; null for inert items. */
export function commandFor(key: ItemKey, view: TrayView): MenuCommand | null {
  switch (key) {
    case "diagnose":
      return { kind: "diagnose" };
    case "auto-fix":
      return { kind: "toggle-auto-fix", enable: !view.autoFix };
    case "dashboard":
      return { kind: "open-dashboard" };
    case "open-logs":
      return { kind: "open-logs" };
    case "bundle":
      return { kind: "collect-bundle" };
    case "pause":
      return view.paused ? { kind: "resume" } : { kind: "pause" };
    case "quit":
      return { kind: "quit" };
    case "autostart":
      return view.startWithWindows === null || view.startWithWindows === undefined ? null : { kind: "toggle-autostart", enable: !view.startWithWindows };
    case "notice":
      return view.notice ? { kind: "dismiss-notice" } : null;
    default: {
      const m = /^fix-(\d+)$/.exec(key);
      const fix = m ? view.fixes[Number(m[1])] : undefined;
      return fix && fix.applicable && Number(m![1]) < FIX_SLOTS ? { kind: "apply-fix", fixId: fix.id } : null;
    }
  }
}

function item(
  key: ItemKey,
  title: string,
  tooltip: string,
  opts: { enabled?: boolean; checked?: boolean; hidden?: boolean } = {},
): MenuItemModel {
  return {
    key,
    title: oneLine(title),
    tooltip: sanitizeForDisplay(tooltip, { multiline: true }),
    enabled: opts.enabled ?? true,
    checked: opts.checked ?? false,
    hidden: opts.hidden ?? false,
  };
}

function separator(n: number): MenuItemModel {
  return { key: `separator-${n}`, title: SEPARATOR_TITLE, tooltip: "", enabled: true, checked: false, hidden: false };
}

/** Menu titles are one short line; a long status would widen the whole menu. */
function oneLine(s: string): string {
  const flat = sanitizeForDisplay(s).replace(/\s+/g, " ").trim();
  return flat.length <= MAX_TITLE ? flat : `${flat.slice(0, MAX_TITLE - 1)}…`;
}
