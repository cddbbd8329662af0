/**
 * Desktop notifications: SnoreToast toasts on Windows (attributed to the agent through its AppUserModelID),
 * notify-send through node-notifier on Linux (development and CI). A notification is a courtesy: one that cannot
 * be delivered is logged and reported as `delivered: false`; `notify` never throws and never hangs.
 *
 * On Windows the agent runs node-notifier's vendored SnoreToast itself instead of going through WindowsToaster,
 * because WindowsToaster (10.0.1) keeps the child to itself: it cannot be killed when we stop waiting or when the
 * agent quits (the process then lingered as long as the toast lived), and any exit code other than -1 counts as
 * delivered, so a crashed SnoreToast (exit 3221225477, an access violation, seen under wine) was logged as shown.
 * Here SnoreToast's exit code decides, and `close()` ends every toast process still running.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { constants } from "node:fs";
import { access } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import nodeNotifier from "node-notifier";
import { sanitizeForDisplay } from "../core/display-text.js";

export type Urgency = "low" | "normal" | "critical";

export interface NotifyInput {
  title: string;
  body: string;
  urgency?: Urgency;
}

export interface NotifyResult {
  delivered: boolean;
  /** Why it was not delivered (or a warning the notifier printed while delivering). */
  error?: string;
}

export interface Notifier {
  notify(n: NotifyInput): Promise<NotifyResult>;
}

/** The notifier the composition root owns: it can also end what is still running when the agent quits. */
export interface ClosableNotifier extends Notifier {
  /** Kills every notifier process still running; pending `notify` calls resolve as not delivered. */
  close(): void;
}

/** The subset of the winston logger used here. */
export interface NotifyLogger {
  debug(message: string, meta?: Record<string, unknown>): unknown;
  warn(message: string, meta?: Record<string, unknown>): unknown;
}

export interface NotifierOptions {
  /** Windows AppUserModelID (the Start-menu shortcut's); toasts show the app's name instead of "SnoreToast". */
  appId: string;
  /** Shown as the sender on Linux (`notify-send --app-name`). */
  appName: string;
  logger?: NotifyLogger;
  /** Which notifier to use; defaults to `process.platform`. */
  platform?: NodeJS.Platform;
  /** Windows: the SnoreToast executable to run instead of node-notifier's vendored one (single-file builds). */
  customPath?: string;
  /** Give up waiting for the notifier after this long. SnoreToast only returns once the toast is gone. */
  timeoutMs?: number;
  /** Absolute path of an image shown in the notification. */
  iconPath?: string;
}

const DEFAULT_TIMEOUT_MS: Record<"win32" | "other", number> = { win32: 30_000, other: 10_000 };
/** notify-send's own display time for a toast, in seconds (node-notifier converts it to ms). */
const LINUX_EXPIRE_SECONDS = 10;

/** Creates the notifier for this platform. */
export function createNotifier(opts: NotifierOptions): ClosableNotifier {
  const platform = opts.platform ?? process.platform;
  const windows = platform === "win32";
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS[windows ? "win32" : "other"];
  const log = opts.logger;
  const children = new Set<ChildProcess>();
  let closed = false;

  const send = windows ? windowsSender(opts, children, timeoutMs) : linuxSender(opts);

  return {
    async notify(input: NotifyInput): Promise<NotifyResult> {
      if (closed) return { delivered: false, error: "the agent is stopping" };
      // Titles and bodies can quote BSG's status message or game-log text: no control characters reach the desktop.
      const n = { ...input, title: sanitizeForDisplay(input.title), body: sanitizeForDisplay(input.body, { multiline: true }) };
      let result: NotifyResult;
      try {
        result = await withTimeout(send(n), timeoutMs);
      } catch (err) {
        result = { delivered: false, error: `notifier threw: ${msg(err)}` };
      }
      if (closed) return result; // the log is closing: say nothing more
      if (result.delivered) {
        log?.debug("notification delivered", { component: "notify", title: n.title, ...(result.error ? { warning: result.error } : {}) });
      } else {
        log?.warn("notification not delivered", { component: "notify", title: n.title, error: result.error });
      }
      return result;
    },
    close(): void {
      closed = true;
      for (const child of children) killQuietly(child);
      children.clear();
    },
  };
}

/**
 * A notifier that hands every message that was not delivered to `fallback` (the tray shows it instead), so a
 * player whose toasts are off or broken still learns what happened. The fallback's own failure is swallowed.
 */
export function withUndeliveredFallback<N extends Notifier>(notifier: N, fallback: (n: NotifyInput, result: NotifyResult) => void): N {
  return Object.assign(Object.create(notifier) as N, {
    async notify(n: NotifyInput): Promise<NotifyResult> {
      const r = await notifier.notify(n);
      if (!r.delivered) {
        try {
          fallback(n, r);
        } catch {
          // the fallback is best effort too
        }
      }
      return r;
    },
  });
}

type Sender = (n: NotifyInput) => Promise<NotifyResult>;

/** SnoreToast's exit codes (its `SnoreToastActions::Actions`): every one of 0–5 means the toast was shown. */
const SNORETOAST_SHOWN: Record<number, string> = { 0: "clicked", 1: "hidden", 2: "dismissed", 3: "timed out", 4: "button pressed", 5: "text entered" };

/**
 * What SnoreToast's exit says about delivery. -1 (4294967295 as Windows reports it) is SnoreToast's own "failed";
 * 0xC0000000 and up are NTSTATUS crash codes (0xC0000005 = access violation).
 */
export function judgeSnoreToastExit(code: number | null, signal: NodeJS.Signals | null): NotifyResult {
  if (code !== null && code in SNORETOAST_SHOWN) return { delivered: true };
  if (code === -1 || code === 0xffffffff) return { delivered: false, error: "SnoreToast could not show the toast (exit -1): notifications may be turned off for this app in Windows settings, or Focus assist is on" };
  if (code !== null && code >= 0xc0000000) return { delivered: false, error: `SnoreToast crashed (exit ${code} = 0x${code.toString(16).toUpperCase()}${code === 0xc0000005 ? ", access violation" : ""})` };
  if (signal !== null) return { delivered: false, error: `SnoreToast was ended by ${signal}` };
  return { delivered: false, error: `SnoreToast exited with unknown code ${String(code)}` };
}

/** SnoreToast's command line: title, message, the app's AppUserModelID (the Start-menu shortcut's), icon. */
export function snoreToastArgs(n: NotifyInput, opts: Pick<NotifierOptions, "appId" | "iconPath">): string[] {
  return ["-t", n.title, "-m", n.body, "-appID", opts.appId, ...(opts.iconPath ? ["-p", opts.iconPath] : [])];
}

function windowsSender(opts: NotifierOptions, children: Set<ChildProcess>, timeoutMs: number): Sender {
  const exe = opts.customPath ?? vendoredSnoreToast();
  return async (n) => {
    try {
      await access(exe, constants.X_OK);
    } catch (err) {
      return { delivered: false, error: `SnoreToast not runnable at ${exe}: ${msg(err)}` };
    }
    return new Promise<NotifyResult>((resolve) => {
      let settled = false;
      const settle = (r: NotifyResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        children.delete(child);
        resolve(r);
      };
      let child: ChildProcess;
      try {
        // No shell, no console window; SnoreToast blocks until the toast is gone, and its exit code is the answer.
        child = spawn(exe, snoreToastArgs(n, opts), { windowsHide: true, stdio: "ignore" });
      } catch (err) {
        resolve({ delivered: false, error: `SnoreToast could not start: ${msg(err)}` });
        return;
      }
      children.add(child);
      // Stop waiting a little before the caller's own timeout, and take the process with us.
      const timer = setTimeout(() => {
        killQuietly(child);
        settle({ delivered: false, error: `no answer from the notifier within ${timeoutMs} ms` });
      }, timeoutMs);
      timer.unref();
      child.once("error", (err) => settle({ delivered: false, error: `SnoreToast could not start: ${msg(err)}` }));
      child.once("exit", (code, signal) => settle(judgeSnoreToastExit(code, signal)));
    });
  };
}

function killQuietly(child: ChildProcess): void {
  if (child.exitCode !== null || child.signalCode !== null) return;
  try {
    child.kill();
  } catch {
    // already gone
  }
}

function linuxSender(opts: NotifierOptions): Sender {
  const sender = new nodeNotifier.NotifySend({ withFallback: false });
  return (n) =>
    new Promise((resolve) => {
      sender.notify(
        {
          title: n.title,
          message: n.body,
          urgency: n.urgency ?? "normal",
          "app-name": opts.appName,
          "expire-time": LINUX_EXPIRE_SECONDS,
          ...(opts.iconPath ? { icon: opts.iconPath } : {}),
        } as Parameters<typeof sender.notify>[0],
        settleOnce(resolve),
      );
    });
}

/**
 * node-notifier's callback: an Error means the notifier failed; a string is what it printed on stderr while
 * exiting 0 (a warning, delivered anyway). SnoreToast's wrapper can call back twice; only the first counts.
 */
function settleOnce(resolve: (r: NotifyResult) => void): (err: Error | string | null) => void {
  let done = false;
  return (err) => {
    if (done) return;
    done = true;
    if (err instanceof Error) resolve({ delivered: false, error: err.message.trim() });
    else if (typeof err === "string" && err.trim() !== "") resolve({ delivered: true, error: err.trim() });
    else resolve({ delivered: true });
  };
}

function vendoredSnoreToast(): string {
  const pkg = createRequire(import.meta.url).resolve("node-notifier/package.json");
  return join(dirname(pkg), "vendor", "snoreToast", `snoretoast-${process.arch === "x64" ? "x64" : "x86"}.exe`);
}

async function withTimeout(p: Promise<NotifyResult>, ms: number): Promise<NotifyResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<NotifyResult>((resolve) => {
    timer = setTimeout(() => resolve({ delivered: false, error: `no answer from the notifier within ${ms} ms` }), ms);
    timer.unref?.();
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function msg(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
