/**
 * The tray icon and its menu, through systray2 (a Go binary spoken to in JSON lines). The traps it works around
 * are in platform-notes §1: `debug:false` and `copyDir:false`, `kill(false)`, item changes through `update-item`
 * and icon/tooltip through `update-menu`, the binary resolved from the install folder, `onExit`/`onError` only
 * after `ready()`, and a `ready()` that never settles without a display. A tray that cannot start, or dies
 * later, costs the player the icon, never the agent: `startTray` then returns null, and a death is logged and
 * reported through `onDied`; src/tray/supervisor.ts restarts a tray binary that dies.
 */
import type { ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import systray2 from "systray2";
import type { ClickEvent, MenuItem } from "systray2";
import type { TrayIconName } from "../core/alert-text.js";
import {
  buildMenu,
  changedItems,
  commandFor,
  INITIAL_VIEW,
  type ItemKey,
  type MenuCommand,
  type MenuItemModel,
  type TrayView,
} from "./menu.js";

export type { FixEntry, TrayView } from "./menu.js";

type SysTrayCtor = typeof systray2.default;
type SysTray = InstanceType<SysTrayCtor>;
// systray2 is CommonJS with `exports.default`; Node's ESM loader hands us the whole exports object.
const SysTray: SysTrayCtor = (systray2 as { default?: SysTrayCtor }).default ?? (systray2 as unknown as SysTrayCtor);

/** What the menu's items do. Each may be async; a throw or rejection is logged and never reaches the tray. */
export interface TrayActions {
  diagnoseNow(): unknown;
  /** `enable` is the state the player asked for (the opposite of the checkbox they clicked). */
  toggleAutoFix(enable: boolean): unknown;
  openLogs(): unknown;
  collectBundle(): unknown;
  pause(): unknown;
  resume(): unknown;
  quit(): unknown;
  applyFix(id: string): unknown;
  /** "Put my previous DNS back": undo the agent's DNS switches. */
  restoreDns(): unknown;
  /** "Undo all changes the agent made". */
  undoAll(): unknown;
  /** Opens the local dashboard in the default browser. */
  openDashboard(): unknown;
  /** "Start with Windows" clicked; `enable` is the state the player asked for. */
  toggleAutostart?(enable: boolean): unknown;
  /** The undelivered-message line clicked: the player has seen it. */
  dismissNotice?(): unknown;
}

/** The subset of the winston logger the tray uses. */
export interface TrayLogger {
  debug(message: string, meta?: Record<string, unknown>): unknown;
  info(message: string, meta?: Record<string, unknown>): unknown;
  warn(message: string, meta?: Record<string, unknown>): unknown;
  error(message: string, meta?: Record<string, unknown>): unknown;
}

export interface StartTrayOptions {
  /** The agent's install folder: the process chdirs here so systray2 finds `traybin/<binary>` in it (§1 gotcha 9). */
  installDir: string;
  /** Give up (and return null) when the tray binary has not said `ready` by then. */
  readyTimeoutMs: number;
  actions: TrayActions;
  logger: TrayLogger;
  /** Chooses .ico (win32) or .png icons and the display check; defaults to `process.platform`. */
  platform?: NodeJS.Platform;
  /** Folder with `{ok,problem,down,unknown}.{png,ico}`; defaults to `<installDir>/assets/icons`. */
  iconDir?: string;
  initialView?: TrayView;
  /** Called once when the tray process exits without `close()` having been asked for. */
  onDied?: (info: { code: number | null; signal: NodeJS.Signals | null }) => void;
}

export interface TrayHandle {
  /** Shows a new view; only what changed is sent to the tray binary. A no-op once the tray is gone. */
  update(view: TrayView): void;
  /** Asks the tray binary to exit and waits for it (killing it after a grace period). */
  close(): Promise<void>;
  /** False once the tray process has exited. */
  readonly alive: boolean;
}

const APP_TITLE = "Tarkov Connection Agent";
const BINARIES: Partial<Record<NodeJS.Platform, string>> = {
  win32: "tray_windows_release.exe",
  linux: "tray_linux_release",
  darwin: "tray_darwin_release",
};
// Quit must end the process within 2 s: the binary gets most of that to exit on its own, then it is killed.
const CLOSE_GRACE_MS = 800;
const KILL_WAIT_MS = 500;
const STDERR_LINES_LOGGED = 20;

/** Starts the tray; resolves to null (never hangs, never throws) when it cannot be shown. */
export async function startTray(opts: StartTrayOptions): Promise<TrayHandle | null> {
  const { logger } = opts;
  const platform = opts.platform ?? process.platform;
  if (platform !== "win32" && platform !== "darwin" && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    // Without a display the binary exits at once and ready() never settles (§1 gotcha 6): don't even try.
    logger.warn("tray not started: no display", { component: "tray", platform });
    return null;
  }

  const icons = loadIcons(opts.iconDir ?? join(opts.installDir, "assets", "icons"), platform, logger);
  const binName = BINARIES[process.platform];
  const localBin = binName ? join(opts.installDir, "traybin", binName) : null;
  if (localBin && !existsSync(localBin)) {
    logger.info("tray binary not in the install folder; systray2 falls back to its own copy", {
      component: "tray",
      expected: localBin,
    });
  }
  try {
    // systray2 looks for ./traybin/<bin> relative to the cwd first: make that the install folder (Program Files),
    // not whatever folder we were started from, where someone could plant their own binary (§1 gotcha 9).
    process.chdir(opts.installDir);
  } catch (err) {
    logger.error("tray not started: cannot enter the install folder", { component: "tray", installDir: opts.installDir, error: msg(err) });
    return null;
  }

  let view = opts.initialView ?? INITIAL_VIEW;
  let model = buildMenu(view);
  let tray: SysTray;
  try {
    tray = new SysTray({
      menu: { icon: icons[view.icon], title: APP_TITLE, tooltip: view.tooltip, items: model.map(toWire) },
      debug: false, // true looks for unshipped debug binaries (§1 gotcha 2)
      copyDir: false, // copying to ~/.cache would run the binary from a user-writable place
    });
  } catch (err) {
    logger.error("tray not started: systray2 failed", { component: "tray", error: msg(err) });
    return null;
  }

  const started = await waitUntilReady(tray, opts.readyTimeoutMs, logger);
  if (!started.ok) {
    logger.warn("tray not started", { component: "tray", reason: started.reason, timeoutMs: opts.readyTimeoutMs });
    started.child?.kill("SIGKILL");
    // A binary that spawns or says ready after we gave up must not linger as an orphan icon.
    void tray.ready().then(
      () => (tray.process as ChildProcess | null)?.kill("SIGKILL"),
      () => undefined,
    );
    return null;
  }
  const child = started.child;
  logger.info("tray started", { component: "tray", binPath: tray.binPath, pid: child.pid });

  // Map systray2's item ids (it numbers our objects depth-first while starting) back to our keys.
  const keyById = new Map<number, ItemKey>();
  const idByKey = new Map<ItemKey, number>();
  const collectIds = (items: WireItem[]): void => {
    for (const i of items) {
      keyById.set(i.__id, i.key);
      idByKey.set(i.key, i.__id);
      collectIds((i.items ?? []) as WireItem[]);
    }
  };
  collectIds(trayItems(tray));

  let alive = child.exitCode === null && child.signalCode === null;
  let closing = false;
  let died = false;
  let sendQueue: Promise<unknown> = Promise.resolve();
  const running = new Set<string>();

  const send = (action: Parameters<SysTray["sendAction"]>[0]): void => {
    sendQueue = sendQueue
      .then(() => (alive ? tray.sendAction(action) : undefined))
      .catch((err: unknown) => logger.warn("tray update failed", { component: "tray", error: msg(err) }));
  };

  tray.onExit((code, signal) => {
    alive = false;
    if (closing || died) return;
    died = true;
    logger.error("tray process exited; the agent keeps running without a tray icon", { component: "tray", code, signal });
    try {
      opts.onDied?.({ code, signal: signal as NodeJS.Signals | null });
    } catch (err) {
      logger.error("tray onDied handler threw", { component: "tray", error: msg(err) });
    }
  });
  tray.onError((err) => logger.error("tray process error", { component: "tray", error: msg(err) }));

  void tray.onClick((event: ClickEvent) => {
    const key = keyById.get(event.__id);
    const command = key ? commandFor(key, view) : null;
    logger.debug("tray click", { component: "tray", id: event.__id, key, command: command?.kind });
    if (command) runCommand(command);
  });

  const runCommand = (command: MenuCommand): void => {
    // One run per action at a time: a double click on "Diagnose now" must not start two rounds.
    const slot = command.kind === "apply-fix" ? `apply-fix:${command.fixId}` : command.kind;
    if (running.has(slot)) {
      logger.debug("tray action already running; click ignored", { component: "tray", action: slot });
      return;
    }
    running.add(slot);
    const { actions } = opts;
    void Promise.resolve()
      .then(() => {
        switch (command.kind) {
          case "diagnose":
            return actions.diagnoseNow();
          case "toggle-auto-fix":
            return actions.toggleAutoFix(command.enable);
          case "open-logs":
            return actions.openLogs();
          case "collect-bundle":
            return actions.collectBundle();
          case "pause":
            return actions.pause();
          case "resume":
            return actions.resume();
          case "quit":
            return actions.quit();
          case "apply-fix":
            return actions.applyFix(command.fixId);
          case "restore-dns":
            return actions.restoreDns();
          case "undo-all":
            return actions.undoAll();
          case "open-dashboard":
            return actions.openDashboard();
          case "toggle-autostart":
            return actions.toggleAutostart?.(command.enable);
          case "dismiss-notice":
            return actions.dismissNotice?.();
        }
      })
      .catch((err: unknown) => logger.error("tray action failed", { component: "tray", action: slot, error: msg(err) }))
      .finally(() => running.delete(slot));
  };

  return {
    get alive() {
      return alive;
    },
    update(next: TrayView): void {
      const prevView = view;
      view = next;
      if (!alive) return;
      const nextModel = buildMenu(next);
      for (const changed of changedItems(model, nextModel)) {
        const id = idByKey.get(changed.key);
        if (id === undefined) continue;
        // A fresh object each time: systray2 appends " (√)" to checked titles in place on Linux.
        send({ type: "update-item", item: { ...toWire(changed), __id: id } as MenuItem, seq_id: -1 });
      }
      model = nextModel;
      if (prevView.icon !== next.icon || prevView.tooltip !== next.tooltip) {
        // update-menu changes icon/title/tooltip only; items: [] because the binary ignores them anyway.
        send({ type: "update-menu", menu: { icon: icons[next.icon], title: APP_TITLE, tooltip: next.tooltip, items: [] } });
      }
    },
    async close(): Promise<void> {
      if (!alive) return;
      closing = true;
      await sendQueue;
      const exited = new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) resolve();
        else child.once("exit", () => resolve());
      });
      // kill(false): the default kill() calls process.exit(0) and would take the agent down (§1 gotcha 7).
      tray.kill(false).catch((err: unknown) => logger.warn("tray exit request failed", { component: "tray", error: msg(err) }));
      if (!(await settlesWithin(exited, CLOSE_GRACE_MS))) {
        logger.warn("tray did not exit when asked; killing it", { component: "tray", pid: child.pid });
        child.kill("SIGKILL");
        await settlesWithin(exited, KILL_WAIT_MS);
      }
      alive = false;
    },
  };
}

type WireItem = MenuItem & { key: ItemKey; __id: number };

/** Our model → systray2's item. `key` rides along (systray2 and the binary ignore unknown fields). */
function toWire(m: MenuItemModel): MenuItem & { key: ItemKey } {
  const wire: MenuItem & { key: ItemKey } = {
    key: m.key,
    title: m.title,
    tooltip: m.tooltip,
    enabled: m.enabled,
    checked: m.checked,
    hidden: m.hidden,
  };
  // Children go out with the first menu only: an update-item that lists children makes the binary show them all.
  if (m.children) wire.items = m.children.map(toWire);
  return wire;
}

/** The item objects systray2 was given, now carrying the `__id` it assigned. */
function trayItems(tray: SysTray): WireItem[] {
  return (tray as unknown as { _conf: { menu: { items: WireItem[] } } })._conf.menu.items;
}

type ReadyResult = { ok: true; child: ChildProcess } | { ok: false; reason: string; child: ChildProcess | null };

/**
 * ready() with a deadline, and with an early way out: the binary exiting before `ready` (no display, missing
 * libraries) or failing to spawn (EACCES, ENOENT) ends the wait at once instead of at the timeout.
 */
async function waitUntilReady(tray: SysTray, timeoutMs: number, logger: TrayLogger): Promise<ReadyResult> {
  let child: ChildProcess | null = null;
  let timer: NodeJS.Timeout | undefined;
  let poll: NodeJS.Timeout | undefined;
  const failed = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no "ready" from the tray binary within ${timeoutMs} ms`), timeoutMs);
    // systray2 creates the child process a few ticks after the constructor; attach to it as soon as it exists.
    poll = setInterval(() => {
      const c = tray.process as ChildProcess | null;
      if (!c) return;
      clearInterval(poll);
      child = c;
      watchChild(c, logger);
      dropNonJsonLines(tray, logger);
      c.once("exit", (code, signal) => resolve(`tray binary exited before ready (code ${code}, signal ${signal})`));
    }, 10);
  });
  const ready = tray.ready().then(
    () => null,
    (err: unknown) => `tray binary failed to start: ${msg(err)}`,
  );
  const reason = await Promise.race([ready, failed]);
  clearTimeout(timer);
  clearInterval(poll);
  child ??= tray.process as ChildProcess | null;
  if (reason === null && child) {
    if (!child.stderr?.listenerCount("data")) watchChild(child, logger);
    return { ok: true, child };
  }
  return { ok: false, reason: reason ?? "tray binary has no process", child };
}

/** Drain stderr (an unread pipe fills up and blocks the binary) and keep EPIPE on stdin from crashing us. */
function watchChild(child: ChildProcess, logger: TrayLogger): void {
  let logged = 0;
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (chunk: string) => {
    for (const line of chunk.split("\n")) {
      if (line.trim() === "" || logged >= STDERR_LINES_LOGGED) continue;
      logged++;
      logger.debug("tray binary stderr", { component: "tray", line: line.slice(0, 300) });
    }
  });
  child.stdin?.on("error", (err) => logger.debug("tray stdin closed", { component: "tray", error: msg(err) }));
}

/**
 * systray2 JSON.parses every stdout line inside readline listeners, so one stray non-JSON line from the binary
 * (a library printing to stdout) would throw out of an event handler and crash the agent. Drop such lines.
 */
function dropNonJsonLines(tray: SysTray, logger: TrayLogger): void {
  const rl = (tray as unknown as { _rl: { emit: (event: string | symbol, ...args: unknown[]) => boolean } | null })._rl;
  if (!rl) return;
  const emit = rl.emit.bind(rl);
  rl.emit = (event, ...args) => {
    if (event === "line") {
      try {
        JSON.parse(String(args[0]));
      } catch {
        logger.warn("tray binary printed a non-JSON line; ignored", { component: "tray", line: String(args[0]).slice(0, 300) });
        return false;
      }
    }
    return emit(event, ...args);
  };
}

function loadIcons(dir: string, platform: NodeJS.Platform, logger: TrayLogger): Record<TrayIconName, string> {
  const ext = platform === "win32" ? "ico" : "png"; // Windows' tray needs .ico (§1 gotcha 10)
  const names: TrayIconName[] = ["ok", "problem", "down", "unknown"];
  return Object.fromEntries(
    names.map((name) => {
      const file = join(dir, `${name}.${ext}`);
      try {
        return [name, readFileSync(file).toString("base64")];
      } catch (err) {
        logger.warn("tray icon missing", { component: "tray", file, error: msg(err) });
        return [name, ""];
      }
    }),
  ) as Record<TrayIconName, string>;
}

async function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const result = await Promise.race([p.then(() => true), timeout]);
  clearTimeout(timer);
  return result;
}

function msg(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
