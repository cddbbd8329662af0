/**
 * The desktop glue of `run` (src/cli/desktop.ts) and Start with Windows (src/ports/autostart.ts): first start turns
 * autostart on once and never overrides the player afterwards; the tray's checkbox toggles it; a toast that was not
 * delivered shows in the tray menu; a tray that cannot come back is announced. The tray is the fake binary of
 * test/tray (systray2's protocol, no X), notify-send a failing stand-in on PATH. The real reg.exe is exercised
 * under wine (test/installer/wine-windows.test.ts).
 */
import { appendFileSync, chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createDesktop, type Desktop, type DesktopLogger } from "../../src/cli/desktop.js";
import { applyFirstStartDefault, AUTOSTART_VALUE, createAutostart, LAUNCHER_EXE, pointsAt, RUN_KEY, runCommandFor, type Autostart } from "../../src/ports/autostart.js";
import type { Registry, RegistryKeyValues } from "../../src/ports/registry.js";
import { INITIAL_VIEW } from "../../src/tray/menu.js";
import type { TrayActions } from "../../src/tray/tray.js";

const root = mkdtempSync(join(tmpdir(), "tca-desktop-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

/** The registry as reg.exe shows it, in memory: only what autostart touches. */
function memoryRegistry(): Registry & { keys: Map<string, RegistryKeyValues>; fail: boolean } {
  const keys = new Map<string, RegistryKeyValues>();
  const reg = {
    keys,
    fail: false,
    readKey: async (key: string) => keys.get(key) ?? null,
    setString: async (key: string, name: string, data: string) => {
      if (reg.fail) return { code: 1, error: "ERROR: Access is denied." };
      const values = keys.get(key) ?? new Map();
      values.set(name.toLowerCase(), { name, type: "REG_SZ", data });
      keys.set(key, values);
      return { code: 0, error: null };
    },
    deleteValue: async (key: string, name: string) => {
      const had = keys.get(key)?.delete(name.toLowerCase()) ?? false;
      return had ? { code: 0, error: null } : { code: 1, error: "ERROR: The system was unable to find the specified registry key or value." };
    },
  };
  return reg;
}

describe("Start with Windows (HKCU Run → the GUI launcher)", () => {
  const install = "C:\\Program Files\\Tarkov Connection Agent";
  const windows = (reg: Registry, launcherExists = true) => createAutostart({ installDir: install, registry: reg, platform: "win32", launcherExists: () => launcherExists });

  it("is only offered on Windows, for an installed copy (the launcher is there)", () => {
    expect(createAutostart({ installDir: "/opt/x", registry: memoryRegistry(), platform: "linux" })).toMatchObject({ supported: false, unsupportedReason: "Start with Windows is a Windows feature" });
    expect(windows(memoryRegistry(), false)).toMatchObject({ supported: false, unsupportedReason: `not an installed copy (no ${LAUNCHER_EXE} next to the agent)` });
    expect(windows(memoryRegistry()).supported).toBe(true);
  });

  it("writes the quoted launcher path under HKCU Run, reads it back, and removes it", async () => {
    const reg = memoryRegistry();
    const a = windows(reg);
    expect(await a.isEnabled()).toBe(false);
    expect(await a.setEnabled(true)).toEqual({ ok: true });
    expect(reg.keys.get(RUN_KEY)?.get(AUTOSTART_VALUE.toLowerCase())?.data).toBe(`"${install}\\${LAUNCHER_EXE}"`);
    expect(await a.isEnabled()).toBe(true);
    expect(await a.setEnabled(false)).toEqual({ ok: true });
    expect(await a.isEnabled()).toBe(false);
    expect(await a.setEnabled(false)).toEqual({ ok: true }); // already off: still the wanted state
    reg.fail = true;
    expect(await a.setEnabled(true)).toEqual({ ok: false, message: "could not add the Start with Windows entry: ERROR: Access is denied." });
  });

  it("an entry pointing at another copy (an old install folder) does not count as on", async () => {
    const reg = memoryRegistry();
    await reg.setString(RUN_KEY, AUTOSTART_VALUE, '"D:\\Old\\tarkov-agent.exe"');
    expect(await windows(reg).isEnabled()).toBe(false);
    expect(pointsAt(`"C:\\PROGRAM FILES\\Tarkov Connection Agent\\TARKOV-AGENT.EXE" --x`, `${install}\\${LAUNCHER_EXE}`)).toBe(true);
    expect(pointsAt(`C:\\Tools\\tarkov-agent.exe`, `C:\\Tools\\tarkov-agent.exe`)).toBe(true);
    expect(runCommandFor("C:\\Игры\\TCA")).toBe('"C:\\Игры\\TCA\\tarkov-agent.exe"');
  });

  it("first start turns it on once; the player's later choice is never overridden", async () => {
    const reg = memoryRegistry();
    const a = windows(reg);
    const data = mkdtempSync(join(root, "first-"));
    expect(await applyFirstStartDefault(a, data)).toBe("enabled");
    expect(await a.isEnabled()).toBe(true);
    await a.setEnabled(false); // the player turns it off in the tray
    expect(await applyFirstStartDefault(a, data)).toBe("already-decided");
    expect(await a.isEnabled()).toBe(false);
    // A damaged marker is not a first start either.
    writeFileSync(join(data, "autostart.json"), "{oops");
    expect(await applyFirstStartDefault(a, data)).toBe("already-decided");
    expect(await a.isEnabled()).toBe(false);
  });

  it("a first start whose write fails tries again next time; off Windows nothing happens", async () => {
    const reg = memoryRegistry();
    reg.fail = true;
    const data = mkdtempSync(join(root, "fail-"));
    expect(await applyFirstStartDefault(windows(reg), data)).toEqual({ failed: "could not add the Start with Windows entry: ERROR: Access is denied." });
    expect(existsSync(join(data, "autostart.json"))).toBe(false);
    reg.fail = false;
    expect(await applyFirstStartDefault(windows(reg), data)).toBe("enabled");
    expect(await applyFirstStartDefault(createAutostart({ installDir: "/x", registry: reg, platform: "linux" }), data)).toBe("unsupported");
  });
});

describe("createDesktop with the fake tray", () => {
  let installDir: string;
  let trayLog: string;
  let trayCmd: string;
  const saved = { ...process.env };
  const desktops: Desktop[] = [];

  beforeEach(() => {
    installDir = join(root, `install-${++n}`);
    mkdirSync(join(installDir, "traybin"), { recursive: true });
    const bin = join(installDir, "traybin", "tray_linux_release");
    writeFileSync(bin, `#!${process.execPath}\n` + readFileSync(join(import.meta.dirname, "..", "tray", "fixtures", "fake-tray.cjs"), "utf8"));
    chmodSync(bin, 0o755);
    trayLog = join(installDir, "tray.log");
    trayCmd = join(installDir, "tray.cmd");
    writeFileSync(trayLog, "");
    writeFileSync(trayCmd, "");
    // notify-send that fails, as on a desktop with notifications broken or off.
    const fakeBin = join(installDir, "bin");
    mkdirSync(fakeBin);
    writeFileSync(join(fakeBin, "notify-send"), "#!/bin/sh\necho 'GDBus.Error: no notification daemon' >&2\nexit 1\n");
    chmodSync(join(fakeBin, "notify-send"), 0o755);
    Object.assign(process.env, { FAKE_TRAY_MODE: "normal", FAKE_TRAY_LOG: trayLog, FAKE_TRAY_CMD: trayCmd, PATH: `${fakeBin}:${saved.PATH ?? ""}`, DISPLAY: saved.DISPLAY ?? ":99" });
  });
  afterEach(async () => {
    await Promise.all(desktops.splice(0).map((d) => d.close()));
    process.env = { ...saved };
  });

  const logger = (): DesktopLogger & { lines: string[] } => {
    const lines: string[] = [];
    const l = { lines, debug: () => undefined, info: (m: string) => void lines.push(m), warn: (m: string) => void lines.push(m), error: (m: string) => void lines.push(m), child: () => l };
    return l;
  };
  const sent = () =>
    readFileSync(trayLog, "utf8")
      .split("\n")
      .filter((l) => l.startsWith("node->tray "))
      .map((l) => JSON.parse(l.slice(11)) as { items?: { __id: number; title: string; hidden: boolean }[]; item?: { __id: number; title: string; hidden: boolean; checked: boolean } });
  const actions = () => Object.fromEntries(["diagnoseNow", "toggleAutoFix", "openLogs", "collectBundle", "pause", "resume", "quit", "applyFix"].map((k) => [k, vi.fn()])) as unknown as TrayActions;
  const fakeAutostart = (): Autostart & { on: boolean } => {
    const a = { supported: true, unsupportedReason: null, on: false, isEnabled: async () => a.on, setEnabled: async (on: boolean) => ((a.on = on), { ok: true as const }) };
    return a;
  };

  it("first start turns Start with Windows on and the menu shows it checked; a click turns it off", async () => {
    const autostart = fakeAutostart();
    const dataDir = mkdtempSync(join(root, "data-"));
    const d = createDesktop({ installDir, dataDir, appId: "a", appName: "A", notifications: false, headless: false, logger: logger(), say: () => undefined, autostart });
    desktops.push(d);
    expect(await d.start(actions(), INITIAL_VIEW)).toBe(true);
    expect(autostart.on).toBe(true);
    await vi.waitFor(() => expect(sent().length).toBeGreaterThan(0), { timeout: 15_000 }); // a node child starting: seconds under load
    const first = sent()[0]!.items!.find((i) => i.__id === 17)!;
    expect(first).toMatchObject({ title: "Start with Windows (√)", hidden: false });
    appendFileSync(trayCmd, "click 17\n");
    await vi.waitFor(() => expect(autostart.on).toBe(false), { timeout: 15_000 });
    await vi.waitFor(() => expect(sent().some((m) => m.item?.__id === 17 && m.item.checked === false)).toBe(true), { timeout: 15_000 });
  });

  it("Start with Windows that Windows would not let it read shows as 'could not be read', not as off", async () => {
    const autostart = { ...fakeAutostart(), isEnabled: async () => null };
    const log = logger();
    const dataDir = mkdtempSync(join(root, "data-"));
    writeFileSync(join(dataDir, "autostart.json"), '{"firstStartDone":true}');
    const d = createDesktop({ installDir, dataDir, appId: "a", appName: "A", notifications: false, headless: false, logger: log, say: () => undefined, autostart });
    desktops.push(d);
    expect(await d.start(actions(), INITIAL_VIEW)).toBe(true);
    await vi.waitFor(() => expect(sent().length).toBeGreaterThan(0), { timeout: 15_000 });
    expect(sent()[0]!.items!.find((i) => i.__id === 17)).toMatchObject({ title: "Start with Windows (could not be read)", hidden: false });
    expect(log.lines).toContain("Start with Windows: the Run key could not be read");
  });

  it("headless runs never write Start with Windows", async () => {
    const autostart = fakeAutostart();
    const d = createDesktop({ installDir, dataDir: mkdtempSync(join(root, "data-")), appId: "a", appName: "A", notifications: false, headless: true, logger: logger(), say: () => undefined, autostart });
    expect(await d.start(actions(), INITIAL_VIEW)).toBe(false);
    expect(autostart.on).toBe(false);
  });

  it("a toast that was not delivered shows in the tray menu until clicked", async () => {
    const d = createDesktop({ installDir, dataDir: mkdtempSync(join(root, "data-")), appId: "a", appName: "A", notifications: true, headless: false, logger: logger(), say: () => undefined, autostart: createAutostart({ installDir, registry: memoryRegistry(), platform: "linux" }) });
    desktops.push(d);
    await d.start(actions(), INITIAL_VIEW);
    d.show({ ...INITIAL_VIEW, statusLine: "Tarkov servers down" });
    const r = await d.notifier!.notify({ title: "Tarkov servers are down (BSG side)", body: "Nothing to fix on your side." });
    expect(r).toMatchObject({ delivered: false, error: expect.stringContaining("no notification daemon") });
    await vi.waitFor(() => expect(sent().some((m) => m.item?.__id === 2 && m.item.title === "⚠ Tarkov servers are down (BSG side)" && !m.item.hidden)).toBe(true), { timeout: 15_000 });
    appendFileSync(trayCmd, "click 2\n");
    await vi.waitFor(() => expect(sent().some((m) => m.item?.__id === 2 && m.item.hidden)).toBe(true), { timeout: 15_000 });
  });

  it("a tray that cannot come back is announced on the console and as a toast", async () => {
    const said: string[] = [];
    const d = createDesktop({ installDir, dataDir: mkdtempSync(join(root, "data-")), appId: "a", appName: "A", notifications: false, headless: false, logger: logger(), say: (l) => void said.push(l), autostart: createAutostart({ installDir, registry: memoryRegistry(), platform: "linux" }), trayRestartDelaysMs: [50] });
    desktops.push(d);
    await d.start(actions(), INITIAL_VIEW);
    appendFileSync(trayCmd, "die 9\n"); // replayed by the restarted fake too: it dies again
    await vi.waitFor(() => expect(said).toHaveLength(1), { timeout: 15_000 });
    expect(said[0]).toMatch(/^The tray icon stopped \(exit code 9\) and was restarted 1 time without lasting\./);
  });
});
