/**
 * Damaged fix records are said in the tray too (issue 8 §2): the agent's view (the tray's tooltip) names them and
 * one toast at start says so, with a real journal that had a damaged entry set aside.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Agent } from "../../src/agent/agent.js";
import type { Monitor, MonitorSnapshot } from "../../src/agent/monitor.js";
import { FixEngine } from "../../src/fixes/engine.js";
import { Journal } from "../../src/fixes/journal.js";
import type { NotifyInput } from "../../src/ports/notify.js";
import { StateRunner } from "../fixes/helpers/state-runner.js";

describe("journal damage in the tray", () => {
  it("a damaged entry set aside shows in the tooltip and in one toast at start; a clean journal shows nothing", async () => {
    for (const damaged of [true, false]) {
      const dataDir = mkdtempSync(join(tmpdir(), "tca-tray-damage-"));
      if (damaged) writeFileSync(join(dataDir, "journal.json"), JSON.stringify({ version: 1, entries: [{ id: "j-1", state: "from-the-future" }] }));
      const journal = Journal.inDataDir(dataDir);
      const engine = new FixEngine({ runner: new StateRunner(), journal, config: { policy: {}, dailyCap: 3, verifyWindowMs: 1_000 }, diagnose: async () => { throw new Error("not used"); }, benchmarkDns: async () => [], raidInProgress: () => false });
      const snap: MonitorSnapshot = { mode: "running", status: "ok", verdict: "ok", since: null, incidentId: null, pausedUntil: null, lastDiagnosis: null, lastRoundAt: null, maintenance: { active: false, message: null } };
      const toasts: NotifyInput[] = [];
      const warnings: string[] = [];
      const agent = new Agent({
        dataDir,
        monitor: { state: () => snap } as unknown as Monitor,
        notifier: { notify: async (n) => (toasts.push(n), { delivered: true }) },
        engine,
        raidBusy: () => false,
        print: () => {},
        eventsJson: true,
        openFolder: () => {},
        logsDir: dataDir,
        quit: () => {},
        logger: { info: () => {}, warn: (m) => void warnings.push(m), error: () => {} },
        journalDamage: () => journal.damage(),
      });
      await agent.start();
      await new Promise((r) => setTimeout(r, 10));
      if (damaged) {
        expect(agent.view().tooltip).toMatch(/1 damaged fix record set aside: see "tarkov-agent fix history"/);
        expect(toasts.map((t) => t.title)).toEqual(["Some fix records were damaged"]);
        expect(warnings).toContain("fix journal has damaged records set aside");
      } else {
        expect(agent.view().tooltip).not.toMatch(/damaged/);
        expect(toasts).toEqual([]);
      }
    }
  });
});
