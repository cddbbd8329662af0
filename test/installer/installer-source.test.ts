/**
 * Names the installer and the agent must agree on, read from both sources: a rename on one side would silently
 * break toasts (AppUserModelID), leave Start with Windows behind after uninstall, or point the task elsewhere.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { defaultDataDir } from "../../src/config/load.js";
import { AUTOSTART_VALUE, LAUNCHER_EXE, RUN_KEY } from "../../src/ports/autostart.js";
import { taskNameFor } from "../../src/ports/elevated-task.js";

const ROOT = join(import.meta.dirname, "..", "..");
const nsi = readFileSync(join(ROOT, "installer", "installer.nsi"), "utf8");
const launcher = readFileSync(join(ROOT, "installer", "launcher.nsi"), "utf8");
const define = (name: string) => new RegExp(`^!define ${name} "([^"]*)"$`, "m").exec(nsi)?.[1];

describe("installer/installer.nsi agrees with the agent", () => {
  it("AppUserModelID on the Start-menu shortcut = the notifier's appId (src/cli/context.ts APP_ID)", () => {
    const main = readFileSync(join(ROOT, "src", "cli", "context.ts"), "utf8");
    expect(define("APP_ID")).toBe(/const APP_ID = "([^"]+)"/.exec(main)?.[1]);
  });
  it("Start with Windows value the uninstaller removes = the one the agent writes", () => {
    expect(define("RUN_VALUE")).toBe(AUTOSTART_VALUE);
    expect(`HKCU\\${define("RUN_KEY")}`).toBe(RUN_KEY);
    expect(nsi).toContain(`"$INSTDIR\\${LAUNCHER_EXE}"`);
  });
  it("the data folder whose logs it keeps or removes = the agent's default data folder", () => {
    expect(defaultDataDir({ LOCALAPPDATA: "C:\\Users\\p\\AppData\\Local" }, "win32").endsWith(define("DATA_DIR_NAME")!)).toBe(true);
  });
  it("the task it registers = the one the agent starts; its action takes no arguments", () => {
    expect(nsi).toContain('StrCpy $R2 "TarkovConnectionAgent\\ApprovedFixes-$R0"');
    expect(taskNameFor("$R0")).toBe("TarkovConnectionAgent\\ApprovedFixes-$R0");
    expect(nsi).not.toMatch(/<Arguments>/);
    expect(launcher).toContain('-File "$EXEDIR\\task\\Invoke-AgentElevatedTask.ps1"');
  });
  it("the uninstaller removes only what setup installed, never the install folder recursively", () => {
    expect(nsi).not.toMatch(/RMDir \/r(?: \/REBOOTOK)? "\$INSTDIR"\s*$/m);
    expect(nsi).toMatch(/^ {2}RMDir \/REBOOTOK "\$INSTDIR"$/m);
  });
});
