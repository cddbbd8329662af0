/**
 * Helpers for driving a REAL tray item from outside the process that owns it, the way a desktop's tray host
 * does: StatusNotifierWatcher → StatusNotifierItem → com.canonical.dbusmenu (GetLayout to read, Event to click),
 * all through `gdbus` inside a GUI test session (test/gui/session.ts), and the Notify calls that dbus-monitor
 * recorded in the session's monitor.log. Parsing reuses test/gui/gvariant.ts.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { flattenLayout, parseGVariant, parseLayout, type MenuNode } from "../gui/gvariant.js";
import type { Session } from "../gui/session.js";

/** Where a registered tray item lives on the session bus. */
export interface SniItem {
  bus: string;
  path: string;
  menu: string;
}

const gdbus = (session: Session, ...args: string[]) => session.run("gdbus", ["call", "--session", ...args]);

/** Entries of the watcher's RegisteredStatusNotifierItems: ":1.7" or ":1.7/org/ayatana/NotificationItem/x". */
export async function registeredItems(session: Session): Promise<string[]> {
  const reply = await gdbus(session, "-d", "org.kde.StatusNotifierWatcher", "-o", "/StatusNotifierWatcher", "-m", "org.freedesktop.DBus.Properties.Get", "org.kde.StatusNotifierWatcher", "RegisteredStatusNotifierItems");
  return (parseGVariant(reply) as [string[]])[0];
}

/** One property of a StatusNotifierItem (Status, Menu, IconName, ToolTip, …). */
export async function sniProp(session: Session, item: Pick<SniItem, "bus" | "path">, name: string): Promise<unknown> {
  const reply = await gdbus(session, "-d", item.bus, "-o", item.path, "-m", "org.freedesktop.DBus.Properties.Get", "org.kde.StatusNotifierItem", name);
  return (parseGVariant(reply) as unknown[])[0];
}

/** Resolves a watcher entry to the item's bus name, object path and dbusmenu path. */
export async function resolveItem(session: Session, entry: string): Promise<SniItem> {
  const slash = entry.indexOf("/");
  const bus = slash < 0 ? entry : entry.slice(0, slash);
  // Ayatana registers by bus name only; its item object lives at /org/ayatana/NotificationItem/<id>.
  const path = slash < 0 ? "/org/ayatana/NotificationItem/systray" : entry.slice(slash);
  const menu = String(await sniProp(session, { bus, path }, "Menu"));
  return { bus, path, menu };
}

/** The whole menu, depth-first, root excluded. */
export async function menuLayout(session: Session, item: SniItem): Promise<MenuNode[]> {
  const reply = await gdbus(session, "-d", item.bus, "-o", item.menu, "-m", "com.canonical.dbusmenu.GetLayout", "--", "0", "-1", "[]");
  return flattenLayout(parseLayout(reply).root);
}

/** Visible, non-separator labels, in menu order (what a player sees when they open the menu). */
export function visibleLabels(nodes: readonly MenuNode[]): string[] {
  return nodes.filter((n) => n.props.type !== "separator" && n.props.visible !== false).map((n) => String(n.props.label));
}

/** Clicks the item with this exact label, as a tray host does when the player clicks it. */
export async function clickLabel(session: Session, item: SniItem, label: string): Promise<void> {
  const nodes = await menuLayout(session, item);
  const node = nodes.find((n) => n.props.label === label);
  if (!node) throw new Error(`no menu item "${label}" in ${JSON.stringify(visibleLabels(nodes))}`);
  await gdbus(session, "-d", item.bus, "-o", item.menu, "-m", "com.canonical.dbusmenu.Event", "--", String(node.id), "clicked", "<int32 0>", "0");
}

/** One org.freedesktop.Notifications.Notify call as dbus-monitor printed it. */
export interface NotifyCall {
  appName: string;
  summary: string;
  body: string;
  /** dbus-monitor's urgency hint byte: 0 low, 1 normal, 2 critical; null when absent. */
  urgency: number | null;
  raw: string;
}

/** Notify calls in dbus-monitor's text output (args: app_name, replaces_id, app_icon, summary, body, …). */
export function notifyCalls(log: string): NotifyCall[] {
  return log
    .split(/^(?=method call )/m)
    .filter((block) => /member=Notify$/m.test(block.split("\n")[0]!))
    .map((raw) => {
      const strings = [...raw.matchAll(/^ {3}string "(.*)"$/gm)].map((m) => unescapeMonitor(m[1]!));
      const urgency = /string "urgency"\s+variant\s+byte (\d+)/.exec(raw);
      return { appName: strings[0]!, summary: strings[2]!, body: strings[3]!, urgency: urgency ? Number(urgency[1]) : null, raw };
    });
}

/** dbus-monitor escapes `"` and `\` inside strings. */
function unescapeMonitor(s: string): string {
  return s.replace(/\\(["\\])/g, "$1");
}

/**
 * Every text `render(t)` can produce for a time t between `from` and `to` (inclusive, minute steps): status
 * lines carry a wall-clock "HH:MM" that the test cannot know to the minute in advance.
 */
export function renderedBetween(render: (at: Date) => string, from: number, to: number): string[] {
  const out = new Set<string>();
  for (let t = Math.floor(from / 60_000) * 60_000; t <= to + 60_000; t += 60_000) {
    const at = new Date(Math.min(Math.max(t, from), to));
    out.add(render(at));
  }
  return [...out];
}

/**
 * Which of the agent's icons (`<iconDir>/{ok,problem,down,unknown}.png`) the item shows. getlantern/systray hands
 * Ayatana each icon as a temp file whose path is the item's IconName, so the file's bytes say which one it is;
 * null when the file cannot be read (the tray host could not show it either).
 */
export async function shownIcon(session: Session, item: SniItem, iconDir: string): Promise<string | null> {
  const name = String(await sniProp(session, item, "IconName"));
  const file = [name, `${name}.png`].find((f) => existsSync(f));
  if (!file) return null;
  const shown = readFileSync(file);
  return ["ok", "problem", "down", "unknown"].find((icon) => shown.equals(readFileSync(join(iconDir, `${icon}.png`)))) ?? `unknown file ${file}`;
}
