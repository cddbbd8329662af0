import { describe, expect, it } from "vitest";
import {
  buildMenu,
  changedItems,
  commandFor,
  FIX_SLOTS,
  flattenMenu,
  INITIAL_VIEW,
  PAUSE_TITLE,
  RESUME_TITLE,
  type ItemKey,
  type TrayView,
} from "../../src/tray/menu.js";

const fixes = (k: number, applicable = true) =>
  Array.from({ length: k }, (_, i) => ({ id: `fix-id-${i}`, title: `Fix number ${i}`, applicable }));

const VIEW: TrayView = {
  icon: "down",
  statusLine: "Internet down since 21:04",
  tooltip: "tip",
  autoFix: true,
  paused: false,
  fixes: [
    { id: "renew-ip", title: "Renew IP address", applicable: true },
    { id: "switch-dns", title: "Switch DNS", applicable: false },
  ],
};

describe("buildMenu", () => {
  it.each<[string, TrayView]>([
    ["initial", INITIAL_VIEW],
    ["outage", VIEW],
    ["paused, many fixes", { ...VIEW, paused: true, fixes: fixes(12) }],
    ["Windows, autostart on, a notice, no PowerShell", { ...VIEW, startWithWindows: true, notice: "Tarkov servers are down", fixesNote: "Fixes need Windows PowerShell" }],
  ])("has the same keys in the same order whatever the view (%s)", (_name, view) => {
    expect(flattenMenu(buildMenu(view)).map((i) => i.key)).toEqual(flattenMenu(buildMenu(INITIAL_VIEW)).map((i) => i.key));
    expect(flattenMenu(buildMenu(view))).toHaveLength(16 + FIX_SLOTS);
  });

  it("fills fix slots in order, greys out the inapplicable, hides the unused", () => {
    const slots = buildMenu(VIEW).find((i) => i.key === "fixes")!;
    expect(slots.title).toBe("Fixes (1)");
    expect(slots.enabled).toBe(true);
    expect(slots.children!.map((c) => [c.title, c.enabled, c.hidden])).toEqual([
      ["Renew IP address", true, false],
      ["Switch DNS", false, false],
      ...Array.from({ length: FIX_SLOTS - 2 }, () => ["(no fix)", false, true]),
    ]);
  });

  it.each([
    [[], "Fixes (none available)", false],
    [fixes(2, false), "Fixes", true],
    [fixes(3), "Fixes (3)", true],
  ])("fixes parent for %j → %s", (list, title, enabled) => {
    const parent = buildMenu({ ...VIEW, fixes: list }).find((i) => i.key === "fixes")!;
    expect([parent.title, parent.enabled]).toEqual([title, enabled]);
  });

  it("status line is disabled, one line and at most 64 characters", () => {
    const status = buildMenu({ ...VIEW, statusLine: "a\nb   " + "x".repeat(100) })[0]!;
    expect(status.key).toBe("status");
    expect(status.enabled).toBe(false);
    expect(status.title).toMatch(/^a b x+…$/);
    expect(status.title).toHaveLength(64);
  });

  it("Start with Windows: hidden where it does not apply, a checkbox where it does", () => {
    const at = (v: TrayView) => buildMenu(v).find((i) => i.key === "autostart")!;
    expect(at(VIEW)).toMatchObject({ hidden: true, checked: false });
    expect(at({ ...VIEW, startWithWindows: null })).toMatchObject({ hidden: true });
    expect(at({ ...VIEW, startWithWindows: true })).toMatchObject({ title: "Start with Windows", hidden: false, checked: true, enabled: true });
    expect(at({ ...VIEW, startWithWindows: false })).toMatchObject({ hidden: false, checked: false });
  });

  it("Start with Windows that could not be read says so instead of showing an unticked box as fact", () => {
    const at = (v: TrayView) => buildMenu(v).find((i) => i.key === "autostart")!;
    expect(at({ ...VIEW, startWithWindows: "unknown" })).toMatchObject({ title: "Start with Windows (could not be read)", hidden: false, checked: false, enabled: true });
    expect(at({ ...VIEW, startWithWindows: "unknown", locale: "ru" })).toMatchObject({ title: "Запускать вместе с Windows (не удалось прочитать)", checked: false });
    expect(commandFor("autostart", { ...VIEW, startWithWindows: "unknown" })).toEqual({ kind: "toggle-autostart", enable: true });
  });

  it("an undelivered message shows under the status line until dismissed", () => {
    const notice = (v: TrayView) => buildMenu(v)[1]!;
    expect(notice(VIEW)).toMatchObject({ key: "notice", hidden: true });
    expect(notice({ ...VIEW, notice: "Back online after 3 min" })).toMatchObject({ key: "notice", title: "⚠ Back online after 3 min", hidden: false, enabled: true });
  });

  it("without PowerShell the Fixes submenu says why and is disabled", () => {
    const parent = buildMenu({ ...VIEW, fixesNote: "Fixes need Windows PowerShell" }).find((i) => i.key === "fixes")!;
    expect([parent.title, parent.enabled]).toEqual(["Fixes need Windows PowerShell", false]);
  });

  it.each([
    [false, PAUSE_TITLE],
    [true, RESUME_TITLE],
  ])("pause slot when paused=%s reads %s", (paused, title) => {
    expect(buildMenu({ ...VIEW, paused }).find((i) => i.key === "pause")!.title).toBe(title);
  });
});

describe("changedItems", () => {
  it("is empty for the same view", () => {
    expect(changedItems(buildMenu(VIEW), buildMenu({ ...VIEW }))).toEqual([]);
  });

  it("lists only changed items, flattened and without children", () => {
    const changed = changedItems(buildMenu(VIEW), buildMenu({ ...VIEW, paused: true, statusLine: "x" }));
    expect(changed.map((c) => c.key)).toEqual(["status", "pause"]);
    expect(changed.every((c) => c.children === undefined)).toBe(true);
  });

  it("a fix appearing changes its slot and the parent", () => {
    const changed = changedItems(buildMenu(VIEW), buildMenu({ ...VIEW, fixes: [...VIEW.fixes, fixes(1)[0]!] }));
    expect(changed.map((c) => [c.key, c.title, c.hidden])).toEqual([
      ["fixes", "Fixes (2)", false],
      ["fix-2", "Fix number 0", false],
    ]);
  });
});

describe("commandFor", () => {
  it.each<[ItemKey, TrayView, unknown]>([
    ["diagnose", VIEW, { kind: "diagnose" }],
    ["auto-fix", VIEW, { kind: "toggle-auto-fix", enable: false }],
    ["auto-fix", { ...VIEW, autoFix: false }, { kind: "toggle-auto-fix", enable: true }],
    ["open-logs", VIEW, { kind: "open-logs" }],
    ["dashboard", VIEW, { kind: "open-dashboard" }],
    ["bundle", VIEW, { kind: "collect-bundle" }],
    ["pause", VIEW, { kind: "pause" }],
    ["pause", { ...VIEW, paused: true }, { kind: "resume" }],
    ["quit", VIEW, { kind: "quit" }],
    ["restore-dns", VIEW, null],
    ["restore-dns", { ...VIEW, undo: { dns: 1, all: 1 } }, { kind: "restore-dns" }],
    ["undo-all", VIEW, null],
    ["undo-all", { ...VIEW, undo: { dns: 0, all: 3 } }, { kind: "undo-all" }],
    ["fix-0", VIEW, { kind: "apply-fix", fixId: "renew-ip" }],
    ["fix-1", VIEW, null],
    ["fix-5", VIEW, null],
    ["fix-9", { ...VIEW, fixes: fixes(12) }, null],
    ["status", VIEW, null],
    ["fixes", VIEW, null],
    ["separator-1", VIEW, null],
    ["autostart", VIEW, null],
    ["autostart", { ...VIEW, startWithWindows: true }, { kind: "toggle-autostart", enable: false }],
    ["autostart", { ...VIEW, startWithWindows: false }, { kind: "toggle-autostart", enable: true }],
    ["notice", VIEW, null],
    ["notice", { ...VIEW, notice: "x" }, { kind: "dismiss-notice" }],
  ])("%s → %j", (key, view, command) => {
    expect(commandFor(key, view)).toEqual(command);
  });
});

describe("undo items and the language", () => {
  it("'Put my previous DNS back' is enabled exactly when a DNS change of the agent's can be undone; 'Undo all' when anything can", () => {
    const find = (v: TrayView, key: string) => buildMenu(v).find((i) => i.key === key)!;
    expect([find(VIEW, "restore-dns").enabled, find(VIEW, "undo-all").enabled]).toEqual([false, false]);
    const some = { ...VIEW, undo: { dns: 1, all: 2 } };
    expect([find(some, "restore-dns").enabled, find(some, "undo-all").enabled]).toEqual([true, true]);
    expect(find(some, "undo-all").tooltip).toContain("2");
    const other = { ...VIEW, undo: { dns: 0, all: 1 } };
    expect([find(other, "restore-dns").enabled, find(other, "undo-all").enabled]).toEqual([false, true]);
  });

  it("the menu's words follow the view's language; keys and order do not", () => {
    const ru = buildMenu({ ...VIEW, locale: "ru" });
    expect(flattenMenu(ru).map((i) => i.key)).toEqual(flattenMenu(buildMenu(VIEW)).map((i) => i.key));
    expect(ru.map((i) => i.title)).toEqual(expect.arrayContaining(["Проверить сейчас", "Вернуть прежний DNS", "Отменить все изменения агента", "Выход"]));
  });
});
