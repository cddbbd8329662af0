/**
 * A tray that comes back: when the tray binary dies, `startSupervisedTray` starts it again with the view the agent
 * last showed (a few times, with growing pauses), and says so in plain words when it gives up. Seen under wine:
 * the binary died and the agent ran on invisibly while still claiming "(tray icon shown)".
 */
import { INITIAL_VIEW, type TrayView } from "./menu.js";
import { startTray, type StartTrayOptions, type TrayHandle } from "./tray.js";

export interface SupervisedTrayOptions extends Omit<StartTrayOptions, "onDied"> {
  /** Pause before each restart of a tray binary that died; when they are used up, give up. */
  restartDelaysMs?: readonly number[];
  /** A tray that then lives this long has recovered: the restart budget starts over. */
  healthyAfterMs?: number;
  /** The tray is gone for good (restarts used up, or a restart failed): tell the player. */
  onGaveUp?: (message: string) => void;
  /** A restarted tray is showing again. */
  onRestarted?: (attempt: number) => void;
}

const RESTART_DELAYS_MS = [1_000, 5_000, 30_000];
const HEALTHY_AFTER_MS = 10 * 60_000;

/**
 * Starts the tray and keeps it: a binary that dies is started again with the current view, up to
 * `restartDelaysMs.length` times in a row. Returns null when the first start fails (no tray here at all).
 */
export async function startSupervisedTray(opts: SupervisedTrayOptions): Promise<TrayHandle | null> {
  const delays = opts.restartDelaysMs ?? RESTART_DELAYS_MS;
  const healthyAfterMs = opts.healthyAfterMs ?? HEALTHY_AFTER_MS;
  let view = opts.initialView ?? INITIAL_VIEW;
  let closed = false;
  let failures = 0;
  let startedAt = Date.now();
  let timer: NodeJS.Timeout | undefined;
  let current: TrayHandle | null = null;

  const giveUp = (message: string) => {
    opts.logger.error("tray given up", { component: "tray", reason: message });
    try {
      opts.onGaveUp?.(message);
    } catch (err) {
      opts.logger.error("tray onGaveUp handler threw", { component: "tray", error: msg(err) });
    }
  };
  const onDied = (info: { code: number | null; signal: NodeJS.Signals | null }) => {
    if (closed) return;
    if (Date.now() - startedAt >= healthyAfterMs) failures = 0;
    const delay = delays[failures];
    const how = info.signal ? `signal ${info.signal}` : `exit code ${info.code}`;
    if (delay === undefined) {
      giveUp(`The tray icon stopped (${how}) and was restarted ${failures} times without lasting. The agent keeps watching your connection and alerts still arrive; restart the agent from the Start menu to get the icon back.`);
      return;
    }
    failures++;
    opts.logger.warn("tray binary died; restarting it", { component: "tray", how, attempt: failures, delayMs: delay });
    timer = setTimeout(() => {
      void (async () => {
        if (closed) return;
        const next = await startTray({ ...opts, initialView: view, onDied });
        if (closed) {
          await next?.close();
          return;
        }
        if (next === null) {
          current = null;
          giveUp(`The tray icon stopped (${how}) and could not be started again. The agent keeps watching your connection and alerts still arrive; restart the agent from the Start menu to get the icon back.`);
          return;
        }
        current = next;
        startedAt = Date.now();
        opts.logger.info("tray restarted", { component: "tray", attempt: failures });
        opts.onRestarted?.(failures);
      })();
    }, delay);
    timer.unref?.();
  };

  current = await startTray({ ...opts, onDied });
  if (current === null) return null;
  return {
    get alive() {
      return current?.alive ?? false;
    },
    update(next: TrayView): void {
      view = next;
      current?.update(next);
    },
    async close(): Promise<void> {
      closed = true;
      clearTimeout(timer);
      await current?.close();
    },
  };
}


function msg(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
