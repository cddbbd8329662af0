/**
 * The status card's "since" line in headless Chromium against the dashboard server in-process: a state that has only
 * begun reads "Just now" (never "For 0 s"), an older one says how long, in the page's language.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { DashboardAgent } from "../../src/dashboard/backend.js";
import { unsupportedAutostart } from "../../src/dashboard/settings.js";
import { describeBrowser } from "../helpers/chromium.js";
import { OK_DIAGNOSIS, okSnapshot, startDashboardInProcess, type InProcessDashboard } from "./helpers.js";

const idleAgent: DashboardAgent = { diagnose: async () => OK_DIAGNOSIS, saveBundle: async () => ({ ok: false, message: "not in this test" }), undo: async () => null, fixHistory: async () => [] };
const CLOCK = String.raw`\d\d:\d\d \(UTC[+-]\d+(:\d\d)?\)`;

describeBrowser("the status card's since line", () => {
  let dir: string;
  let running: InProcessDashboard;
  /** How long ago the monitor's current state began, as of each status request. */
  let ageMs = 0;
  let language: "en" | "ru" = "en";
  const since = () => running.page.locator("#since").innerText();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "tca-dash-since-"));
    const dataDir = join(dir, "data");
    mkdirSync(dataDir);
    running = await startDashboardInProcess(dir, dataDir, {
      agent: idleAgent,
      autoFix: { get: () => false, set: () => undefined },
      autostart: unsupportedAutostart("Start with Windows is a Windows feature"),
      gameInUse: () => null,
      snapshot: () => okSnapshot(new Date(Date.now() - ageMs).toISOString()),
      osLanguage: () => language,
    });
  }, 60_000);

  afterAll(async () => {
    await running?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("says 'Just now' at the very start of a state, and how long once it has lasted", async () => {
    ageMs = 0;
    await running.open();
    expect(await since()).toMatch(new RegExp(`^Just now, at ${CLOCK}$`));
    ageMs = 3 * 60_000;
    await running.open();
    expect(await since()).toMatch(new RegExp(`^For 3 min, since ${CLOCK}$`));
    ageMs = 42_000;
    await running.open();
    expect(await since()).toMatch(new RegExp(`^For 4[2-9] s, since ${CLOCK}$`));
  }, 60_000);

  it("says it in Russian on a Russian page", async () => {
    language = "ru";
    ageMs = 0;
    await running.open();
    expect(await since()).toMatch(new RegExp(`^Только что, в ${CLOCK}$`));
    ageMs = 3 * 60_000;
    await running.open();
    expect(await since()).toMatch(new RegExp(`^Уже 3 мин, с ${CLOCK}$`));
  }, 60_000);
});
