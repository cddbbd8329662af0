/**
 * The agent's outputs agree with each other (issue 10 §1): the BUILT `history --json` and `fix history --json`
 * have one shape (an object with a schema number and the list under its name), empty and with a record, and the
 * "nothing yet" lines of `history`, `fix history` and the report read alike in both languages.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createIncidentStore } from "../../src/agent/incidents.js";
import { messages } from "../../src/core/i18n/index.js";
import { FixEngine } from "../../src/fixes/engine.js";
import { Journal } from "../../src/fixes/journal.js";
import { fixesUnavailableMessage } from "../../src/ports/powershell-check.js";
import { runCli } from "../e2e/cli-run.js";
import { StateRunner } from "../fixes/helpers/state-runner.js";

/**
 * Tests here run the built CLI (a whole node process) once or twice: a bare start took ~6 s at load 8 on this 2-core
 * machine, so two runs plus a probe round came near the 30 s default. Room for a loaded CI run, no bound on the CLI.
 */
const CLI_TEST_MS = 90_000;

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), "tca-outputs-"));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** `{ schema: 1, <list name>: [...], ...rest }`: the envelope both history commands use. */
async function envelope(args: string[], dataDir: string): Promise<{ keys: string[]; schema: unknown; list: unknown[] }> {
  const r = await runCli([...args, "--json", "--data-dir", dataDir]);
  expect(r.code, r.stderr).toBe(0);
  const json = JSON.parse(r.stdout) as Record<string, unknown>;
  expect(json).toBeTypeOf("object");
  expect(Array.isArray(json)).toBe(false);
  const lists = Object.entries(json).filter(([, v]) => Array.isArray(v));
  expect(lists, r.stdout).toHaveLength(1);
  return { keys: Object.keys(json), schema: json.schema, list: lists[0]![1] as unknown[] };
}

describe("history --json and fix history --json", { timeout: CLI_TEST_MS }, () => {
  it("have the same shape with nothing recorded: an object with schema 1 and an empty list", async () => {
    const dataDir = tempDir();
    const incidents = await envelope(["history"], dataDir);
    const fixes = await envelope(["fix", "history"], dataDir);
    expect(incidents).toEqual({ keys: ["schema", "incidents"], schema: 1, list: [] });
    expect(fixes).toEqual({ keys: ["schema", "entries", "journalDamage"], schema: 1, list: [] });
  });

  it("have the same shape with one record each", async () => {
    const dataDir = tempDir();
    const store = createIncidentStore({ dataDir });
    const start = Date.parse("2026-11-28T20:04:00Z");
    store.open({ id: "inc-20261128T200400Z-abcdef", start, verdict: "bsg-unreachable", evidence: [] });
    store.close("inc-20261128T200400Z-abcdef", start + 181_000, "recovered");
    const engine = new FixEngine({
      runner: new StateRunner(),
      journal: Journal.inDataDir(dataDir),
      config: { policy: {}, dailyCap: 3, verifyWindowMs: 1_000 },
      diagnose: () => Promise.reject(new Error("not used: verify is off")),
      benchmarkDns: async () => [],
      raidInProgress: () => false,
    });
    expect(await engine.applyFix("flush-dns", { approvedBy: "player", verify: false })).toMatchObject({ ok: true });

    const incidents = await envelope(["history"], dataDir);
    const fixes = await envelope(["fix", "history"], dataDir);
    expect([incidents.schema, incidents.list.length]).toEqual([1, 1]);
    expect([fixes.schema, fixes.list.length]).toEqual([1, 1]);
    expect(incidents.list[0]).toMatchObject({ id: "inc-20261128T200400Z-abcdef", durationMs: 181_000 });
    expect(fixes.list[0]).toMatchObject({ fixId: "flush-dns" });
    // Times in --json are ISO UTC; the text view is for people.
    expect((incidents.list[0] as { start: string }).start).toBe("2026-11-28T20:04:00.000Z");
  });
});

describe("'nothing yet' lines", { timeout: CLI_TEST_MS }, () => {
  it("the built history and fix history say them in the same form", async () => {
    const dataDir = tempDir();
    const a = await runCli(["history", "--data-dir", dataDir]);
    const b = await runCli(["fix", "history", "--data-dir", dataDir]);
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(a.stdout.trim()).toBe(messages("en").cli.noIncidents);
    expect(b.stdout.trim()).toBe(messages("en").cli.noFixes);
  });

  it.each(["en", "ru"] as const)("read alike in %s: 'No <what> <when>: <why>.' across history, fix history and the report", (locale) => {
    const m = messages(locale);
    const lines = [m.cli.noIncidents, m.cli.noFixes, m.report.noIncidents, m.report.noFixes, m.report.noTraces];
    const form = locale === "en" ? /^No [a-z ]+ (yet|in this period): [^:]+\.$/ : /^[А-Я][а-яё ]+ (пока нет|за этот период нет): [^:]+\.$/;
    for (const line of lines) expect(line).toMatch(form);
  });
});

describe("'fixes need PowerShell'", () => {
  it("the catalogue's English line is the one the installer's wine test and scripts know (ports/powershell-check.ts)", () => {
    const check = { ok: false as const, code: "PS_MISSING" as const, message: "powershell.exe is not in System32\\WindowsPowerShell\\v1.0" };
    expect(messages("en").cli.fixesUnavailable("Windows PowerShell", check.message)).toBe(fixesUnavailableMessage(check, "win32"));
    expect(messages("en").cli.fixesUnavailable("PowerShell (pwsh)", "pwsh is not on PATH")).toBe(fixesUnavailableMessage({ ...check, message: "pwsh is not on PATH" }, "linux"));
    expect(messages("ru").cli.fixesUnavailable("Windows PowerShell", check.message)).toMatch(/^Для исправлений нужен Windows PowerShell, .*исправления недоступны\.$/);
  });
});
