/**
 * Undo from the dashboard's history, end to end with real PowerShell: the real fix scripts under pwsh 7.6.9 with
 * the stand-in module for the Windows-only cmdlets (test/ps/harness.ts), elevated runs through a second warm
 * "administrator" session, the real journal and fix engine, the real Agent behind the dashboard server, and the page
 * in headless Chromium. Two changes are applied first (the Windows Firewall rules, a Defender exclusion); the player
 * undoes one with its row's button and the rest with "Undo all", and the stand-in PC is back as it was.
 * Only the monitor is a stand-in (a snapshot): the live status has its own test against the loopback world.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { Agent } from "../../src/agent/agent.js";
import type { Monitor } from "../../src/agent/monitor.js";
import { unsupportedAutostart } from "../../src/dashboard/settings.js";
import { FixEngine } from "../../src/fixes/engine.js";
import { Journal } from "../../src/fixes/journal.js";
import { ARTIFACTS } from "../helpers/chromium.js";
import { describePwsh, standInPcWithAdmin, type AdminSessionElevator, type StandInPc } from "../ps/harness.js";
import { defaultLiveConfig, OK_DIAGNOSIS, okSnapshot, SILENT_LOGGER, startDashboardInProcess, type InProcessDashboard } from "./helpers.js";

const snapshot = okSnapshot();

// A page in Chromium on two shared cores answers in seconds, not in expect.poll's default 1 s.
vi.setConfig({ expect: { poll: { timeout: 10_000, interval: 50 } } });

describePwsh("undo from the dashboard, with the real scripts under real pwsh", (pwsh) => {
  let dir: string;
  let pc: StandInPc;
  let elevator: AdminSessionElevator;
  let engine: FixEngine;
  let running: InProcessDashboard;
  let page: Page;
  let dataDir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "tca-dash-undo-"));
    dataDir = join(dir, "data");
    mkdirSync(dataDir);
    ({ pc, elevator } = standInPcWithAdmin(dir, pwsh, { dataDir }));
    const live = defaultLiveConfig();
    engine = new FixEngine({
      runner: pc.runner,
      journal: Journal.inDataDir(dataDir),
      config: live.view.fixes,
      diagnose: async () => OK_DIAGNOSIS,
      benchmarkDns: async () => [],
      raidInProgress: () => false,
      eftInstallDir: pc.gameDir,
      sleep: async () => undefined,
      verifyPollMs: 1,
    });
    const monitor = { state: () => snapshot, diagnoseNow: async () => OK_DIAGNOSIS, pause: () => undefined, resume: () => undefined } as unknown as Monitor;
    const agent = new Agent({ dataDir, monitor, notifier: null, engine, raidBusy: () => false, print: () => undefined, eventsJson: true, openFolder: () => undefined, logsDir: dataDir, quit: () => undefined, logger: SILENT_LOGGER });
    running = await startDashboardInProcess(dir, dataDir, {
      agent,
      live,
      snapshot: () => snapshot,
      autoFix: { get: () => agent.autoFixEnabled, set: (on) => agent.setAutoFix(on) },
      autostart: unsupportedAutostart("Start with Windows is a Windows feature"),
      gameInUse: () => pc.gameDir,
    });
    page = running.page;
  }, 180_000);

  afterAll(async () => {
    await running?.close();
    await pc?.dispose();
    await elevator?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it("undoes one change with its row's button, then the rest with Undo all, and the PC is as it was", async () => {
    pc.reset();
    const original = pc.machine();
    const firewall = await engine.applyFix("firewall-allow-eft", { approvedBy: "player" });
    expect(firewall, firewall.message).toMatchObject({ ok: true, status: "Changed" });
    const defender = await engine.applyFix("defender-exclusion-eft", { approvedBy: "player" });
    expect(defender, defender.message).toMatchObject({ ok: true, status: "Changed" });
    expect(pc.machine()).not.toEqual(original);

    await running.open();
    const rows = page.locator("#fixes tr.fix-row");
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.nth(0).innerText()).toMatch(/^\S+ \(UTC[^)]*\)\s+Stop Microsoft Defender from scanning the game\nDefender no longer scans files opened by .*EscapeFromTarkov\.exe\s+you\s+Applied\s+Undo$/);
    expect(await rows.nth(1).innerText()).toMatch(/Let the game through Windows Firewall/);
    expect(await page.locator("#undo-all").isVisible()).toBe(true);
    await page.locator("#fixes").screenshot({ path: join(ARTIFACTS, "dashboard-undo-before.png") });

    // The firewall rules: the row's own button (its accessible name says what and when).
    const undoFirewall = page.getByRole("button", { name: /^Undo “Let the game through Windows Firewall” from / });
    await undoFirewall.click();
    await expect.poll(() => page.locator("#fixes-msg").innerText(), { timeout: 120_000 }).toMatch(/^Undone: /);
    await expect.poll(() => rows.nth(1).innerText()).toMatch(/Undone/);
    expect(await rows.nth(1).locator("button.undo").count()).toBe(0);
    const rules = (pc.state().firewallRules as { Group: string }[]).filter((r) => r.Group === "Tarkov Connection Agent");
    expect(rules).toEqual([]);

    // Everything else: "Undo all" asks first, then puts it back.
    await page.click("#undo-all-btn");
    expect(await page.locator("#undo-all-q").innerText()).toBe("Put back everything the agent changed (changes: 1)?");
    expect(await page.evaluate("document.activeElement.id")).toBe("undo-all-yes");
    await page.click("#undo-all-yes");
    await expect.poll(() => page.locator("#fixes-msg").innerText(), { timeout: 120_000 }).toMatch(/^Undone: /);
    await expect.poll(() => page.locator("#undo-all").isVisible()).toBe(false);
    expect(pc.machine()).toEqual(original);
    // The journal on disk says who undid what.
    const journal = JSON.parse(readFileSync(join(dataDir, "journal.json"), "utf8")) as { entries: { fixId: string; undo: { state: string; by: string } | null }[] };
    expect(journal.entries.map((e) => [e.fixId, e.undo?.state, e.undo?.by])).toEqual([
      ["firewall-allow-eft", "done", "player"],
      ["defender-exclusion-eft", "done", "undo-all"],
    ]);
  }, 300_000);
});
