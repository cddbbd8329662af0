import { existsSync, writeFileSync } from "node:fs";
import path, { dirname } from "node:path";
import { describe, expect, it } from "vitest";
import {
  expandEnv,
  findGame,
  parseSteamLibraries,
  pickGamesRootDir,
  windowsRegistry,
  type InstallDeps,
  type RegistryView,
} from "../../src/game/install.js";
import { decodeRegFile, longKeyName, parseRegExport, regExeRegistry, type RegRunner } from "../../src/ports/registry.js";
import type { GameLogger } from "../../src/game/ports.js";

/**
 * A .reg file for the BSG edition's uninstall key as players write it by hand, quoted from a public SPT-AKI install
 * guide (clevebitr/Clevebitr-Hessxo, source/_posts, "塔克夫SPT-AKI离线版本安装指南", 2024-08-25). Note its doubled
 * backslashes in InstallLocation: the registry then really holds `C:\\Install_EFT`.
 */
const GUIDE_REG = [
  "Windows Registry Editor Version 5.00",
  "[HKEY_LOCAL_MACHINE\\SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\EscapeFromTarkov]",
  '"UninstallString"="C:\\\\Install_EFT\\\\Uninstall.exe"',
  '"InstallLocation"="C:\\\\\\\\Install_EFT"',
].join("\r\n");

/** UTF-16LE with a BOM, as reg.exe writes it. */
const utf16 = (s: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, "utf16le")]);
/** REG_EXPAND_SZ / REG_MULTI_SZ bytes as `reg export` lists them: UTF-16LE, comma-separated hex, NUL-terminated. */
const hexList = (s: string) => [...Buffer.from(s + "\u0000", "utf16le")].map((b) => b.toString(16).padStart(2, "0")).join(",");

describe("reg export parsing (Unicode kept)", () => {
  it("reads the guide's .reg: key, values and escapes", () => {
    const [key, ...rest] = parseRegExport(decodeRegFile(utf16(GUIDE_REG)));
    expect(rest).toEqual([]);
    expect(key!.key).toBe("HKEY_LOCAL_MACHINE\\SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\EscapeFromTarkov");
    expect(key!.values.get("installlocation")).toMatchObject({ type: "REG_SZ", data: "C:\\\\Install_EFT" });
    expect(key!.values.get("uninstallstring")?.data).toBe("C:\\Install_EFT\\Uninstall.exe");
  });

  it("a Russian folder survives (reg query printed it as C:\\????)", () => {
    const text = `Windows Registry Editor Version 5.00\r\n\r\n[HKEY_CURRENT_USER\\Software\\Valve\\Steam]\r\n"SteamPath"="d:/игры/steam"\r\n"InstallLocation"="C:\\\\Игры\\\\Escape from Tarkov"\r\n`;
    const values = parseRegExport(decodeRegFile(utf16(text)))[0]!.values;
    expect(values.get("installlocation")?.data).toBe("C:\\Игры\\Escape from Tarkov");
    expect(values.get("steampath")?.data).toBe("d:/игры/steam");
  });

  it("hex(2) / hex(7) / dword / default value / wrapped lines / subkeys", () => {
    const expand = hexList("%ProgramFiles%\\Игры\\EFT");
    const wrapped = expand.replace(/((?:[0-9a-f]{2},){20})/g, "$1\\\r\n  ");
    const text = [
      "Windows Registry Editor Version 5.00",
      "",
      "[HKEY_LOCAL_MACHINE\\SOFTWARE\\X]",
      "@=\"default\"",
      `"Icon"=hex(2):${wrapped}`,
      `"Multi"=hex(7):${hexList("a\u0000b")},00,00`,
      '"Size"=dword:00019487',
      '"Quote"="say \\"hi\\""',
      "",
      "[HKEY_LOCAL_MACHINE\\SOFTWARE\\X\\Sub]",
      '"InstallLocation"="C:\\\\Elsewhere"',
    ].join("\r\n");
    const [x, sub] = parseRegExport(text);
    expect(x!.values.get("")).toMatchObject({ type: "REG_SZ", data: "default" });
    expect(x!.values.get("icon")).toMatchObject({ type: "REG_EXPAND_SZ", data: "%ProgramFiles%\\Игры\\EFT" });
    expect(x!.values.get("multi")).toMatchObject({ type: "REG_MULTI_SZ", data: "a\nb" });
    expect(x!.values.get("size")).toMatchObject({ type: "REG_DWORD", data: "0x19487" });
    expect(x!.values.get("quote")?.data).toBe('say "hi"');
    expect(x!.values.has("installlocation")).toBe(false);
    expect(sub!.values.get("installlocation")?.data).toBe("C:\\Elsewhere");
  });

  it("junk, truncated and REGEDIT4 (UTF-8) text", () => {
    expect(parseRegExport("")).toEqual([]);
    expect(parseRegExport("ERROR: Invalid syntax.\r\n")).toEqual([]);
    expect(parseRegExport('[HKEY_X]\r\n"A"="unterminated\r\n"B"=hex(2):zz,00')[0]!.values.size).toBe(0);
    expect(parseRegExport(decodeRegFile(Buffer.from('REGEDIT4\r\n\r\n[HKEY_X]\r\n"A"="b"\r\n')))[0]!.values.get("a")?.data).toBe("b");
  });

  it("long key names for reg's short roots", () => {
    expect(longKeyName("HKLM\\SOFTWARE\\X")).toBe("HKEY_LOCAL_MACHINE\\SOFTWARE\\X");
    expect(longKeyName("hkcu\\Software")).toBe("HKEY_CURRENT_USER\\Software");
  });
});

describe("expandEnv", () => {
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

describe("regExeRegistry: reg export into a private temp file, read as UTF-16", () => {
  /** Plays reg.exe: writes `text` (UTF-16) to the export file it was given, or answers `code`. */
  const fakeReg = (text: string | null, code = 0) => {
    const calls: string[][] = [];
    const run: RegRunner = async (args) => {
      calls.push(args);
      if (text !== null && args[0] === "export") writeFileSync(args[2]!, utf16(text));
      return { code: text === null ? code : 0, error: text === null && code !== 1 ? "boom" : null };
    };
    return { run, calls };
  };

  it("asks for the key and view, picks the value, keeps Unicode, and removes its temp file", async () => {
    const { run, calls } = fakeReg(`Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\EFT]\r\n"InstallLocation"="D:\\\\Игры\\\\EFT"\r\n`);
    const reg = windowsRegistry({ platform: "linux", registry: regExeRegistry({ run }) });
    expect(await reg.queryValue("HKLM\\SOFTWARE\\EFT", "installlocation", "64")).toEqual({ type: "REG_SZ", data: "D:\\Игры\\EFT" });
    expect(calls[0]!.slice(0, 2)).toEqual(["export", "HKLM\\SOFTWARE\\EFT"]);
    expect(calls[0]!.slice(3)).toEqual(["/y", "/reg:64"]);
    expect(existsSync(dirname(calls[0]![2]!))).toBe(false);
  });

  it("exit 1 (no such key) is null and not an error; other failures are reported", async () => {
    const errors: string[] = [];
    expect(await regExeRegistry({ run: fakeReg(null, 1).run, onError: (w) => errors.push(w) }).readKey("HKLM\\X", null)).toBeNull();
    expect(errors).toEqual([]);
    expect(await regExeRegistry({ run: fakeReg(null, 5).run, onError: (w) => errors.push(w) }).readKey("HKLM\\X", null)).toBeNull();
    expect(errors).toEqual(["reg export HKLM\\X"]);
  });
});
