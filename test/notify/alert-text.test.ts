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
  adviceText,
} from "../../src/core/alert-text.js";
import { EN, messages } from "../../src/core/i18n/index.js";
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
    ["bsg-unreachable", "Your connection can't reach Tarkov's servers"],
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
    [12 * 60_000, "server-outage", "BSG reachable again after 12 min", "Cause: Tarkov servers are down (BSG side). You can queue again."],
    [30_000, "no-internet", "BSG reachable again after 30 s", "Cause: Your internet is down. You can queue again."],
    [65 * 60_000, "dns-failure", "BSG reachable again after 1 h 5 min", "Cause: Your DNS can't find Tarkov's servers. You can queue again."],
  ] as const)("%d ms after %s", (ms, verdict, title, body) => {
    expect(recoveryAlert(ms, verdict)).toEqual({ title, body });
  });
});

describe("verdictChangeAlert", () => {
  it("titles the new verdict and mentions the previous one after the action", () => {
    const a = verdictChangeAlert("server-outage", diag("dns-failure", ["Switch your DNS."]));
    expect(a).toEqual({
      title: "Your DNS can't find Tarkov's servers",
      body: "Switch your DNS. (Before: Tarkov servers are down (BSG side).)",
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
      "21:04 Tarkov servers are down (BSG side); 21:16 back after 12 min.",
    ],
    [
      "still down",
      [
        { kind: "drop", at: at(21, 4), verdict: "server-outage" },
        { kind: "change", at: at(21, 10), verdict: "dns-failure" },
      ],
      "During your raid: Your DNS can't find Tarkov's servers",
      "21:04 Tarkov servers are down (BSG side); 21:10 now: Your DNS can't find Tarkov's servers.",
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
      "(+1 earlier) 20:01 back after 1 min; 20:30 Your internet is down; 20:40 back after 10 min.",
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
    [{ verdict: "ok", since: at(21, 4) }, "Tarkov servers are reachable since 21:04"],
    [{ verdict: "server-outage", since: at(21, 4) }, "Tarkov servers are down (BSG side) since 21:04"],
    [{ verdict: "dns-failure", since: null }, "Your DNS can't find Tarkov's servers"],
    [{ verdict: "ok", since: at(8, 0), pausedUntil: at(8, 30) }, "Monitoring paused until 08:30"],
  ] as const)("%j → %s", (state, line) => {
    expect(statusLine(state)).toBe(line);
  });

  it("tooltip adds the next action only while something is wrong, within Windows' 127 characters", () => {
    expect(tooltip({ verdict: "ok", since: at(21, 4) })).toBe("Tarkov connection: Tarkov servers are reachable since 21:04");
    const t = tooltip({ verdict: "dns-failure", since: at(21, 4) }, diag("dns-failure", ["Switch DNS. ".repeat(20)]));
    expect(t.startsWith("Tarkov connection: Your DNS can't find Tarkov's servers since 21:04\nSwitch DNS.")).toBe(true);
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

describe("one voice, in the player's language", () => {
  const ru = messages("ru");

  it("a drop names the fix for its next step, as the menu path (or says the agent is applying it)", () => {
    const d: Diagnosis = { ...diag("dns-failure"), advice: [{ step: 5, key: "switchDns", text: EN.advice.lines.switchDns, fixId: "switch-dns" }] };
    expect(dropAlert(d, EN, { name: "Switch to a faster public DNS", auto: false })).toEqual({
      title: "Your DNS can't find Tarkov's servers",
      body: `${EN.advice.lines.switchDns} Tray menu → Fixes → Switch to a faster public DNS.`,
    });
    expect(dropAlert(d, EN, { name: "Switch to a faster public DNS", auto: true }).body).toMatch(/The agent is applying it now/);
    const long = dropAlert({ ...d, advice: [{ step: null, text: "word ".repeat(80) }] }, EN, { name: "Clear the DNS cache", auto: false });
    expect(long.body.length).toBeLessThanOrEqual(180);
    expect(long.body).toMatch(/…\s*Tray menu → Fixes → Clear the DNS cache\.$/);
  });

  it("Russian toasts, status line and durations come from the catalogue", () => {
    const d: Diagnosis = { ...diag("dns-failure"), advice: [{ step: 5, key: "switchDns", text: EN.advice.lines.switchDns, fixId: "switch-dns" }] };
    expect(dropAlert(d, ru, { name: ru.fixes.name["switch-dns"]!, auto: false })).toEqual({
      title: "Ваш DNS не находит серверы Tarkov",
      body: `${ru.advice.lines.switchDns} Меню в трее → Исправления → Переключиться на более быстрый публичный DNS.`,
    });
    expect(recoveryAlert(72 * 60_000, "no-internet", ru)).toEqual({ title: "Связь с BSG восстановилась через 1 ч 12 мин", body: "Причина была: Нет интернета. Можно снова искать игру." });
    expect(statusLine({ verdict: "no-internet", since: at(21, 4) }, ru)).toBe("Нет интернета с 21:04");
    expect(statusLine({ verdict: null, since: null, pausedUntil: at(8, 30) }, ru)).toBe("Мониторинг на паузе до 08:30");
  });

  it("the status line and the drop toast use the same name for every verdict", () => {
    for (const v of VERDICT_IDS) {
      for (const m of [EN, ru]) expect(statusLine({ verdict: v, since: at(21, 4) }, m).startsWith(dropAlert(diag(v), m).title)).toBe(true);
    }
  });

  it("an advice line is read through its key; the antivirus line names the product and its setting in the language", () => {
    const line = { step: 6, key: "product:kaspersky", text: "It is Kaspersky. …" };
    expect(adviceText(line, ru)).toBe(ru.advice.itIs("Kaspersky", ru.advice.productSetting.kaspersky));
    expect(adviceText({ step: null, text: "no key: said as it is" }, ru)).toBe("no key: said as it is");
    expect(adviceText({ step: 6, key: "product:unknown", text: "fallback" }, ru)).toBe("fallback");
  });
});
