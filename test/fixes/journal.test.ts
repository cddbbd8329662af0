/**
 * The journal under concurrency and damage (issue 8 §2): writers in different processes keep every record, one
 * damaged entry costs only itself, and a journal the OS will not let us use gives a typed error, never a crash.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StateFileError } from "../../src/agent/file-errors.js";
import { JOURNAL_KEEP_SETTLED, Journal, parseJournalText, type JournalEntry } from "../../src/fixes/journal.js";
import { faultSkipReason, readOnlyDir, tmpfs, type Mount } from "../hostile/helpers/fs-faults.js";
import { transpileSrc } from "./helpers/transpile.js";

const HERE = import.meta.dirname;
const tmp = () => mkdtempSync(join(tmpdir(), "tca-journal-"));

let n = 0;
function entry(over: Partial<JournalEntry> = {}): JournalEntry {
  n++;
  return {
    id: `j-test-${String(n).padStart(5, "0")}`, fixId: "switch-dns", params: { provider: "cloudflare" }, approvedBy: "player", incidentId: null,
    state: "done", startedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(), finishedAt: null, before: { dns: "dhcp" }, after: null,
    plan: [], changes: ["DNS set"], status: "Changed", code: null, message: null, rebootNeeded: false, runId: null, undo: null, ...over,
  };
}
const file = (entries: unknown[], extra: Record<string, unknown> = {}) => JSON.stringify({ version: 1, entries, ...extra });

const skip = faultSkipReason();
const mounts: Mount[] = [];
afterAll(() => mounts.forEach((m) => m.dispose()));

describe("writers in different processes", () => {
  let jsRoot = "";
  beforeAll(() => {
    jsRoot = transpileSrc();
  });

  const writer = (dataDir: string, tag: string, count: number) =>
    new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, [join(HERE, "journal-writer-child.mjs"), jsRoot, dataDir, tag, String(count)], { stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      child.stdout.on("data", (d: Buffer) => (out += d.toString()));
      child.stderr.on("data", (d: Buffer) => (out += d.toString()));
      child.on("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(`writer ${tag} exited ${code}: ${out}`))));
    });

  it("two writers doing 100 add+update each keep all 200 records, every one updated", async () => {
    // Before the cross-process lock this lost records and crashed with "expected an entry … found none".
    const dataDir = tmp();
    await Promise.all([writer(dataDir, "a", 100), writer(dataDir, "b", 100)]);
    const entries = await Journal.inDataDir(dataDir).load();
    expect(entries).toHaveLength(200);
    expect(entries.every((e) => e.state === "done")).toBe(true);
    expect(new Set(entries.map((e) => e.message)).size).toBe(200);
    expect(readdirSync(dataDir).sort()).toEqual(["journal.json"]); // no lock folder, no temp file left behind
  }, 60_000);

  it("three writers at once (like three `fix apply`) keep every record", async () => {
    const dataDir = tmp();
    await Promise.all(["x", "y", "z"].map((t) => writer(dataDir, t, 20)));
    const entries = await Journal.inDataDir(dataDir).load();
    expect(entries).toHaveLength(60);
    expect(entries.filter((e) => e.state !== "done")).toEqual([]);
  }, 60_000);
});

describe("the lock", () => {
  it("a lock left by a dead process (stale mtime) is taken over", async () => {
    const dataDir = tmp();
    const j = Journal.inDataDir(dataDir, { lockStaleMs: 2_000 });
    mkdirSync(join(dataDir, "journal.json.lock"));
    const old = new Date(Date.now() - 60_000);
    utimesSync(join(dataDir, "journal.json.lock"), old, old);
    await j.add(entry());
    expect(await j.load()).toHaveLength(1);
    expect(existsSync(join(dataDir, "journal.json.lock"))).toBe(false);
  });

  it("a lock that stays fresh (a live holder) is waited for, then reported as STATE_LOCKED", async () => {
    const dataDir = tmp();
    const lockDir = join(dataDir, "journal.json.lock");
    mkdirSync(lockDir);
    const keepFresh = setInterval(() => utimesSync(lockDir, new Date(), new Date()), 200);
    try {
      const j = Journal.inDataDir(dataDir, { lockStaleMs: 2_000, lockWaitMs: 800 });
      const err = await j.add(entry()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StateFileError);
      expect(err).toMatchObject({ code: "STATE_LOCKED", message: expect.stringContaining("journal.json.lock") });
    } finally {
      clearInterval(keepFresh);
    }
  });
});

describe("damage", () => {
  it("an unknown or damaged entry is set aside; the readable ones are kept and the damage is reported", async () => {
    const dataDir = tmp();
    const good1 = entry();
    const good2 = entry({ state: "pending", status: null, changes: [] });
    const unknownState = { ...entry(), state: "paused-by-a-newer-agent" };
    writeFileSync(join(dataDir, "journal.json"), file([good1, unknownState, { hello: "world" }, good2, good1]));
    const warnings: string[] = [];
    const j = Journal.inDataDir(dataDir, { log: { warn: (m) => warnings.push(m) } });
    const entries = await j.load();
    expect(entries.map((e) => e.id)).toEqual([good1.id, good2.id]);
    expect(j.damage()).toMatchObject({ setAside: 3, notSetAside: 0, file: join(dataDir, "journal.damaged.jsonl") });
    const sidecar = readFileSync(join(dataDir, "journal.damaged.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { reason: string; entry: unknown });
    expect(sidecar.map((s) => s.entry)).toEqual([unknownState, { hello: "world" }, good1]);
    expect(sidecar[0]!.reason).toMatch(/state/);
    expect(sidecar[2]!.reason).toMatch(/duplicate id/);
    expect(warnings).toContain("journal: damaged records set aside");
    // The journal itself is clean now; a second load sets nothing aside again but still says there was damage.
    expect(parseJournalText(readFileSync(join(dataDir, "journal.json"), "utf8")).damaged).toEqual([]);
    const again = Journal.inDataDir(dataDir);
    expect(await again.load()).toHaveLength(2);
    expect(again.damage()?.setAside).toBe(3);
  });

  it("a torn (truncated) journal keeps every whole entry, and the broken file is kept aside", async () => {
    const dataDir = tmp();
    const text = file([entry(), entry(), entry()]);
    const torn = text.slice(0, text.length - 40);
    writeFileSync(join(dataDir, "journal.json"), torn);
    const j = Journal.inDataDir(dataDir);
    expect(await j.load()).toHaveLength(2);
    const copies = readdirSync(dataDir).filter((f) => f.startsWith("journal.json.corrupt-"));
    expect(copies).toHaveLength(1);
    expect(readFileSync(join(dataDir, copies[0]!), "utf8")).toBe(torn);
    expect(j.damage()?.setAside).toBe(2); // the whole-file note + the partial third entry
  });

  it.each([
    ["not JSON at all", "\u0000\u0001garbage"],
    ["a JSON array", "[]"],
    ["entries is not a list", '{"version":1,"entries":{}}'],
    ["empty file", ""],
  ])("%s: set aside, and the journal starts empty", async (_name, text) => {
    const dataDir = tmp();
    writeFileSync(join(dataDir, "journal.json"), text);
    const j = Journal.inDataDir(dataDir);
    expect(await j.load()).toEqual([]);
    expect(j.damage()?.setAside).toBe(1);
    await j.add(entry());
    expect(await Journal.inDataDir(dataDir).load()).toHaveLength(1);
  });

  it("a journal from a newer agent is left untouched and named as such", async () => {
    const dataDir = tmp();
    const text = JSON.stringify({ version: 2, entries: [{ anything: true }] });
    writeFileSync(join(dataDir, "journal.json"), text);
    await expect(Journal.inDataDir(dataDir).load()).rejects.toMatchObject({ code: "STATE_NEWER_VERSION" });
    await expect(Journal.inDataDir(dataDir).add(entry())).rejects.toMatchObject({ code: "STATE_NEWER_VERSION" });
    expect(readFileSync(join(dataDir, "journal.json"), "utf8")).toBe(text);
  });

  it("a file far larger than the agent ever writes is set aside unread, quickly", async () => {
    const dataDir = tmp();
    writeFileSync(join(dataDir, "journal.json"), Buffer.alloc(9 * 1024 * 1024, 0x20));
    const j = Journal.inDataDir(dataDir);
    expect(await j.load()).toEqual([]);
    expect(j.damage()?.latestReason).toMatch(/too large/);
  });
});

describe("bounds", () => {
  it(`keeps at most ${JOURNAL_KEEP_SETTLED} settled entries, never dropping one that can still be undone`, async () => {
    const dataDir = tmp();
    const undoable = entry({ state: "done", status: "Changed" });
    const settled = Array.from({ length: JOURNAL_KEEP_SETTLED + 50 }, () => entry({ state: "undone", status: "Changed" }));
    writeFileSync(join(dataDir, "journal.json"), file([undoable, ...settled]));
    const j = Journal.inDataDir(dataDir);
    await j.add(entry({ state: "pending", status: null, changes: [] }));
    const entries = await j.load();
    expect(entries).toHaveLength(JOURNAL_KEEP_SETTLED + 2);
    expect(entries[0]!.id).toBe(undoable.id);
    expect(entries[1]!.id).toBe(settled[50]!.id); // the 50 oldest settled ones went
  });
});

describe.skipIf(skip !== null)(`file-system faults (${skip ?? "root"})`, () => {
  it("the journal is a folder → STATE_IS_FOLDER", async () => {
    const dataDir = tmp();
    mkdirSync(join(dataDir, "journal.json"));
    await expect(Journal.inDataDir(dataDir).load()).rejects.toMatchObject({ code: "STATE_IS_FOLDER" });
    await expect(Journal.inDataDir(dataDir).add(entry())).rejects.toMatchObject({ code: "STATE_IS_FOLDER" });
  });

  it("the data folder is a file → STATE_DIR_NOT_FOLDER", async () => {
    const f = join(tmp(), "data");
    writeFileSync(f, "x");
    await expect(Journal.inDataDir(f).load()).rejects.toMatchObject({ code: "STATE_DIR_NOT_FOLDER" });
    await expect(Journal.inDataDir(f).add(entry())).rejects.toMatchObject({ code: "STATE_DIR_NOT_FOLDER" });
  });

  it("read-only disk: reading works, damage is reported as not set aside, writing says read-only", async () => {
    const good = entry();
    const m = readOnlyDir((d) => writeFileSync(join(d, "journal.json"), file([good, { broken: true }])));
    mounts.push(m);
    const j = Journal.inDataDir(m.dir);
    expect((await j.load()).map((e) => e.id)).toEqual([good.id]);
    expect(j.damage()).toMatchObject({ setAside: 0, notSetAside: 1 });
    await expect(j.add(entry())).rejects.toMatchObject({ code: "STATE_READ_ONLY" });
  });

  it("disk full: the add fails as STATE_DISK_FULL, the old journal is intact, no temp file is left", async () => {
    const m = tmpfs(64);
    mounts.push(m);
    const j = Journal.inDataDir(m.dir);
    const first = entry();
    await j.add(first);
    writeFileSync(join(m.dir, "filler"), Buffer.alloc(60 * 1024)); // may or may not all fit: the point is a full disk
    try {
      writeFileSync(join(m.dir, "filler2"), Buffer.alloc(64 * 1024));
    } catch {
      // full
    }
    await expect(j.add(entry({ before: { big: "x".repeat(32 * 1024) } }))).rejects.toMatchObject({ code: "STATE_DISK_FULL" });
    expect((await Journal.inDataDir(m.dir).load()).map((e) => e.id)).toEqual([first.id]);
    expect(readdirSync(m.dir).filter((f) => f.endsWith(".tmp") || f.endsWith(".lock"))).toEqual([]);
  });
});

describe("undo --all with a damaged journal", () => {
  it("undoes every readable change and leaves the damaged ones set aside and reported", async () => {
    const { FixEngine } = await import("../../src/fixes/engine.js");
    const { StateRunner } = await import("./helpers/state-runner.js");
    const dataDir = tmp();
    const runner = new StateRunner();
    runner.world.dns = "cloudflare"; // the agent's switch-dns is in place
    runner.world.firewallGroup = true; // and its firewall group
    const dns = entry({ fixId: "switch-dns", params: { provider: "cloudflare" }, before: { dns: "dhcp", firewallGroup: false, defenderExclusion: false } });
    const fw = entry({ fixId: "firewall-allow-eft", params: { group: "Tarkov Connection Agent", installDir: null, programs: ["EscapeFromTarkov.exe"] }, before: { dns: "dhcp", firewallGroup: false, defenderExclusion: false } });
    writeFileSync(join(dataDir, "journal.json"), file([dns, { ...entry(), state: "half-written" }, fw, "garbage"]));
    const journal = Journal.inDataDir(dataDir);
    const engine = new FixEngine({ runner, journal, config: { policy: {}, dailyCap: 3, verifyWindowMs: 1_000 }, diagnose: async () => ({ verdict: "ok", confidence: "high", headline: "", meaning: "", evidence: [], advice: [] }), benchmarkDns: async () => [], raidInProgress: () => false });
    const r = await engine.undoAll();
    expect(r.ok).toBe(true);
    expect(r.items.map((i) => i.entryId)).toEqual([fw.id, dns.id]);
    expect(runner.world).toMatchObject({ dns: "dhcp", firewallGroup: false });
    expect(journal.damage()).toMatchObject({ setAside: 2 });
  });
});
