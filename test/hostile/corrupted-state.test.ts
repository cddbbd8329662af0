/**
 * Corrupted state × every command (issue 8 §5): the data folder is damaged in a way a crash, a disk, a hand edit
 * or another program could leave it, and every command runs against it through the BUILT CLI. Each state says what
 * it expects per command; on top of that, every run must be clean (a documented exit code, no stack trace, JSON
 * that parses for --json) and `run` must stop on SIGTERM with exit 0 and leave no temp or lock file behind.
 */
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { assertClean, cli, deadWorldConfig, pool, type Run } from "./helpers/cli.js";
import { NOBODY, faultSkipReason, readOnlyDir, tmpfs, type Mount } from "./helpers/fs-faults.js";

const COMMANDS = {
  history: ["history"],
  "history --json": ["history", "--json"],
  "fix history": ["fix", "history"],
  "fix history --json": ["fix", "history", "--json"],
  "fix list --json": ["fix", "list", "--no-diagnose", "--json"],
  "fix undo --all --json": ["fix", "undo", "--all", "--json"],
  "diagnose --json": ["diagnose", "--json"],
  run: ["run", "--headless"],
} as const;
type CommandName = keyof typeof COMMANDS;
const NAMES = Object.keys(COMMANDS) as CommandName[];

/** A journal entry of a fix that has nothing to undo (flush-dns), so `undo --all` has no elevated work here. */
const entry = (i: number, over: Record<string, unknown> = {}) => ({
  id: `j-20260101000000000-${String(i).padStart(6, "0")}`, fixId: "flush-dns", params: {}, approvedBy: "player", incidentId: null, state: "done",
  startedAt: "2026-01-01T00:00:00.000Z", finishedAt: "2026-01-01T00:00:01.000Z", before: null, after: null, plan: [], changes: ["DNS cache cleared"],
  status: "Changed", code: null, message: null, rebootNeeded: false, runId: null, undo: null, ...over,
});
const journal = (entries: unknown[]) => JSON.stringify({ version: 1, entries });
const incident = (id: string) =>
  JSON.stringify({ id, start: "2026-01-01T20:00:00.000Z", end: "2026-01-01T20:05:00.000Z", durationMs: 300_000, verdicts: ["bsg-unreachable"], endReason: "recovered", evidence: [], gapMs: 0, lastSeen: "2026-01-01T20:05:00.000Z" });

interface State {
  name: string;
  /** Builds the damage inside `dataDir` (which exists, empty). May return another data dir to use. */
  setup(dataDir: string): string | void;
  /** Expected exit code per command; unspecified = the healthy default below. */
  expect?: Partial<Record<CommandName, number>>;
  /** Extra checks on a command's output. */
  check?: Partial<Record<CommandName, (r: Run) => void>>;
  uid?: number;
  needsRoot?: boolean;
}

/** Healthy defaults: reads succeed; diagnose finds a problem in the dead loopback world; run stops with 0. */
const HEALTHY: Record<CommandName, number> = { history: 0, "history --json": 0, "fix history": 0, "fix history --json": 0, "fix list --json": 0, "fix undo --all --json": 0, "diagnose --json": 1, run: 0 };
const ALL = (code: number, except: Partial<Record<CommandName, number>> = {}): Partial<Record<CommandName, number>> => ({ ...Object.fromEntries(NAMES.map((n) => [n, code])), ...except });
const FIX_COMMANDS = (code: number): Partial<Record<CommandName, number>> => ({ "fix history": code, "fix history --json": code, "fix list --json": code, "fix undo --all --json": code });

const mounts: Mount[] = [];
afterAll(() => mounts.forEach((m) => m.dispose()));

const STATES: State[] = [
  { name: "empty data folder", setup: () => undefined },
  { name: "data folder missing (created on first use)", setup: (d) => join(d, "not", "yet") },
  {
    name: "data folder is a file",
    setup: (d) => {
      writeFileSync(join(d, "file"), "x");
      return join(d, "file");
    },
    expect: ALL(3, { "diagnose --json": 1 }),
    check: { history: (r) => expect(r.stderr).toMatch(/data folder .* is a file/) },
  },
  { name: "journal.json is a folder", setup: (d) => mkdirSync(join(d, "journal.json")), expect: FIX_COMMANDS(3), check: { "fix history": (r) => expect(r.stderr).toMatch(/fix journal .* is a folder, not a file/) } },
  { name: "journal.json is not JSON", setup: (d) => writeFileSync(join(d, "journal.json"), "\u0000\u0001 not json"), check: { "fix history": (r) => expect(r.stdout).toMatch(/\b1 damaged journal record was set aside/) } },
  {
    name: "journal.json torn mid-entry",
    setup: (d) => writeFileSync(join(d, "journal.json"), journal([entry(1), entry(2)]).slice(0, -30)),
    check: { "fix history --json": (r) => expect((JSON.parse(r.stdout) as { entries: unknown[] }).entries.length).toBeGreaterThanOrEqual(1) },
  },
  {
    name: "journal.json with an unknown entry among good ones",
    setup: (d) => writeFileSync(join(d, "journal.json"), journal([entry(1), { ...entry(2), state: "from-the-future" }, entry(3)])),
    check: {
      "fix history --json": (r) => {
        const out = JSON.parse(r.stdout) as { entries: { id: string }[]; journalDamage: { setAside: number } | null };
        expect(out.entries).toHaveLength(2);
        expect(out.journalDamage?.setAside).toBeGreaterThanOrEqual(1);
      },
    },
  },
  { name: "journal.json from a newer agent", setup: (d) => writeFileSync(join(d, "journal.json"), JSON.stringify({ version: 9, entries: [] })), expect: FIX_COMMANDS(3), check: { "fix history": (r) => expect(r.stderr).toMatch(/newer version of the agent/) } },
  { name: "journal.json of 9 MB", setup: (d) => writeFileSync(join(d, "journal.json"), Buffer.alloc(9 * 1024 * 1024, 0x20)) },
  { name: "journal.json empty", setup: (d) => writeFileSync(join(d, "journal.json"), "") },
  { name: "journal.json entries is an object", setup: (d) => writeFileSync(join(d, "journal.json"), '{"version":1,"entries":{"a":1}}') },
  { name: "stale journal lock left by a crash", setup: (d) => mkdirSync(join(d, "journal.json.lock")) },
  { name: "journal.damaged.jsonl is garbage", setup: (d) => writeFileSync(join(d, "journal.damaged.jsonl"), "\u0000garbage\n{") },
  { name: "incidents.jsonl is a folder", setup: (d) => mkdirSync(join(d, "incidents.jsonl")), expect: { history: 3, "history --json": 3 }, check: { history: (r) => expect(r.stderr).toMatch(/incident history .* is a folder/) } },
  { name: "incidents.jsonl is binary garbage", setup: (d) => writeFileSync(join(d, "incidents.jsonl"), Buffer.from([0, 1, 2, 255, 10, 13, 0, 10])) },
  { name: "incidents.jsonl: one 5 MB line without newline", setup: (d) => writeFileSync(join(d, "incidents.jsonl"), `${incident("inc-ok")}\n${"x".repeat(5 * 1024 * 1024)}`), check: { "history --json": (r) => expect(r.stdout).toContain("inc-ok") } },
  { name: "incident-open.json is corrupt", setup: (d) => writeFileSync(join(d, "incident-open.json"), "{ torn") },
  { name: "incident-open.json is a folder", setup: (d) => mkdirSync(join(d, "incident-open.json")) },
  { name: "agent.lock is garbage", setup: (d) => writeFileSync(join(d, "agent.lock"), "\u0000\u0000") },
  { name: "agent.lock is a folder", setup: (d) => mkdirSync(join(d, "agent.lock")) },
  { name: "settings.json is garbage", setup: (d) => writeFileSync(join(d, "settings.json"), "{{{{") },
  { name: "settings.json of 50 MB", setup: (d) => writeFileSync(join(d, "settings.json"), Buffer.alloc(50 * 1024 * 1024, 0x7b)) },
  { name: "logs is a file", setup: (d) => writeFileSync(join(d, "logs"), "x") },
  { name: "runs is a file", setup: (d) => writeFileSync(join(d, "runs"), "x") },
  {
    name: "journal and incidents unreadable (another user's files)",
    needsRoot: true,
    uid: NOBODY.uid,
    setup: (d) => {
      writeFileSync(join(d, "journal.json"), journal([entry(1)]));
      writeFileSync(join(d, "incidents.jsonl"), incident("inc-1") + "\n");
      for (const f of ["journal.json", "incidents.jsonl"]) chmodSync(join(d, f), 0o600);
      chmodSync(d, 0o755); // the folder can be listed, not written
    },
    expect: ALL(3, { "diagnose --json": 1 }),
    check: { "fix history": (r) => expect(r.stderr).toMatch(/not allowed to read the fix journal/) },
  },
  {
    name: "data folder on a read-only disk",
    needsRoot: true,
    setup: () => {
      const m = readOnlyDir((d) => {
        writeFileSync(join(d, "journal.json"), journal([entry(1), { broken: true }]));
        writeFileSync(join(d, "incidents.jsonl"), incident("inc-1") + "\n");
      });
      mounts.push(m);
      return m.dir;
    },
    expect: { run: 3 },
    check: {
      "fix history": (r) => expect(r.stdout).toMatch(/could not be moved aside/),
      run: (r) => expect(r.stderr).toMatch(/read-only disk/),
    },
  },
  {
    name: "disk full",
    needsRoot: true,
    setup: () => {
      const m = tmpfs(64);
      mounts.push(m);
      const d = join(m.dir, "data");
      mkdirSync(join(d, "logs"), { recursive: true });
      writeFileSync(join(d, "journal.json"), journal([entry(1)]));
      try {
        writeFileSync(join(m.dir, "filler"), Buffer.alloc(1024 * 1024));
      } catch {
        // ENOSPC: the disk is now full
      }
      return d;
    },
  },
];

const skip = faultSkipReason();

describe("corrupted state × every command (built CLI)", () => {
  it(`covers at least 20 states (${STATES.length}) and every command (${NAMES.length})`, () => {
    expect(STATES.length).toBeGreaterThanOrEqual(20);
  });

  for (const state of STATES) {
    it.skipIf(state.needsRoot === true && skip !== null)(`${state.name}`, async () => {
      const root = mkdtempSync(join(tmpdir(), "tca-state-"));
      chmodSync(root, 0o755);
      const config = deadWorldConfig(root);
      const base = join(root, "data");
      mkdirSync(base);
      const dataDir = state.setup(base) ?? base;
      const runs = await pool(
        NAMES.map((name) => async (): Promise<[CommandName, Run]> => {
          const args = ["--config", config, "--data-dir", dataDir, ...COMMANDS[name]];
          const opts = { timeoutMs: 90_000, ...(state.uid === undefined ? {} : { uid: state.uid }), ...(name === "run" ? { signalWhen: { text: "Ctrl+C stops", signal: "SIGTERM" as const } } : {}) };
          return [name, await cli(args, opts)];
        }),
        2,
      );
      const failures: string[] = [];
      for (const [name, r] of runs) {
        try {
          assertClean(r, `${state.name} / ${name}`, { json: name.endsWith("--json") });
          expect(r.code, `${state.name} / ${name}: ${r.stdout}${r.stderr}`).toBe(state.expect?.[name] ?? HEALTHY[name]);
          state.check?.[name]?.(r);
        } catch (e) {
          failures.push(`${name}: ${(e as Error).message.split("\n").slice(0, 5).join("\n")}`);
        }
      }
      // Nothing half-written left behind by any of them.
      const leftovers = (() => {
        try {
          return readdirSync(dataDir).filter((f) => f.endsWith(".tmp") || f === "journal.json.lock" || f === "agent.lock");
        } catch {
          return [];
        }
      })();
      if (state.name !== "stale journal lock left by a crash" && state.name !== "agent.lock is a folder" && state.name !== "agent.lock is garbage") expect(leftovers).toEqual([]);
      expect(failures).toEqual([]);
    }, 600_000);
  }
});
