// Real delivery on Linux (platform-notes §2 recipe): createNotifier → node-notifier → notify-send → D-Bus →
// dunst, on a private Xvfb display and session bus. dbus-monitor records the org.freedesktop.Notifications
// Notify calls, so the test sees exactly what a notification daemon received for a drop and a recovery.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { dropAlert, recoveryAlert } from "../../src/core/alert-text.js";
import type { Diagnosis } from "../../src/core/types.js";
import { createNotifier } from "../../src/ports/notify.js";
import { gate, missingTools, startSession, TOOLS, type Session } from "./session.js";

const missing = missingTools([TOOLS.xvfbRun, TOOLS.xvfb, TOOLS.xauth, TOOLS.dbusRunSession, TOOLS.dbusMonitor, TOOLS.gdbus, TOOLS.dunst, TOOLS.dunstctl, TOOLS.notifySend]);
const { skip, failure, label } = gate(process.platform === "linux" ? missing : [...missing, "a Linux host"]);

const OUTAGE: Diagnosis = {
  verdict: "server-outage",
  confidence: "high",
  headline: "Tarkov servers are having problems (BSG side)",
  meaning: "BSG's servers fail for everyone.",
  evidence: [],
  advice: [{ step: 1, text: "The problem is on BSG's side: wait. Nothing on your PC needs changing." }],
};

interface NotifyCall {
  appName: string;
  summary: string;
  body: string;
  raw: string;
}

/** Notify calls in dbus-monitor's text output: args are app_name, replaces_id, app_icon, summary, body, …. */
function notifyCalls(log: string): NotifyCall[] {
  return log
    .split(/^(?=method call )/m)
    .filter((block) => /member=Notify$/m.test(block.split("\n")[0]!))
    .map((raw) => {
      const strings = [...raw.matchAll(/^ {3}string "(.*)"$/gm)].map((m) => m[1]!);
      return { appName: strings[0]!, summary: strings[2]!, body: strings[3]!, raw };
    });
}

describe.skipIf(skip)(`notifications delivered to a real daemon (dunst)${label}`, () => {
  let session: Session;
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    if (failure) throw new Error(failure);
    session = await startSession(["dunst"]);
    Object.assign(process.env, session.env);
    delete process.env.WAYLAND_DISPLAY;
  }, 60_000);

  afterAll(async () => {
    await session?.stop();
    process.env = savedEnv;
  });

  it("a drop and a recovery reach the daemon with the app name, title, body and urgency", async () => {
    const warn = vi.fn();
    const notifier = createNotifier({ appId: "com.tarkov.connection-agent", appName: "Tarkov Connection Agent", platform: "linux", logger: { debug: vi.fn(), warn } });
    const drop = dropAlert(OUTAGE);
    const recovery = recoveryAlert(12 * 60_000, "server-outage");
    expect(await notifier.notify({ ...drop, urgency: "critical" })).toEqual({ delivered: true });
    expect(await notifier.notify(recovery)).toEqual({ delivered: true });
    expect(warn).not.toHaveBeenCalled();

    const monitorLog = join(session.dir, "monitor.log");
    // Waits for both calls to be in the log in full (the second block's strings, not just its header line), with room
    // for dbus-monitor on a loaded CI machine.
    await vi.waitFor(
      () => {
        const seen = notifyCalls(readFileSync(monitorLog, "utf8"));
        expect(seen).toHaveLength(2);
        expect(seen[1]!.raw).toMatch(/string "urgency"\s+variant\s+byte \d/);
      },
      { timeout: 15_000, interval: 50 },
    );
    const [first, second] = notifyCalls(readFileSync(monitorLog, "utf8"));
    expect([first!.appName, first!.summary, first!.body]).toEqual(["Tarkov Connection Agent", "Tarkov servers are down (BSG side)", OUTAGE.advice[0]!.text]);
    expect(first!.raw).toMatch(/string "urgency"\s+variant\s+byte 2/);
    expect([second!.appName, second!.summary, second!.body]).toEqual([
      "Tarkov Connection Agent",
      "BSG reachable again after 12 min",
      "Cause: Tarkov servers are down (BSG side). You can queue again.",
    ]);
    expect(second!.raw).toMatch(/string "urgency"\s+variant\s+byte 1/);

    // And dunst itself took them: close them, then read its history.
    await session.run("dunstctl", ["close-all"]);
    const history = JSON.parse(await session.run("dunstctl", ["history"])) as { data: { summary: { data: string }; appname: { data: string } }[][] };
    expect(history.data[0]!.map((n) => [n.appname.data, n.summary.data]).sort()).toEqual([
      ["Tarkov Connection Agent", "BSG reachable again after 12 min"],
      ["Tarkov Connection Agent", "Tarkov servers are down (BSG side)"],
    ]);
  });
});
