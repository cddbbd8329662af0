/**
 * Finds the Escape from Tarkov install and its `Logs` folder (eft-facts §4, §5.1). Order: config, the uninstall
 * keys (BSG edition in both registry views and HKCU, then Steam), the launcher's `gamesRootDir`, Steam libraries,
 * default folders. Every candidate must look like an install on disk, because registry values and the launcher's
 * setting are known to go stale after a move.
 */
import { readFile, stat } from "node:fs/promises";
import path, { type PlatformPath } from "node:path";
import { regExeRegistry, type Registry, type RegistryValue, type RegistryView } from "../ports/registry.js";
import { silentLogger, type GameLogger } from "./ports.js";

export type { RegistryValue, RegistryView } from "../ports/registry.js";

/** Reads one registry value; null when the key or value does not exist (or the registry is not there). */
export interface RegistryPort {
  queryValue(key: string, name: string, view: RegistryView): Promise<RegistryValue | null>;
}

/** The file-system questions discovery asks. */
export interface InstallFsPort {
  isDirectory(p: string): Promise<boolean>;
  isFile(p: string): Promise<boolean>;
  /** The file's text, or null when missing/unreadable/larger than maxBytes. */
  readText(p: string, maxBytes: number): Promise<string | null>;
}

export interface InstallDeps {
  registry: RegistryPort;
  fs: InstallFsPort;
  /** Environment variables (APPDATA, ProgramFiles(x86), …). */
  env: Readonly<Record<string, string | undefined>>;
  /** Path flavour: win32 on Windows; tests on Linux pass `path.win32` with Windows-style fixtures. */
  path: PlatformPath;
  log?: GameLogger;
}

export type InstallSource = "config" | "registry" | "steam-registry" | "launcher-settings" | "steam-library" | "default";

export interface GameLocation {
  /** The game folder, null when nothing was found. */
  installDir: string | null;
  installSource: InstallSource | null;
  /** Folder holding the `log_*` session folders; may not exist yet (the game creates it on first start). */
  logsDir: string | null;
  logsSource: "config" | "install" | null;
  /** What was looked at, in order, for `diagnose --verbose` and support: "registry HKLM\…: C:\… (no game there)". */
  checked: string[];
}

const UNINSTALL = "SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall";
const UNINSTALL_WOW = "SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall";
export const STEAM_APP_ID = "3932890";

/** Uninstall keys to read `InstallLocation` from, in order (eft-facts §4). */
export const UNINSTALL_KEYS: ReadonlyArray<{ key: string; view: RegistryView; source: InstallSource }> = [
  { key: `HKLM\\${UNINSTALL_WOW}\\EscapeFromTarkov`, view: null, source: "registry" },
  { key: `HKLM\\${UNINSTALL}\\EscapeFromTarkov`, view: "64", source: "registry" },
  { key: `HKLM\\${UNINSTALL}\\EscapeFromTarkov`, view: "32", source: "registry" },
  { key: `HKCU\\${UNINSTALL}\\EscapeFromTarkov`, view: null, source: "registry" },
  { key: `HKLM\\${UNINSTALL_WOW}\\Steam App ${STEAM_APP_ID}`, view: null, source: "steam-registry" },
  { key: `HKLM\\${UNINSTALL}\\Steam App ${STEAM_APP_ID}`, view: "64", source: "steam-registry" },
  { key: `HKCU\\${UNINSTALL}\\Steam App ${STEAM_APP_ID}`, view: null, source: "steam-registry" },
];

// ---------------------------------------------------------------------------------------------------------------
// Pure parsers

/** Expands `%VAR%` in a REG_EXPAND_SZ value; unknown variables stay as written. */
export function expandEnv(s: string, env: Readonly<Record<string, string | undefined>>): string {
  const lower = new Map(Object.entries(env).map(([k, v]) => [k.toLowerCase(), v]));
  return s.replace(/%([^%]+)%/g, (all, k: string) => lower.get(k.toLowerCase()) ?? all);
}

/**
 * The launcher's `gamesRootDir`, and nothing else. The settings file also holds authentication tokens
 * (eft-facts §8): the parsed object is dropped here and no part of the text is ever logged.
 */
export function pickGamesRootDir(settingsText: string): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(settingsText.replace(/^\uFEFF/, ""));
  } catch {
    return null;
  }
  if (parsed === null || typeof parsed !== "object") return null;
  const v = (parsed as Record<string, unknown>).gamesRootDir;
  return typeof v === "string" && v.trim() !== "" ? v.trim() : null;
}

/** Library folders from Steam's `steamapps\libraryfolders.vdf` (`"path"  "D:\\SteamLibrary"`). */
export function parseSteamLibraries(vdf: string): string[] {
  const out: string[] = [];
  for (const m of vdf.matchAll(/"path"\s+"((?:[^"\\]|\\.)*)"/gi)) out.push(m[1]!.replace(/\\(.)/g, "$1"));
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Discovery

/** Folder names of the game inside a games root / Steam library. */
const GAME_FOLDERS = ["Escape from Tarkov", "EFT"];

/** Does `dir` look like the game's folder (the game's exe, or its Logs folder, directly or under build/)? */
export async function looksLikeInstall(dir: string, deps: Pick<InstallDeps, "fs" | "path">): Promise<boolean> {
  const j = deps.path.join;
  const checks = [
    deps.fs.isFile(j(dir, "EscapeFromTarkov.exe")),
    deps.fs.isFile(j(dir, "build", "EscapeFromTarkov.exe")),
    deps.fs.isDirectory(j(dir, "Logs")),
    deps.fs.isDirectory(j(dir, "build", "Logs")),
  ];
  return (await Promise.all(checks)).some(Boolean);
}

/** `<install>\Logs`, else `<install>\build\Logs` (Steam), else `<install>\Logs` to wait for (eft-facts §4). */
export async function logsDirFor(installDir: string, deps: Pick<InstallDeps, "fs" | "path">): Promise<string> {
  const plain = deps.path.join(installDir, "Logs");
  if (await deps.fs.isDirectory(plain)) return plain;
  const steam = deps.path.join(installDir, "build", "Logs");
  if (await deps.fs.isDirectory(steam)) return steam;
  return plain;
}

interface Candidate {
  dir: string;
  source: InstallSource;
  via: string;
}

async function* candidates(deps: InstallDeps): AsyncGenerator<Candidate> {
  const j = deps.path.join;
  for (const k of UNINSTALL_KEYS) {
    const v = await deps.registry.queryValue(k.key, "InstallLocation", k.view);
    if (v && v.data) yield { dir: expandEnv(v.data, deps.env).replace(/^"|"$/g, ""), source: k.source, via: `registry ${k.key}${k.view ? ` /reg:${k.view}` : ""}` };
  }
  const appData = deps.env.APPDATA;
  if (appData) {
    const settingsPath = j(appData, "Battlestate Games", "BsgLauncher", "settings");
    const text = await deps.fs.readText(settingsPath, 1024 * 1024);
    const root = text === null ? null : pickGamesRootDir(text);
    if (root) {
      yield { dir: root, source: "launcher-settings", via: "launcher settings gamesRootDir" };
      for (const f of GAME_FOLDERS) yield { dir: j(root, f), source: "launcher-settings", via: "launcher settings gamesRootDir" };
    }
  }
  const steamPath = await deps.registry.queryValue("HKCU\\Software\\Valve\\Steam", "SteamPath", null);
  const steamRoots = [steamPath?.data, deps.env["ProgramFiles(x86)"] ? j(deps.env["ProgramFiles(x86)"], "Steam") : undefined].filter(
    (s): s is string => !!s,
  );
  const libraries = new Set<string>();
  for (const root of steamRoots) {
    libraries.add(deps.path.normalize(root));
    const vdf = await deps.fs.readText(j(root, "steamapps", "libraryfolders.vdf"), 1024 * 1024);
    if (vdf) for (const lib of parseSteamLibraries(vdf)) libraries.add(deps.path.normalize(lib));
  }
  for (const lib of libraries) yield { dir: j(lib, "steamapps", "common", "Escape from Tarkov"), source: "steam-library", via: "Steam library" };
  const drive = deps.env.SystemDrive ?? "C:";
  for (const f of GAME_FOLDERS) yield { dir: j(`${drive}\\`, "Battlestate Games", f), source: "default", via: "default folder" };
}

/** Finds the game folder and its logs folder; never throws (a failing source is noted and skipped). */
export async function findGame(cfg: { installDir: string; logsDir: string | null }, deps: InstallDeps): Promise<GameLocation> {
  const log = deps.log ?? silentLogger;
  const checked: string[] = [];
  let installDir: string | null = null;
  let installSource: InstallSource | null = null;

  if (cfg.installDir !== "auto") {
    installDir = cfg.installDir;
    installSource = "config";
    checked.push(`config game.installDir: ${cfg.installDir}`);
  } else if (cfg.logsDir === null) {
    // Only hunt for the install when the logs folder is not given outright.
    try {
      const seen = new Set<string>();
      for await (const c of candidates(deps)) {
        const key = deps.path.normalize(c.dir).toLowerCase();
        if (seen.has(key)) continue;
        seen.add(key);
        const ok = await looksLikeInstall(c.dir, deps);
        checked.push(`${c.via}: ${c.dir}${ok ? "" : " (no game there)"}`);
        if (ok) {
          installDir = c.dir;
          installSource = c.source;
          break;
        }
      }
    } catch (err) {
      // Ports are meant not to throw; if one does, discovery degrades to "not found" instead of crashing the agent.
      log.warn("game install discovery failed", { error: err instanceof Error ? err.message : String(err) });
      checked.push("discovery stopped by an unexpected error");
    }
  }

  let logsDir: string | null = null;
  let logsSource: GameLocation["logsSource"] = null;
  if (cfg.logsDir !== null) {
    logsDir = cfg.logsDir;
    logsSource = "config";
    checked.push(`config game.logsDir: ${cfg.logsDir}`);
  } else if (installDir !== null) {
    logsDir = await logsDirFor(installDir, deps);
    logsSource = "install";
  }
  log.info("game location", { installDir, installSource, logsDir, logsSource });
  return { installDir, installSource, logsDir, logsSource, checked };
}

// ---------------------------------------------------------------------------------------------------------------
// Real adapters

/**
 * The registry through `reg export` (src/ports/registry.ts): a UTF-16 file keeps a Russian install folder intact,
 * where `reg query` printed it through the console code page as `C:\????\…` and discovery then missed the game.
 * Off Windows there is no registry, so every query answers null.
 */
export function windowsRegistry(opts: { platform?: NodeJS.Platform; timeoutMs?: number; log?: GameLogger; registry?: Registry } = {}): RegistryPort {
  const platform = opts.platform ?? process.platform;
  const log = opts.log ?? silentLogger;
  const registry = opts.registry ?? regExeRegistry({ timeoutMs: opts.timeoutMs ?? 5_000, onError: (what, error) => log.debug("registry read failed", { what, error }) });
  return {
    async queryValue(key, name, view) {
      if (platform !== "win32" && opts.registry === undefined) return null;
      const values = await registry.readKey(key, view);
      const v = values?.get(name.toLowerCase());
      return v === undefined ? null : { type: v.type, data: v.data };
    },
  };
}

/** Real file-system answers; every error reads as "no". */
export const nodeInstallFs: InstallFsPort = {
  async isDirectory(p) {
    try {
      return (await stat(p)).isDirectory();
    } catch {
      return false;
    }
  },
  async isFile(p) {
    try {
      return (await stat(p)).isFile();
    } catch {
      return false;
    }
  },
  async readText(p, maxBytes) {
    try {
      const s = await stat(p);
      if (!s.isFile() || s.size > maxBytes) return null;
      return await readFile(p, "utf8");
    } catch {
      return null;
    }
  },
};

/** The real dependencies for this machine. */
export function defaultInstallDeps(log?: GameLogger): InstallDeps {
  const deps: InstallDeps = { registry: windowsRegistry(log ? { log } : {}), fs: nodeInstallFs, env: process.env, path };
  if (log) deps.log = log;
  return deps;
}
