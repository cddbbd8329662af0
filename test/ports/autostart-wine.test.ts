/**
 * Start with Windows read through wine's real reg.exe: "the Run key is missing" (off) and "reg.exe failed" (unknown)
 * both exit 1, and only the first may read as off. reg.exe runs from Linux in a prefix of its own (no node.exe
 * needed: the modules run here, only reg.exe is Windows'); the failure is a real one reg.exe reports with exit 1:
 * its export file cannot be written (seen as "Path not found." under wine 8.0, like a locked or full temp folder).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AUTOSTART_VALUE, createAutostart, RUN_KEY } from "../../src/ports/autostart.js";
import { regExeRegistry, type RegRunner } from "../../src/ports/registry.js";
import { createPrefix, type WinePrefix } from "../installer/wine.js";

const INSTALL = "C:\\Программы\\Tarkov Connection Agent";
let wine: WinePrefix;

/** reg.exe under wine, with the agent's temp export path as wine sees it; `breakExport` sends the export nowhere. */
function wineReg(opts: { breakExport?: boolean } = {}): RegRunner {
  return async (args, timeoutMs) => {
    const winArgs = args.map((a, i) => (args[0] === "export" && i === 2 ? (opts.breakExport ? "C:\\no\\such\\folder\\export.reg" : wine.winPath(a)) : a));
    const r = await wine.run("reg", winArgs, { timeoutMs: Math.max(timeoutMs, 60_000) });
    return { code: r.code, error: r.code === 0 ? null : r.out.trim(), stdout: r.out };
  };
}

const autostart = (run: RegRunner) => createAutostart({ installDir: INSTALL, registry: regExeRegistry({ run, timeoutMs: 60_000 }), platform: "win32", launcherExists: () => true });

beforeAll(async () => {
  wine = await createPrefix("autostart");
}, 300_000);

afterAll(async () => {
  await wine?.close();
}, 120_000);

describe("Start with Windows through wine's reg.exe", () => {
  it("a missing Run key is off; a Run key reg.exe cannot export is unknown, never off", async () => {
    // A fresh profile without the Run key: export exits 1, and the parent's listing has no Run line.
    expect((await wine.run("reg", ["delete", RUN_KEY, "/f"], { timeoutMs: 60_000 })).code).toBe(0);
    const reg = regExeRegistry({ run: wineReg(), timeoutMs: 60_000 });
    expect(await reg.readKey(RUN_KEY, null)).toBeNull();
    expect(await reg.keyExists!(RUN_KEY, null)).toBe(false);
    expect(await autostart(wineReg()).isEnabled()).toBe(false);

    // Turned on: written and read back through the real export (Unicode folder kept).
    expect(await autostart(wineReg()).setEnabled(true)).toEqual({ ok: true });
    expect(await reg.keyExists!(RUN_KEY, null)).toBe(true);
    expect(await autostart(wineReg()).isEnabled()).toBe(true);

    // The same exit 1 from a failed export: the key is there, so the answer is "unknown" (the caller logs it).
    expect(await autostart(wineReg({ breakExport: true })).isEnabled()).toBeNull();

    // Off again: the value is gone but the key stays, which reads as off.
    expect(await autostart(wineReg()).setEnabled(false)).toEqual({ ok: true });
    expect(await wine.regQuery(RUN_KEY, AUTOSTART_VALUE)).toBeNull();
    expect(await autostart(wineReg()).isEnabled()).toBe(false);
  }, 240_000);

  it("a parent key reg.exe cannot list (bad syntax, exit 1) gives unknown, not off", async () => {
    const reg = regExeRegistry({ run: wineReg(), timeoutMs: 60_000 });
    // A key without a root: reg.exe refuses the query with exit 1, like any other failure.
    expect(await reg.keyExists!("NoSuchRoot\\Software\\X", null)).toBeNull();
    expect(await reg.keyExists!("NoBackslash", null)).toBeNull();
  }, 120_000);
});
