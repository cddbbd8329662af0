#!/usr/bin/env node
/**
 * `tarkov-agent`: the command line and the agent's single composition root. Only src/cli builds real adapters
 * (probes, logger, shell, tray, notifier) and hands them to the pure core and the agent: this file parses the
 * command line and loads each command's module when that command runs (so `stop`, `history` or `--version` do not
 * pay for the tray, the dashboard and the monitor), context.ts builds what every command starts from, fix-wiring.ts
 * the fix engine, and run-command.ts the always-on agent.
 *
 * Exit codes (src/cli/failures.ts): 0 = verdict ok / command succeeded, 1 = any other verdict / command failed,
 * 2 = usage or config error, 3 = the agent's own files cannot be read or written.
 */
import { Command, CommanderError, Option } from "commander";
import { bundleCommandSpec, BundleUsageError, type BundleCliOptions } from "./bundle-command.js";
import { reportCommandSpec, ReportUsageError, type ReportCliOptions } from "./report-command.js";
import { installRoot } from "../config/load.js";
import { closeLogger } from "../log.js";
import { registerDashboardCommand } from "./dashboard-command.js";
import { describeFailure, EXIT, jsonError, UsageError, VALUE_OPTIONS, wantsJson } from "./failures.js";
import { registerFixCommands } from "./fix-command.js";
import { muteAfterClose } from "./lifecycle.js";
import { registerSystemCommands } from "./system-commands.js";
import { APP_ID, APP_NAME, buildContext, resolveDataDir, VERSION, type Context, type GlobalOptions } from "./context.js";
import { historyCommand } from "./history-command.js";
import type { RunOptions } from "./run-command.js";

export { EXIT } from "./failures.js";

export function buildProgram(run: (code: Promise<number>) => void): Command {
  const program = new Command();
  program
    .name("tarkov-agent")
    .description("Watches your PC's connection to Escape from Tarkov's servers, says why it broke and helps fix it.")
    .version(VERSION, "-V, --version", "print the version")
    .option("-c, --config <file>", "config file (JSON); default: built-in settings, or $TARKOV_AGENT_CONFIG")
    .option("--data-dir <dir>", "where logs, incidents and the fix journal live (default: per-user state folder)")
    .option("-v, --verbose", "also print log lines to stderr")
    .showHelpAfterError("(run tarkov-agent --help for usage)")
    .exitOverride();

  const withContext = (component: string, fn: (ctx: Context, opts: Record<string, unknown>) => Promise<number>) =>
    function (this: Command, opts: Record<string, unknown>) {
      run(
        (async () => {
          const ctx = buildContext(program.opts<GlobalOptions>(), component, component !== "diagnose");
          try {
            return await fn(ctx, opts);
          } finally {
            await closeLogger(ctx.logger);
            muteAfterClose(ctx.logger);
          }
        })(),
      );
    };

  program
    .command("diagnose")
    .description("check the connection to BSG once and explain what is wrong (exit 0 = ok, 1 = a problem, 2 = usage/config error)")
    .addOption(new Option("--json", "print the result as JSON (schema in the README)"))
    .action(withContext("diagnose", async (ctx, opts) => (await import("./diagnose-command.js")).diagnoseCommand(ctx, opts as { json?: boolean })));

  program
    .command("run")
    .description("the always-on agent: tray icon, alerts when the connection drops and when it is back (default command)")
    .option("--headless", "no tray icon; print events instead")
    .option("--no-dashboard", "do not serve the local dashboard (tarkov-agent dashboard)")
    .addOption(new Option("--events <format>", "print each confirmed change: json = one JSON object per line (schema in the README)").choices(["json", "text"]))
    .action(withContext("agent", async (ctx, opts) => (await import("./run-command.js")).runAgent(ctx, opts as RunOptions)));

  program
    .command("history")
    .description("list past connection incidents (newest first)")
    .option("--json", "print JSON")
    .option("--limit <n>", "how many, 1–10000 (default 20)")
    .action(withContext("history", (ctx, opts) => historyCommand(ctx, opts as { json?: boolean; limit?: string })));

  const usage = <T>(fn: () => Promise<T>) =>
    fn().catch((e: unknown) => {
      throw e instanceof BundleUsageError || e instanceof ReportUsageError ? new UsageError(e.message) : e;
    });
  bundleCommandSpec(program).action(
    withContext("bundle", (ctx, opts) => usage(async () => (await import("./support-commands.js")).runBundleCommand(ctx, opts as BundleCliOptions))),
  );
  reportCommandSpec(program).action(
    withContext("report", (ctx, opts) => usage(async () => (await import("./support-commands.js")).runReportCommand(ctx, opts as ReportCliOptions))),
  );

  registerDashboardCommand(program, { run, dataDir: () => resolveDataDir(program.opts<GlobalOptions>()) });

  registerFixCommands(program, {
    run,
    openSession: async () => (await import("./fix-wiring.js")).openFixSession(buildContext(program.opts<GlobalOptions>(), "fix")),
  });

  registerSystemCommands(program, {
    withContext: (component, fn) => withContext(component, (ctx, opts) => fn({ dataDir: ctx.dataDir, installDir: installRoot(), appId: APP_ID, appName: APP_NAME }, opts)),
  });

  return program;
}

/**
 * `tarkov-agent` alone (or with only global options) runs the agent, as `npm start` does. Commander's own default
 * command would also swallow typos ("too many arguments for 'run'"), so route only when no command word is given.
 */
export function withDefaultCommand(argv: string[]): string[] {
  const args = argv.slice(2);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (VALUE_OPTIONS.has(a)) i++;
    else if (!a.startsWith("-")) return argv;
    else if (["-h", "--help", "-V", "--version"].includes(a)) return argv;
  }
  return [...argv.slice(0, 2), "run", ...args];
}

async function main(argv: string[]): Promise<void> {
  let pending: Promise<number> | null = null;
  const json = wantsJson(argv.slice(2));
  const program = buildProgram((p) => {
    pending = p;
  });
  try {
    await program.parseAsync(withDefaultCommand(argv));
    const code = pending === null ? EXIT.ok : await (pending as Promise<number>);
    process.exitCode = code;
    // The command is over and its log is closed. A child or socket that still holds the event loop (a toast or
    // PowerShell that ignored its kill) must not keep the process alive: unref'd, this fires only in that case.
    setTimeout(() => process.exit(code), 300).unref();
  } catch (e) {
    const f = describeFailure(e);
    // Commander has already printed its own usage error; everything else is said here, once.
    if (json && f.exit !== EXIT.ok) process.stdout.write(jsonError(f));
    if (!(e instanceof CommanderError)) {
      process.stderr.write(f.bug ? `tarkov-agent: ${f.message}\n${(e as Error).stack ?? ""}\n` : `error: ${f.message}\n`);
    }
    process.exitCode = f.exit;
  }
}

await main(process.argv);
