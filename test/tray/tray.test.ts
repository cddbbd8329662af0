// startTray against a fake tray binary (platform-notes §1 recipe A): systray2 finds `<installDir>/traybin/
// tray_linux_release` through its cwd-first lookup, so these tests see the exact protocol lines we send and can
// inject clicks and crashes, with no X display. The real binary is exercised in test/gui/tray-sni.test.ts.
import { appendFileSync, chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { EN } from "../../src/core/i18n/index.js";
import { INITIAL_VIEW, PAUSE_TITLE, RESUME_TITLE, type TrayView } from "../../src/tray/menu.js";
import { startSupervisedTray } from "../../src/tray/supervisor.js";
import { startTray, type TrayActions, type TrayHandle, type TrayLogger } from "../../src/tray/tray.js";

const REPO = resolve(import.meta.dirname, "../..");
const ICONS = join(REPO, "assets", "icons");
const iconB64 = (name: string) => readFileSync(join(ICONS, `${name}.png`)).toString("base64");
const root = mkdtempSync(join(tmpdir(), "tray-test-"));
let n = 0;

interface Rig {
  installDir: string;
  log: string;
  cmd: string;
  actions: { [K in keyof TrayActions]: ReturnType<typeof vi.fn> };
  logger: TrayLogger & { lines: { level: string; message: string; meta?: Record<string, unknown> }[] };
}

function rig(mode = "normal", opts: { executable?: boolean } = {}): Rig {
  const installDir = join(root, `install-${++n}`);
  mkdirSync(join(installDir, "traybin"), { recursive: true });
  const bin = join(installDir, "traybin", "tray_linux_release");
  // Shebang to this very node: PATH may not have one.
  writeFileSync(bin, `#!${process.execPath}\n` + readFileSync(join(import.meta.dirname, "fixtures", "fake-tray.cjs"), "utf8"));
  chmodSync(bin, opts.executable === false ? 0o644 : 0o755);
  const log = join(installDir, "tray.log");
  const cmd = join(installDir, "tray.cmd");
  writeFileSync(log, "");
  writeFileSync(cmd, "");
  process.env.FAKE_TRAY_MODE = mode;
  process.env.FAKE_TRAY_LOG = log;
  process.env.FAKE_TRAY_CMD = cmd;
  const lines: Rig["logger"]["lines"] = [];
  const at = (level: string) => (message: string, meta?: Record<string, unknown>) => void lines.push({ level, message, meta });
  return {
    installDir,
    log,
    cmd,
    actions: {
      diagnoseNow: vi.fn(async () => undefined),
      toggleAutoFix: vi.fn(async () => undefined),
      openLogs: vi.fn(async () => undefined),
      collectBundle: vi.fn(async () => undefined),
      pause: vi.fn(async () => undefined),
      resume: vi.fn(async () => undefined),
      quit: vi.fn(async () => undefined),
      applyFix: vi.fn(async () => undefined),
      restoreDns: vi.fn(async () => undefined),
      undoAll: vi.fn(async () => undefined),
      openDashboard: vi.fn(async () => undefined),
    },
    logger: { lines, debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") },
  };
}

/** Protocol lines node sent to the fake, parsed. */
function sent(r: Rig): Record<string, unknown>[] {
  return readFileSync(r.log, "utf8")
    .split("\n")
    .filter((l) => l.startsWith("node->tray "))
    .map((l) => JSON.parse(l.slice("node->tray ".length)) as Record<string, unknown>);
}

const fakePid = (r: Rig) => Number(/started pid=(\d+)/.exec(readFileSync(r.log, "utf8"))?.[1]);
/** Pids of live processes running this rig's fake binary (read from /proc: works whether or not it logged). */
const fakesRunning = (r: Rig): number[] => {
  const bin = join(r.installDir, "traybin", "tray_linux_release");
  return readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return readFileSync(`/proc/${d}/cmdline`, "utf8").split("\0").includes(bin);
      } catch {
        return false; // gone meanwhile
      }
    })
    .map(Number);
};
const isRunning = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const handles: TrayHandle[] = [];
async function start(r: Rig, extra: { readyTimeoutMs?: number; onDied?: () => void } = {}) {
  const h = await startTray({
    installDir: r.installDir,
    readyTimeoutMs: extra.readyTimeoutMs ?? 20_000,
    actions: r.actions as unknown as TrayActions,
    logger: r.logger,
    iconDir: ICONS,
    ...(extra.onDied ? { onDied: extra.onDied } : {}),
  });
  if (h) handles.push(h);
  return h;
}

const OUTAGE: TrayView = {
  icon: "down",
  statusLine: "Tarkov servers down (BSG) since 21:04",
  tooltip: "Tarkov connection: Tarkov servers down (BSG) since 21:04",
  autoFix: false,
  paused: false,
  fixes: [
    { id: "restart-launcher", title: "Restart the game and launcher", applicable: true },
    { id: "switch-dns", title: "Switch DNS to Cloudflare", applicable: false },
  ],
};

// The fake tray is a node process: its start, and every line through it, can take seconds on a loaded 2-core CI
// machine (load 4–7). Waits and ready timeouts are sized for that; none of them is what a test measures.
const waitFor = (check: () => boolean, ms = 15_000) => vi.waitFor(() => expect(check()).toBe(true), { timeout: ms, interval: 20 });
const click = (r: Rig, id: number) => appendFileSync(r.cmd, `click ${id}\n`);

beforeEach(() => {
  process.env.DISPLAY ??= ":99"; // the fake needs no X, but startTray refuses to try without a display
});
afterEach(async () => {
  await Promise.all(handles.splice(0).map((h) => h.close()));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("startTray with a fake tray binary", () => {
  it("sends the whole menu first: every item allocated, unused fix slots hidden", async () => {
    const r = rig();
    const h = await start(r);
    expect(h).not.toBeNull();
    await waitFor(() => sent(r).length >= 1);
    const [menu] = sent(r) as [{ icon: string; title: string; tooltip: string; items: Record<string, unknown>[] }];
    expect(menu.icon).toBe(iconB64("unknown"));
    expect(menu.title).toBe("Tarkov Connection Agent");
    expect(menu.tooltip).toBe(INITIAL_VIEW.tooltip);
    const summary = (items: Record<string, unknown>[]): unknown[] =>
      items.map((i) => [i.__id, i.title, i.enabled, i.hidden ?? false, ...(i.items ? [summary(i.items as Record<string, unknown>[])] : [])]);
    expect(summary(menu.items)).toEqual([
      [1, "Checking the connection…", false, false],
      [2, "(no message)", true, true],
      [3, "<SEPARATOR>", true, false],
      [4, "Diagnose now", true, false],
      [5, "Fixes (none available)", false, false, Array.from({ length: 8 }, (_, i) => [6 + i, "(no fix)", false, true])],
      [14, "Put my previous DNS back", false, false],
      [15, "Undo all changes the agent made", false, false],
      [16, "Auto-fix approved problems", true, false],
      [17, "Start with Windows", true, true],
      [18, "<SEPARATOR>", true, false],
      [19, "Open dashboard", true, false],
      [20, "Open logs folder", true, false],
      [21, "Collect support bundle", true, false],
      [22, PAUSE_TITLE, true, false],
      [23, "<SEPARATOR>", true, false],
      [24, "Quit", true, false],
    ]);
    expect(r.logger.lines.find((l) => l.message === "tray started")?.meta?.binPath).toBe("traybin/tray_linux_release");
  });

  it("update() sends update-item for changed items only, then update-menu for icon and tooltip", async () => {
    const r = rig();
    const h = (await start(r))!;
    h.update(OUTAGE);
    await waitFor(() => sent(r).length >= 6);
    const updates = sent(r).slice(1);
    const item = (id: number, title: string, tooltip: string, enabled: boolean, hidden = false) => ({
      type: "update-item",
      item: { title, tooltip, checked: false, enabled, hidden, __id: id },
      seq_id: -1,
    });
    expect(updates).toEqual([
      item(1, OUTAGE.statusLine, OUTAGE.tooltip, false),
      item(5, "Fixes (1)", EN.tray.fixesTip, true),
      item(6, "Restart the game and launcher", EN.tray.fixApplyTip, true),
      item(7, "Switch DNS to Cloudflare", "Not needed for the current problem", false),
      { type: "update-menu", menu: { icon: iconB64("down"), title: "Tarkov Connection Agent", tooltip: OUTAGE.tooltip, items: [] } },
    ]);
    // The misspelt combined action is never used: the binary would silently drop it (§1 gotcha 3).
    expect(updates.some((u) => u.type === "update-menu-and-item")).toBe(false);

    // Same view again: nothing to send.
    h.update(OUTAGE);
    // Paused with auto-fix on: the pause slot flips its title, the checkbox gets Linux's " (√)".
    h.update({ ...OUTAGE, paused: true, autoFix: true });
    await waitFor(() => sent(r).length >= 8);
    expect(sent(r).slice(6)).toEqual([
      {
        type: "update-item",
        item: { title: "Auto-fix approved problems (√)", tooltip: "Apply the fixes you approved without asking", checked: true, enabled: true, hidden: false, __id: 16 },
        seq_id: -1,
      },
      item(22, RESUME_TITLE, "Start watching the connection again", true),
    ]);
  });

  it("routes clicks to the actions, judged against the current view; inert items do nothing", async () => {
    const r = rig();
    const h = (await start(r))!;
    h.update(OUTAGE);
    click(r, 4); // Diagnose now
    click(r, 22); // Pause
    click(r, 6); // fix slot 0
    click(r, 7); // fix slot 1: not applicable
    click(r, 14); // "Put my previous DNS back": nothing to undo in this view
    click(r, 16); // auto-fix checkbox (off → on)
    click(r, 1); // status line
    click(r, 19); // Open dashboard
    click(r, 20);
    click(r, 21);
    await waitFor(() => r.actions.collectBundle.mock.calls.length === 1);
    expect(r.actions.diagnoseNow).toHaveBeenCalledTimes(1);
    expect(r.actions.pause).toHaveBeenCalledTimes(1);
    expect(r.actions.applyFix.mock.calls).toEqual([["restart-launcher"]]);
    expect(r.actions.toggleAutoFix.mock.calls).toEqual([[true]]);
    expect(r.actions.openDashboard).toHaveBeenCalledTimes(1);
    expect(r.actions.openLogs).toHaveBeenCalledTimes(1);
    expect(r.actions.restoreDns).not.toHaveBeenCalled();
    h.update({ ...OUTAGE, paused: true, undo: { dns: 1, all: 2 } });
    click(r, 22); // now "Resume"
    click(r, 14); // "Put my previous DNS back", now enabled
    click(r, 15); // "Undo all changes the agent made"
    click(r, 24);
    await waitFor(() => r.actions.quit.mock.calls.length === 1);
    expect(r.actions.resume).toHaveBeenCalledTimes(1);
    expect(r.actions.pause).toHaveBeenCalledTimes(1);
    expect(r.actions.restoreDns).toHaveBeenCalledTimes(1);
    expect(r.actions.undoAll).toHaveBeenCalledTimes(1);
  });

  it("a throwing or rejecting action is logged and the tray keeps working", async () => {
    const r = rig();
    r.actions.diagnoseNow.mockImplementationOnce(() => {
      throw new Error("boom sync");
    });
    r.actions.openLogs.mockImplementationOnce(async () => {
      throw new Error("boom async");
    });
    const h = (await start(r))!;
    click(r, 4);
    click(r, 20);
    await waitFor(() => r.logger.lines.filter((l) => l.message === "tray action failed").length === 2);
    expect(r.logger.lines.filter((l) => l.message === "tray action failed").map((l) => l.meta?.error)).toEqual(
      expect.arrayContaining(["boom sync", "boom async"]),
    );
    click(r, 4);
    await waitFor(() => r.actions.diagnoseNow.mock.calls.length === 2);
    expect(h.alive).toBe(true);
  });

  it("a non-JSON line from the binary is dropped instead of crashing the agent", async () => {
    const r = rig();
    const h = (await start(r))!;
    appendFileSync(r.cmd, "stdout Gtk-Message: not json\n");
    await waitFor(() => r.logger.lines.some((l) => l.message.startsWith("tray binary printed a non-JSON line")));
    click(r, 4);
    await waitFor(() => r.actions.diagnoseNow.mock.calls.length === 1);
    expect(h.alive).toBe(true);
  });

  it("ignores a second click on an action that is still running", async () => {
    const r = rig();
    let release!: () => void;
    r.actions.diagnoseNow.mockImplementation(() => new Promise<void>((res) => (release = res)));
    await start(r);
    click(r, 4);
    await waitFor(() => r.actions.diagnoseNow.mock.calls.length === 1);
    click(r, 4);
    await waitFor(() => r.logger.lines.some((l) => l.message.includes("click ignored")));
    release();
    await new Promise((res) => setTimeout(res, 20));
    click(r, 4);
    await waitFor(() => r.actions.diagnoseNow.mock.calls.length === 2);
  });

  it("returns null when ready() does not come within the timeout, and kills the binary", async () => {
    const r = rig("silent");
    const t0 = Date.now();
    expect(await start(r, { readyTimeoutMs: 400 })).toBeNull();
    expect(Date.now() - t0).toBeLessThan(2_000);
    // Under load the fake (a node process) may be killed before it logged its pid, so the pid cannot be the check:
    // no process may still run the fake binary of this rig (its path is in the command line: node <path>).
    // And the pid it logged, if it got that far, is gone too (reaped, not just a zombie with an empty command line).
    await waitFor(() => fakesRunning(r).length === 0 && (Number.isNaN(fakePid(r)) || !isRunning(fakePid(r))));
    expect(r.logger.lines.find((l) => l.message === "tray not started")?.meta?.reason).toMatch(/no "ready".*400 ms/);
  });

  it("returns null at once when the binary exits before ready (e.g. no display)", async () => {
    const r = rig("exit-early");
    const t0 = Date.now();
    expect(await start(r, { readyTimeoutMs: 10_000 })).toBeNull();
    expect(Date.now() - t0).toBeLessThan(3_000);
    expect(r.logger.lines.find((l) => l.message === "tray not started")?.meta?.reason).toMatch(/exited before ready \(code 1/);
  });

  it("returns null when the binary cannot be run (no run bit)", async () => {
    const r = rig("normal", { executable: false });
    expect(await start(r, { readyTimeoutMs: 3_000 })).toBeNull();
    expect(r.logger.lines.find((l) => l.message === "tray not started")?.meta?.reason).toMatch(/EACCES/);
  });

  it("returns null without spawning anything when there is no display", async () => {
    const r = rig();
    const saved = { DISPLAY: process.env.DISPLAY, WAYLAND_DISPLAY: process.env.WAYLAND_DISPLAY };
    delete process.env.DISPLAY;
    delete process.env.WAYLAND_DISPLAY;
    try {
      expect(await start(r)).toBeNull();
    } finally {
      Object.assign(process.env, saved);
    }
    expect(readFileSync(r.log, "utf8")).toBe("");
    expect(r.logger.lines.some((l) => l.message === "tray not started: no display")).toBe(true);
  });

  it("a tray process that dies is logged and reported, not fatal; update() afterwards is a no-op", async () => {
    const r = rig();
    const onDied = vi.fn();
    const h = (await start(r, { onDied }))!;
    appendFileSync(r.cmd, "stderr Gtk-CRITICAL: something odd\ndie 3\n");
    await waitFor(() => onDied.mock.calls.length === 1);
    expect(onDied).toHaveBeenCalledWith({ code: 3, signal: null });
    expect(h.alive).toBe(false);
    expect(() => h.update(OUTAGE)).not.toThrow();
    expect(r.logger.lines.some((l) => l.level === "error" && l.message.startsWith("tray process exited"))).toBe(true);
    expect(r.logger.lines.some((l) => l.message === "tray binary stderr" && l.meta?.line === "Gtk-CRITICAL: something odd")).toBe(true);
    await h.close(); // nothing to close; must not hang
  });

  it("close() asks the binary to exit with {type:exit} and does not exit node", async () => {
    const r = rig();
    const h = (await start(r))!;
    const pid = fakePid(r);
    await h.close();
    expect(sent(r).at(-1)).toEqual({ type: "exit" });
    expect(isRunning(pid)).toBe(false);
    expect(h.alive).toBe(false);
  });

  it("close() kills a binary that ignores the exit request", async () => {
    const r = rig("deaf");
    const onDied = vi.fn();
    const h = (await start(r, { onDied }))!;
    const pid = fakePid(r);
    await h.close();
    expect(isRunning(pid)).toBe(false);
    expect(onDied).not.toHaveBeenCalled();
    expect(r.logger.lines.some((l) => l.message.includes("killing it"))).toBe(true);
  });
});

describe("Start with Windows and undelivered messages in the menu", () => {
  it("shows the checkbox only where it applies, routes its clicks, and shows an undelivered message until clicked", async () => {
    const r = rig();
    const toggleAutostart = vi.fn();
    const dismissNotice = vi.fn();
    Object.assign(r.actions, { toggleAutostart, dismissNotice });
    const h = (await start(r))!;
    click(r, 17); // hidden "Start with Windows" (not applicable yet): inert
    click(r, 2); // hidden notice: inert
    await waitFor(() => r.logger.lines.filter((l) => l.message === "tray click").length === 2);
    expect(r.logger.lines.filter((l) => l.message === "tray click").map((l) => l.meta?.command)).toEqual([undefined, undefined]);
    h.update({ ...OUTAGE, startWithWindows: true, notice: "Tarkov servers are down (BSG side)" });
    await waitFor(() => sent(r).some((m) => (m.item as { __id?: number } | undefined)?.__id === 17));
    const items = sent(r).filter((m) => m.type === "update-item").map((m) => m.item as { __id: number; title: string; hidden: boolean; checked: boolean });
    expect(items.find((i) => i.__id === 17)).toMatchObject({ title: "Start with Windows (√)", hidden: false, checked: true });
    expect(items.find((i) => i.__id === 2)).toMatchObject({ title: "⚠ Tarkov servers are down (BSG side)", hidden: false });
    click(r, 17);
    click(r, 2);
    await waitFor(() => toggleAutostart.mock.calls.length === 1 && dismissNotice.mock.calls.length === 1);
    expect(toggleAutostart.mock.calls).toEqual([[false]]);
  });
});

describe("startSupervisedTray: a tray binary that dies comes back, or the player is told", () => {
  it("restarts a dead tray with the current view; updates reach the new process", { timeout: 120_000 }, async () => {
    const r = rig();
    const onRestarted = vi.fn();
    const onGaveUp = vi.fn();
    const h = (await startSupervisedTray({ installDir: r.installDir, readyTimeoutMs: 20_000, actions: r.actions as unknown as TrayActions, logger: r.logger, iconDir: ICONS, restartDelaysMs: [400, 400], onRestarted, onGaveUp }))!;
    handles.push(h);
    h.update(OUTAGE);
    const first = fakePid(r);
    // Addressed to this fake's pid: the restarted fake replays the command file, and truncating the file after
    // `!h.alive` raced the 400 ms restart on a loaded machine (the new fake read "die" first and died too).
    appendFileSync(r.cmd, `die 3 ${first}\n`);
    await waitFor(() => !h.alive);
    // Up to the 20 s ready timeout of the new fake plus the 400 ms pause: the wait must outlast that, not stop short.
    await waitFor(() => onRestarted.mock.calls.length === 1, 40_000);
    const pids = [...readFileSync(r.log, "utf8").matchAll(/started pid=(\d+)/g)].map((m) => Number(m[1]));
    expect(pids).toHaveLength(2);
    expect(pids[0]).toBe(first);
    expect(isRunning(pids[1]!)).toBe(true);
    expect(h.alive).toBe(true);
    // The restarted tray starts from the view the agent last showed, not the initial one.
    const menus = () => sent(r).filter((m) => Array.isArray(m.items)) as { tooltip: string }[];
    await waitFor(() => menus().length === 2, 40_000);
    expect(menus()[1]!.tooltip).toBe(OUTAGE.tooltip);
    h.update({ ...OUTAGE, paused: true });
    await waitFor(() => sent(r).some((m) => (m.item as { title?: string } | undefined)?.title === RESUME_TITLE));
    expect(onGaveUp).not.toHaveBeenCalled();
    expect(r.logger.lines.some((l) => l.level === "warn" && l.message === "tray binary died; restarting it")).toBe(true);
  });

  it("gives up after its restarts are used up and says so in plain words", async () => {
    const r = rig();
    const onGaveUp = vi.fn();
    const h = (await startSupervisedTray({ installDir: r.installDir, readyTimeoutMs: 20_000, actions: r.actions as unknown as TrayActions, logger: r.logger, iconDir: ICONS, restartDelaysMs: [50], onGaveUp }))!;
    handles.push(h);
    appendFileSync(r.cmd, "die 2\n");
    // The restarted fake replays the command file from the start, so it dies again at once.
    await waitFor(() => onGaveUp.mock.calls.length === 1);
    expect(onGaveUp.mock.calls[0]![0]).toMatch(/^The tray icon stopped \(exit code 2\) and was restarted 1 time without lasting\. The agent keeps watching/);
    expect(h.alive).toBe(false);
    expect(() => h.update(OUTAGE)).not.toThrow();
  });

  it("close() during the pause before a restart starts nothing", async () => {
    const r = rig();
    const onRestarted = vi.fn();
    // A 3 s pause: close() must land inside it, and with a 300 ms one the test's own 20 ms poll, late on a loaded
    // machine, could call close() after the restart had legitimately begun. The die is addressed to this fake, so a
    // fake wrongly started after close() stays up and is counted below.
    const h = (await startSupervisedTray({ installDir: r.installDir, readyTimeoutMs: 20_000, actions: r.actions as unknown as TrayActions, logger: r.logger, iconDir: ICONS, restartDelaysMs: [3_000], onRestarted }))!;
    appendFileSync(r.cmd, `die 3 ${fakePid(r)}\n`);
    await waitFor(() => !h.alive);
    await h.close();
    // Past the end of the pause (both timers are in this process, so the restart's would have fired first), plus
    // time for a wrongly started fake to log its start.
    await new Promise((res) => setTimeout(res, 3_000 + 1_000));
    expect(onRestarted).not.toHaveBeenCalled();
    expect([...readFileSync(r.log, "utf8").matchAll(/started pid=/g)]).toHaveLength(1);
  });
});

describe("startTray on Windows", () => {
  it("sends .ico icons (the Windows tray cannot use PNG)", async () => {
    const r = rig();
    const h = await startTray({
      installDir: r.installDir,
      readyTimeoutMs: 20_000,
      actions: r.actions as unknown as TrayActions,
      logger: r.logger,
      iconDir: ICONS,
      platform: "win32",
    });
    handles.push(h!);
    await waitFor(() => sent(r).length >= 1);
    expect((sent(r)[0] as { icon: string }).icon).toBe(readFileSync(join(ICONS, "unknown.ico")).toString("base64"));
  });
});

