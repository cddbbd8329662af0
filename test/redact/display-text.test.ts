/**
 * Hostile text from the network (BSG status messages, certificate names, game-log lines) reaching every place the
 * agent shows text: the `diagnose` report, the printed event lines, toasts, the tray. Issue 8 §4: a status message
 * could retitle and clear the terminal.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Agent } from "../../src/agent/agent.js";
import type { AgentEvent } from "../../src/agent/events.js";
import type { Monitor, MonitorSnapshot } from "../../src/agent/monitor.js";
import { classify } from "../../src/core/classify.js";
import { jsonForTerminal, sanitizeForDisplay } from "../../src/core/display-text.js";
import type { Diagnosis } from "../../src/core/types.js";
import { createNotifier, type NotifyInput } from "../../src/ports/notify.js";
import { renderDiagnoseText } from "../../src/report/diagnose-text.js";
import { buildMenu, flattenMenu, INITIAL_VIEW } from "../../src/tray/menu.js";
import { round } from "../helpers/round-builder.js";

/** Anything a terminal, a toast or a tray menu would act on instead of showing. */
// eslint-disable-next-line no-control-regex -- looking for control characters is the point
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/;

// OSC 0 sets the window title, CSI 2J + H clears the screen, OSC 8 makes a link, CR rewinds the line, RLO flips
// what follows, 8-bit CSI does what ESC [ does on terminals that honour C1.
const HOSTILE = {
  retitle: "\u001b]0;Tarkov servers: all good\u0007",
  clear: "\u001b[2J\u001b[3J\u001b[H",
  link: "\u001b]8;;https://evil.example/\u001b\\click\u001b]8;;\u001b\\",
  rewind: "Servers down\rServers fine ",
  bidi: "fix \u202eexe.tnega\u202c done",
  c1: "\u009b2J\u009d0;x\u009c",
  dcs: "\u001bP1;2|secret\u001b\\",
  bell: "a\u0007b\u0008c\u0000d",
};
const HOSTILE_MESSAGE = `Maintenance ${Object.values(HOSTILE).join(" ")} until 12:00`;

describe("sanitizeForDisplay", () => {
  it.each([
    ["OSC title", HOSTILE.retitle + "ok", "ok"],
    ["CSI clear", HOSTILE.clear + "ok", "ok"],
    ["OSC 8 link", HOSTILE.link, "click"],
    ["carriage return", HOSTILE.rewind, "Servers down Servers fine "],
    ["bidi override", HOSTILE.bidi, "fix exe.tnega done"],
    ["8-bit C1", `a${HOSTILE.c1}b`, "ab"],
    ["DCS", `a${HOSTILE.dcs}b`, "ab"],
    ["BEL, BS, NUL", HOSTILE.bell, "abcd"],
    ["unterminated OSC eats the rest", "ok\u001b]0;never ends", "ok"],
    ["SGR colour", "\u001b[31;1mred\u001b[0m", "red"],
    ["lone surrogate", "a\ud800b", "a\ufffdb"],
    ["line separators", "a\u2028b\u0085c", "a b c"],
  ])("%s", (_name, input, expected) => {
    expect(sanitizeForDisplay(input)).toBe(expected);
  });

  it("keeps ordinary text in any script, emoji included", () => {
    for (const s of ["Потеряно соединение с сервером", "サーバーに接続できません", "BSG 🛠️ maintenance", "tab\tstays? no: one line"]) {
      expect(UNSAFE.test(sanitizeForDisplay(s))).toBe(false);
    }
    expect(sanitizeForDisplay("Потеряно соединение с сервером")).toBe("Потеряно соединение с сервером");
    expect(sanitizeForDisplay("👨‍👩‍👧 family")).toBe("👨‍👩‍👧 family");
  });

  it("keeps line breaks only when asked, and cuts to a length", () => {
    expect(sanitizeForDisplay("a\r\nb\nc")).toBe("a b c");
    expect(sanitizeForDisplay("a\r\nb\tc", { multiline: true })).toBe("a\nb\tc");
    expect(sanitizeForDisplay("abcdef", { maxLength: 4 })).toBe("abc…");
  });

  it("finishes on a huge hostile string", () => {
    const input = "\u001b[".repeat(100_000) + "\u001b]".repeat(100_000) + "\u009b".repeat(100_000);
    const t0 = performance.now();
    expect(UNSAFE.test(sanitizeForDisplay(input, { multiline: true }))).toBe(false);
    expect(performance.now() - t0).toBeLessThan(10_000);
  });
});

describe("jsonForTerminal", () => {
  it("prints the same data with nothing a terminal would act on", () => {
    const value = { message: HOSTILE_MESSAGE, nested: ["\u2066x\u2069", "\u0085"] };
    const json = jsonForTerminal(value);
    expect(UNSAFE.test(json)).toBe(false);
    expect(JSON.parse(json)).toEqual(value);
  });
});

describe("every sink", () => {
  const bsgDown = round({ bsg: [{ id: "prod", fail: "TLS_UNTRUSTED", issuer: `CN=Avast ${HOSTILE.retitle}` }], controls: [{ id: "cf" }], status: "updating" });
  bsgDown.statusApi.message = HOSTILE_MESSAGE;
  bsgDown.statusApi.messages = [{ time: null, type: 1, content: `${HOSTILE.clear}Servers are down`, solveTime: null }];
  bsgDown.extraEvidence = [{ kind: "game-log", text: `Game log 21:04:11: ${HOSTILE.rewind}${HOSTILE.bidi}` }];

  it("the diagnose report", () => {
    const d = classify(bsgDown);
    const text = renderDiagnoseText(bsgDown, d);
    for (const line of text.split("\n")) expect(UNSAFE.test(line), JSON.stringify(line)).toBe(false);
    expect(text).toContain("Maintenance");
    expect(text).toContain("Servers are down");
  });

  function agentWith(eventsJson: boolean, lastDiagnosis: Diagnosis | null) {
    const printed: string[] = [];
    const toasts: NotifyInput[] = [];
    const snap: MonitorSnapshot = {
      mode: "running",
      status: "down",
      verdict: "maintenance",
      since: "2026-11-21T20:00:00.000Z",
      incidentId: "inc-1",
      pausedUntil: null,
      lastDiagnosis,
      lastRoundAt: null,
      maintenance: { active: true, message: HOSTILE_MESSAGE },
    };
    const agent = new Agent({
      dataDir: mkdtempSync(join(tmpdir(), "tca-display-")),
      monitor: { state: () => snap } as unknown as Monitor,
      notifier: { notify: async (n) => (toasts.push(n), { delivered: true }) },
      engine: null,
      raidBusy: () => false,
      print: (l) => printed.push(l),
      eventsJson,
      openFolder: () => {},
      logsDir: "/tmp",
      quit: () => {},
      logger: { info: () => {}, warn: () => {}, error: () => {} },
    });
    return { agent, printed, toasts };
  }
  const maintenance: AgentEvent = { event: "maintenance", verdict: "maintenance", at: "2026-11-21T20:00:05.000Z", incidentId: null, message: HOSTILE_MESSAGE };

  it("the agent's printed event lines, as text and as JSON", () => {
    const text = agentWith(false, null);
    text.agent.onEvent(maintenance);
    expect(text.printed).toHaveLength(1);
    expect(UNSAFE.test(text.printed[0]!)).toBe(false);
    expect(text.printed[0]).toContain("BSG maintenance: \"Maintenance");
    const json = agentWith(true, null);
    json.agent.onEvent(maintenance);
    expect(UNSAFE.test(json.printed[0]!)).toBe(false);
    // The JSON still carries BSG's exact text for programs that read it.
    expect((JSON.parse(json.printed[0]!) as { message: string }).message).toBe(HOSTILE_MESSAGE);
  });

  it("the tray: status line, icon tooltip, menu titles and tooltips", () => {
    const d: Diagnosis = { ...classify(bsgDown), verdict: "maintenance", advice: [{ step: null, text: `Wait. ${HOSTILE_MESSAGE}` }] };
    const view = agentWith(false, d).agent.view();
    expect(UNSAFE.test(view.statusLine)).toBe(false);
    expect(view.tooltip.split("\n").some((l) => UNSAFE.test(l))).toBe(false);
    const menu = flattenMenu(buildMenu({ ...INITIAL_VIEW, statusLine: HOSTILE_MESSAGE, tooltip: HOSTILE_MESSAGE, fixes: [{ id: "x", title: HOSTILE.bidi + HOSTILE.retitle, applicable: true }] }));
    for (const item of menu) {
      expect(UNSAFE.test(item.title), item.key).toBe(false);
      expect(item.tooltip.split("\n").some((l) => UNSAFE.test(l)), item.key).toBe(false);
    }
  });

  describe("toasts (through notify-send, the real argv)", () => {
    const root = mkdtempSync(join(tmpdir(), "tca-display-notify-"));
    const savedPath = process.env.PATH;
    const startCwd = process.cwd();
    afterAll(() => {
      process.env.PATH = savedPath;
      process.chdir(startCwd);
      rmSync(root, { recursive: true, force: true });
    });

    it("title and body reach the desktop without control characters", async () => {
      // A stand-in notify-send first on PATH records the argv node-notifier gives it (as in test/notify).
      const dir = join(root, "bin");
      mkdirSync(dir, { recursive: true });
      const argvFile = join(root, "argv.txt");
      writeFileSync(join(dir, "notify-send"), `#!/bin/sh\nfor a in "$@"; do printf '%s\\n' "$a"; done > '${argvFile}'\n`);
      chmodSync(join(dir, "notify-send"), 0o755);
      process.env.PATH = `${dir}:${savedPath ?? ""}`;
      process.chdir(root);
      const n = createNotifier({ appId: "a", appName: "A", platform: "linux" });
      const r = await n.notify({ title: `BSG ${HOSTILE.retitle}${HOSTILE.bidi}`, body: `${HOSTILE_MESSAGE}\nline two` });
      expect(r.delivered).toBe(true);
      const argv = readFileSync(argvFile, "utf8");
      expect(UNSAFE.test(argv)).toBe(false);
      expect(argv).toContain("BSG fix exe.tnega done");
      expect(argv).toContain("line two");
    });
  });
});
