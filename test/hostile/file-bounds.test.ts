/**
 * Every file the agent keeps has a size bound (issue 8 §3, README "Files the agent keeps and their size bounds").
 * The journal, incidents and lock bounds are tested next to their code; this covers the log folder.
 */
import { mkdtempSync, readdirSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { pruneLogs } from "../../src/agent/housekeeping.js";

describe("log folder bound", () => {
  it("deletes the oldest agent-*.log files beyond the total, never the newest, never other files", () => {
    const dir = mkdtempSync(join(tmpdir(), "tca-logs-"));
    const names = ["agent-2026-01-01.log", "agent-2026-01-02.log", "agent-2026-01-02.1.log", "agent-2026-01-03.log", "agent-2026-01-04.log"];
    names.forEach((n, i) => {
      writeFileSync(join(dir, n), Buffer.alloc(1000));
      const t = new Date(Date.UTC(2026, 0, 1 + i));
      utimesSync(join(dir, n), t, t);
    });
    writeFileSync(join(dir, ".audit.json"), "{}");
    writeFileSync(join(dir, "notes.txt"), Buffer.alloc(50_000));
    expect(pruneLogs(dir, 2_500).sort()).toEqual(["agent-2026-01-01.log", "agent-2026-01-02.1.log", "agent-2026-01-02.log"]);
    expect(readdirSync(dir).sort()).toEqual([".audit.json", "agent-2026-01-03.log", "agent-2026-01-04.log", "notes.txt"]);
    // The newest file alone over the bound is kept: it is being written.
    expect(pruneLogs(dir, 10)).toEqual(["agent-2026-01-03.log"]);
    expect(pruneLogs(join(dir, "missing"))).toEqual([]);
  });
});
