/**
 * A corpus of REAL Escape from Tarkov log lines, quoted in public projects, next to what the agent makes of them.
 * Our own fixtures (eft-log.test.ts) agree with our parser by construction; these do not. Each sample carries its
 * provenance: repository, path and commit it was read from (or, where the index did not name a repository, how it
 * was found). Where a source gives only a marker (a parser's `Contains(...)`), the line is that marker in the
 * documented envelope and says so. Ids and tokens are the source's own (already public, or placeholders there); the
 * last tests check that none of them reaches an event or the evidence.
 */
import { describe, expect, it } from "vitest";
import {
  RaidStateTracker,
  classifyRecord,
  parseEvents,
  parseRecords,
  shouldDiagnose,
  toEvidence,
  type GameLogEvent,
  type RaidPhase,
} from "../../src/core/eft-log.js";

type Row = [name: string, line: string, want: Partial<GameLogEvent> | null];

/** The one event a real record becomes (or null). */
function classify(line: string, file?: "traces"): GameLogEvent | null {
  const recs = parseRecords(line);
  expect(recs).toHaveLength(1);
  return classifyRecord(recs[0]!, file);
}

// josephjang/TarkovHelper docs/eft-log-patterns.md @a214a95a (real lines of a 1.0.0.2.42157 client; the same
// lines are in Zeliper/Tarkov-Item-Helper TarkovHelper/eft_log_patterns.md @ef71936b).
const TH = {
  connect: "2025-12-02 21:50:53.159|1.0.0.2.42157|Info|network-connection|Connect (address: 104.200.159.98:17001)",
  disconnect: "2025-12-02 22:00:45.851|1.0.0.2.42157|Info|network-connection|Disconnect (address: 104.200.159.98:17001)",
  statistics:
    "2025-12-02 22:00:45.851|1.0.0.2.42157|Info|network-connection|Statistics (address: 104.200.159.98:17001, rtt: 182.75, lose: -1.164153E-10, sent: 71065, received: 49602)",
  scenePreset: "2025-12-02 21:48:09.835|1.0.0.2.42157|Info|application|scene preset path:maps/shopping_mall.bundle rcid:Shopping_Mall.ScenesPreset.asset",
  gameCreate:
    "2025-12-02 21:50:53.106|1.0.0.2.42157|Debug|application|TRACE-NetworkGameCreate profileStatus: 'Profileid: 69193861844e4f097e00ec2e, Status: Busy, RaidMode: Online, Ip: 104.200.159.98, Port: 17001, Location: Interchange, Sid: US-DAL03G010_692ee0420a302012001058bd_02.12.25_15-49-06, GameMode: deathmatch, shortId: RTCSZQ'",
  sessionPve: "2025-12-03 03:26:23.888|1.0.0.2.42157|Info|application|Session mode: Pve",
  matchingSolo: "2025-12-07 01:23:36.685|1.0.0.2.42157|Debug|application|Matching with group id:",
  matchingParty: "2025-12-07 17:00:00.514|1.0.0.2.42157|Debug|application|Matching with group id: 13759600",
  transitStart: "2025-12-03 03:52:34.311|1.0.0.2.42157|Info|application|[Transit] Flag:Common, RaidId:692f357049044ebb070b72e0, Count:0, Locations:factory4_day ->",
  transitEnd: "2025-12-15 21:59:25.360|1.0.0.5.42334|Info|application|[Transit] `6655cef5899e7271740f41dc` Count:0, EventPlayer:False",
  threadLimit: "2025-11-16 21:42:17.095|1.0.0.0.41760|Error|network-connection|Thread processing exceeded the limit [2083/2000]",
};

// DooDesch/TarkovLogsLib docs/logtype_*.md @3fd09190 (examples from real 1.0.0.x logs; the author normalised some
// values and replaced ids with <id>/<token>).
const DD = {
  request: "2025-12-08 15:01:56.925|1.0.0.2.42157|Info|backend|---> Request HTTPS, id [1]: URL: https://prod-04.escapefromtarkov.com/client/menu/locale/en, crc: .",
  response: "2025-12-08 15:01:57.292|1.0.0.2.42157|Info|backend|<--- Response HTTPS, id [2]: URL: https://prod-04.escapefromtarkov.com/client/game/mode, crc: , responseText:",
  itemsMoving:
    "2025-12-01 16:03:10.100|1.0.0.2.42157|Error|backend|<--- Response HTTPS, id [294]: Exception occured: 228, BackendServerSideException: 228 - ItemsMoving[Move]: can't move item <id> in item <container>[slot: hideout], URL: .../client/game/profile/items/moving",
  retryDns:
    "2025-12-03 20:05:33.000|1.0.0.2.42157|Warn|backend|Request https://gw-pve-01.escapefromtarkov.com/client/game/keepalive will be retried after 46.5 sec, retry:1 from retries:5 ... error:Backend error: Cannot resolve destination host",
  connect: "2025-12-08 15:17:56.230|1.0.0.2.42157|Info|network-connection|Connect (address: 79.127.215.167:17002)",
  connected: "2025-12-08 15:17:56.230|1.0.0.2.42157|Info|network-connection|Enter to the 'Connected' state (address: 79.127.215.167:17002, syn: False, asc: True)",
  timeout: "2025-12-06 21:05:10.100|1.0.0.2.42157|Error|network-connection|Timeout: Messages timed out after not receiving any message for 3006ms (address: 92.204.161.42:17013)",
  wsParams:
    "2025-12-08 15:02:13.954|1.0.0.2.42157|Info|push-notifications|NotificationManager: new params received url:  ws:wss://wsn-pve-01.escapefromtarkov.com/push/notifier/getwebsocket/<token>",
  chatMessage: "2025-11-16 10:18:31.574 +01:00|1.0.0.0.41760|Info|push-notifications|Got notification | ChatMessageReceived",
  ping: "2025-12-08 15:04:57.195|1.0.0.2.42157|Info|push-notifications|NotificationManager.ProcessMessage | Received Service Notifications Ping",
  dropped: "2025-12-07 15:10:00.000|1.0.0.2.42157|Warn|push-notifications|Notification channel has been [dropped] by server error with code: 0",
  awaken: "2025-12-08 15:01:51.519|1.0.0.2.42157|Info|application|Application awaken, updateQueue:'Update'",
  matchingNoColon: "2025-12-05 18:12:10.000|1.0.0.2.42157|Info|application|Matching with group id 123456",
};

// A companion app's vitest suite of real 1.1.0.1.46911 lines (tarkovGameLogs.test.ts, found with find_string
// "|application|CompleteSelectedProfile"; the index does not name its repository). The same shapes are listed by
// tarkovtracker-org/TarkovTracker docs/eft-log-reference/EFT_LOG_EVENTS_REFERENCE.md @cde2c6a6 ("PrepareSelected
// ProfileLocally / CompleteSelectedProfile, 1.0.4.6 through 1.1.0.1") and matched by the-hideout/TarkovMonitor
// TarkovMonitor/GameWatcher.cs @dfbc45a7 (`(?:Select(?:ed)?Profile|PrepareSelectedProfileLocally) ProfileId:… AccountId:…`).
const COMPANION = {
  gameStarted: "2026-09-01 00:15:58.467|1.1.0.1.46911|Info|application|GameStarted:121.03(9.69) real:136.76(12.03) diff:15.72",
  prepare: "2026-09-01 00:23:39.306|1.1.0.1.46911|Info|application|PrepareSelectedProfileLocally ProfileId:6a747cbf7637ff24e00a67cc AccountId:14901032",
  complete: "2026-09-01 00:23:46.686|1.1.0.1.46911|Info|application|CompleteSelectedProfile ProfileId:6a747cbf7637ff24e00a67cc AccountId:14901032",
};

// Markers only: the-hideout/TarkovMonitor TarkovMonitor/GameWatcher.cs @dfbc45a7 matches these substrings
// (`Got notification | UserMatchOver`, `application|Network game matching aborted|cancelled`, `application|
// MatchingCompleted`, `application|GameStarting`); TarkovTracker's reference quotes `Local game matching
// cancelled.`, `Send disconnect (… reason:<N>)` and `Receive disconnect (…)`. The envelope around them is the
// documented one (eft-facts §5.3), the timestamps are ours.
const MARKER = {
  userMatchOver: "2026-08-03 18:47:58.120|1.1.0.0.46608|Info|push-notifications|Got notification | UserMatchOver",
  networkAborted: "2026-08-03 18:01:12.000|1.1.0.0.46608|Info|application|Network game matching aborted",
  networkCancelled: "2026-08-03 18:01:12.000|1.1.0.0.46608|Info|application|Network game matching cancelled.",
  localCancelled: "2026-08-03 18:01:12.000|1.1.0.0.46608|Info|application|Local game matching cancelled.",
  matchingCompleted: "2026-08-03 18:05:40.000|1.1.0.0.46608|Info|application|MatchingCompleted:30 real:34 diff:4",
  gameStarting: "2026-08-03 18:06:10.000|1.1.0.0.46608|Info|application|GameStarting:101.05(11.38) real:111.9(12.02) diff:10.84",
  sendDisconnect: "2026-08-03 18:47:58.000|1.0.6.0.46010|Info|network-connection|Send disconnect (address: 79.127.215.167:17002, reason:0)",
  receiveDisconnect: "2026-08-03 18:47:58.000|1.0.6.0.46010|Info|network-connection|Receive disconnect (address: 79.127.215.167:17002)",
  disconnected: "2026-08-03 18:47:58.001|1.0.6.0.46010|Info|network-connection|Enter to the 'Disconnected' state (address: 79.127.215.167:17002, reason: 0)",
};

// Push `UserConfirmed` with its payload, as Tarkov.LogParser's tests quote it (GeneralEntryParserTests.cs,
// "Copyright (c) 2023 Timothy Schenk", found with find_string "Got notification | UserConfirmed"; the index does
// not name its repository). Field names match SPT's IWsUserConfirmed (zu-superman/spt-server
// project/src/models/eft/ws/IWsUserConfirmed.ts @0368a230). The ids there are placeholders.
const USER_CONFIRMED_2024 = [
  "2024-01-14 10:22:05.846 +01:00|Info|push-notifications|Got notification | UserConfirmed",
  "{",
  '  "type": "userConfirmed",',
  '  "eventId": "abcdef01234567890abcdef0",',
  '  "profileid": "abcdef01234567890abcdef0",',
  '  "profileToken": "abcdef01234567890abcdef012345678",',
  '  "status": "Busy",',
  '  "ip": "74.119.145.122",',
  '  "port": 17003,',
  '  "sid": "74.119.145.122-17003_PID_14.01.24_09.03.32",',
  '  "version": "live",',
  '  "location": "bigmap",',
  '  "raidMode": "Online",',
  '  "mode": "deathmatch",',
  '  "shortId": "123A4B",',
  '  "additional_info": []',
  "}",
].join("\n");

// The same payload shape with a current `Sid` (data centre prefix, as in TarkovHelper's TRACE-NetworkGameCreate
// above); values are ours, from the documentation address range.
const USER_CONFIRMED_DC = USER_CONFIRMED_2024.replace("2024-01-14 10:22:05.846 +01:00|", "2026-09-01 19:51:04.641|1.1.0.1.46911|")
  .replace('"ip": "74.119.145.122"', '"ip": "203.0.113.44"')
  .replace('"sid": "74.119.145.122-17003_PID_14.01.24_09.03.32"', '"sid": "EU-FRA02G004_6a8632b90000000000000001_01.09.26_19-51-00"');

const rows: Row[] = [
  // ---- the raid's end, as real raids end --------------------------------------------------------------------
  ["TarkovHelper: Disconnect closes the raid link", TH.disconnect, { kind: "raid-disconnected", marker: "Disconnect", address: "104.200.159.98:17001", reason: null }],
  ["TarkovMonitor marker: push UserMatchOver", MARKER.userMatchOver, { kind: "raid-ended", marker: "UserMatchOver", channel: "push-notifications" }],
  ["companion: PrepareSelectedProfileLocally (back to the menu)", COMPANION.prepare, { kind: "menu-return", marker: "PrepareSelectedProfileLocally" }],
  ["companion: CompleteSelectedProfile (back to the menu)", COMPANION.complete, { kind: "menu-return", marker: "CompleteSelectedProfile" }],
  ["TarkovTracker marker: Send disconnect", MARKER.sendDisconnect, { kind: "raid-disconnected", marker: "Send disconnect", reason: 0 }],
  ["TarkovTracker marker: Receive disconnect", MARKER.receiveDisconnect, { kind: "raid-disconnected", marker: "Receive disconnect", reason: null }],
  ["TarkovTracker marker: Enter to the 'Disconnected' state", MARKER.disconnected, { kind: "raid-disconnected", marker: "Enter to the 'Disconnected' state", reason: 0 }],
  // ---- matching and the start of a raid ---------------------------------------------------------------------
  ["TarkovHelper: solo matching", TH.matchingSolo, { kind: "matching-started", marker: "Matching with group id" }],
  ["TarkovHelper: party matching (the group id is not kept)", TH.matchingParty, { kind: "matching-started", marker: "Matching with group id" }],
  ["DooDesch: matching without a colon", DD.matchingNoColon, { kind: "matching-started" }],
  ["TarkovMonitor marker: MatchingCompleted", MARKER.matchingCompleted, { kind: "matching-completed" }],
  ["TarkovMonitor marker: Network game matching aborted", MARKER.networkAborted, { kind: "matching-aborted" }],
  ["TarkovMonitor marker: Network game matching cancelled.", MARKER.networkCancelled, { kind: "matching-aborted" }],
  ["TarkovTracker marker: Local game matching cancelled.", MARKER.localCancelled, { kind: "matching-aborted", marker: "Local game matching cancelled" }],
  [
    "TarkovHelper: TRACE-NetworkGameCreate names the raid server (Debug level)",
    TH.gameCreate,
    { kind: "raid-assigned", source: "application", ip: "104.200.159.98", port: 17001, location: "Interchange", raidMode: "Online", datacenter: "US-DAL03" },
  ],
  ["TarkovHelper: Connect", TH.connect, { kind: "raid-connect", marker: "Connect", address: "104.200.159.98:17001" }],
  ["DooDesch: Connected", DD.connected, { kind: "raid-connected", address: "79.127.215.167:17002" }],
  ["TarkovMonitor marker: GameStarting", MARKER.gameStarting, { kind: "raid-started", marker: "GameStarting" }],
  ["companion: GameStarted", COMPANION.gameStarted, { kind: "raid-started", marker: "GameStarted" }],
  // ---- link health ------------------------------------------------------------------------------------------
  [
    "TarkovHelper: Statistics with loss printed as -1.164153E-10 is 0 %",
    TH.statistics,
    { kind: "raid-statistics", rtt: 182.75, lose: 0, lossPercent: 0, sent: 71065, received: 49602 },
  ],
  ["DooDesch: message timeout", DD.timeout, { kind: "raid-timeout", what: "messages", afterMs: 3006, address: "92.204.161.42:17013" }],
  // ---- backend ------------------------------------------------------------------------------------------------
  ["DooDesch: request (crc: . is not part of the URL)", DD.request, { kind: "backend-request", host: "prod-04.escapefromtarkov.com", url: "https://prod-04.escapefromtarkov.com/client/menu/locale/en" }],
  ["DooDesch: response", DD.response, { kind: "backend-response", host: "prod-04.escapefromtarkov.com" }],
  ["DooDesch: 228 is ItemsMoving, not a connectivity error", DD.itemsMoving, { kind: "server-side-exception", code: 228, name: "ItemsMoving", category: "inventory", connectivity: false }],
  [
    "DooDesch: a retry keeps its reason",
    DD.retryDns,
    { kind: "backend-retry", host: "gw-pve-01.escapefromtarkov.com", retry: 1, of: 5, afterSec: 46.5, reason: "Backend error: Cannot resolve destination host", reasonKind: "dns" },
  ],
  // ---- notifications: event names only ------------------------------------------------------------------------
  ["DooDesch: notification channel host", DD.wsParams, { kind: "websocket-host", host: "wsn-pve-01.escapefromtarkov.com" }],
  ["DooDesch: channel dropped by the server", DD.dropped, { kind: "websocket-error", host: null }],
  ["DooDesch: a chat notification is not ours", DD.chatMessage, null],
  ["DooDesch: service ping", DD.ping, null],
  // ---- lines that are not events ------------------------------------------------------------------------------
  ["TarkovHelper: session mode", TH.sessionPve, { kind: "session-mode", mode: "pve" }],
  ["TarkovHelper: scene preset (map load; also the hideout's) is not a phase marker", TH.scenePreset, null],
  ["TarkovHelper: transit start", TH.transitStart, null],
  ["TarkovHelper: transit summary carries a profile id", TH.transitEnd, null],
  ["TarkovHelper: thread processing limit", TH.threadLimit, null],
  ["DooDesch: application awaken", DD.awaken, null],
];

describe("real lines", () => {
  it.each(rows)("%s", (_name, line, want) => {
    const e = classify(line);
    if (want === null) expect(e).toBeNull();
    else expect(e).toMatchObject(want);
  });

  it("push UserConfirmed names the raid server: address, port, map and data centre only", () => {
    expect(classify(USER_CONFIRMED_2024)).toEqual({
      kind: "raid-assigned",
      marker: "UserConfirmed",
      source: "push-notifications",
      at: "2024-01-14 10:22:05.846",
      epochMs: Date.UTC(2024, 0, 14, 9, 22, 5, 846),
      channel: "push-notifications",
      ip: "74.119.145.122",
      port: 17003,
      location: "bigmap",
      raidMode: "Online",
      // The 2024 `sid` is `<ip>-<port>_PID_<date>`: no data centre in it.
      datacenter: null,
    });
    expect(classify(USER_CONFIRMED_DC)).toMatchObject({ ip: "203.0.113.44", port: 17003, datacenter: "EU-FRA02", location: "bigmap" });
  });

  it("0.16.x traces.log: only the raid server is read from it (TarkovSpawnNotifier reads `*traces*.log` for it)", () => {
    // advancedbear/TarkovSpawnNotifier TarkovSpawnNotifier.ps1 @1b7897ba tails `$latest\*traces*.log` and takes
    // `Location: (.*?),` and `Ip: (\d+\.\d+\.\d+\.\d+)` from its `profileStatus` line; the line is TarkovHelper's.
    expect(classify(TH.gameCreate, "traces")).toMatchObject({ kind: "raid-assigned", source: "traces", channel: "traces", ip: "104.200.159.98", datacenter: "US-DAL03" });
    // Anything else in that umbrella file would be a second copy of another channel's line.
    expect(classify(TH.matchingSolo, "traces")).toBeNull();
    expect(classify(DD.retryDns, "traces")).toBeNull();
  });

  it("the decompiled client's error record keeps its error text as the reason, and a DNS reason is a trigger", () => {
    // Format string from a decompiled EFT backend client (Class320.method_0, found with find_string
    // "Error! HTTPS: {0}"): "<--- Error! HTTPS: {0}, isNetworkError:{1}, isHttpError:{2}, responseCode:{3}\n
    // responseHeaders:{4}\nerror text: {5}", {5} being UnityWebRequest.error.
    const text = [
      "2025-12-03 20:05:21.440|1.0.0.2.42157|Error|backend|<--- Error! HTTPS: https://gw-pve-01.escapefromtarkov.com/client/game/keepalive, isNetworkError:True, isHttpError:False, responseCode:0",
      " responseHeaders:",
      "error text: Cannot resolve destination host",
    ].join("\n");
    const [e] = parseEvents(text);
    expect(e).toMatchObject({ kind: "backend-error", isNetworkError: true, responseCode: 0, reason: "Cannot resolve destination host", reasonKind: "dns" });
    expect(shouldDiagnose(e!)).toBe(true);
    expect(toEvidence(e!)).toEqual({
      kind: "game-log",
      text: "Game log 20:05:21: request to gw-pve-01.escapefromtarkov.com failed (network error: Cannot resolve destination host)",
      code: "DNS_ERROR",
    });
  });

  it("a first retry is a trigger when its reason is DNS, and the reason reaches the evidence", () => {
    const [e] = parseEvents(DD.retryDns);
    expect(shouldDiagnose(e!)).toBe(true);
    expect(toEvidence(e!)).toMatchObject({ text: expect.stringContaining("Backend error: Cannot resolve destination host"), code: "DNS_ERROR" });
  });

  it("`responseCode:{BadGateway}` (a status name) parses as 502 and triggers", () => {
    for (const code of ["{BadGateway}", "BadGateway"]) {
      const [e] = parseEvents(`2026-02-11 19:31:02.118|1.0.1.0.42625|Error|backend|<--- Error! HTTPS: https://gw-pvp-01.escapefromtarkov.com/client/game/start, responseCode:${code}`);
      expect(e).toMatchObject({ kind: "backend-error", responseCode: 502 });
      expect(shouldDiagnose(e!)).toBe(true);
      expect(toEvidence(e!).code).toBe("HTTP_5XX");
    }
  });

  it("a 1.1 request URL ending with '.' (eft-facts §5.6b) keeps its route", () => {
    const [e] = parseEvents("2026-08-29 10:00:00.000|1.1.0.1.46911|Info|backend|---> Request HTTPS, id [3]: URL: https://gw-pvp-season-01.escapefromtarkov.com/client/game/start.");
    expect(e).toMatchObject({ kind: "backend-request", host: "gw-pvp-season-01.escapefromtarkov.com", url: "https://gw-pvp-season-01.escapefromtarkov.com/client/game/start" });
  });

  it("a real session's raid, start to end, walks the phases on real markers alone", () => {
    const steps: Array<[string, RaidPhase]> = [
      [TH.matchingSolo, "matching"],
      [TH.gameCreate, "matching"],
      [TH.connect, "matching"],
      ["2025-12-02 21:50:53.200|1.0.0.2.42157|Info|network-connection|Enter to the 'Connected' state (address: 104.200.159.98:17001, syn: False, asc: True)", "in-raid"],
      [TH.disconnect, "idle"],
    ];
    const tr = new RaidStateTracker();
    for (const [line, phase] of steps) {
      tr.update(parseEvents(line)[0]!);
      expect(tr.state.phase).toBe(phase);
    }
    // A local (PvE) raid has no raid server link: it ends when the menu comes back.
    tr.update(parseEvents(COMPANION.gameStarted)[0]!);
    expect(tr.state.phase).toBe("in-raid");
    tr.update(parseEvents(COMPANION.prepare)[0]!);
    expect(tr.state.phase).toBe("idle");
  });

  it("hostile notifications: only UserConfirmed's own keys are read, and only values that look like them", () => {
    // A group notification carries raid settings and whole profiles (TarkovTracker's field dictionary lists `ip`,
    // `location`, `Nickname`, inventories for push-notifications): its payload is never read, whatever it holds.
    const group = [
      "2026-09-01 19:28:03.221|1.1.0.1.46911|Info|push-notifications|Got notification | GroupMatchRaidSettings",
      '{ "type": "groupMatchRaidSettings", "ip": "198.51.100.7", "port": 17009, "location": "Woods", "Nickname": "Teammate" }',
    ].join("\n");
    expect(parseEvents(group)).toEqual([]);
    // A UserConfirmed whose values are not what they should be gives no server (or no map), never the raw text.
    const hostile = USER_CONFIRMED_DC.replace('"location": "bigmap"', '"location": "<script>alert(1)</script>"');
    expect(classify(hostile)).toMatchObject({ ip: "203.0.113.44", location: null });
    expect(classify(USER_CONFIRMED_DC.replace('"ip": "203.0.113.44"', '"ip": "evil.example; rm -rf /"'))).toBeNull();
    // A name that only looks like ours does not count (`UserMatchOverride`), and nothing past the name is read.
    expect(parseEvents("2026-09-01 19:51:06.133|1.1.0.1.46911|Info|push-notifications|Got notification | UserMatchOverride")).toEqual([]);
  });

  it("no profile id, account id, group id, token, session id or short id reaches an event or the evidence", () => {
    const all = [...Object.values(TH), ...Object.values(DD), ...Object.values(COMPANION), ...Object.values(MARKER), USER_CONFIRMED_2024, USER_CONFIRMED_DC].join("\n");
    const events = parseEvents(all);
    expect(events.length).toBeGreaterThan(25);
    const dump = JSON.stringify(events) + JSON.stringify(events.map(toEvidence));
    for (const secret of [
      "69193861844e4f097e00ec2e",
      "6655cef5899e7271740f41dc",
      "692f357049044ebb070b72e0",
      "6a747cbf7637ff24e00a67cc",
      "14901032",
      "13759600",
      "abcdef01234567890abcdef012345678",
      "abcdef01234567890abcdef0",
      "692ee0420a302012001058bd",
      "RTCSZQ",
      "123A4B",
      "PID_14.01.24",
      "<token>",
      "<container>",
    ]) {
      expect(dump, secret).not.toContain(secret);
    }
  });
});
