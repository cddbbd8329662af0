/**
 * What every command starts from: the global options read into a {@link Context} (config, data folder, logger,
 * the player's language), and the few facts about the app that several commands share.
 */
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve, win32 } from "node:path";
import { stateFileError, type StateFileError } from "../agent/file-errors.js";
import { messages, pickLocale, type Messages } from "../core/i18n/index.js";
import { chooseConfigFile, defaultDataDir, installRoot, loadConfig, resolvePaths, type ConfigChoice } from "../config/load.js";
import type { ResolvedConfig } from "../config/schema.js";
import { createLogger, type Logger } from "../log.js";
import type { PowerShellCheck } from "../ports/powershell-check.js";
import { UsageError } from "./failures.js";

export const VERSION = (JSON.parse(readFileSync(join(installRoot(), "package.json"), "utf8")) as { version: string }).version;

export interface GlobalOptions {
  config?: string;
  dataDir?: string;
  verbose?: boolean;
}

/** Everything a command needs, built once from the global options. */
export interface Context {
  config: ResolvedConfig;
  /** Which config file was read, and where settings are saved. */
  configFile: ConfigChoice;
  /** The folder the command was started from: relative paths in the config are relative to it. */
  startDir: string;
  dataDir: string;
  logger: Logger;
  version: string;
  /** The player's language: `ui.language`, or the OS's (src/core/i18n/locale.ts). */
  m: Messages;
}

/** The catalogue in the player's language: the config's `ui.language`, else what the OS says. */
export function playerMessages(config: ResolvedConfig): Messages {
  return messages(pickLocale(config.ui.language, { env: process.env, intlLocale: Intl.DateTimeFormat().resolvedOptions().locale }));
}

/**
 * Can the data folder be used? Creates it when missing. Null = yes; otherwise why not (a file where the folder
 * should be, no permission, a read-only disk). A full disk is not checked here: it comes and goes.
 */
export function dataDirProblem(dataDir: string): StateFileError | null {
  try {
    mkdirSync(dataDir, { recursive: true });
    if (!statSync(dataDir).isDirectory()) throw Object.assign(new Error("not a directory"), { code: "ENOTDIR" });
    return null;
  } catch (e) {
    return stateFileError(e, dataDir, "the agent's data folder", "write", dataDir);
  }
}

/**
 * `needsDataDir`: the command keeps its records there (run, history, fix) and stops with exit 3 when the folder
 * cannot be used; `diagnose` only loses its log file and says so.
 */
export function buildContext(opts: GlobalOptions, component: string, needsDataDir = true): Context {
  if (opts.config === "") throw new UsageError("--config: expected the path of a JSON config file, found an empty text", "CONFIG_UNREADABLE");
  const dataDir = resolveDataDir(opts);
  // --config, else $TARKOV_AGENT_CONFIG (empty = unset), else <data dir>/config.json when it exists.
  const configFile = chooseConfigFile({ option: opts.config, env: process.env.TARKOV_AGENT_CONFIG, dataDir });
  const loaded = loadConfig(configFile.path ?? undefined);
  if (!loaded.ok) throw new UsageError(loaded.message, loaded.code);
  const problem = dataDirProblem(dataDir);
  if (problem !== null && needsDataDir) throw problem;
  let logger: Logger;
  try {
    if (problem !== null) throw problem;
    logger = createLogger({ dataDir, console: opts.verbose === true, level: opts.verbose ? "debug" : "info", component });
  } catch (e) {
    // An unwritable data dir must not stop a diagnosis: log nowhere and say so.
    process.stderr.write(`warning: not writing a log file: ${(e as Error).message}\n`);
    logger = createLogger({ dataDir: null, console: opts.verbose === true, component });
  }
  const startDir = process.cwd();
  // File paths in the config, resolved against the folder the command was started from (see resolveDataDir).
  const config = resolvePaths(loaded.value, startDir);
  // Every path is absolute now. Work from the install folder (Program Files when installed, writable by admins
  // only), so nothing a program looks up in the current folder first (systray2's traybin, a bare command name)
  // can be planted in the folder the agent happened to be started from.
  try {
    process.chdir(installRoot());
  } catch (e) {
    logger.warn("cannot enter the install folder", { installDir: installRoot(), error: (e as Error).message });
  }
  return { config, configFile, startDir, dataDir, logger, version: VERSION, m: playerMessages(loaded.value) };
}

/** The start-up PowerShell check's failure, in the player's words (the reason itself names a path or a version). */
export const fixesUnavailable = (m: Messages, check: Extract<PowerShellCheck, { ok: false }>): string =>
  m.cli.fixesUnavailable(process.platform === "win32" ? "Windows PowerShell" : "PowerShell (pwsh)", check.message);

/**
 * `--data-dir` or the per-user default, absolute from here on: the tray moves the process into the install folder
 * (platform-notes §1 gotcha 9), after which a relative --data-dir would point elsewhere (its log stream then fails
 * to open and takes the agent down).
 */
export function resolveDataDir(opts: GlobalOptions): string {
  if (opts.dataDir === "") throw new UsageError("--data-dir: expected a folder, found an empty text");
  return resolve(opts.dataDir ?? defaultDataDir());
}

export const gameDirOf = (config: ResolvedConfig): string | null => (config.game.installDir === "auto" ? null : config.game.installDir);

/** Windows' AppUserModelID: toasts carry the app's name (the installer's Start-menu shortcut registers it). */
export const APP_ID = "TarkovConnectionAgent";
export const APP_NAME = "Tarkov Connection Agent";

/** Opens a folder in the OS file manager; a failure is logged, never thrown. */
export function openFolder(path: string, logger: Logger): void {
  // Full path: a bare explorer.exe would be looked up in the current folder first.
  const explorer = win32.join(process.env.SystemRoot ?? process.env.windir ?? "C:\\Windows", "explorer.exe");
  const [cmd, args] = process.platform === "win32" ? [explorer, [path]] : process.platform === "darwin" ? ["open", [path]] : ["xdg-open", [path]];
  try {
    const child = spawn(cmd, args, { detached: true, stdio: "ignore", windowsHide: false });
    child.on("error", (e) => logger.warn("could not open folder", { path, error: e.message }));
    child.unref();
  } catch (e) {
    logger.warn("could not open folder", { path, error: (e as Error).message });
  }
}
