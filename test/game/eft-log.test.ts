import { describe, expect, it } from "vitest";
import {
  RaidStateTracker,
  RecordAssembler,
  classifyRecord,
  describeServerCode,
  initialRaidState,
  modeFromHost,
  nextRaidState,
  observedHost,
  parseEvents,
  parseRecordHead,
  parseRecords,
  redactUrl,
  shouldDiagnose,
  toEvidence,
  type GameLogEvent,
  type RaidPhase,
} from "../../src/core/eft-log.js";

const V = "1.0.6.5.46221";
const PROFILE = "5f1e2d3c4b5a69788796a5b4";
const CHANNEL_ID = "6650a1b2c3d4e5f60718293a";
/** A current-format record line. */
const cur = (channel: string, msg: string, level = "Info", ts = "2025-03-14 21:04:11.123"): string => `${ts}|${V}|${level}|${channel}|${msg}`;

describe("record heads: all three envelopes", () => {
  it.each([
    ["current", `2025-03-14 21:04:11.123|${V}|Info|backend|hello`, { offset: null, version: V, level: "Info", channel: "backend", message: "hello" }],
    ["older, with offset", `2025-03-14 21:04:11.123 +03:00|${V}|Error|backend|x|y`, { offset: "+03:00", version: V, level: "Error", channel: "backend", message: "x|y" }],
    ["0.16.x / Arena, no version", "2025-03-14 21:04:11.123 +01:00|Warn|network-connection|Timeout", { offset: "+01:00", version: null, level: "Warn", channel: "network-connection", message: "Timeout" }],
    ["no version, no offset", "2025-03-14 21:04:11.123|Debug|application|GameStarted", { offset: null, version: null, level: "Debug", channel: "application", message: "GameStarted" }],
  ])("%s", (_name, line, want) => {
    const head = parseRecordHead(line);
    expect(head).toMatchObject({ at: "2025-03-14 21:04:11.123", ...want });
  });

  it("uses the offset for the epoch when present", () => {
    expect(parseRecordHead("2025-03-14 21:04:11.123 +03:00|Info|backend|x")!.epochMs).toBe(Date.UTC(2025, 2, 14, 18, 4, 11, 123));
    expect(parseRecordHead("2025-03-14 21:04:11.123 -05:30|Info|backend|x")!.epochMs).toBe(Date.UTC(2025, 2, 15, 2, 34, 11, 123));
    expect(parseRecordHead("2025-03-14 21:04:11.123|Info|backend|x")!.epochMs).toBe(new Date(2025, 2, 14, 21, 4, 11, 123).getTime());
  });

  it.each([["{"], ["   at EFT.Foo.Bar()"], ["2025-03-14 garbage"], [""], ["responseText:"]])("%j is not a head", (line) => {
    expect(parseRecordHead(line)).toBeNull();
  });
});

describe("continuation lines", () => {
  it("attach to the previous record; an orphan continuation is dropped", () => {
    const text = [
      "orphan line from a record we started in the middle of",
      cur("backend", "<--- Response HTTPS, id [7]: URL: https://gw-pvp-01.escapefromtarkov.com/client/items, SumSeconds:0.1, responseText:"),
      "{",
      '  "err": 0',
      "}",
      cur("application", "GameStarted"),
    ].join("\r\n");
    const recs = parseRecords(text);
    expect(recs).toHaveLength(2);
    expect(recs[0]!.continuation).toEqual(["{", '  "err": 0', "}"]);
    expect(recs[1]!.message).toBe("GameStarted");
  });

  it("the assembler completes a record on the next head or on flush", () => {
    const asm = new RecordAssembler();
    expect(asm.push(cur("application", "A"))).toBeNull();
    expect(asm.push("  more")).toBeNull();
    expect(asm.push(cur("application", "B"))).toMatchObject({ message: "A", continuation: ["  more"] });
    expect(asm.hasOpenRecord).toBe(true);
    expect(asm.flush()).toMatchObject({ message: "B" });
    expect(asm.flush()).toBeNull();
  });

  it("a server exception on a continuation line is still found", () => {
    const text = [cur("backend", "Backend request failed", "Error"), "JsonType.BackendServerSideException: 502 - Bad gateway"].join("\n");
    expect(parseEvents(text)).toMatchObject([{ kind: "server-side-exception", code: 502, name: "HTTPBadGateway", connectivity: true }]);
  });
});

type Row = [string, string, Partial<GameLogEvent> | null];

const rows: Row[] = [
  [
    "backend request",
    cur("backend", "---> Request HTTPS, id [12]: URL: https://gw-pvp-01.escapefromtarkov.com/client/game/start, crc: ."),
    { kind: "backend-request", host: "gw-pvp-01.escapefromtarkov.com", url: "https://gw-pvp-01.escapefromtarkov.com/client/game/start" },
  ],
  [
    "backend response",
    cur("backend", "<--- Response HTTPS, id [12]: URL: https://gw-pvp-01.escapefromtarkov.com/client/game/start, DownloadSeconds:0.01, ParseSeconds:0.002, SumSeconds:0.314, responseText:"),
    { kind: "backend-response", host: "gw-pvp-01.escapefromtarkov.com", seconds: 0.314 },
  ],
  [
    "backend network error",
    cur("backend", "<--- Error! HTTPS: https://gw-pvp-01.escapefromtarkov.com/client/game/keepalive, result:ConnectionError, isNetworkError:True, isHttpError:False, responseCode:0", "Error"),
    { kind: "backend-error", host: "gw-pvp-01.escapefromtarkov.com", url: "https://gw-pvp-01.escapefromtarkov.com/client/game/keepalive", result: "ConnectionError", isNetworkError: true, isHttpError: false, responseCode: 0 },
  ],
  [
    "backend HTTP error with id and ProtocolError",
    cur("backend", "<--- Error! HTTPS, id [44]: URL: https://prod-03.escapefromtarkov.com/client/locations, result:ProtocolError, isNetworkError:False, isHttpError:True, responseCode:502", "Error"),
    { kind: "backend-error", host: "prod-03.escapefromtarkov.com", result: "ProtocolError", isNetworkError: false, isHttpError: true, responseCode: 502 },
  ],
  [
    "backend retry",
    cur("backend", "Request https://gw-pve-03.escapefromtarkov.com/client/game/keepalive will be retried after 5 sec, retry:2 from retries:5", "Warn"),
    { kind: "backend-retry", host: "gw-pve-03.escapefromtarkov.com", retry: 2, of: 5, afterSec: 5 },
  ],
  [
    "server-side exception",
    cur("backend", "BackendServerSideException: 9000 - UnknownNginxError", "Error"),
    { kind: "server-side-exception", code: 9000, name: "UnknownNginxError", category: "edge", connectivity: true },
  ],
  [
    "server-side exception that is not about connectivity",
    cur("backend", "BackendServerSideException: 228 - Invalid barter items", "Error"),
    { kind: "server-side-exception", code: 228, name: "ItemsMoving", category: "inventory", connectivity: false },
  ],
  [
    "nginx error page",
    cur("backend", "<--- Response HTTPS, id [9]: URL: https://gw-pvp.escapefromtarkov.com/5xx-error-landing?utm_source=nginx&utm_medium=502, SumSeconds:0.1"),
    { kind: "nginx-error-page", host: "gw-pvp.escapefromtarkov.com", url: "https://gw-pvp.escapefromtarkov.com/5xx-error-landing" },
  ],
  [
    "websocket host (push-notifications)",
    cur("push-notifications", `NotificationManager: new params received url:  ws:wss://wsn-pvp-season-01.escapefromtarkov.com/push/notifier/getwebsocket/${CHANNEL_ID}`),
    { kind: "websocket-host", host: "wsn-pvp-season-01.escapefromtarkov.com", url: "wss://wsn-pvp-season-01.escapefromtarkov.com/push/notifier/getwebsocket/[redacted]" },
  ],
  [
    "websocket host (0.16.x notifications channel, ws route with query)",
    "2024-11-02 10:00:00.000 +01:00|Info|notifications|LongPollingWebSocketRequest url: wss://wsn-02.escapefromtarkov.com/ws?index=3&lt=abcdef",
    { kind: "websocket-host", host: "wsn-02.escapefromtarkov.com", url: "wss://wsn-02.escapefromtarkov.com/ws", channel: "notifications" },
  ],
  [
    "websocket error",
    cur("push-notifications", `WebSocket handshake failed url: wss://wsn-pvp-01.escapefromtarkov.com/push/notifier/getwebsocket/${CHANNEL_ID}`, "Error"),
    { kind: "websocket-error", host: "wsn-pvp-01.escapefromtarkov.com" },
  ],
  ["session mode", cur("application", "Session mode: PvpSeason"), { kind: "session-mode", mode: "pvp-season", raw: "PvpSeason" }],
  ["session mode (regular)", cur("application", "Session mode: Regular"), { kind: "session-mode", mode: "regular" }],
  [
    "raid assigned",
    cur(
      "application",
      `TRACE-NetworkGameCreate profileStatus: 'Profileid: ${PROFILE}, Status: Busy, RaidMode: Online, Ip: 104.200.159.98, Port: 17001, Location: Interchange, Sid: US-DAL03G010_6650a1b2c3d4e5f607182939, GameMode: deathmatch, shortId: RTCSZQ'`,
    ),
    { kind: "raid-assigned", marker: "TRACE-NetworkGameCreate", source: "application", ip: "104.200.159.98", port: 17001, location: "Interchange", raidMode: "Online", datacenter: "US-DAL03" },
  ],
  ["matching completed", cur("application", "MatchingCompleted:12.5 real:13.1"), { kind: "matching-completed" }],
  ["matching started", cur("application", "Matching with group id: "), { kind: "matching-started" }],
  ["matching aborted", cur("application", "Network game matching aborted"), { kind: "matching-aborted", marker: "Network game matching aborted" }],
  ["raid started", cur("application", "GameStarting:0.1 real:0.2"), { kind: "raid-started" }],
  // No real line shows these on the application channel (eft-facts §5.6b): they are not raid markers there.
  ["OnGameSessionEnd on application is not a raid end", cur("application", "OnGameSessionEnd"), null],
  ["GameplayState on application is not a raid end", cur("application", "GameplayState: Finished"), null],
  ["raid connect", cur("network-connection", "Connect (address: 104.200.159.98:17001)"), { kind: "raid-connect", address: "104.200.159.98:17001" }],
  [
    "raid connected",
    cur("network-connection", "Enter to the 'Connected' state (address: 104.200.159.98:17001, syn: False, asc: True)"),
    { kind: "raid-connected", address: "104.200.159.98:17001" },
  ],
  [
    "raid disconnected",
    cur("network-connection", "Enter to the 'Disconnected' state (address: 104.200.159.98:17001, reason: 1)"),
    { kind: "raid-disconnected", address: "104.200.159.98:17001", reason: 1 },
  ],
  ["raid disconnected without reason", cur("network-connection", "Enter to the 'Disconnected' state (address: 1.2.3.4:17000)"), { kind: "raid-disconnected", reason: null }],
  [
    "raid timeout (messages)",
    cur("network-connection", "Timeout: Messages timed out after not receiving any message for 5000ms (address: 104.200.159.98:17001)", "Error"),
    { kind: "raid-timeout", address: "104.200.159.98:17001", afterMs: 5000, what: "messages" },
  ],
  [
    "raid timeout (connection), 0.16.x envelope",
    "2024-11-02 10:00:00.000 +01:00|Error|network-connection|Timeout: Connection timed out (address: 1.2.3.4:17000)",
    { kind: "raid-timeout", what: "connection", afterMs: null },
  ],
  [
    "raid statistics",
    cur("network-connection", "Statistics (address: 104.200.159.98:17001, rtt: 182.75, lose: 0.5, sent: 1200, received: 1188)"),
    { kind: "raid-statistics", address: "104.200.159.98:17001", rtt: 182.75, lose: 0.5, sent: 1200, received: 1188 },
  ],
  ["uninteresting backend line", cur("backend", "cache: mis-matched, old etag:abc, new etag:def"), null],
  ["uninteresting channel", cur("output", "Connect (address: 1.2.3.4:17000)"), null],
  ["uninteresting network line", cur("network-connection", "Exit to the 'Initial' state"), null],
];

describe("classification", () => {
  it.each(rows)("%s", (_name, line, want) => {
    const [rec] = parseRecords(line);
    const ev = classifyRecord(rec!);
    if (want === null) expect(ev).toBeNull();
    else expect(ev).toMatchObject(want);
  });

  it("never lets a profile id or channel id through, in events or evidence", () => {
    const text = rows.map((r) => r[1]).join("\n");
    const events = parseEvents(text);
    expect(events.length).toBeGreaterThan(20);
    const dump = JSON.stringify(events) + JSON.stringify(events.map(toEvidence));
    expect(dump).not.toContain(PROFILE);
    expect(dump).not.toContain(CHANNEL_ID);
    expect(dump).not.toMatch(/Profileid/i);
    expect(dump).not.toContain("lt=abcdef");
  });
});

describe("redactUrl", () => {
  it.each([
    ["https://gw-pvp-01.escapefromtarkov.com/client/game/profile/select", "https://gw-pvp-01.escapefromtarkov.com/client/game/profile/select"],
    [`https://prod.escapefromtarkov.com/client/trading/api/getTraderAssort/${PROFILE}`, "https://prod.escapefromtarkov.com/client/trading/api/getTraderAssort/[redacted]"],
    ["https://x.escapefromtarkov.com/a?token=secret#frag", "https://x.escapefromtarkov.com/a"],
    ["wss://wsn-01.escapefromtarkov.com/push/notifier/getwebsocket/short1", "wss://wsn-01.escapefromtarkov.com/push/notifier/getwebsocket/[redacted]"],
    ["https://X.EscapeFromTarkov.com/ABC/0f8fad5b-d9cb-469f-a165-70867728950e", "https://x.escapefromtarkov.com/ABC/[redacted]"],
  ])("%s", (url, want) => {
    expect(redactUrl(url)).toBe(want);
  });
});

describe("server codes", () => {
  it.each([
    [502, "HTTPBadGateway", true],
    [602, "SessionLost", true],
    [9001, "ParseResponseError", true],
    [526, "HTTPInvalidSSLCertificate", true],
    [201, "NotAuthorized", false],
    [502014, "PlayerIsOffline", false],
    [502007, "PlayerNotLeader", false],
    [502099, "GroupError", false],
    [123456, "Unknown", false],
  ])("%i → %s", (code, name, connectivity) => {
    expect(describeServerCode(code)).toMatchObject({ name, connectivity });
  });
});

const ev = (line: string): GameLogEvent => parseEvents(line)[0]!;

describe("shouldDiagnose, observedHost, modeFromHost", () => {
  it.each([
    ["network error", cur("backend", "<--- Error! HTTPS: https://gw-pvp-01.escapefromtarkov.com/x, result:ConnectionError, isNetworkError:True, isHttpError:False, responseCode:0"), true],
    ["HTTP 502", cur("backend", "<--- Error! HTTPS: https://gw-pvp-01.escapefromtarkov.com/x, result:ProtocolError, isNetworkError:False, isHttpError:True, responseCode:502"), true],
    ["HTTP 404", cur("backend", "<--- Error! HTTPS: https://gw-pvp-01.escapefromtarkov.com/x, result:ProtocolError, isNetworkError:False, isHttpError:True, responseCode:404"), false],
    ["first retry", cur("backend", "Request https://gw-pvp-01.escapefromtarkov.com/x will be retried after 5 sec, retry:1 from retries:5"), false],
    ["second retry", cur("backend", "Request https://gw-pvp-01.escapefromtarkov.com/x will be retried after 5 sec, retry:2 from retries:5"), true],
    ["nginx page", cur("backend", "<--- Response HTTPS, id [1]: URL: https://gw-pvp.escapefromtarkov.com/5xx-error-landing?utm_source=x"), true],
    ["502 exception", cur("backend", "BackendServerSideException: 502 - bad gateway"), true],
    ["201 exception", cur("backend", "BackendServerSideException: 201 - not authorized"), false],
    ["raid timeout", cur("network-connection", "Timeout: Connection timed out (address: 1.2.3.4:17000)"), true],
    ["disconnect reason 0", cur("network-connection", "Enter to the 'Disconnected' state (address: 1.2.3.4:17000, reason: 0)"), false],
    ["disconnect reason 1", cur("network-connection", "Enter to the 'Disconnected' state (address: 1.2.3.4:17000, reason: 1)"), true],
    ["plain request", cur("backend", "---> Request HTTPS, id [1]: URL: https://gw-pvp-01.escapefromtarkov.com/x"), false],
    ["statistics", cur("network-connection", "Statistics (address: 1.2.3.4:17000, rtt: 300, lose: 9, sent: 1, received: 1)"), false],
  ])("%s → %s", (_n, line, want) => {
    expect(shouldDiagnose(ev(line))).toBe(want);
  });

  it("hosts join the probe set only when they are BSG's", () => {
    expect(observedHost(ev(cur("backend", "---> Request HTTPS, id [1]: URL: https://gw-pvp-01.escapefromtarkov.com/x")))).toEqual({ host: "gw-pvp-01.escapefromtarkov.com", role: "gateway" });
    expect(observedHost(ev(cur("backend", "---> Request HTTPS, id [1]: URL: https://telemetry.example.net/x")))).toBeNull();
    expect(observedHost(ev(cur("push-notifications", "url: wss://wsn-pve-01.escapefromtarkov.com/ws?index=1")))).toEqual({ host: "wsn-pve-01.escapefromtarkov.com", role: "websocket" });
    expect(observedHost(ev(cur("application", "GameStarted")))).toBeNull();
  });

  it.each([
    ["gw-pvp-season-01.escapefromtarkov.com", "pvp-season"],
    ["gw-pve-03.escapefromtarkov.com", "pve"],
    ["wsn-pvp-01.escapefromtarkov.com", "regular"],
    ["prod-01.escapefromtarkov.com", "regular"],
    ["trading.escapefromtarkov.com", null],
  ])("%s → %s", (host, want) => {
    expect(modeFromHost(host)).toBe(want);
  });
});

describe("toEvidence", () => {
  it.each([
    [
      cur("backend", "<--- Error! HTTPS: https://gw-pvp-01.escapefromtarkov.com/client/game/keepalive, result:ConnectionError, isNetworkError:True, isHttpError:False, responseCode:0"),
      "Game log 21:04:11: request to gw-pvp-01.escapefromtarkov.com failed (network error, result ConnectionError)",
      undefined,
    ],
    [
      cur("backend", "<--- Error! HTTPS: https://gw-pvp-01.escapefromtarkov.com/x, result:ProtocolError, isNetworkError:False, isHttpError:True, responseCode:503"),
      "Game log 21:04:11: request to gw-pvp-01.escapefromtarkov.com failed (HTTP error 503, result ProtocolError)",
      "HTTP_5XX",
    ],
    [
      cur("backend", "BackendServerSideException: 602 - session lost"),
      "Game log 21:04:11: the backend answered error 602 SessionLost (the game session was dropped)",
      undefined,
    ],
    [
      cur("application", `TRACE-NetworkGameCreate profileStatus: 'Profileid: ${PROFILE}, Status: Busy, RaidMode: Online, Ip: 1.2.3.4, Port: 17000, Location: Customs, Sid: SG-SIN01G001_x, shortId: ABC'`),
      "Game log 21:04:11: raid server 1.2.3.4:17000 (Customs, data centre SG-SIN01) assigned",
      undefined,
    ],
    [
      cur("network-connection", "Statistics (address: 1.2.3.4:17000, rtt: 182.75, lose: 0, sent: 5, received: 5)"),
      "Game log 21:04:11: raid link 1.2.3.4:17000 statistics: RTT 182.8 ms, loss 0 %",
      undefined,
    ],
  ])("%s", (line, text, code) => {
    const e = toEvidence(ev(line));
    expect(e.kind).toBe("game-log");
    expect(e.text).toBe(text);
    expect(e.code).toBe(code);
  });
});

describe("raid state", () => {
  const t = (kind: string, extra: Record<string, unknown> = {}, epochMs = 1000): GameLogEvent =>
    ({ kind, at: "2025-03-14 21:04:11.123", epochMs, channel: "application", ...extra }) as GameLogEvent;

  it.each<[RaidPhase, GameLogEvent, RaidPhase]>([
    ["idle", t("matching-started"), "matching"],
    ["idle", t("matching-completed"), "matching"],
    ["idle", t("raid-assigned", { ip: "1.2.3.4", port: 17000, location: "Woods", datacenter: "EU-FRA01" }), "matching"],
    ["idle", t("raid-connect", { address: "1.2.3.4:17000" }), "matching"],
    ["matching", t("raid-connected", { address: "1.2.3.4:17000" }), "in-raid"],
    ["matching", t("raid-started"), "in-raid"],
    ["matching", t("matching-aborted"), "idle"],
    ["in-raid", t("raid-disconnected", { address: null, reason: 0 }), "idle"],
    ["in-raid", t("raid-ended", { marker: "OnGameSessionEnd" }), "idle"],
    ["in-raid", t("session-start", { folder: "log_x", version: null }), "idle"],
    ["in-raid", t("matching-started"), "in-raid"],
    ["in-raid", t("raid-timeout", { address: null, afterMs: 5000, what: "messages" }), "in-raid"],
    ["in-raid", t("raid-statistics", { address: null, rtt: 1, lose: 0, sent: 1, received: 1 }), "in-raid"],
    ["in-raid", t("raid-assigned", { ip: "5.6.7.8", port: 17001, location: "Lighthouse", datacenter: null }), "matching"],
    ["idle", t("backend-error", { host: "h", url: "u", result: null, isNetworkError: true, isHttpError: false, responseCode: 0 }), "idle"],
  ])("%s + %o → %s", (from, e, to) => {
    expect(nextRaidState({ ...initialRaidState(), phase: from }, e).phase).toBe(to);
  });

  it("keeps the assigned server through connect and drops it at the end", () => {
    const tr = new RaidStateTracker();
    expect(tr.busy).toBe(false);
    tr.update(t("raid-assigned", { ip: "1.2.3.4", port: 17000, location: "Woods", datacenter: "EU-FRA01" }, 1));
    expect(tr.update(t("raid-connect", { address: "1.2.3.4:17000" }, 2))).toBeNull();
    expect(tr.update(t("raid-connected", { address: "1.2.3.4:17000", marker: "Enter to the 'Connected' state" }, 3))).toEqual({
      from: "matching",
      to: "in-raid",
      at: 3,
      source: "application: Enter to the 'Connected' state",
    });
    expect(tr.state).toEqual({ phase: "in-raid", since: 3, server: { ip: "1.2.3.4", port: 17000, location: "Woods", datacenter: "EU-FRA01" } });
    expect(tr.busy).toBe(true);
    expect(tr.update(t("raid-disconnected", { address: null, reason: 0, marker: "Disconnect" }, 4))).toMatchObject({ from: "in-raid", to: "idle", at: 4 });
    expect(tr.state.server).toBeNull();
  });

  it("expires a stale phase back to idle", () => {
    const tr = new RaidStateTracker({ matching: 100, inRaid: 1000 }, 0);
    tr.update(t("raid-connected", { address: null }, 10));
    expect(tr.expire(500)).toBeNull();
    expect(tr.expire(1011)).toEqual({ from: "in-raid", to: "idle", at: 1011, source: "stale-timer" });
    expect(tr.busy).toBe(false);
  });
});
