import { appendFileSync, mkdirSync, mkdtempSync, rmSync, truncateSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { GameLogEvent } from "../../src/core/eft-log.js";
import type { GameLogger } from "../../src/game/ports.js";
import {
  GameLogTailer,
  channelOfFile,
  newestSessionFolder,
  nodeTailFs,
  sessionStartEvent,
  summarizeHistory,
  type TailFsPort,
  type TailerOptions,
} from "../../src/game/tail.js";

const VER = "1.0.6.5.46221";

describe("names", () => {
  it.each([
    [`2025.03.14_21-00-01_${VER} backend_000.log`, { channel: "backend", index: 0 }],
    [`2025.03.14_21-00-01_${VER} application_000.log`, { channel: "application", index: 0 }],
    [`2025.03.14_21-00-01_${VER} network-connection_001.log`, { channel: "network-connection", index: 1 }],
    [`2025.03.14_21-00-01_${VER} push-notifications_000.log`, { channel: "push-notifications", index: 0 }],
    ["2024.11.02_10-00-00_backend.log", { channel: "backend", index: -1 }],
    ["2024.11.02_10-00-00-network-connection.log", { channel: "network-connection", index: -1 }],
    ["2024.11.02_10-00-00_notifications.log", { channel: "push-notifications", index: -1 }],
    ["backend.log", { channel: "backend", index: -1 }],
    ["push-notifications.log", { channel: "push-notifications", index: -1 }],
    // 0.16.x's umbrella trace (advancedbear/TarkovSpawnNotifier reads `*traces*.log` for the raid server).
    ["traces.log", { channel: "traces", index: -1 }],
    [`2025.03.14_21-00-01_0.16.9.0.40087 traces_000.log`, { channel: "traces", index: 0 }],
    ["traces_all.log", null],
    [`2025.03.14_21-00-01_${VER} output_000.log`, null],
    [`2025.03.14_21-00-01_${VER} backendCache_000.log`, null],
    [`2025.03.14_21-00-01_${VER} backend_queue_000.log`, null],
    [`2025.03.14_21-00-01_${VER} network-messages_000.log`, null],
    [`2025.03.14_21-00-01_${VER} errors_000.log`, null],
    ["backend_000.txt", null],
  ])("%s", (name, want) => {
    expect(channelOfFile(name)).toEqual(want);
  });

  it("newest session folder by its timestamp, not by name order; Arena and junk ignored", () => {
    expect(
      newestSessionFolder([
        "log_2025.03.14_9-59-59_1.0.0.0.1",
        "log_2025.03.14_10-00-00_1.0.0.0.1",
        "log_arena_2026.01.01_10-00-00_0.4.2.5.42886",
        "notes",
        "log_2025.02.28_23-00-00_1.0.0.0.1",
      ]),
    ).toBe("log_2025.03.14_10-00-00_1.0.0.0.1");
    expect(newestSessionFolder(["foo"])).toBeNull();
  });

  it("session-start events carry the folder's local time and version", () => {
    expect(sessionStartEvent(`log_2025.03.14_9-05-07_${VER}`)).toMatchObject({
      kind: "session-start",
      at: "2025-03-14 09:05:07.000",
      epochMs: new Date(2025, 2, 14, 9, 5, 7).getTime(),
      version: VER,
    });
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Synthetic session folders that grow while the tailer runs.

let root: string;
let clock = 0;
const ts = (): string => {
  clock += 1;
  const d = new Date(2025, 2, 14, 21, 0, 0, clock);
  const p = (n: number, w = 2): string => String(n).padStart(w, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
};
const rec = (channel: string, msg: string, level = "Info"): string => `${ts()}|${VER}|${level}|${channel}|${msg}\n`;
const netError = (host = "gw-pvp-01.escapefromtarkov.com"): string =>
  rec("backend", `<--- Error! HTTPS: https://${host}/client/game/keepalive, result:ConnectionError, isNetworkError:True, isHttpError:False, responseCode:0`, "Error");

function session(stamp: string): { dir: string; file: (channel: string) => string } {
  const dir = join(root, `log_${stamp}_${VER}`);
  mkdirSync(dir, { recursive: true });
  // Directory mtimes have coarse resolution on some file systems; make the new folder visibly newer.
  const t = new Date(Date.now() + clock * 1000);
  utimesSync(root, t, t);
  return { dir, file: (channel) => join(dir, `${stamp}_${VER} ${channel}_000.log`) };
}

function makeTailer(extra: Partial<TailerOptions> = {}): { tailer: GameLogTailer; events: GameLogEvent[]; warnings: string[] } {
  const events: GameLogEvent[] = [];
  const warnings: string[] = [];
  const log: GameLogger = { debug() {}, info() {}, warn: (m, meta) => warnings.push(`${m} ${JSON.stringify(meta)}`) };
  // rescanMs 0: list folders on every poll, so the tests never depend on directory mtime granularity.
  // The synthetic logs are dated 2025-03-14 21:00; "now" is a few minutes later so raid phases are not stale.
  const now = (): number => new Date(2025, 2, 14, 21, 5).getTime();
  const tailer = new GameLogTailer({ logsDir: root, onEvent: (e) => events.push(e), log, rescanMs: 0, now, ...extra });
  return { tailer, events, warnings };
}

/** Two polls: the first reads new lines, the second completes the last record once the file is quiet. */
async function settle(t: GameLogTailer): Promise<void> {
  await t.poll();
  await t.poll();
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "eft-logs-"));
  clock = 0;
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

describe("GameLogTailer", () => {
  it("starts at the end of existing files, then emits appended errors", async () => {
    const s = session("2025.03.14_21-00-00");
    writeFileSync(s.file("backend"), netError("old-host.escapefromtarkov.com") + netError("old-host.escapefromtarkov.com"));
    const { tailer, events } = makeTailer();
    await settle(tailer);
    expect(events).toEqual([]);
    expect(tailer.session).toEqual({ folder: `log_2025.03.14_21-00-00_${VER}`, version: VER });

    appendFileSync(s.file("backend"), netError() + rec("backend", "---> Request HTTPS, id [3]: URL: https://gw-pvp-02.escapefromtarkov.com/client/game/start"));
    await settle(tailer);
    expect(events.map((e) => e.kind)).toEqual(["backend-error", "backend-request"]);
    expect(events[0]).toMatchObject({ host: "gw-pvp-01.escapefromtarkov.com", isNetworkError: true });
    expect(JSON.stringify(events)).not.toContain("old-host");
  });

  it("a record with continuation lines is emitted whole once the file goes quiet", async () => {
    const s = session("2025.03.14_21-00-00");
    writeFileSync(s.file("backend"), "");
    const { tailer, events } = makeTailer();
    await tailer.poll();
    appendFileSync(s.file("backend"), rec("backend", "Backend request failed", "Error") + "  at EFT.Backend.Send()\n");
    await tailer.poll();
    expect(events).toEqual([]); // the record could still grow
    appendFileSync(s.file("backend"), "JsonType.BackendServerSideException: 504 - gateway timeout\n");
    await settle(tailer);
    expect(events).toMatchObject([{ kind: "server-side-exception", code: 504, name: "HTTPGatewayTimeout" }]);
  });

  it("a partial last line waits for its newline", async () => {
    const s = session("2025.03.14_21-00-00");
    writeFileSync(s.file("network-connection"), "");
    const { tailer, events } = makeTailer();
    await tailer.poll();
    const line = rec("network-connection", "Timeout: Messages timed out after not receiving any message for 5000ms (address: 1.2.3.4:17000)", "Error");
    appendFileSync(s.file("network-connection"), line.slice(0, 40));
    await settle(tailer);
    expect(events).toEqual([]);
    appendFileSync(s.file("network-connection"), line.slice(40));
    await settle(tailer);
    expect(events).toMatchObject([{ kind: "raid-timeout", afterMs: 5000, address: "1.2.3.4:17000" }]);
  });

  it("decodes multi-byte UTF-8 split across reads", async () => {
    const s = session("2025.03.14_21-00-00");
    writeFileSync(s.file("application"), "");
    const { tailer, events } = makeTailer({ maxReadBytes: 7 });
    await tailer.poll();
    appendFileSync(s.file("application"), rec("application", "TRACE-NetworkGameCreate profileStatus: 'RaidMode: Online, Ip: 1.2.3.4, Port: 17000, Location: Развязка, Sid: RU-MOW01G001_x'"));
    for (let i = 0; i < 60; i++) await tailer.poll();
    expect(events).toMatchObject([{ kind: "raid-assigned", location: "Развязка", datacenter: "RU-MOW01" }]);
  });

  it("switches to a new session folder, finishing the old one first", async () => {
    const a = session("2025.03.14_21-00-00");
    writeFileSync(a.file("backend"), "");
    const { tailer, events } = makeTailer();
    await tailer.poll();
    appendFileSync(a.file("backend"), netError("last-words.escapefromtarkov.com"));
    // The game restarts: a newer folder appears with content already in it (all of it is live).
    const b = session("2025.03.14_22-30-00");
    writeFileSync(b.file("application"), rec("application", "Session mode: Pve"));
    writeFileSync(b.file("backend"), netError("gw-pve-01.escapefromtarkov.com"));
    await settle(tailer);
    expect(tailer.session?.folder).toBe(`log_2025.03.14_22-30-00_${VER}`);
    expect(events.map((e) => e.kind)).toEqual(["backend-error", "session-start", "session-mode", "backend-error"]);
    expect(events[0]).toMatchObject({ host: "last-words.escapefromtarkov.com" });
    expect(events[3]).toMatchObject({ host: "gw-pve-01.escapefromtarkov.com" });
  });

  it("reads a channel file that appears later from its start", async () => {
    const s = session("2025.03.14_21-00-00");
    writeFileSync(s.file("application"), rec("application", "Session mode: Regular"));
    const { tailer, events } = makeTailer();
    await tailer.poll();
    writeFileSync(s.file("network-connection"), rec("network-connection", "Connect (address: 1.2.3.4:17000)") + rec("network-connection", "Enter to the 'Connected' state (address: 1.2.3.4:17000, syn: False, asc: True)"));
    await settle(tailer);
    expect(events.map((e) => e.kind)).toEqual(["raid-connect", "raid-connected"]);
    expect(tailer.raidState.phase).toBe("in-raid");
    expect(tailer.busy).toBe(true);
  });

  it("follows rotation to a higher-index file", async () => {
    const s = session("2025.03.14_21-00-00");
    writeFileSync(s.file("backend"), "");
    const { tailer, events } = makeTailer();
    await tailer.poll();
    appendFileSync(s.file("backend"), netError("first.escapefromtarkov.com"));
    writeFileSync(join(s.dir, `2025.03.14_21-00-00_${VER} backend_001.log`), netError("second.escapefromtarkov.com"));
    await settle(tailer);
    expect(events.map((e) => (e.kind === "backend-error" ? e.host : e.kind))).toEqual(["first.escapefromtarkov.com", "second.escapefromtarkov.com"]);
  });

  it("handles truncation by reading again from the start", async () => {
    const s = session("2025.03.14_21-00-00");
    writeFileSync(s.file("backend"), rec("backend", "cache: mis-matched, old etag:a, new etag:b").repeat(20));
    const { tailer, events } = makeTailer();
    await settle(tailer);
    truncateSync(s.file("backend"), 0);
    appendFileSync(s.file("backend"), netError("after-truncate.escapefromtarkov.com"));
    await settle(tailer);
    expect(events).toMatchObject([{ kind: "backend-error", host: "after-truncate.escapefromtarkov.com" }]);
  });

  it("waits for a logs folder that does not exist yet, warning once", async () => {
    rmSync(root, { recursive: true, force: true });
    const { tailer, events, warnings } = makeTailer();
    await tailer.poll();
    await tailer.poll();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/not readable yet/);
    mkdirSync(root, { recursive: true });
    const s = session("2025.03.14_21-00-00");
    writeFileSync(s.file("backend"), "");
    await tailer.poll();
    appendFileSync(s.file("backend"), netError());
    await settle(tailer);
    expect(events.map((e) => e.kind)).toEqual(["backend-error"]);
  });

  it("keeps going when a file cannot be read for a while", async () => {
    const s = session("2025.03.14_21-00-00");
    writeFileSync(s.file("backend"), "");
    let failing = false;
    const fs: TailFsPort = {
      ...nodeTailFs,
      read: (p, pos, len) => (failing ? Promise.reject(Object.assign(new Error("locked"), { code: "EBUSY" })) : nodeTailFs.read(p, pos, len)),
    };
    const { tailer, events, warnings } = makeTailer({ fs });
    await tailer.poll();
    failing = true;
    appendFileSync(s.file("backend"), netError());
    await settle(tailer);
    await tailer.poll();
    expect(events).toEqual([]);
    expect(warnings.filter((w) => w.includes("EBUSY"))).toHaveLength(1);
    failing = false;
    await settle(tailer);
    expect(events.map((e) => e.kind)).toEqual(["backend-error"]);
  });

  it("skips garbage lines without stopping", async () => {
    const s = session("2025.03.14_21-00-00");
    writeFileSync(s.file("backend"), "");
    const { tailer, events } = makeTailer();
    await tailer.poll();
    appendFileSync(s.file("backend"), "\u0000\u0000binary junk\n" + "2025-13-99 nonsense|x\n" + netError());
    await settle(tailer);
    expect(events.map((e) => e.kind)).toEqual(["backend-error"]);
  });

  it("is cheap when idle: only stats, no listing, no reading", async () => {
    const s = session("2025.03.14_21-00-00");
    for (const c of ["backend", "application", "network-connection", "push-notifications"]) writeFileSync(s.file(c), rec(c === "backend" ? "backend" : "application", "x"));
    const calls: string[] = [];
    const fs: TailFsPort = {
      list: (d) => (calls.push("list"), nodeTailFs.list(d)),
      stat: (p) => (calls.push("stat"), nodeTailFs.stat(p)),
      read: (p, a, b) => (calls.push("read"), nodeTailFs.read(p, a, b)),
    };
    const { tailer } = makeTailer({ fs, rescanMs: 60_000 });
    await settle(tailer);
    calls.length = 0;
    await tailer.poll();
    expect(calls.every((c) => c === "stat")).toBe(true);
    expect(calls.length).toBeLessThanOrEqual(6);
  });

  it("seeds the raid state from the recent past without replaying it as events", async () => {
    const s = session("2025.03.14_21-00-00");
    writeFileSync(
      s.file("application"),
      rec("application", "MatchingCompleted") +
        rec("application", "TRACE-NetworkGameCreate profileStatus: 'Profileid: 5f1e2d3c4b5a69788796a5b4, Status: Busy, RaidMode: Online, Ip: 9.8.7.6, Port: 17001, Location: Woods, Sid: EU-FRA01G002_x, shortId: ABC'"),
    );
    writeFileSync(s.file("network-connection"), rec("network-connection", "Connect (address: 9.8.7.6:17001)") + rec("network-connection", "Enter to the 'Connected' state (address: 9.8.7.6:17001)"));
    const changes: string[] = [];
    const { tailer, events } = makeTailer({ onRaidPhase: (c) => changes.push(`${c.from}->${c.to} ${c.source}`) });
    await settle(tailer);
    expect(events).toEqual([]);
    // Said once, so scripts (and the toast hold) know a raid is already under way.
    expect(changes).toEqual(["idle->in-raid start-up: network-connection: Enter to the 'Connected' state"]);
    expect(tailer.raidState).toMatchObject({ phase: "in-raid", server: { ip: "9.8.7.6", port: 17001, location: "Woods", datacenter: "EU-FRA01" } });
    appendFileSync(s.file("network-connection"), rec("network-connection", "Enter to the 'Disconnected' state (address: 9.8.7.6:17001, reason: 0)"));
    await settle(tailer);
    expect(changes.slice(1)).toEqual(["in-raid->idle network-connection: Enter to the 'Disconnected' state"]);
    expect(tailer.busy).toBe(false);
  });

  it("recentHistory summarises the session's tail", async () => {
    const s = session("2025.03.14_21-00-00");
    writeFileSync(
      s.file("backend"),
      rec("backend", "---> Request HTTPS, id [1]: URL: https://gw-pvp-01.escapefromtarkov.com/client/items") + netError() + netError() + rec("backend", "---> Request HTTPS, id [2]: URL: https://tracker.example.org/x"),
    );
    writeFileSync(s.file("application"), rec("application", "Session mode: PvpSeason"));
    writeFileSync(s.file("push-notifications"), rec("push-notifications", "NotificationManager: new params received url:  ws:wss://wsn-pvp-season-01.escapefromtarkov.com/push/notifier/getwebsocket/6650a1b2c3d4e5f60718293a"));
    const { tailer, events } = makeTailer();
    await settle(tailer);
    const h = await tailer.recentHistory();
    expect(events).toEqual([]);
    expect(h).toMatchObject({ session: `log_2025.03.14_21-00-00_${VER}`, version: VER, mode: "pvp-season", counts: { "backend-error": 2, "backend-request": 2 } });
    expect(h.notable.map((e) => e.kind)).toEqual(["backend-error", "backend-error"]);
    expect(h.hosts).toEqual(
      expect.arrayContaining([
        { host: "gw-pvp-01.escapefromtarkov.com", role: "gateway" },
        { host: "wsn-pvp-season-01.escapefromtarkov.com", role: "websocket" },
      ]),
    );
    expect(h.hosts).toHaveLength(2);
    expect(JSON.stringify(h)).not.toContain("6650a1b2c3d4e5f60718293a");
  });

  it("start() polls on its own; nothing is emitted after stop()", async () => {
    const s = session("2025.03.14_21-00-00");
    writeFileSync(s.file("backend"), "");
    // Wait for the backend FILE to be attached, not for the session: the session is set one step before the files'
    // start offsets are taken (at their end: existing lines are history), so a line appended in between was skipped
    // as history — seen under load. (vi.waitFor's 1 s default is also too short for a 20 ms poll timer there.)
    const attached: string[] = [];
    const log = { debug: (m: string, meta?: Record<string, unknown>) => void (m === "tailing game log" && attached.push(String(meta?.channel))), info() {}, warn() {} };
    const { tailer, events } = makeTailer({ pollMs: 20, log });
    tailer.start();
    await vi.waitFor(() => expect(attached).toContain("backend"), { timeout: 10_000 });
    appendFileSync(s.file("backend"), netError());
    await vi.waitFor(() => expect(events.map((e) => e.kind)).toEqual(["backend-error"]), { timeout: 10_000 });
    tailer.stop();
    appendFileSync(s.file("backend"), netError());
    // "Nothing after stop()": six poll periods. Load can only make this window miss a late emit, never fail a correct tailer.
    await new Promise((r) => setTimeout(r, 120));
    expect(events).toHaveLength(1);
  });
});

it("summarizeHistory keeps only the last notable events", () => {
  const e = (i: number): GameLogEvent => ({ kind: "raid-timeout", at: "x", epochMs: i, channel: "network-connection", address: null, afterMs: i, what: "messages" });
  const h = summarizeHistory([3, 1, 2].map(e), null, 2);
  expect(h.notable.map((x) => x.epochMs)).toEqual([2, 3]);
  expect(h.counts).toEqual({ "raid-timeout": 3 });
});
