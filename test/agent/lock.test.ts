import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { acquireInstanceLock, pidIsAlive } from "../../src/agent/lock.js";
import { appendLineDurableSync, writeFileAtomic, writeFileAtomicSync } from "../../src/agent/atomic-write.js";
import { faultSkipReason, tmpfs } from "../hostile/helpers/fs-faults.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "tca-lock-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("instance lock", () => {
  it("first start takes the lock, a second live instance is refused", () => {
    const alive = new Set([101, 202]);
    const a = acquireInstanceLock(dir, { pid: 101, isAlive: (p) => alive.has(p) });
    expect(a.ok).toBe(true);
    const b = acquireInstanceLock(dir, { pid: 202, isAlive: (p) => alive.has(p) });
    expect(b).toMatchObject({ ok: false, code: "ALREADY_RUNNING", pid: 101 });
    if (!b.ok) expect(b.message).toMatch(/already running \(pid 101/);
  });

  it("a stale lock (pid not alive) is taken over", () => {
    writeFileSync(join(dir, "agent.lock"), JSON.stringify({ pid: 999_999, startedAt: "2020-01-01T00:00:00.000Z" }));
    const r = acquireInstanceLock(dir, { pid: 303, isAlive: (p) => p === 303 });
    expect(r.ok).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, "agent.lock"), "utf8"))).toMatchObject({ pid: 303 });
    expect(readdirSync(dir)).toEqual(["agent.lock"]);
  });

  it.each(["", "{not json", '{"pid":"abc"}'])("an unreadable lock %j is taken over", (content) => {
    writeFileSync(join(dir, "agent.lock"), content);
    expect(acquireInstanceLock(dir, { pid: 404, isAlive: () => true }).ok).toBe(true);
  });

  it("release removes only our own lock and is idempotent; then the lock can be taken again", () => {
    const a = acquireInstanceLock(dir, { pid: 1, isAlive: () => true });
    if (!a.ok) throw new Error(a.message);
    a.value.release();
    a.value.release();
    expect(existsSync(join(dir, "agent.lock"))).toBe(false);
    const b = acquireInstanceLock(dir, { pid: 2, isAlive: () => true });
    expect(b.ok).toBe(true);
    a.value.release(); // a's release must not remove b's lock
    expect(existsSync(join(dir, "agent.lock"))).toBe(true);
  });

  it("the real pid check sees this process alive", () => {
    expect(pidIsAlive(process.pid)).toBe(true);
    const r = acquireInstanceLock(join(dir, "nested", "data"));
    expect(r.ok).toBe(true);
    const again = acquireInstanceLock(join(dir, "nested", "data"), { pid: process.pid + 1 });
    expect(again).toMatchObject({ ok: false, code: "ALREADY_RUNNING", pid: process.pid });
  });
});

describe("atomic writes", () => {
  it("replaces content and leaves no temp files", async () => {
    const p = join(dir, "state.json");
    writeFileAtomicSync(p, "one");
    writeFileAtomicSync(p, "two");
    await writeFileAtomic(p, "three");
    expect(readFileSync(p, "utf8")).toBe("three");
    expect(readdirSync(dir)).toEqual(["state.json"]);
  });

  it("a failed write leaves the old file intact and cleans up", () => {
    const p = join(dir, "missing-dir", "state.json");
    expect(() => writeFileAtomicSync(p, "x")).toThrow();
    expect(readdirSync(dir)).toEqual([]);
  });

  it("appends whole lines", () => {
    const p = join(dir, "log.jsonl");
    appendLineDurableSync(p, '{"a":1}');
    appendLineDurableSync(p, '{"a":2}\n');
    expect(readFileSync(p, "utf8")).toBe('{"a":1}\n{"a":2}\n');
  });
});

describe("durable append after a torn line", () => {
  it("starts a fresh line so only the torn record is lost", () => {
    const p = join(dir, "log.jsonl");
    writeFileSync(p, '{"a":1}\n{"a":');
    appendLineDurableSync(p, '{"a":3}');
    expect(readFileSync(p, "utf8")).toBe('{"a":1}\n{"a":\n{"a":3}\n');
  });
});

describe.skipIf(faultSkipReason() !== null)("on a full disk (real tmpfs)", () => {
  it("taking the lock fails as LOCK_FAILED and leaves no agent.lock.*.tmp behind", () => {
    // Before: the temp file was created, its write failed with ENOSPC, and the file stayed (issue 8 §3).
    const m = tmpfs(16, { fill: true });
    try {
      const r = acquireInstanceLock(m.dir, { pid: 77, isAlive: () => false });
      expect(r).toMatchObject({ ok: false, code: "LOCK_FAILED", message: expect.stringMatching(/ENOSPC/) });
      expect(readdirSync(m.dir).filter((f) => f.startsWith("agent.lock"))).toEqual([]);
    } finally {
      m.dispose();
    }
  });

  it("an atomic write that runs out of space keeps the old file and leaves no temp file", async () => {
    const m = tmpfs(16);
    try {
      const p = join(m.dir, "state.json");
      writeFileAtomicSync(p, "old");
      expect(() => writeFileAtomicSync(p, "x".repeat(64 * 1024))).toThrow(/ENOSPC/);
      await expect(writeFileAtomic(p, "y".repeat(64 * 1024))).rejects.toThrow(/ENOSPC/);
      expect(readFileSync(p, "utf8")).toBe("old");
      expect(readdirSync(m.dir)).toEqual(["state.json"]);
    } finally {
      m.dispose();
    }
  });
});

describe("a planted lock file", () => {
  it("a huge agent.lock is not read (taken over as not ours)", () => {
    writeFileSync(join(dir, "agent.lock"), Buffer.alloc(8 * 1024 * 1024, 0x20));
    expect(acquireInstanceLock(dir, { pid: 5, isAlive: () => true }).ok).toBe(true);
  });
});
