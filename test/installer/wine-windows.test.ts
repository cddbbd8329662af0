/**
 * The Windows behaviours a run under wine showed, checked under wine with the shipped runtime (node.exe, pinned in
 * package.json) running the built modules (dist/): each of these was a defect there.
 * - a Russian install folder read from the registry (reg query printed C:\????; reg export keeps it);
 * - route.exe missing (wine has none) is "router unknown", and a route.exe / ping.exe planted in the working
 *   folder is never run (System32 by full path);
 * - PowerShell a stub (wine ships one that prints nothing): the check says so plainly;
 * - SnoreToast crashing under wine is not counted as delivered;
 * - Start with Windows through the real reg.exe, Unicode install folder included.
 * One prefix for the file; output through files (node.exe cannot write to a pipe under wine).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureRuntime } from "../../tools/runtime.mjs";
import { createPrefix, type WinePrefix } from "./wine.js";

const ROOT = join(import.meta.dirname, "..", "..");
const DIST = join(ROOT, "dist");
const work = mkdtempSync(join(tmpdir(), "tca-winebeh-"));
let wine: WinePrefix;
let nodeExe: string;
let results: Record<string, unknown>;

const GAME_WIN = "C:\\Игры\\Escape from Tarkov";
const INSTALL_WIN = "C:\\Программы\\Tarkov Connection Agent";
const UNINSTALL = "HKLM\\SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\EscapeFromTarkov";

/** A tiny Windows program (NSIS, no compiler needed) that leaves a marker when it runs: the planted route.exe. */
function plantedExe(marker: string): string {
  const dir = mkdtempSync(join(work, "plant-"));
  writeFileSync(join(dir, "planted.nsi"), `Unicode true\nTarget amd64-unicode\nOutFile "planted.exe"\nRequestExecutionLevel user\nSilentInstall silent\nSection\nSectionEnd\nFunction .onInit\n  FileOpen $0 "${marker}" w\n  FileWrite $0 "ran"\n  FileClose $0\n  Quit\nFunctionEnd\n`);
  execFileSync("makensis", ["-V1", join(dir, "planted.nsi")], { cwd: dir });
  return join(dir, "planted.exe");
}

/** Runs under node.exe: imports the built modules by file URL and reports what each behaviour gave. */
const PROBE = `
import { writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
const dist = process.env.TCA_DIST;
const load = (p) => import(pathToFileURL(dist + "\\\\" + p).href);
const out = {};
const step = async (name, fn) => { try { out[name] = await fn(); } catch (e) { out[name] = { threw: String(e && e.stack || e) }; } };
const { regExeRegistry } = await load("ports\\\\registry.js");
const { findGame, defaultInstallDeps } = await load("game\\\\install.js");
const { findDefaultGateway, probeGateway, pingOnce, defaultGatewayDeps } = await load("probes\\\\gateway.js");
const { checkPowerShell } = await load("ports\\\\powershell-check.js");
const { createNotifier } = await load("ports\\\\notify.js");
const { createAutostart } = await load("ports\\\\autostart.js");
await step("regExport", async () => { const v = await regExeRegistry({ timeoutMs: 60000 }).readKey(process.env.TCA_UNINSTALL, null); return v && v.get("installlocation"); });
await step("findGame", async () => findGame({ installDir: "auto", logsDir: null }, defaultInstallDeps()));
process.chdir(process.env.TCA_PLANT_DIR);
const signal = new AbortController().signal;
await step("route", () => findDefaultGateway(defaultGatewayDeps, signal, 5000));
await step("gateway", () => probeGateway("auto", { timeoutMs: 1000, signal }, { ...defaultGatewayDeps, icmp: false }));
await step("ping", () => pingOnce("127.0.0.1", defaultGatewayDeps, signal));
await step("powershell", () => checkPowerShell());
await step("toast", () => createNotifier({ appId: "TarkovConnectionAgent", appName: "Tarkov Connection Agent", timeoutMs: 60000 }).notify({ title: "Tarkov servers are down", body: "test" }));
await step("autostart", async () => {
  // reg.exe under wine on a loaded CI machine can take longer than the agent's 5 s (a start of wine's reg.exe, not
  // Windows'): a timed-out read is "unknown", which is not what this step is about.
  const reg = regExeRegistry({ timeoutMs: 60000 });
  const a = createAutostart({ installDir: process.env.TCA_INSTALL, registry: reg });
  const r = { supported: a.supported, before: await a.isEnabled(), on: await a.setEnabled(true) };
  r.afterOn = await a.isEnabled();
  r.value = (await reg.readKey("HKCU\\\\Software\\\\Microsoft\\\\Windows\\\\CurrentVersion\\\\Run", null)).get("tarkovconnectionagent");
  r.off = await a.setEnabled(false);
  r.afterOff = await a.isEnabled();
  return r;
});
writeFileSync(process.env.TCA_OUT, JSON.stringify(out, null, 2));
`;

beforeAll(async () => {
  nodeExe = ensureRuntime("win");
  if (!existsSync(join(DIST, "cli", "main.js"))) execFileSync("npm", ["run", "build", "--silent"], { cwd: ROOT, stdio: "inherit" });
  wine = await createPrefix("behaviour");
  // A game in a Russian folder, registered like the BSG launcher does (WOW6432Node uninstall key).
  mkdirSync(wine.unixPath(GAME_WIN), { recursive: true });
  writeFileSync(join(wine.unixPath(GAME_WIN), "EscapeFromTarkov.exe"), "");
  expect((await wine.run("reg", ["add", UNINSTALL, "/v", "InstallLocation", "/t", "REG_SZ", "/d", GAME_WIN, "/f"])).code).toBe(0);
  // An installed copy in a Russian folder (the launcher is what Start with Windows points at).
  mkdirSync(wine.unixPath(INSTALL_WIN), { recursive: true });
  writeFileSync(join(wine.unixPath(INSTALL_WIN), "tarkov-agent.exe"), "");
  // route.exe / ping.exe planted in the folder the agent works from.
  const plantDir = mkdtempSync(join(work, "cwd-"));
  const marker = wine.winPath(join(plantDir, "PLANTED-RAN.txt"));
  const planted = readFileSync(plantedExe(marker));
  for (const name of ["route.exe", "ROUTE.EXE", "ping.exe", "PING.EXE"]) writeFileSync(join(plantDir, name), planted);
  const probe = join(work, "probe.mjs");
  writeFileSync(probe, PROBE);
  const outFile = join(work, "results.json");
  const r = await wine.run(nodeExe, [wine.winPath(probe)], {
    timeoutMs: 300_000,
    env: { TCA_DIST: wine.winPath(DIST), TCA_OUT: wine.winPath(outFile), TCA_UNINSTALL: UNINSTALL, TCA_PLANT_DIR: wine.winPath(plantDir), TCA_INSTALL: INSTALL_WIN },
  });
  if (!existsSync(outFile)) throw new Error(`probe under wine wrote no results (exit ${r.code}): ${r.out.slice(-2000)}`);
  results = JSON.parse(readFileSync(outFile, "utf8")) as Record<string, unknown>;
  results.plantedRan = existsSync(join(plantDir, "PLANTED-RAN.txt"));
}, 600_000);

afterAll(async () => {
  await wine?.close();
  rmSync(work, { recursive: true, force: true });
}, 120_000);

describe("under wine with node.exe (the shipped runtime)", () => {
  it("reads a Russian install folder from the registry intact (reg export, UTF-16)", async () => {
    expect(results.regExport).toEqual({ name: "InstallLocation", type: "REG_SZ", data: GAME_WIN });
    // What the old way showed: reg query through a pipe loses the letters.
    expect(await wine.regQuery(UNINSTALL, "InstallLocation")).toMatch(/C:\\\?+\\Escape from Tarkov/);
  });

  it("finds the game there end to end (discovery through the real registry)", () => {
    expect(results.findGame).toMatchObject({ installDir: GAME_WIN, installSource: "registry", logsDir: `${GAME_WIN}\\Logs` });
  });

  it("no ROUTE.EXE in System32: router unknown, never 'no default route'; the planted one never ran", () => {
    expect(results.route).toMatchObject({ host: null, known: false, message: expect.stringMatching(/^route table unreadable \(route print: .*ENOENT/) });
    expect(results.gateway).toMatchObject({ state: "unknown", host: null });
    expect(results.plantedRan).toBe(false);
  });

  it("ping comes from System32 (wine's own), not from the working folder", () => {
    expect(results.ping).toBe(true);
  });

  it("wine's powershell.exe is a stub: the check sees through it and says so plainly", () => {
    expect(results.powershell).toEqual({ ok: false, code: "PS_STUB", message: "C:\\windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe is not a working PowerShell (it answered something else)" });
  });

  it("SnoreToast crashes under wine, and that is not counted as delivered", () => {
    // node-notifier's WindowsToaster logged this as delivered; exit 3221225477 follows "Failed to register com Factory".
    expect(results.toast).toEqual({ delivered: false, error: "SnoreToast crashed (exit 3221225477 = 0xC0000005, access violation)" });
  });

  it("Start with Windows through the real reg.exe, with a Russian install folder", async () => {
    expect(results.autostart).toEqual({
      supported: true,
      before: false,
      on: { ok: true },
      afterOn: true,
      value: { name: "TarkovConnectionAgent", type: "REG_SZ", data: `"${INSTALL_WIN}\\tarkov-agent.exe"` },
      off: { ok: true },
      afterOff: false,
    });
    expect(await wine.regQuery("HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run", "TarkovConnectionAgent")).toBeNull();
  });
});
