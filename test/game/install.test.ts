import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  expandEnv,
  findGame,
  parseRegQuery,
  parseSteamLibraries,
  pickGamesRootDir,
  windowsRegistry,
  type InstallDeps,
  type RegistryValue,
  type RegistryView,
} from "../../src/game/install.js";
import type { GameLogger } from "../../src/game/ports.js";

const REG_OUT = [
  "",
  "HKEY_LOCAL_MACHINE\\SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\EscapeFromTarkov",
  "    InstallLocation    REG_SZ    C:\\Battlestate Games\\Escape from Tarkov",
  "",
].join("\r\n");

describe("parseRegQuery", () => {
  it.each<[string, string, RegistryValue | null]>([
    [REG_OUT, "InstallLocation", { type: "REG_SZ", data: "C:\\Battlestate Games\\Escape from Tarkov" }],
    [REG_OUT, "installlocation", { type: "REG_SZ", data: "C:\\Battlestate Games\\Escape from Tarkov" }],
    [REG_OUT, "DisplayName", null],
    ["\r\nHKEY_CURRENT_USER\\Software\\Valve\\Steam\r\n    SteamPath    REG_SZ    d:/games/steam\r\n", "SteamPath", { type: "REG_SZ", data: "d:/games/steam" }],
    ["\r\nHKEY_X\r\n    Display Icon    REG_EXPAND_SZ    %ProgramFiles%\\x.exe\r\n", "Display Icon", { type: "REG_EXPAND_SZ", data: "%ProgramFiles%\\x.exe" }],
    ["\r\nHKEY_X\r\n    InstallLocation    REG_SZ\r\n", "InstallLocation", { type: "REG_SZ", data: "" }],
    ["ERROR: The system was unable to find the specified registry key or value.\r\n", "InstallLocation", null],
    ["", "InstallLocation", null],
  ])("%#", (out, name, want) => {
    expect(parseRegQuery(out, name)).toEqual(want);
  });

  it("expands REG_EXPAND_SZ variables case-insensitively", () => {
    expect(expandEnv("%SystemDrive%\\Games\\%NOPE%", { SYSTEMDRIVE: "D:" })).toBe("D:\\Games\\%NOPE%");
  });
});

describe("pickGamesRootDir", () => {
  const secret = "eyJhbGciOiJIUzI1NiJ9.secret-token";
  it.each([
    [JSON.stringify({ login: "me@example.com", accessToken: secret, gamesRootDir: "D:\\Games\\BSG" }), "D:\\Games\\BSG"],
    ["\uFEFF" + JSON.stringify({ gamesRootDir: "E:\\Tarkov" }), "E:\\Tarkov"],
    [JSON.stringify({ accessToken: secret }), null],
    [JSON.stringify({ gamesRootDir: 42 }), null],
    [JSON.stringify({ gamesRootDir: "  " }), null],
    ["not json " + secret, null],
    ["[]", null],
    ["null", null],
  ])("%#", (text, want) => {
    expect(pickGamesRootDir(text)).toBe(want);
  });
});

it("parseSteamLibraries reads library paths and unescapes backslashes", () => {
  const vdf = `"libraryfolders"\n{\n\t"0"\n\t{\n\t\t"path"\t\t"C:\\\\Program Files (x86)\\\\Steam"\n\t}\n\t"1"\n\t{\n\t\t"path"\t\t"D:\\\\SteamLibrary"\n\t\t"apps" { "3932890" "1" }\n\t}\n}`;
  expect(parseSteamLibraries(vdf)).toEqual(["C:\\Program Files (x86)\\Steam", "D:\\SteamLibrary"]);
});

// ---------------------------------------------------------------------------------------------------------------

interface World {
  reg?: Record<string, string>;
  dirs?: string[];
  files?: Record<string, string>;
  env?: Record<string, string>;
}

/** Fake registry/fs keyed by Windows paths (case-insensitive, as on Windows). */
function fakeDeps(w: World, logs: string[] = []): InstallDeps & { queries: string[]; reads: string[] } {
  const norm = (p: string): string => path.win32.normalize(p).toLowerCase();
  const dirs = new Set((w.dirs ?? []).map(norm));
  const files = new Map(Object.entries(w.files ?? {}).map(([k, v]) => [norm(k), v]));
  for (const f of files.keys()) dirs.add(path.win32.dirname(f));
  const queries: string[] = [];
  const reads: string[] = [];
  const log: GameLogger = {
    debug: (m, meta) => logs.push(`${m} ${JSON.stringify(meta)}`),
    info: (m, meta) => logs.push(`${m} ${JSON.stringify(meta)}`),
    warn: (m, meta) => logs.push(`${m} ${JSON.stringify(meta)}`),
  };
  return {
    queries,
    reads,
    registry: {
      async queryValue(key: string, name: string, view: RegistryView) {
        const id = `${key}|${name}|${view ?? ""}`;
        queries.push(id);
        const data = w.reg?.[id];
        return data === undefined ? null : { type: "REG_SZ", data };
      },
    },
    fs: {
      isDirectory: async (p) => dirs.has(norm(p)),
      isFile: async (p) => files.has(norm(p)),
      readText: async (p) => {
        reads.push(p);
        return files.get(norm(p)) ?? null;
      },
    },
    env: { APPDATA: "C:\\Users\\Ivan\\AppData\\Roaming", "ProgramFiles(x86)": "C:\\Program Files (x86)", ...w.env },
    path: path.win32,
    log,
  };
}

const WOW = "HKLM\\SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\EscapeFromTarkov|InstallLocation|";
const HKCU = "HKCU\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\EscapeFromTarkov|InstallLocation|";
const STEAM = "HKLM\\SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\Steam App 3932890|InstallLocation|";
const SETTINGS = "C:\\Users\\Ivan\\AppData\\Roaming\\Battlestate Games\\BsgLauncher\\settings";
const AUTO = { installDir: "auto", logsDir: null };

describe("findGame", () => {
  it("config installDir wins and asks nothing else", async () => {
    const d = fakeDeps({ dirs: ["X:\\EFT\\Logs"] });
    const loc = await findGame({ installDir: "X:\\EFT", logsDir: null }, d);
    expect(loc).toMatchObject({ installDir: "X:\\EFT", installSource: "config", logsDir: "X:\\EFT\\Logs", logsSource: "install" });
    expect(d.queries).toEqual([]);
  });

  it("config logsDir overrides and skips the hunt", async () => {
    const d = fakeDeps({});
    const loc = await findGame({ installDir: "auto", logsDir: "/tmp/logs" }, d);
    expect(loc).toMatchObject({ installDir: null, logsDir: "/tmp/logs", logsSource: "config" });
    expect(d.queries).toEqual([]);
  });

  it("BSG uninstall key (WOW6432Node) with a real game folder", async () => {
    const d = fakeDeps({ reg: { [WOW]: "D:\\BSG\\Escape from Tarkov" }, files: { "D:\\BSG\\Escape from Tarkov\\EscapeFromTarkov.exe": "" }, dirs: ["D:\\BSG\\Escape from Tarkov\\Logs"] });
    const loc = await findGame(AUTO, d);
    expect(loc).toMatchObject({ installDir: "D:\\BSG\\Escape from Tarkov", installSource: "registry", logsDir: "D:\\BSG\\Escape from Tarkov\\Logs" });
    expect(d.reads).toEqual([]); // never opened the launcher settings
  });

  it("a stale registry value falls through to HKCU", async () => {
    const d = fakeDeps({ reg: { [WOW]: "C:\\Old\\EFT", [HKCU]: "E:\\EFT" }, files: { "E:\\EFT\\EscapeFromTarkov.exe": "" } });
    const loc = await findGame(AUTO, d);
    expect(loc.installDir).toBe("E:\\EFT");
    expect(loc.checked[0]).toMatch(/C:\\Old\\EFT \(no game there\)/);
    // No Logs folder yet: the plain one to wait for.
    expect(loc.logsDir).toBe("E:\\EFT\\Logs");
  });

  it("the non-WOW view is queried with /reg:64", async () => {
    const d = fakeDeps({});
    await findGame(AUTO, d);
    expect(d.queries).toContain("HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\EscapeFromTarkov|InstallLocation|64");
  });

  it("Steam edition: uninstall key, logs under build\\Logs", async () => {
    const dir = "C:\\Program Files (x86)\\Steam\\steamapps\\common\\Escape from Tarkov";
    const d = fakeDeps({ reg: { [STEAM]: dir }, dirs: [`${dir}\\build\\Logs`] });
    const loc = await findGame(AUTO, d);
    expect(loc).toMatchObject({ installDir: dir, installSource: "steam-registry", logsDir: `${dir}\\build\\Logs` });
  });

  it("launcher settings: only gamesRootDir is used, never logged", async () => {
    const token = "super-secret-refresh-token-123";
    const logs: string[] = [];
    const d = fakeDeps(
      {
        files: {
          [SETTINGS]: JSON.stringify({ refreshToken: token, login: "ivan@example.com", gamesRootDir: "F:\\Games\\Battlestate" }),
          "F:\\Games\\Battlestate\\Escape from Tarkov\\EscapeFromTarkov.exe": "",
        },
      },
      logs,
    );
    const loc = await findGame(AUTO, d);
    expect(loc).toMatchObject({ installDir: "F:\\Games\\Battlestate\\Escape from Tarkov", installSource: "launcher-settings" });
    const everything = JSON.stringify(loc) + logs.join("\n");
    expect(everything).not.toContain(token);
    expect(everything).not.toContain("ivan@example.com");
  });

  it("Steam library from libraryfolders.vdf", async () => {
    const d = fakeDeps({
      reg: { "HKCU\\Software\\Valve\\Steam|SteamPath|": "c:/program files (x86)/steam" },
      files: {
        "c:\\program files (x86)\\steam\\steamapps\\libraryfolders.vdf": '"libraryfolders" { "1" { "path" "G:\\\\SteamLibrary" } }',
        "G:\\SteamLibrary\\steamapps\\common\\Escape from Tarkov\\build\\EscapeFromTarkov.exe": "",
      },
    });
    const loc = await findGame(AUTO, d);
    expect(loc).toMatchObject({ installDir: "G:\\SteamLibrary\\steamapps\\common\\Escape from Tarkov", installSource: "steam-library" });
  });

  it.each([["C:\\Battlestate Games\\Escape from Tarkov"], ["C:\\Battlestate Games\\EFT"]])("default folder %s", async (dir) => {
    const d = fakeDeps({ dirs: [`${dir}\\Logs`] });
    const loc = await findGame(AUTO, d);
    expect(loc).toMatchObject({ installDir: dir, installSource: "default", logsDir: `${dir}\\Logs` });
  });

  it("nothing anywhere: nulls and a list of what was checked", async () => {
    const loc = await findGame(AUTO, fakeDeps({}));
    expect(loc).toMatchObject({ installDir: null, logsDir: null, installSource: null });
    expect(loc.checked.some((c) => c.startsWith("default folder"))).toBe(true);
  });

  it("a throwing port degrades to not found", async () => {
    const d = fakeDeps({});
    d.registry = { queryValue: () => Promise.reject(new Error("boom")) };
    const loc = await findGame(AUTO, d);
    expect(loc.installDir).toBeNull();
    expect(loc.checked).toContain("discovery stopped by an unexpected error");
  });
});

it("windowsRegistry answers null off Windows without spawning anything", async () => {
  const reg = windowsRegistry({ platform: "linux" });
  expect(await reg.queryValue("HKLM\\SOFTWARE\\X", "InstallLocation", null)).toBeNull();
});
