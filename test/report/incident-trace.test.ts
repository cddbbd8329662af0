// Where the incident's path trace goes: to the raid server the game named (through the same collector the running
// game watch uses, fed real log lines), else a failing BSG server; and the trace lands in the history the report reads.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createEvidenceHistory } from "../../src/agent/evidence-history.js";
import { parseEvents } from "../../src/core/eft-log.js";
import { RaidServers } from "../../src/game/raid-servers.js";
import { buildEvidenceReport } from "../../src/report/evidence-report.js";
import { chooseTraceTarget, createIncidentTracer } from "../../src/support/incident-trace.js";
import type { PathTraceResult } from "../../src/support/path-trace-runner.js";
import { round } from "../helpers/round-builder.js";

// josephjang/TarkovHelper docs/eft-log-patterns.md @a214a95a (real 1.0.0.2.42157 lines, as in test/game/real-lines.test.ts).
const GAME_CREATE =
  "2025-12-02 21:50:53.106|1.0.0.2.42157|Debug|application|TRACE-NetworkGameCreate profileStatus: 'Profileid: 69193861844e4f097e00ec2e, Status: Busy, RaidMode: Online, Ip: 104.200.159.98, Port: 17001, Location: Interchange, Sid: US-DAL03G010_692ee0420a302012001058bd_02.12.25_15-49-06, GameMode: deathmatch, shortId: RTCSZQ'";
const CONNECT = "2025-12-02 21:50:53.159|1.0.0.2.42157|Info|network-connection|Connect (address: 104.200.159.98:17001)";
const RAID_AT = Date.parse("2025-12-02T21:50:53.106Z");

function servers(...lines: string[]): RaidServers {
  const s = new RaidServers();
  for (const e of parseEvents(lines.join("\n"))) s.add(e);
  return s;
}

const failingRound = () => round({ bsg: [{ id: "gw", fail: "TCP_TIMEOUT", host: "gw-pvp-01.escapefromtarkov.com", address: "203.0.113.20" }, { id: "prod" }], controls: [{ id: "cf" }] });

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe("the incident's path trace", () => {
  it("goes to the raid server the game named (data centre and map in the why), while it is fresh", () => {
    const list = servers(GAME_CREATE, CONNECT).list();
    expect(list).toHaveLength(1);
    expect(chooseTraceTarget(list, failingRound(), RAID_AT + 60_000)).toEqual({ ip: "104.200.159.98", why: "the raid server the game was using (data centre US-DAL03, Interchange)" });
    // Three hours later that raid is long over: a failing BSG server instead.
    expect(chooseTraceTarget(list, failingRound(), RAID_AT + 3 * 3_600_000)).toEqual({ ip: "203.0.113.20", why: "a failing BSG server (gw-pvp-01.escapefromtarkov.com)" });
    expect(chooseTraceTarget([], round({ bsg: [{ id: "prod" }], controls: [] }), RAID_AT)).toBeNull();
  });

  it("is taken once per incident, written with the incident's time, and shows up in the report", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "tca-trace-"));
    dirs.push(dataDir);
    let clock = RAID_AT + 120_000;
    const history = createEvidenceHistory({ dataDir, now: () => clock });
    const asked: string[] = [];
    const trace = async (ip: string): Promise<PathTraceResult> => {
      asked.push(ip);
      clock += 45_000; // a trace takes a while; the record keeps the moment it was started
      return { target: ip, tool: "tracert", ok: true, hops: [{ n: 1, ip: "192.168.1.1", loss: 0, rtt: 1 }, { n: 2, ip: "104.200.159.98", loss: 0, rtt: 80 }], message: "tracert to 104.200.159.98: 2 hop(s)." };
    };
    const watch = servers(GAME_CREATE);
    const tracer = createIncidentTracer({ history, raidServers: () => ({ raidServers: () => watch.list() }), lastRound: failingRound, trace, now: () => clock });
    const down = { event: "down", at: new Date(clock).toISOString(), incidentId: "inc-1", verdict: "bsg-unreachable", confidence: "high", headline: "x", evidence: [], since: new Date(clock).toISOString() } as unknown as Parameters<typeof tracer>[0];
    tracer(down);
    tracer(down);
    tracer({ ...down, verdict: "maintenance", incidentId: "inc-2" } as typeof down);
    await new Promise((r) => setTimeout(r, 50));
    history.close();
    expect(asked).toEqual(["104.200.159.98"]);
    const report = await buildEvidenceReport({ dataDir, from: RAID_AT - 3_600_000, to: RAID_AT + 3_600_000, version: "t", now: RAID_AT + 3_600_000, game: { logsDir: null, sessions: [], version: null, errors: [], raidServers: watch.list(), fileCheck: [] } });
    expect(report.model.traces).toEqual([expect.objectContaining({ t: RAID_AT + 120_000, incidentId: "inc-1", target: "104.200.159.98", why: "the raid server the game was using (data centre US-DAL03, Interchange)" })]);
    expect(report.html).toContain("To 104.200.159.98 (the raid server the game was using (data centre US-DAL03, Interchange))");
    // The raid servers table and the BSG ticket name the server with its data centre.
    expect(report.html).toMatch(/<table id="raid-servers">.*104\.200\.159\.98:17001.*US-DAL03.*Interchange.*the game&#39;s application log/s);
    expect(report.bsg).toMatch(/Raid server: 104\.200\.159\.98:17001, data centre US-DAL03, map Interchange \(named by the game at .*UTC\)\./);
  });
});
