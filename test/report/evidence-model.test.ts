// The report reads all-passed rounds in their compact form (no per-target objects); the numbers must be exactly
// those of the expanded rounds, over a day the real history writer filled (incidents, DNS flakes, an off stretch).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readHistory } from "../../src/agent/evidence-history.js";
import { listIncidents } from "../../src/agent/incidents.js";
import { EvidenceModelBuilder } from "../../src/report/evidence-model.js";
import { writeSyntheticHistory } from "./synthetic.js";

const dir = mkdtempSync(join(tmpdir(), "tca-model-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the evidence model", () => {
  it("compact all-passed rounds count exactly like expanded ones", async () => {
    const to = Date.parse("2025-03-02T00:00:00Z");
    const from = to - 26 * 3_600_000;
    writeSyntheticHistory({
      dataDir: dir,
      from,
      to,
      dnsFlake: 0.01,
      off: [{ from: from + 2 * 3_600_000, to: from + 3 * 3_600_000 }],
      incidents: [
        { start: from + 10 * 3_600_000, end: from + 10.5 * 3_600_000, verdict: "bsg-unreachable", code: "TCP_TIMEOUT" },
        { start: from + 20 * 3_600_000, end: from + 20.2 * 3_600_000, verdict: "dns-failure", code: "DNS_TIMEOUT" },
      ],
    });
    const incidents = listIncidents({ dataDir: dir });
    const expanded = new EvidenceModelBuilder(from, to, incidents);
    const compact = new EvidenceModelBuilder(from, to, incidents);
    let compactSeen = 0;
    const a = await readHistory(dir, from, to, (r) => expanded.add(r));
    const b = await readHistory(dir, from, to, (r) => {
      if (r.k === "ok-round") compactSeen++;
      compact.add(r);
    }, { compactRounds: true });
    expect(b).toEqual(a);
    expect(compactSeen).toBeGreaterThan(5_000);
    const ma = expanded.finish();
    const mb = compact.finish();
    expect(mb).toEqual(ma);
    expect(ma.coverage.rounds).toBeGreaterThan(5_000);
    expect(ma.incidents.map((i) => i.rounds.failed)).toEqual([120, expect.any(Number)]);
  });
});
