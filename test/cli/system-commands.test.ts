/**
 * `autostart` and `test-notification` through the built CLI and with stand-ins; the PowerShell check against real
 * pwsh, a stub and nothing; and `fix list|apply|undo` when fixes are unavailable (they say so first, plainly).
 */
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { Command, CommanderError } from "commander";
import { afterAll, describe, expect, it } from "vitest";
import { registerFixCommands } from "../../src/cli/fix-command.js";
import { registerSystemCommands, type SystemCommandContext } from "../../src/cli/system-commands.js";
import { FixEngine } from "../../src/fixes/engine.js";
import { Journal } from "../../src/fixes/journal.js";
import type { Autostart } from "../../src/ports/autostart.js";
import { checkPowerShell, fixesUnavailableMessage } from "../../src/ports/powershell-check.js";
import { runCli } from "../e2e/cli-run.js";
import { StateRunner } from "../fixes/helpers/state-runner.js";

const ROOT = join(import.meta.dirname, "..", "..");
const root = mkdtempSync(join(tmpdir(), "tca-syscmd-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function exe(name: string, body: string): string {
  const dir = mkdtempSync(join(root, "bin-"));
  const p = join(dir, name);
  writeFileSync(p, `#!/bin/sh\n${body}\n`);
  chmodSync(p, 0o755);
  return p;
}

async function run(args: string[], deps: Partial<Parameters<typeof registerSystemCommands>[1]> = {}): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  let pending: Promise<number> | null = null;
  const program = new Command().exitOverride().configureOutput({ writeOut: (s) => (out += s), writeErr: (s) => (err += s) });
  const ctx: SystemCommandContext = { dataDir: root, installDir: "C:\\Program Files\\Tarkov Connection Agent", appId: "a", appName: "A" };
  registerSystemCommands(program, {
    withContext: (_c, fn) =>
      function (opts) {
        pending = fn(ctx, opts);
      },
    out: (s) => (out += s),
    err: (s) => (err += s),
    ...deps,
  });
  try {
    await program.parseAsync(args, { from: "user" });
  } catch (e) {
    if (e instanceof CommanderError) return { code: 2, out, err };
    throw e;
  }
  return { code: pending === null ? 0 : await (pending as Promise<number>), out, err };
}

describe("autostart", () => {
  const fake = (supported = true): Autostart & { on: boolean } => {
    const a = { supported, unsupportedReason: supported ? null : "Start with Windows is a Windows feature", on: false, isEnabled: async () => a.on, setEnabled: async (on: boolean) => ((a.on = on), { ok: true as const }) };
    return a;
  };
  it("shows and switches the state", async () => {
    const a = fake();
    expect(await run(["autostart"], { autostart: () => a })).toMatchObject({ code: 0, out: "Start with Windows: off\n" });
    expect(await run(["autostart", "--on"], { autostart: () => a })).toMatchObject({ code: 0, out: "Start with Windows: on\n" });
    expect(await run(["autostart", "--off"], { autostart: () => a })).toMatchObject({ code: 0, out: "Start with Windows: off\n" });
    expect((await run(["autostart", "--on", "--off"], { autostart: () => a })).code).toBe(2);
  });
  it("off Windows it says why; asking to change it is an error", async () => {
    expect(await run(["autostart"], { autostart: () => fake(false) })).toMatchObject({ code: 0, out: "Start with Windows is not available here: Start with Windows is a Windows feature.\n" });
    expect((await run(["autostart", "--on"], { autostart: () => fake(false) })).code).toBe(1);
    // The built CLI on this Linux machine: the real adapter.
    expect(await runCli(["autostart"])).toMatchObject({ code: 0, stdout: "Start with Windows is not available here: Start with Windows is a Windows feature.\n" });
  });
});

describe("test-notification", () => {
  it("says whether the toast was shown, and why not", async () => {
    expect(await run(["test-notification"], { notify: async () => ({ delivered: true }) })).toMatchObject({ code: 0, out: "The test notification was shown.\n" });
    const r = await run(["test-notification"], { notify: async () => ({ delivered: false, error: "SnoreToast crashed (exit 3221225477 = 0xC0000005, access violation)" }) });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^The test notification was NOT shown: SnoreToast crashed \(exit 3221225477 = 0xC0000005, access violation\)\.\nAlerts will appear in the tray menu instead\./);
  });
});

describe("checkPowerShell", { timeout: 120_000 }, () => {
  const pwsh = [join(ROOT, ".tools", "pwsh", "pwsh"), ...(process.env.PATH ?? "").split(delimiter).filter(Boolean).map((d) => join(d, "pwsh"))].find((p) => existsSync(p));
  it("real PowerShell answers with its version", async () => {
    if (!pwsh) {
      if (process.env.CI) throw new Error("pwsh is required on CI");
      return;
    }
    expect(await checkPowerShell({ executable: pwsh, platform: "linux" })).toMatchObject({ ok: true, executable: pwsh, version: expect.stringMatching(/^7\.\d+\.\d+/) });
  });
  it.each([
    ["a stub that exits (wine's, a locked-down PC's)", "echo 'powershell is not supported' >&2; exit 1", "PS_STUB", /is not a working PowerShell \(it exited with code 1: "powershell is not supported"\)/],
    ["a stub that prints something else", "echo hello", "PS_STUB", /it answered something else: "hello"/],
    ["PowerShell 2.0", "printf 'TCA-PS 2.0'", "PS_TOO_OLD", /is version 2\.0; version 5\.1 or newer is needed/],
  ])("%s is not usable", async (_n, body, code, message) => {
    const r = await checkPowerShell({ executable: exe("powershell", body), platform: "linux" });
    expect(r).toMatchObject({ ok: false, code, message: expect.stringMatching(message) });
  });
  it("none at all: Windows names the missing System32 copy", async () => {
    const r = await checkPowerShell({ platform: "win32", env: { SystemRoot: join(root, "no-windows") } });
    expect(r).toEqual({ ok: false, code: "PS_MISSING", message: "powershell.exe is not in System32\\WindowsPowerShell\\v1.0" });
    expect(fixesUnavailableMessage(r as Extract<typeof r, { ok: false }>, "win32")).toBe("Fixes need Windows PowerShell, and powershell.exe is not in System32\\WindowsPowerShell\\v1.0. The agent still watches your connection and explains problems; fixes are unavailable.");
  });
});

describe("fix commands when fixes are unavailable", () => {
  async function fix(...args: string[]) {
    const engine = new FixEngine({ runner: new StateRunner(), journal: Journal.inDataDir(mkdtempSync(join(root, "j-"))), config: { policy: {}, dailyCap: 3, verifyWindowMs: 1_000 }, diagnose: async () => ({ verdict: "ok", confidence: "high", headline: "ok", meaning: "", evidence: [], advice: [] }), benchmarkDns: async () => [], raidInProgress: () => false, sleep: async () => undefined });
    let out = "";
    let err = "";
    let pending: Promise<number> | null = null;
    const program = new Command().exitOverride();
    registerFixCommands(program, { openSession: async () => ({ engine, unavailable: "Fixes need Windows PowerShell, and powershell.exe is not in System32\\WindowsPowerShell\\v1.0.", close: async () => undefined }), run: (p) => (pending = p), out: (s) => (out += s), err: (s) => (err += s) });
    await program.parseAsync(args, { from: "user" });
    return { code: pending === null ? 0 : await (pending as Promise<number>), out, err };
  }
  it("list says it first, then what the agent could do; --json carries it", async () => {
    const r = await fix("fix", "list", "--no-diagnose");
    expect(r.code).toBe(0);
    expect(r.out.split("\n").slice(0, 2)).toEqual(["Fixes need Windows PowerShell, and powershell.exe is not in System32\\WindowsPowerShell\\v1.0.", "What the agent could do with it:"]);
    const json = JSON.parse((await fix("fix", "list", "--no-diagnose", "--json")).out) as { available: boolean; unavailableReason: string };
    expect(json).toMatchObject({ available: false, unavailableReason: expect.stringMatching(/^Fixes need Windows PowerShell/) });
  });
  it("apply refuses without trying (exit 1); undo --all with nothing journalled still succeeds", async () => {
    expect(await fix("fix", "apply", "flush-dns")).toMatchObject({ code: 1, out: "", err: expect.stringMatching(/^Fixes need Windows PowerShell/) });
    expect(await fix("fix", "undo", "--all")).toMatchObject({ code: 0, out: expect.stringContaining("nothing to undo") });
  });
});
