// Alert texts live in src/core (pure) but are what the notifier and tray show, so their tests sit with them here.
import { describe, expect, it } from "vitest";
import {
  clock,
  dropAlert,
  formatDuration,
  iconForVerdict,
  maintenanceAlert,
  raidSummaryAlert,
  recoveryAlert,
  reminderAlert,
  statusLine,
  tooltip,
  verdictChangeAlert,
  VERDICT_TITLES,
} from "../../src/core/alert-text.js";
import { VERDICT_IDS, type Diagnosis, type VerdictId } from "../../src/core/types.js";

const diag = (verdict: VerdictId, advice: string[] = []): Diagnosis => ({
  verdict,
  confidence: "high",
  headline: "h",
  meaning: "m",
  evidence: [],
  advice: advice.map((text) => ({ step: null, text })),
});

// Local-time constructor: the expected "21:04" holds in any TZ the tests run in.
const at = (h: number, m: number) => new Date(2025, 0, 1, h, m);

describe("dropAlert", () => {
  it.each([
    ["server-outage", "Tarkov servers are down (BSG side)"],
    ["dns-failure", "Your DNS can't find Tarkov's servers"],
    ["no-internet", "Your internet is down"],
    ["bsg-unreachable", "Your ISP can't reach Tarkov's servers"],
    ["maintenance", "Tarkov is in maintenance (BSG side)"],
  ] as const)("%s → %s", (verdict, title) => {
    expect(dropAlert(diag(verdict)).title).toBe(title);
  });

  it.each(VERDICT_IDS.map((v) => [v]))("%s has a title and a verdict-specific action when there is no advice", (v) => {
    const a = dropAlert(diag(v));
    expect(a.title.length).toBeGreaterThan(5);
    expect(a.body.length).toBeGreaterThan(10);
    expect(a.body.length).toBeLessThanOrEqual(180);
  });

  it("uses the diagnosis' first advice as the one next action", () => {
    const a = dropAlert(diag("dns-failure", ["Switch your DNS to Cloudflare.", "Flush the DNS cache."]));
    expect(a).toEqual({ title: "Your DNS can't find Tarkov's servers", body: "Switch your DNS to Cloudflare." });
  });

  it("cuts long advice at a word boundary with an ellipsis", () => {
    const a = dropAlert(diag("bsg-unreachable", ["word ".repeat(80)]));
    expect(a.body.length).toBeLessThanOrEqual(180);
    expect(a.body).toMatch(/word…$/);
  });

  it("all ten verdicts have distinct titles", () => {
    expect(new Set(Object.values(VERDICT_TITLES)).size).toBe(VERDICT_IDS.length);
    expect(Object.keys(VERDICT_TITLES).sort()).toEqual([...VERDICT_IDS].sort());
  });
});

describe("formatDuration / recoveryAlert", () => {
  it.each([
    [0, "0 s"],
    [-5, "0 s"],
    [Number.NaN, "0 s"],
    [45_000, "45 s"],
    [59_400, "59 s"],
    [59_600, "1 min"],
    [12 * 60_000, "12 min"],
    [12 * 60_000 + 29_000, "12 min"],
    [60 * 60_000, "1 h"],
    [65 * 60_000, "1 h 5 min"],
    [2 * 3_600_000 + 30 * 60_000, "2 h 30 min"],
  ])("%d ms → %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it.each([
    [12 * 60_000, "server-outage", "BSG reachable again after 12 min", "Cause: Tarkov servers down (BSG). You can queue again."],
    [30_000, "no-internet", "BSG reachable again after 30 s", "Cause: Internet down. You can queue again."],
    [65 * 60_000, "dns-failure", "BSG reachable again after 1 h 5 min", "Cause: DNS problem. You can queue again."],
  ] as const)("%d ms after %s", (ms, verdict, title, body) => {
    expect(recoveryAlert(ms, verdict)).toEqual({ title, body });
  });
});

describe("verdictChangeAlert", () => {
  it("titles the new verdict and mentions the previous one after the action", () => {
    const a = verdictChangeAlert("server-outage", diag("dns-failure", ["Switch your DNS."]));
    expect(a).toEqual({
      title: "Your DNS can't find Tarkov's servers",
      body: "Switch your DNS. (Before: Tarkov servers down (BSG).)",
    });
  });
});

describe("maintenanceAlert", () => {
  it.each([
    ["Technical works. ETA 2 hours", 'BSG: "Technical works. ETA 2 hours"'],
    ["  <b>Update</b>\n  in   progress ", 'BSG: "Update in progress"'],
    ["", "Nothing to fix on your side: wait for BSG to finish. You'll get a toast when it's over."],
    [null, "Nothing to fix on your side: wait for BSG to finish. You'll get a toast when it's over."],
  ])("%j", (message, body) => {
    expect(maintenanceAlert(message)).toEqual({ title: "Tarkov is in maintenance (BSG side)", body });
  });
});

describe("reminderAlert", () => {
  it("says how long it has lasted and repeats the action", () => {
    expect(reminderAlert(diag("server-outage", ["Wait for BSG."]), 95 * 60_000)).toEqual({
      title: "Still: Tarkov servers are down (BSG side)",
      body: "For 1 h 35 min now. Wait for BSG.",
    });
  });
});

describe("raidSummaryAlert", () => {
  it("is null when nothing was held back", () => {
    expect(raidSummaryAlert([])).toBeNull();
  });

  it.each([
    [
      "drop then recovery",
      [
        { kind: "drop", at: at(21, 4), verdict: "server-outage" },
        { kind: "recovery", at: at(21, 16), verdict: "server-outage", durationMs: 12 * 60_000 },
      ],
      "During your raid: a drop, BSG reachable again",
      "21:04 Tarkov servers down (BSG); 21:16 back after 12 min.",
    ],
    [
      "still down",
      [
        { kind: "drop", at: at(21, 4), verdict: "server-outage" },
        { kind: "change", at: at(21, 10), verdict: "dns-failure" },
      ],
      "During your raid: Your DNS can't find Tarkov's servers",
      "21:04 Tarkov servers down (BSG); 21:10 now: DNS problem.",
    ],
    [
      "many events keep the last three",
      [
        { kind: "drop", at: at(20, 0), verdict: "no-internet" },
        { kind: "recovery", at: at(20, 1), verdict: "no-internet", durationMs: 60_000 },
        { kind: "drop", at: at(20, 30), verdict: "no-internet" },
        { kind: "recovery", at: at(20, 40), verdict: "no-internet", durationMs: 600_000 },
      ],
      "During your raid: 2 drops, BSG reachable again",
      "(+1 earlier) 20:01 back after 1 min; 20:30 Internet down; 20:40 back after 10 min.",
    ],
    [
      "maintenance",
      [{ kind: "maintenance", at: at(9, 5), message: "x" }],
      "During your raid: Tarkov is in maintenance (BSG side)",
      "09:05 BSG maintenance.",
    ],
  ] as const)("%s", (_name, events, title, body) => {
    expect(raidSummaryAlert(events)).toEqual({ title, body });
  });
});

describe("statusLine / tooltip / iconForVerdict", () => {
  it.each([
    [{ verdict: null, since: null }, "Checking the connection…"],
    [{ verdict: "ok", since: at(21, 4) }, "Connected to Tarkov since 21:04"],
    [{ verdict: "server-outage", since: at(21, 4) }, "Tarkov servers down (BSG) since 21:04"],
    [{ verdict: "dns-failure", since: null }, "DNS problem"],
    [{ verdict: "ok", since: at(8, 0), pausedUntil: at(8, 30) }, "Monitoring paused until 08:30"],
  ] as const)("%j → %s", (state, line) => {
    expect(statusLine(state)).toBe(line);
  });

  it("tooltip adds the next action only while something is wrong, within Windows' 127 characters", () => {
    expect(tooltip({ verdict: "ok", since: at(21, 4) })).toBe("Tarkov connection: Connected to Tarkov since 21:04");
    const t = tooltip({ verdict: "dns-failure", since: at(21, 4) }, diag("dns-failure", ["Switch DNS. ".repeat(20)]));
    expect(t.startsWith("Tarkov connection: DNS problem since 21:04\nSwitch DNS.")).toBe(true);
    expect(t.length).toBeLessThanOrEqual(127);
  });

  it.each([
    [null, "unknown"],
    ["ok", "ok"],
    ["bsg-degraded", "problem"],
    ["inconclusive", "problem"],
    ["server-outage", "down"],
    ["no-internet", "down"],
    ["maintenance", "down"],
  ] as const)("icon for %s is %s", (verdict, icon) => {
    expect(iconForVerdict(verdict)).toBe(icon);
  });

  it("clock pads to HH:MM", () => {
    expect(clock(at(7, 5))).toBe("07:05");
  });
});
