/**
 * The agent's desktop presence, built by the composition root for `run`: toasts, the tray icon (restarted when it
 * dies), "Start with Windows", and the fallbacks between them. A toast that Windows did not show lands in the tray
 * menu instead; a tray that cannot come back is announced with a toast and on the console; Start with Windows is
 * switched on by the agent's first start (see src/ports/autostart.ts) and toggled from the menu.
 */
import { messages } from "../core/i18n/index.js";
import { applyFirstStartDefault, createAutostart, type Autostart } from "../ports/autostart.js";
import { createNotifier, withUndeliveredFallback, type ClosableNotifier } from "../ports/notify.js";
import { regExeRegistry } from "../ports/registry.js";
import type { TrayView } from "../tray/menu.js";
import { startSupervisedTray } from "../tray/supervisor.js";
import type { TrayActions, TrayHandle, TrayLogger } from "../tray/tray.js";

export interface DesktopLogger extends TrayLogger {
  child(meta: Record<string, unknown>): TrayLogger;
}

export interface DesktopOptions {
  installDir: string;
  dataDir: string;
  appId: string;
  appName: string;
  notifications: boolean;
  headless: boolean;
  logger: DesktopLogger;
  /** One line for the person at the console (stdout, or stderr in --events json mode). */
  say(line: string): void;
  /** Tests: another Start with Windows implementation. */
  autostart?: Autostart;
  /** Tests: restart pauses of the tray supervisor. */
  trayRestartDelaysMs?: readonly number[];
}

export interface Desktop {
  /** Toasts, with the tray as the fallback; null when notifications are off in the config. */
  readonly notifier: ClosableNotifier | null;
  readonly autostart: Autostart;
  /** Starts the tray (unless headless); resolves to whether an icon is showing. */
  start(actions: TrayActions, initialView: TrayView): Promise<boolean>;
  /** The agent's latest view; the desktop adds its own items (Start with Windows, notice, fixes note). */
  show(view: TrayView): void;
  /** Why fixes cannot run here, shown in place of the Fixes submenu; null when they can. */
  setFixesNote(note: string | null): void;
  /** Ends toasts and the tray; bounded by the tray's own close grace. */
  close(): Promise<void>;
}

export function createDesktop(o: DesktopOptions): Desktop {
  const log = o.logger.child({ component: "desktop" });
  const autostart = o.autostart ?? createAutostart({ installDir: o.installDir, registry: regExeRegistry({ onError: (what, error) => log.debug("registry", { what, error }) }) });
  let tray: TrayHandle | null = null;
  let view: TrayView | null = null;
  const extras: Pick<TrayView, "startWithWindows" | "notice" | "fixesNote"> = { startWithWindows: null, notice: null, fixesNote: null };
  /** The tray's words in the language of the agent's latest view. */
  const words = () => messages(view?.locale ?? "en").tray;
  const refresh = () => {
    if (view !== null) tray?.update({ ...view, ...extras });
  };

  const base = o.notifications ? createNotifier({ appId: o.appId, appName: o.appName, logger: o.logger.child({ component: "notify" }) }) : null;
  const notifier =
    base === null
      ? null
      : withUndeliveredFallback(base, (n, r) => {
          // Toasts off or broken: keep the message where the player will look for it.
          if (tray === null || !tray.alive) return;
          extras.notice = n.title;
          refresh();
          log.info("toast not shown; message put in the tray menu instead", { title: n.title, error: r.error });
        });

  const readAutostart = async () => {
    if (!autostart.supported) return;
    const on = await autostart.isEnabled();
    // Unreadable is not "off": the menu says it could not be read rather than show an unticked box as fact.
    extras.startWithWindows = on ?? "unknown";
    if (on === null) log.warn("Start with Windows: the Run key could not be read");
  };

  return {
    notifier,
    // Changed elsewhere too (the dashboard's settings): the tray's checkbox follows.
    autostart: {
      supported: autostart.supported,
      unsupportedReason: autostart.unsupportedReason,
      isEnabled: () => autostart.isEnabled(),
      async setEnabled(on) {
        const r = await autostart.setEnabled(on);
        await readAutostart();
        refresh();
        return r;
      },
    },
    async start(actions, initialView) {
      view = initialView;
      if (autostart.supported && !o.headless) {
        const first = await applyFirstStartDefault(autostart, o.dataDir);
        if (first === "enabled") log.info("Start with Windows turned on (first start)");
        else if (typeof first === "object") log.warn("could not turn on Start with Windows", { error: first.failed });
      }
      await readAutostart();
      if (o.headless) return false;
      tray = await startSupervisedTray({
        installDir: o.installDir,
        readyTimeoutMs: 8_000,
        logger: o.logger.child({ component: "tray" }),
        initialView: { ...initialView, ...extras },
        ...(o.trayRestartDelaysMs ? { restartDelaysMs: o.trayRestartDelaysMs } : {}),
        actions: {
          ...actions,
          toggleAutostart: async (enable: boolean) => {
            const r = await autostart.setEnabled(enable);
            if (!r.ok) {
              extras.notice = words().autostartFailed;
              log.warn("Start with Windows not changed", { enable, error: r.message });
            }
            await readAutostart();
            refresh();
          },
          dismissNotice: () => {
            extras.notice = null;
            refresh();
          },
        },
        onGaveUp: (message) => {
          o.say(message);
          void notifier?.notify({ title: words().stoppedTitle, body: message });
        },
        onRestarted: () => refresh(),
      });
      return tray !== null;
    },
    show(next) {
      view = next;
      refresh();
    },
    setFixesNote(note) {
      extras.fixesNote = note;
      refresh();
    },
    async close() {
      notifier?.close();
      await tray?.close();
    },
  };
}
