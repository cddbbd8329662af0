/**
 * Commands about the agent as an installed program: `stop` (the installer and uninstaller run it before touching
 * files), `autostart` (Start with Windows from the command line, the same switch as the tray's), and
 * `test-notification` (does a toast reach the screen on this PC, and if not, why).
 * Exit codes: 0 = done, 1 = it could not be done, 2 = usage.
 */
import type { Command } from "commander";
import { createAutostart, type Autostart } from "../ports/autostart.js";
import { createNotifier, type NotifyResult } from "../ports/notify.js";
import { regExeRegistry } from "../ports/registry.js";
import { requestStop, type StopOutcome } from "./lifecycle.js";

export interface SystemCommandContext {
  dataDir: string;
  installDir: string;
  appId: string;
  appName: string;
}

export interface SystemCommandDeps {
  /** Wraps an action with the global options, logging and exit-code plumbing (main.ts withContext). */
  withContext(component: string, fn: (ctx: SystemCommandContext, opts: Record<string, unknown>) => Promise<number>): (this: Command, opts: Record<string, unknown>) => void;
  out?: (s: string) => void;
  err?: (s: string) => void;
  /** Tests: stand-ins for the real adapters. */
  stop?: (dataDir: string, timeoutMs: number) => Promise<StopOutcome>;
  autostart?: (installDir: string) => Autostart;
  notify?: (ctx: SystemCommandContext) => Promise<NotifyResult>;
}

export function registerSystemCommands(program: Command, deps: SystemCommandDeps): void {
  const out = deps.out ?? ((s: string) => void process.stdout.write(s));
  const err = deps.err ?? ((s: string) => void process.stderr.write(s));

  program
    .command("stop")
    .description("ask the running agent of this user to stop (and end it after --timeout); the installer uses this")
    .option("--timeout <seconds>", "how long to wait before ending it (default 10)")
    .action(
      deps.withContext("stop", async (ctx, opts) => {
        const seconds = opts.timeout === undefined ? 10 : Number(opts.timeout);
        if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 600) {
          err(`error: --timeout: expected seconds from 1 to 600, found ${JSON.stringify(opts.timeout)}\n`);
          return 2;
        }
        const r = await (deps.stop ?? ((d, t) => requestStop(d, { timeoutMs: t })))(ctx.dataDir, seconds * 1000);
        out(`${r.message}\n`);
        return r.outcome === "failed" ? 1 : 0;
      }),
    );

  program
    .command("autostart")
    .description("show whether the agent starts with Windows; --on / --off to change it (same as the tray's switch)")
    .option("--on", "start the agent when you sign in to Windows")
    .option("--off", "do not start it with Windows")
    .action(
      deps.withContext("autostart", async (ctx, opts) => {
        if (opts.on === true && opts.off === true) {
          err("error: give --on or --off, not both\n");
          return 2;
        }
        const autostart = (deps.autostart ?? ((dir) => createAutostart({ installDir: dir, registry: regExeRegistry() })))(ctx.installDir);
        if (!autostart.supported) {
          out(`Start with Windows is not available here: ${autostart.unsupportedReason}.\n`);
          return opts.on === true || opts.off === true ? 1 : 0;
        }
        if (opts.on === true || opts.off === true) {
          const r = await autostart.setEnabled(opts.on === true);
          if (!r.ok) {
            err(`${r.message}\n`);
            return 1;
          }
        }
        const on = await autostart.isEnabled();
        out(on === null ? "Start with Windows: unknown (the setting could not be read)\n" : `Start with Windows: ${on ? "on" : "off"}\n`);
        return on === null ? 1 : 0;
      }),
    );

  program
    .command("test-notification")
    .description("show a test notification and say whether it reached the screen (and why not)")
    .action(
      deps.withContext("notify", async (ctx) => {
        const send = deps.notify ?? ((c: SystemCommandContext) => createNotifier({ appId: c.appId, appName: c.appName }).notify({ title: "Tarkov Connection Agent", body: "Test notification: alerts about your connection will look like this." }));
        const r = await send(ctx);
        if (r.delivered) {
          out("The test notification was shown.\n");
          return 0;
        }
        out(`The test notification was NOT shown: ${r.error ?? "no reason given"}.\nAlerts will appear in the tray menu instead. Check Windows Settings > System > Notifications for Tarkov Connection Agent, and Focus assist.\n`);
        return 1;
      }),
    );
}
