/**
 * Hostile strings into every output (issue 8 §5): terminal escape sequences, carriage returns, NUL, bidi overrides,
 * fake log lines, format specifiers and huge texts, planted in the files the agent reads back (journal, incidents)
 * and pushed through every command that prints them, via the BUILT CLI.
 *
 * What each case expects: the command is clean (documented exit code, no stack trace); `--json` output parses and
 * carries the planted text exactly (escaped by JSON, so no raw control byte reaches the terminal); text output holds
 * no raw escape, CR, NUL or bidi control. Fields printed as they are (ids, times, codes) refuse such text at load:
 * the entry is set aside (journal) or skipped (incidents) and said so, never echoed.
 *
 * Network-supplied text (BSG status messages, certificate names, game-log lines) is sanitised by the redaction
 * engine (test/hostile/secrets.test.ts and its own tests); this file covers the agent's own state files.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { assertClean, cli, pool, type Run } from "./helpers/cli.js";

export const HOSTILE = [
  "\u001b]0;pwned\u0007\u001b[2J\u001b[H", // retitle the terminal, clear the screen
  "ok\rFAKE: all good", // carriage return overwrites the line
  "nul\u0000byte",
  "\u202eevil\u202c reversed", // bidi override
  '\n{"level":"error","message":"forged log line"}', // a forged JSON log line
  "%s%n%x ${process.exit(1)} $(reboot) `id`",
  "</script><img src=x onerror=alert(1)>",
  "x".repeat(100_000),
];
// eslint-disable-next-line no-control-regex -- looking for raw control bytes on purpose
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

const entry = (i: number, over: Record<string, unknown> = {}) => ({
  id: `j-20260101000000000-${String(i).padStart(6, "0")}`, fixId: "flush-dns", params: { note: HOSTILE[i % HOSTILE.length] }, approvedBy: "player", incidentId: null,
  state: "done", startedAt: "2026-01-01T00:00:00.000Z", finishedAt: null, before: null, after: null, plan: [HOSTILE[i % HOSTILE.length]], changes: [HOSTILE[(i + 1) % HOSTILE.length]],
  status: "Changed", code: null, message: HOSTILE[i % HOSTILE.length], rebootNeeded: false, runId: null, undo: null, ...over,
});
const incident = (id: string, text: string, over: Record<string, unknown> = {}) =>
  JSON.stringify({ id, start: "2026-01-01T20:00:00.000Z", end: "2026-01-01T20:05:00.000Z", durationMs: 300_000, verdicts: ["bsg-unreachable"], endReason: "recovered", evidence: [{ kind: "game-log", text }], gapMs: 0, lastSeen: "2026-01-01T20:05:00.000Z", ...over });

describe("hostile strings in the agent's own files (built CLI)", () => {
  it("free text is kept exactly in --json and never reaches the terminal raw; printed fields refuse it", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "tca-hostile-strings-"));
    mkdirSync(dataDir, { recursive: true });
    // Free text (message, plan, changes, params) is kept; ids, times and codes with hostile text are set aside.
    const kept = HOSTILE.map((_, i) => entry(i));
    const refused = [entry(100, { id: HOSTILE[0] }), entry(101, { fixId: HOSTILE[1] }), entry(102, { code: HOSTILE[3] }), entry(103, { startedAt: HOSTILE[2] })];
    writeFileSync(join(dataDir, "journal.json"), JSON.stringify({ version: 1, entries: [...kept, ...refused] }));
    writeFileSync(
      join(dataDir, "incidents.jsonl"),
      [
        ...HOSTILE.map((h, i) => incident(`inc-${i}`, h)),
        incident(HOSTILE[0]!, "hostile id"),
        incident("inc-bad-start", "x", { start: HOSTILE[1] }),
        incident("inc-bad-end", "x", { end: "\u001b[2J" }),
      ].join("\n") + "\n",
    );
    const commands = [["history"], ["history", "--json", "--limit", "100"], ["fix", "history"], ["fix", "history", "--json"], ["fix", "undo", "--all", "--json"]];
    const runs = await pool(commands.map((args) => async (): Promise<[string[], Run]> => [args, await cli(["--data-dir", dataDir, ...args], { timeoutMs: 120_000 })]), 2);
    for (const [args, r] of runs) {
      const what = args.join(" ");
      assertClean(r, what, { json: args.includes("--json") });
      expect(r.code, `${what}: ${r.stderr}`).toBe(0);
      expect(RAW_CONTROL.test(r.stdout), `${what}: raw control character on stdout`).toBe(false);
      expect(RAW_CONTROL.test(r.stderr), `${what}: raw control character on stderr`).toBe(false);
    }
    const byName = new Map(runs.map(([a, r]) => [a.join(" "), r]));

    const fixJson = JSON.parse(byName.get("fix history --json")!.stdout) as { entries: { id: string; message: string; plan: string[] }[]; journalDamage: { setAside: number } };
    expect(fixJson.entries).toHaveLength(kept.length);
    for (const e of kept) expect(fixJson.entries.find((x) => x.id === e.id)).toMatchObject({ message: e.message, plan: e.plan });
    expect(fixJson.journalDamage.setAside).toBe(refused.length);
    expect(byName.get("fix history")!.stdout).toMatch(/4 damaged journal records were set aside/);

    const histJson = JSON.parse(byName.get("history --json --limit 100")!.stdout) as { incidents: { id: string; evidence: { text: string }[] }[] };
    expect(histJson.incidents.map((i) => i.id).sort()).toEqual(HOSTILE.map((_, i) => `inc-${i}`).sort());
    for (const [i, h] of HOSTILE.entries()) expect(histJson.incidents.find((x) => x.id === `inc-${i}`)?.evidence[0]?.text).toBe(h);
    expect(byName.get("history")!.stdout.split("\n").filter((l) => l.trim() !== "")).toHaveLength(HOSTILE.length);
  }, 300_000);
});
