/**
 * Whole real-shaped sessions replayed through the REAL tailer: files on disk in a `log_*` session folder, written
 * line by line while `GameLogTailer.start()` polls them on its own timer (no hand-driven polls, no fake clock).
 * Every line is a real one (test/game/real-lines.test.ts names the sources) with today's timestamps. Each session
 * must end `idle` on the real end marker, with no stale timer involved: the stale limits are 30 and 75 minutes and
 * the test takes seconds, and every phase change must name a log marker as its source.
 */
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { GameLogEvent, PhaseChange, RaidPhase } from "../../src/core/eft-log.js";
import { startGameWatch, type GameWatch } from "../../src/game/index.js";
import type { InstallDeps } from "../../src/game/install.js";
import type { GameLogger } from "../../src/game/ports.js";
import { GameLogTailer } from "../../src/game/tail.js";
import path from "node:path";

const VER = "1.0.0.2.42157";
let root = "";
let dir = "";
let stamp = "";

/** Local wall-clock time as the game writes it. */
function gameTime(d = new Date()): string {
  const p = (n: number, w = 2): string => String(n).padStart(w, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

const file = (channel: string): string => join(dir, `${stamp}_${VER} ${channel}_000.log`);
/** Appends one record now (optionally with continuation lines), as the game does. */
function write(channel: string, level: string, message: string, ...continuation: string[]): void {
  appendFileSync(file(channel), [`${gameTime()}|${VER}|${level}|${channel}|${message}`, ...continuation].join("\r\n") + "\r\n");
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "eft-replay-"));
  const now = new Date();
  const p = (n: number): string => String(n).padStart(2, "0");
  stamp = `${now.getFullYear()}.${p(now.getMonth() + 1)}.${p(now.getDate())}_${now.getHours()}-${p(now.getMinutes())}-${p(now.getSeconds())}`;
  dir = join(root, `log_${stamp}_${VER}`);
  mkdirSync(dir);
  for (const c of ["application", "network-connection", "backend", "push-notifications"]) writeFileSync(file(c), "");
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** A logger that records which channel files the tailer has attached (at their end, at start-up). */
function attachLog(): { log: GameLogger; attached: string[] } {
  const attached: string[] = [];
  return {
    attached,
    log: {
      debug: (m, meta) => {
        if (m === "tailing game log") attached.push(String(meta?.channel));
      },
      info() {},
      warn() {},
    },
  };
}

/** Lines written before a file is attached are history, not live: wait until every channel file is. */
const attachedAll = (attached: string[], channels: string[]): Promise<void> =>
  vi.waitFor(() => expect([...attached].sort()).toEqual(expect.arrayContaining(channels)), { timeout: 10_000, interval: 20 });

interface Run {
  tailer: GameLogTailer;
  changes: PhaseChange[];
  events: GameLogEvent[];
  /** Waits until the tailer's phase is `phase` (the real poll loop gets there on its own). */
  phase(phase: RaidPhase): Promise<void>;
}

async function run(): Promise<Run> {
  const changes: PhaseChange[] = [];
  const events: GameLogEvent[] = [];
  const { log, attached } = attachLog();
  const tailer = new GameLogTailer({ logsDir: root, log, pollMs: 25, rescanMs: 100, onEvent: (e) => events.push(e), onRaidPhase: (c) => changes.push(c) });
  tailer.start();
  await attachedAll(attached, ["application", "backend", "network-connection", "push-notifications"]);
  return {
    tailer,
    changes,
    events,
    phase: (phase) => vi.waitFor(() => expect(tailer.raidState.phase).toBe(phase), { timeout: 10_000, interval: 20 }),
  };
}

/** The start of a PvP raid, in order: TarkovHelper's and DooDesch's lines with today's time. */
async function startRaid(r: Run): Promise<void> {
  write("application", "Info", "Session mode: Regular");
  write("application", "Debug", "Matching with group id:");
  await r.phase("matching");
  write("application", "Info", "MatchingCompleted:30 real:34 diff:4");
  write(
    "application",
    "Debug",
    "TRACE-NetworkGameCreate profileStatus: 'Profileid: 69193861844e4f097e00ec2e, Status: Busy, RaidMode: Online, Ip: 104.200.159.98, Port: 17001, Location: Interchange, Sid: US-DAL03G010_692ee0420a302012001058bd_02.12.25_15-49-06, GameMode: deathmatch, shortId: RTCSZQ'",
  );
  write("network-connection", "Info", "Connect (address: 104.200.159.98:17001)");
  write("network-connection", "Info", "Exit to the 'Initial' state (address: 104.200.159.98:17001)");
  write("network-connection", "Info", "Enter to the 'Connecting' state (address: 104.200.159.98:17001, syn: True, asc: False)");
  write("network-connection", "Info", "Enter to the 'Connected' state (address: 104.200.159.98:17001, syn: False, asc: True)");
  await r.phase("in-raid");
  write("application", "Info", "GameStarting:101.05(11.38) real:111.9(12.02) diff:10.84");
  write("application", "Info", "GameStarted:121.03(9.69) real:136.76(12.03) diff:15.72");
}

function expectNoStaleTimer(changes: readonly PhaseChange[]): void {
  expect(changes.length).toBeGreaterThan(0);
  for (const c of changes) expect(c.source).not.toMatch(/stale/);
}

describe("a whole session through the real tailer", () => {
  it("matching → raid → Disconnect → menu: idle on the network-connection Disconnect", async () => {
    const r = await run();
    try {
      await startRaid(r);
      await new Promise((res) => setTimeout(res, 150));
      expect(r.tailer.raidState.phase).toBe("in-raid");
      // The raid ends as TarkovHelper's real lines show it, then the client goes back to the menu.
      write("network-connection", "Info", "Disconnect (address: 104.200.159.98:17001)");
      write("network-connection", "Info", "Statistics (address: 104.200.159.98:17001, rtt: 182.75, lose: -1.164153E-10, sent: 71065, received: 49602)");
      await r.phase("idle");
      write("push-notifications", "Info", "Got notification | UserMatchOver", "{", '  "type": "userMatchOver",', '  "location": "Interchange"', "}");
      write("application", "Info", "PrepareSelectedProfileLocally ProfileId:69193861844e4f097e00ec2d AccountId:12345678");
      write("application", "Info", "CompleteSelectedProfile ProfileId:69193861844e4f097e00ec2d AccountId:12345678");
      await vi.waitFor(() => expect(r.events.some((e) => e.kind === "menu-return" && e.marker === "CompleteSelectedProfile")).toBe(true), { timeout: 10_000 });
      expect(r.changes.map((c) => `${c.from}->${c.to} ${c.source}`)).toEqual([
        "idle->matching application: Matching with group id",
        "matching->in-raid network-connection: Enter to the 'Connected' state",
        "in-raid->idle network-connection: Disconnect",
      ]);
      expectNoStaleTimer(r.changes);
      expect(r.tailer.raidState).toMatchObject({ phase: "idle", server: null });
      // Waited for, not assumed: the Statistics line is in another file than the menu return waited for above, and the
      // tailer's read that saw Disconnect may have run between the two appends (its reads are off the main thread).
      await vi.waitFor(() => expect(r.events.find((e) => e.kind === "raid-statistics")).toMatchObject({ lossPercent: 0, rtt: 182.75 }), { timeout: 10_000 });
    } finally {
      r.tailer.stop();
    }
  });

  it("a raid whose only end marker is the push UserMatchOver (0.16.x / 1.0.0 builds)", async () => {
    const r = await run();
    try {
      await startRaid(r);
      write("push-notifications", "Info", "Got notification | UserMatchOver", "{", '  "type": "userMatchOver"', "}");
      await r.phase("idle");
      expect(r.changes.at(-1)).toMatchObject({ from: "in-raid", to: "idle", source: "push-notifications: UserMatchOver" });
      expectNoStaleTimer(r.changes);
    } finally {
      r.tailer.stop();
    }
  });

  it("a local (PvE) raid with no raid server link ends on the return to the menu", async () => {
    const r = await run();
    try {
      write("application", "Info", "Session mode: Pve");
      write("application", "Info", "LocationLoaded:22.91 real:37.31 diff:14.4");
      await r.phase("matching");
      write("application", "Info", "GameStarted:32.7 real:41.72 diff:9.02");
      await r.phase("in-raid");
      write("backend", "Info", "---> Request HTTPS, id [88]: URL: https://gw-pve-01.escapefromtarkov.com/client/match/local/end, crc: .");
      await r.phase("idle");
      expect(r.changes.at(-1)).toMatchObject({ to: "idle", source: "backend: /client/match/local/end" });
      // The menu comes back: still idle, nothing more to say.
      write("application", "Info", "CompleteSelectedProfile ProfileId:69193861844e4f097e00ec2d AccountId:12345678");
      await new Promise((res) => setTimeout(res, 200));
      expect(r.changes.map((c) => c.to)).toEqual(["matching", "in-raid", "idle"]);
      expectNoStaleTimer(r.changes);
    } finally {
      r.tailer.stop();
    }
  });

  it("matching cancelled ends matching", async () => {
    const r = await run();
    try {
      write("application", "Debug", "Matching with group id:");
      await r.phase("matching");
      write("application", "Info", "Local game matching cancelled.");
      await r.phase("idle");
      expect(r.changes.at(-1)).toMatchObject({ from: "matching", to: "idle", source: "application: Local game matching cancelled" });
    } finally {
      r.tailer.stop();
    }
  });
});

describe("the game watch keeps the raid servers", () => {
  const noGame: InstallDeps = {
    registry: { queryValue: async () => null },
    fs: { isDirectory: async () => false, isFile: async () => false, readText: async () => null },
    env: {},
    path: path.win32,
  };
  let watch: GameWatch | null = null;
  afterEach(() => watch?.stop());

  it("from the application line, the push UserConfirmed and traces.log: address, port, map and data centre only", async () => {
    writeFileSync(file("traces"), "");
    const { log, attached } = attachLog();
    watch = await startGameWatch({ installDir: "auto", logsDir: root }, { deps: noGame, log, pollMs: 25, rescanMs: 100 });
    await attachedAll(attached, ["traces", "network-connection", "push-notifications"]);
    // 0.16.x traces.log (the line TarkovSpawnNotifier reads), then a second raid named by the push UserConfirmed.
    write(
      "traces",
      "Debug",
      "TRACE-NetworkGameCreate profileStatus: 'Profileid: 69193861844e4f097e00ec2e, Status: Busy, RaidMode: Online, Ip: 104.200.159.98, Port: 17001, Location: Interchange, Sid: US-DAL03G010_692ee0420a302012001058bd_02.12.25_15-49-06, GameMode: deathmatch, shortId: RTCSZQ'",
    );
    await vi.waitFor(() => expect(watch!.raidServers()).toHaveLength(1), { timeout: 10_000 });
    write("network-connection", "Info", "Connect (address: 104.200.159.98:17001)");
    write(
      "push-notifications",
      "Info",
      "Got notification | UserConfirmed",
      "{",
      '  "type": "userConfirmed",',
      '  "profileid": "abcdef01234567890abcdef0",',
      '  "profileToken": "abcdef01234567890abcdef012345678",',
      '  "status": "Busy",',
      '  "ip": "203.0.113.44",',
      '  "port": 17003,',
      '  "sid": "EU-FRA02G004_6a8632b90000000000000001_01.09.26_19-51-00",',
      '  "location": "bigmap",',
      '  "raidMode": "Online",',
      '  "shortId": "123A4B"',
      "}",
    );
    await vi.waitFor(() => expect(watch!.raidServers()).toHaveLength(2), { timeout: 10_000 });
    const servers = watch.raidServers();
    expect(servers.map(({ at: _at, ...s }) => s)).toEqual([
      { ip: "203.0.113.44", port: 17003, location: "bigmap", datacenter: "EU-FRA02", source: "push-notifications" },
      { ip: "104.200.159.98", port: 17001, location: "Interchange", datacenter: "US-DAL03", source: "traces" },
    ]);
    for (const s of servers) expect(Date.parse(s.at)).toBeGreaterThan(Date.now() - 60_000);
    expect(JSON.stringify(servers)).not.toMatch(/abcdef|123A4B|RTCSZQ|69193861844e4f097e00ec2e|Busy/);
    const [ev] = watch.raidServerEvidence();
    expect(ev).toMatchObject({ kind: "game-log", text: expect.stringMatching(/^Game log \d\d:\d\d:\d\d: raid server 203\.0\.113\.44:17003 \(bigmap, data centre EU-FRA02\), named in the push-notifications log$/) });
  });

  it("knows the server of a raid already running when it starts (from the recent log)", async () => {
    write(
      "application",
      "Debug",
      "TRACE-NetworkGameCreate profileStatus: 'Profileid: 69193861844e4f097e00ec2e, Status: Busy, RaidMode: Online, Ip: 104.200.159.98, Port: 17001, Location: Interchange, Sid: US-DAL03G010_692ee0420a302012001058bd_02.12.25_15-49-06, GameMode: deathmatch, shortId: RTCSZQ'",
    );
    write("network-connection", "Info", "Connect (address: 104.200.159.98:17001)");
    write("network-connection", "Info", "Enter to the 'Connected' state (address: 104.200.159.98:17001, syn: False, asc: True)");
    const phases: PhaseChange[] = [];
    watch = await startGameWatch({ installDir: "auto", logsDir: root }, { deps: noGame, pollMs: 25, rescanMs: 100, onRaidPhase: (c) => phases.push(c) });
    await vi.waitFor(() => expect(watch!.raidServers()).toHaveLength(1), { timeout: 10_000 });
    expect(watch.raidServers()[0]).toMatchObject({ ip: "104.200.159.98", port: 17001, location: "Interchange", datacenter: "US-DAL03", source: "application" });
    expect(phases).toEqual([expect.objectContaining({ from: "idle", to: "in-raid", source: "start-up: network-connection: Enter to the 'Connected' state" })]);
  });
});
