/**
 * The tray menu as data (pure). systray2's `update-menu` never rebuilds items (platform-notes §1 gotcha 4), so
 * the menu has one fixed shape for the agent's whole life: every item, including a fixed number of fix slots,
 * exists from the start and only its title/enabled/checked/hidden change. `buildMenu` always returns the same
 * keys in the same order; `changedItems` says which ones to resend.
 */
import type { TrayIconName } from "../core/alert-text.js";
import { sanitizeForDisplay } from "../core/display-text.js";
import { EN, messages, type Locale } from "../core/i18n/index.js";

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
  /**
   * What the agent can undo, from its journal: `dns` = its DNS switches still in place ("Put my previous DNS
   * back"), `all` = every change it made and still owns ("Undo all changes the agent made"). Absent = nothing.
   */
  undo?: { dns: number; all: number };
  /** The language of the menu's own words (the status line and tooltip come in already written). */
  locale?: Locale;
  /**
   * "Start with Windows" checkbox; null or absent where it does not apply (not Windows, not installed): hidden.
   * "unknown" when Windows would not say (the Run key could not be read): shown unchecked, saying so; a click
   * turns it on.
   */
  startWithWindows?: boolean | "unknown" | null;
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
  | "restore-dns"
  | "undo-all"
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
  | { kind: "restore-dns" }
  | { kind: "undo-all" }
  | { kind: "open-dashboard" }
  | { kind: "toggle-autostart"; enable: boolean }
  | { kind: "dismiss-notice" };

/** systray2's separator marker (a title the tray binary turns into a separator line). */
export const SEPARATOR_TITLE = "<SEPARATOR>";

/** Shown until the first round has finished. */
export const INITIAL_VIEW: TrayView = {
  icon: "unknown",
  statusLine: EN.tray.checking,
  tooltip: EN.tray.tooltipChecking,
  autoFix: false,
  paused: false,
  fixes: [],
};

export const PAUSE_TITLE = EN.tray.pause;
export const RESUME_TITLE = EN.tray.resume;
const MAX_TITLE = 64;

/** The whole menu for a view; same keys and order for every view. */
export function buildMenu(view: TrayView): MenuItemModel[] {
  const t = messages(view.locale ?? "en").tray;
  const applicable = view.fixes.filter((f) => f.applicable).length;
  const undo = view.undo ?? { dns: 0, all: 0 };
  const fixSlots: MenuItemModel[] = Array.from({ length: FIX_SLOTS }, (_, i) => {
    const fix = view.fixes[i];
    return fix
      ? item(`fix-${i}`, fix.title, fix.applicable ? t.fixApplyTip : t.fixNotNeededTip, { enabled: fix.applicable })
      : item(`fix-${i}`, t.noFix, "", { enabled: false, hidden: true });
  });
  const notice = view.notice ?? null;
  return [
    item("status", view.statusLine, view.tooltip, { enabled: false }),
    item("notice", notice === null ? t.noNotice : `⚠ ${notice}`, t.noticeTip, { hidden: notice === null }),
    separator(1),
    item("diagnose", t.diagnose, t.diagnoseTip),
    {
      ...item("fixes", view.fixesNote ? view.fixesNote : view.fixes.length === 0 ? t.fixesNone : applicable > 0 ? t.fixesCount(applicable) : t.fixes, t.fixesTip, {
        enabled: view.fixes.length > 0 && !view.fixesNote,
      }),
      children: fixSlots,
    },
    // Undo is always in the same place and greyed out when there is nothing of the agent's to put back.
    item("restore-dns", t.restoreDns, undo.dns > 0 ? t.restoreDnsTip : t.restoreDnsNothingTip, { enabled: undo.dns > 0 }),
    item("undo-all", t.undoAll, undo.all > 0 ? t.undoAllTip(undo.all) : t.undoAllNothingTip, { enabled: undo.all > 0 }),
    item("auto-fix", t.autoFix, t.autoFixTip, { checked: view.autoFix }),
    item("autostart", view.startWithWindows === "unknown" ? t.autostartUnknown : t.autostart, view.startWithWindows === "unknown" ? t.autostartUnknownTip : t.autostartTip, {
      checked: view.startWithWindows === true,
      hidden: view.startWithWindows === null || view.startWithWindows === undefined,
    }),
    separator(2),
    item("dashboard", t.dashboard, t.dashboardTip),
    item("open-logs", t.openLogs, t.openLogsTip),
    item("bundle", t.bundle, t.bundleTip),
    view.paused ? item("pause", t.resume, t.resumeTip) : item("pause", t.pause, t.pauseTip),
    separator(3),
    item("quit", t.quit, t.quitTip),
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
    case "restore-dns":
      return (view.undo?.dns ?? 0) > 0 ? { kind: "restore-dns" } : null;
    case "undo-all":
      return (view.undo?.all ?? 0) > 0 ? { kind: "undo-all" } : null;
    case "autostart":
      return view.startWithWindows === null || view.startWithWindows === undefined ? null : { kind: "toggle-autostart", enable: view.startWithWindows !== true };
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
