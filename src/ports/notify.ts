/**
 * Desktop notifications through node-notifier: SnoreToast toasts on Windows (attributed to the agent through
 * `appID`), notify-send on Linux (development and CI). A notification is a courtesy: one that cannot be
 * delivered is logged and reported as `delivered: false`; `notify` never throws and never hangs.
 */
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
export function createNotifier(opts: NotifierOptions): Notifier {
  const platform = opts.platform ?? process.platform;
  const windows = platform === "win32";
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS[windows ? "win32" : "other"];
  const log = opts.logger;

  const send = windows ? windowsSender(opts) : linuxSender(opts);

  return {
    async notify(input: NotifyInput): Promise<NotifyResult> {
      // Titles and bodies can quote BSG's status message or game-log text: no control characters reach the desktop.
      const n = { ...input, title: sanitizeForDisplay(input.title), body: sanitizeForDisplay(input.body, { multiline: true }) };
      let result: NotifyResult;
      try {
        result = await withTimeout(send(n), timeoutMs);
      } catch (err) {
        result = { delivered: false, error: `notifier threw: ${msg(err)}` };
      }
      if (result.delivered) {
        log?.debug("notification delivered", { component: "notify", title: n.title, ...(result.error ? { warning: result.error } : {}) });
      } else {
        log?.warn("notification not delivered", { component: "notify", title: n.title, error: result.error });
      }
      return result;
    },
  };
}

type Sender = (n: NotifyInput) => Promise<NotifyResult>;

function windowsSender(opts: NotifierOptions): Sender {
  // withFallback false: the balloon fallback (notifu) is for Windows 7, which the agent does not support.
  const toaster = new nodeNotifier.WindowsToaster({
    withFallback: false,
    ...(opts.customPath ? { customPath: opts.customPath } : {}),
  });
  const exe = opts.customPath ?? vendoredSnoreToast();
  return async (n) => {
    // node-notifier reports a missing SnoreToast as success (it only treats exit code -1 as an error): check first.
    try {
      await access(exe, constants.X_OK);
    } catch (err) {
      return { delivered: false, error: `SnoreToast not runnable at ${exe}: ${msg(err)}` };
    }
    return new Promise((resolve) => {
      toaster.notify(
        {
          title: n.title,
          message: n.body,
          appID: opts.appId,
          ...(opts.iconPath ? { icon: opts.iconPath } : {}),
        },
        settleOnce(resolve),
      );
    });
  };
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
