/**
 * A private X display + D-Bus session for GUI tests: spawns `xvfb-run -a dbus-run-session -- sh
 * session-driver.sh …`, waits for it to print its environment and READY, and ends it by closing its stdin (the
 * driver kills its helpers by PID). Processes started here run in their own process group, which is killed by
 * its id only if the driver does not end by itself.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface Tool {
  cmd: string;
  pkg: string;
}

/** Commands the GUI tests run, with the Debian package that provides each. */
export const TOOLS = {
  xvfbRun: { cmd: "xvfb-run", pkg: "xvfb" },
  xvfb: { cmd: "Xvfb", pkg: "xvfb" },
  xauth: { cmd: "xauth", pkg: "xauth" },
  dbusRunSession: { cmd: "dbus-run-session", pkg: "dbus" },
  dbusMonitor: { cmd: "dbus-monitor", pkg: "dbus" },
  gdbus: { cmd: "gdbus", pkg: "libglib2.0-bin" },
  watcher: { cmd: "status-notifier-watcher", pkg: "haskell-status-notifier-item-utils" },
  dunst: { cmd: "dunst", pkg: "dunst" },
  dunstctl: { cmd: "dunstctl", pkg: "dunst" },
  notifySend: { cmd: "notify-send", pkg: "libnotify-bin" },
} satisfies Record<string, Tool>;

/** Shared libraries of the systray2 Linux binary, with the Debian 12 package providing each (platform-notes §1). */
const LIB_PACKAGES: Record<string, string> = {
  "libgtk-3.so.0": "libgtk-3-0",
  "libgdk-3.so.0": "libgtk-3-0",
  "libappindicator3.so.1": "libayatana-appindicator3-1",
};

/** "xvfb-run (Debian package xvfb)" for each tool that is not on PATH. */
export function missingTools(tools: readonly Tool[]): string[] {
  const path = (process.env.PATH ?? "").split(":").filter(Boolean);
  return tools.filter((t) => !path.some((dir) => existsSync(join(dir, t.cmd)))).map((t) => `${t.cmd} (Debian package ${t.pkg})`);
}

/** Libraries `ldd` cannot find for a binary, named with their Debian package. */
export function missingLibraries(binary: string): string[] {
  let out: string;
  try {
    out = execFileSync("ldd", [binary], { encoding: "utf8" });
  } catch (err) {
    return [`ldd failed on ${binary}: ${(err as Error).message}`];
  }
  return [...out.matchAll(/^\s*(\S+) => not found/gm)].map((m) => `${m[1]} (Debian package ${LIB_PACKAGES[m[1]!] ?? "unknown"})`);
}

/**
 * What to do when something is missing: skip locally, fail on CI (which must install it). Returns the
 * message to fail with, or null when everything is there.
 */
export function gate(missing: readonly string[]): { skip: boolean; failure: string | null; label: string } {
  if (missing.length === 0) return { skip: false, failure: null, label: "" };
  const text = `missing ${missing.join(", ")}`;
  if (process.env.CI) return { skip: false, failure: `CI must install the GUI test packages: ${text}`, label: "" };
  console.warn(`GUI test skipped: ${text}`);
  return { skip: true, failure: null, label: ` (skipped: ${text})` };
}

export interface Session {
  /** DISPLAY, XAUTHORITY and DBUS_SESSION_BUS_ADDRESS of the session. */
  env: Record<string, string>;
  /** Scratch folder; the driver writes monitor.log / dunst.log / watcher.log here. */
  dir: string;
  /** Runs a command inside the session (its env), failing after `timeoutMs`. */
  run(cmd: string, args: string[], timeoutMs?: number): Promise<string>;
  /** Ends the session and waits for it (up to a few seconds). */
  stop(): Promise<void>;
  /** Everything the session printed (for failure messages). */
  output(): string;
}

const DRIVER = join(import.meta.dirname, "session-driver.sh");

/** Starts a session with the given helpers; retried because `xvfb-run -a` can race for a display number. */
export async function startSession(services: ("sni" | "dunst")[], attempts = 3): Promise<Session> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      return await startOnce(services);
    } catch (err) {
      lastError = err;
    }
  }
  throw lastError;
}

function startOnce(services: string[]): Promise<Session> {
  const dir = mkdtempSync(join(tmpdir(), "gui-session-"));
  const child = spawn("xvfb-run", ["-a", "dbus-run-session", "--", "sh", DRIVER, dir, ...services], {
    detached: true, // own process group: a last-resort kill reaches Xvfb and the bus too, and nothing else
    stdio: ["pipe", "pipe", "pipe"],
  });
  let out = "";
  const env: Record<string, string> = {};
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return new Promise<Session>((resolve, reject) => {
    const timer = setTimeout(() => {
      killGroup(child, "SIGKILL");
      rmSync(dir, { recursive: true, force: true });
      reject(new Error(`GUI session did not get ready in 20 s:\n${out}`));
    }, 20_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      for (const m of out.matchAll(/^ENV (\w+)=(.*)$/gm)) env[m[1]!] = m[2]!;
      if (/^READY$/m.test(out)) {
        clearTimeout(timer);
        resolve(session());
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
      reject(new Error(`GUI session ended before READY (code ${code}):\n${out}`));
    });
  });

  function session(): Session {
    return {
      env,
      dir,
      output: () => out,
      run: (cmd, args, timeoutMs = 5_000) =>
        new Promise((resolve, reject) => {
          execFile(cmd, args, { env: { ...process.env, ...env }, timeout: timeoutMs, encoding: "utf8" }, (err, stdout, stderr) =>
            err ? reject(new Error(`${cmd} ${args.join(" ")} failed: ${err.message}\n${stderr}`)) : resolve(stdout),
          );
        }),
      async stop() {
        child.stdin!.end();
        if (!(await within(exited, 5_000))) {
          killGroup(child, "SIGTERM");
          if (!(await within(exited, 2_000))) {
            killGroup(child, "SIGKILL");
            await within(exited, 2_000);
          }
        }
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, signal); // the group we created with detached: true, by its id
  } catch {
    // already gone
  }
}

async function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const result = await Promise.race([
    p.then(() => true),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    }),
  ]);
  clearTimeout(timer);
  return result;
}
