#!/usr/bin/env node
/**
 * `tarkov-agent`: the command line and the agent's single composition root. Only this file builds real adapters
 * (probes, logger, shell, tray, notifier) and hands them to the pure core and the agent.
 *
 * Exit codes: 0 = verdict ok / command succeeded, 1 = any other verdict / command failed, 2 = usage or config error.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Command, CommanderError, Option } from "commander";
import { classify } from "../core/classify.js";
import { defaultDataDir, installRoot, loadConfig } from "../config/load.js";
import type { ResolvedConfig } from "../config/schema.js";
import { closeLogger, createLogger, type Logger } from "../log.js";
import { runRound } from "../probes/round.js";
import { toDiagnoseJson } from "../report/diagnose-json.js";
import { renderDiagnoseText } from "../report/diagnose-text.js";

export const EXIT = { ok: 0, problem: 1, usage: 2 } as const;

const VERSION = (JSON.parse(readFileSync(join(installRoot(), "package.json"), "utf8")) as { version: string }).version;

interface GlobalOptions {
  config?: string;
  dataDir?: string;
  verbose?: boolean;
}

/** Everything a command needs, built once from the global options. */
export interface Context {
  config: ResolvedConfig;
  dataDir: string;
  logger: Logger;
  version: string;
}

class UsageError extends Error {}

function buildContext(opts: GlobalOptions, component: string): Context {
  const configPath = opts.config ?? process.env.TARKOV_AGENT_CONFIG;
  const loaded = loadConfig(configPath);
  if (!loaded.ok) throw new UsageError(loaded.message);
  const dataDir = opts.dataDir ?? defaultDataDir();
  let logger: Logger;
  try {
    logger = createLogger({ dataDir, console: opts.verbose === true, level: opts.verbose ? "debug" : "info", component });
  } catch (e) {
    // An unwritable data dir must not stop a diagnosis: log nowhere and say so.
    process.stderr.write(`warning: cannot write logs to ${dataDir}: ${(e as Error).message}\n`);
    logger = createLogger({ dataDir: null, console: opts.verbose === true, component });
  }
  return { config: loaded.value, dataDir, logger, version: VERSION };
}

async function diagnoseCommand(ctx: Context, opts: { json?: boolean }): Promise<number> {
  const round = await runRound(ctx.config);
  const diagnosis = classify(round);
  ctx.logger.info("diagnosis", { verdict: diagnosis.verdict, confidence: diagnosis.confidence, evidence: diagnosis.evidence, durationMs: round.durationMs, round });
  process.stdout.write(opts.json ? JSON.stringify(toDiagnoseJson(round, diagnosis, ctx.version), null, 2) + "\n" : renderDiagnoseText(round, diagnosis));
  return diagnosis.verdict === "ok" ? EXIT.ok : EXIT.problem;
}

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
          const ctx = buildContext(program.opts<GlobalOptions>(), component);
          try {
            return await fn(ctx, opts);
          } finally {
            await closeLogger(ctx.logger);
          }
        })(),
      );
    };

  program
    .command("diagnose")
    .description("check the connection to BSG once and explain what is wrong (exit 0 = ok, 1 = a problem, 2 = usage/config error)")
    .addOption(new Option("--json", "print the result as JSON (schema in the README)"))
    .action(withContext("diagnose", (ctx, opts) => diagnoseCommand(ctx, opts as { json?: boolean })));

  return program;
}

async function main(argv: string[]): Promise<void> {
  let pending: Promise<number> | null = null;
  const program = buildProgram((p) => {
    pending = p;
  });
  try {
    await program.parseAsync(argv);
    const code = pending === null ? EXIT.ok : await (pending as Promise<number>);
    process.exitCode = code;
  } catch (e) {
    if (e instanceof CommanderError) {
      process.exitCode = e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    } else if (e instanceof UsageError) {
      process.stderr.write(`error: ${e.message}\n`);
      process.exitCode = EXIT.usage;
    } else {
      process.stderr.write(`tarkov-agent: unexpected error (a bug, please report it): ${(e as Error).stack ?? String(e)}\n`);
      process.exitCode = EXIT.problem;
    }
  }
}

await main(process.argv);
