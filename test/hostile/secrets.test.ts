/**
 * The planted-secrets corpus (issue 8 §1): secrets in the contexts they really occur in, pushed through every
 * writer the agent has (the real logger with nested fields, the incident store with game-log evidence, a logged
 * diagnosis, the fix journal), then every file under the data folder is searched for them. Zero may remain, while
 * what support needs (BSG's servers, private addresses, versions, raid ids) survives.
 *
 * Line shapes, with their sources (values replaced by planted ones; addresses from documentation ranges):
 *  [TH-P] josephjang/TarkovHelper docs/eft-log-patterns.md @b5241a26 (real 1.0.0.x lines, ids and IPs quoted)
 *  [TH-R] josephjang/TarkovHelper docs/eft-live-log-capture-runbook.md @cb986355 (1.1.0.0.46657 profile lines)
 *  [TLL]  DooDesch/TarkovLogsLib docs/logtype_{backend,push_notifications,application,errors}.md @3b6d7d27
 *  [SPT]  an SPT-era "EFT Server documentation" file (find_string "SelectProfile ProfileId:"): the 0.13.5 line and
 *         the client's default headers (App-Version, Cookie: PHPSESSID=<aid>)
 *  [DLV]  themaoci/EFT_DLV_Grabber Program.cs (launcher "Start downloading file … to …" lines)
 *  [NETSH] `netsh wlan show interfaces` output as quoted in several public test suites (find_string "SSID   : ")
 *  [MS]   Microsoft's documented output of ipconfig /all and Get-NetAdapter; [IP2] iproute2 `ip link`
 *  [ASSUMED] no public sample found: the shape is our best guess and says so
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { createIncidentStore } from "../../src/agent/incidents.js";
import { classify } from "../../src/core/classify.js";
import type { Evidence } from "../../src/core/types.js";
import { Journal, type JournalEntry } from "../../src/fixes/journal.js";
import { closeLogger, createLogger } from "../../src/log.js";
import { createRedactor, defaultRedactor } from "../../src/redact.js";
import { round } from "../helpers/round-builder.js";

interface Plant {
  /** What must not be found in any file. */
  secret: string;
  /** The line it hides in, in its real shape. */
  line: string;
}

// Planted values: unique, long enough never to occur by chance.
const OS_USER = "KappaHolder";
const P1 = "69193861844e4f097e00ec2d";
const P2 = "6655cef5899e7271740f41dc";
const P3 = "5a452fc902153a1e7403f888";
const P4 = "61f0a2b3c4d5e6f708192a3b";
const P5 = "62a1b2c3d4e5f60718293a4b";
const P6 = "63b2c3d4e5f6071829304b5c";
const TEAMMATE_PID = "64c3d4e5f60718293a4b5c6d";
const A1 = "4093517";
const A2 = "8812346";
const A3 = "13759600";
const A4 = "5520917";
const TEAMMATE_AID = "7731904";

const PLANTS: Plant[] = [
  // --- EFT application log ---------------------------------------------------------------------------------
  { secret: P3, line: `2023-08-12 22:38:44.036 +02:00|0.13.5.0.25793|Info|application|SelectProfile ProfileId:${P3} AccountId:${A1} ` }, // [SPT]
  { secret: A1, line: `2023-08-12 22:38:44.036 +02:00|0.13.5.0.25793|Info|application|SelectProfile ProfileId:[profile-id] AccountId:${A1} ` }, // [SPT]
  { secret: P4, line: `2026-08-09 20:11:02.512|1.1.0.0.46657|Info|application|PrepareSelectedProfileLocally ProfileId:${P4} AccountId:${A2}` }, // [TH-R]
  { secret: A2, line: `2026-08-09 20:11:03.007|1.1.0.0.46657|Info|application|CompleteSelectedProfile ProfileId:${P4} AccountId:${A2}` }, // [TH-R]
  { secret: P1, line: `2025-12-02 21:50:53.106|1.0.0.2.42157|Debug|application|TRACE-NetworkGameCreate profileStatus: 'Profileid: ${P1}, Status: Busy, RaidMode: Online, Ip: 104.200.159.98, Port: 17001, Location: Interchange, Sid: US-DAL03G010_692ee0420a302012001058bd_02.12.25_15-49-06, GameMode: deathmatch, shortId: RTCSZQ'` }, // [TH-P] §3.2
  { secret: P2, line: `2025-12-15 21:59:25.360|1.0.0.5.42334|Info|application|[Transit] \`${P2}\` Count:0, EventPlayer:False` }, // [TH-P] §10.2
  { secret: A3, line: `2025-12-07 17:00:00.514|1.0.0.2.42157|Debug|application|Matching with group id: ${A3}` }, // [TH-P] §6.3 (party leader's account id)
  { secret: A4, line: `2025-12-05 18:12:10.000|1.0.0.2.42157|Info|application|Matching with group id ${A4}` }, // [TLL] application
  { secret: "Raid Runner", line: "2025-12-05 17:27:21.000|1.0.0.2.42157|Debug|application|Start loading dll 'C:/Users/Raid Runner/Games/EFT/BattlEye/BEClient_x64.dll'" }, // [TLL] application (install under the profile)
  { secret: "tarkovfan77", line: "2025-12-08 15:02:05.192|1.0.0.2.42157|Error|errors|FileNotFoundException: Could not find file 'C:\\Users\\tarkovfan77\\AppData\\LocalLow\\Battlestate Games\\EscapeFromTarkov\\Settings\\Graphics.ini'" }, // [TLL] errors
  // --- backend log ---------------------------------------------------------------------------------------
  { secret: P5, line: `2025-12-08 15:01:56.925|1.0.0.2.42157|Info|backend|---> Request HTTPS, id [41]: URL: https://prod-04.escapefromtarkov.com/client/trading/api/getTraderAssort/${P5}, crc: .` }, // [TLL] backend
  { secret: "9906213", line: "App-Version: EFT Client 0.13.5.0.25793, Cookie: PHPSESSID=9906213, GClient-RequestId: 2" }, // [SPT] default headers
  { secret: "s3ss10nCafe42", line: "2025-12-03 20:05:33.000|1.0.0.2.42157|Warn|backend|Request https://gw-pve-01.escapefromtarkov.com/client/game/keepalive?session_id=s3ss10nCafe42 will be retried after 46.5 sec, retry:1 from retries:5 ... error:Backend error: Cannot resolve destination host" }, // [TLL] backend retry (query string [ASSUMED])
  { secret: "Pr0xyUser", line: "2025-12-03 20:05:34.000|1.0.0.2.42157|Error|backend|<--- Error! HTTPS: https://Pr0xyUser:Pr0xyPa55@gw-pvp-01.escapefromtarkov.com/client/game/start, result:ConnectionError, isNetworkError:True, isHttpError:False, responseCode:0" }, // [TLL] backend error (userinfo [ASSUMED])
  { secret: "Pr0xyPa55", line: "proxy http://Pr0xyUser:Pr0xyPa55@10.0.0.138:3128 refused the CONNECT" }, // [ASSUMED]
  // --- push notifications ----------------------------------------------------------------------------------
  { secret: "Zk3u9QxLm2", line: "2025-12-08 15:02:13.954|1.0.0.2.42157|Info|push-notifications|NotificationManager: new params received url:  ws:wss://wsn-pve-01.escapefromtarkov.com/push/notifier/getwebsocket/Zk3u9QxLm2" }, // [TLL] push
  { secret: "Kappa_Hunter_99", line: '{"type":"groupMatchInviteAccept","Info":{"Nickname":"Kappa_Hunter_99","Side":"Usec","Level":42}}' }, // [ASSUMED] payload of a teammate
  { secret: TEAMMATE_PID, line: `{"_id":"${TEAMMATE_PID}","aid":${TEAMMATE_AID},"Info":{"Nickname":"[nickname]"}}` }, // [ASSUMED]
  { secret: TEAMMATE_AID, line: `{"_id":"[profile-id]","aid":${TEAMMATE_AID}}` }, // [ASSUMED]
  // --- launcher -------------------------------------------------------------------------------------------
  { secret: "launcherguy", line: "2024-03-01 10:00:00.000|Info|Start downloading file http://cdn-11.eft-store.com/client/live/updates/0.14.1.0.28744-0.14.1.1.28812/patch.update to C:\\Users\\launcherguy\\AppData\\Local\\Temp\\BsgLauncher\\patch.update" }, // [DLV]
  { secret: "kappa.holder+eft@example.com", line: "2024-03-01 10:00:01.000|Info|Login attempt for kappa.holder+eft@example.com" }, // [ASSUMED]
  { secret: "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI0MDkzNTE3In0.c2lnbmF0dXJlLXBsYW50ZWQ", line: "Authorization: Bearer eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI0MDkzNTE3In0.c2lnbmF0dXJlLXBsYW50ZWQ" }, // [ASSUMED]
  { secret: "eyJhbGciOiJIUzI1NiJ9.eyJhaWQiOjQwOTM1MTd9.bGF1bmNoZXItand0LXBsYW50", line: "GET https://launcher.escapefromtarkov.com/launcher/GetDistrib?jwt=eyJhbGciOiJIUzI1NiJ9.eyJhaWQiOjQwOTM1MTd9.bGF1bmNoZXItand0LXBsYW50 200" }, // [ASSUMED]
  { secret: "at-91f3c2d8e7", line: '{"access_token":"at-91f3c2d8e7","refresh_token":"rt-5b6a7c8d9e","expires_in":3600}' }, // [ASSUMED]
  { secret: "rt-5b6a7c8d9e", line: '{"access_token":"[redacted]","refresh_token":"rt-5b6a7c8d9e"}' }, // [ASSUMED]
  { secret: "6630117", line: '2024-03-01 10:00:05.000|Info|Starting game: "C:\\Battlestate Games\\EFT\\EscapeFromTarkov.exe" -token=6630117 -config={"BackendUrl":"https://prod.escapefromtarkov.com","Version":"live"}' }, // [ASSUMED] launch arguments
  { secret: "opaqueTok3nValue99", line: "Authorization: Token opaqueTok3nValue99" }, // [ASSUMED]
  { secret: "c00kieVal77", line: "Cookie: PHPSESSID=c00kieVal77; _ga=GA1.2.3" }, // [ASSUMED]
  { secret: "GA1.2.3", line: "Cookie: PHPSESSID=[redacted]; _ga=GA1.2.3" }, // [ASSUMED]
  { secret: "setC00kie55", line: "Set-Cookie: PHPSESSID=setC00kie55; path=/; HttpOnly" }, // [ASSUMED]
  { secret: "sessHdr8821", line: "X-Session-Id: sessHdr8821" }, // [ASSUMED]
  { secret: "pct3ncodedTok", line: "body=%7B%22access_token%22%3A%22pct3ncodedTok%22%7D" }, // [ASSUMED] percent-encoded JSON
  { secret: "hunter2hunter2", line: "proxy settings: host=10.0.0.2 password=hunter2hunter2" }, // [ASSUMED]
  { secret: "opaqueBearer0123456789", line: "retrying with bearer opaqueBearer0123456789" }, // [ASSUMED]
  // --- Windows and Linux network output --------------------------------------------------------------------
  { secret: "Cafe Wifi 5G", line: "    SSID                   : Cafe Wifi 5G" }, // [NETSH]
  { secret: "a4:2b:8c:11:22:33", line: "    BSSID                  : a4:2b:8c:11:22:33" }, // [NETSH]
  { secret: "ab:cd:ef:12:34:56", line: "    Physical address       : ab:cd:ef:12:34:56" }, // [NETSH]
  { secret: "HomeNet-Upstairs", line: "    Profile                : HomeNet-Upstairs" }, // [NETSH]
  { secret: "Neighbour 2.4", line: "    All User Profile     : Neighbour 2.4" }, // [NETSH] netsh wlan show profiles
  { secret: "00-1A-2B-3C-4D-5E", line: "   Physical Address. . . . . . . . . : 00-1A-2B-3C-4D-5E" }, // [MS] ipconfig /all
  { secret: "00-15-5D-01-02-03", line: "MacAddress           : 00-15-5D-01-02-03" }, // [MS] Get-NetAdapter | Format-List
  { secret: "D4BED9112233", line: "PermanentAddress     : D4BED9112233" }, // [MS] Get-NetAdapter
  { secret: "001a.2b3c.4d5e", line: "Internet  192.168.1.1    -   001a.2b3c.4d5e  ARPA   Vlan1" }, // Cisco `show ip arp`
  { secret: "52:54:00:ab:cd:ef", line: "2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc fq_codel state UP mode DEFAULT group default qlen 1000\n    link/ether 52:54:00:ab:cd:ef brd ff:ff:ff:ff:ff:ff" }, // [IP2]
  { secret: "Galaxy S23 Hotspot", line: '{"interface":"Wi-Fi","ssid":"Galaxy S23 Hotspot","signal":71}' }, // network snapshot JSON [ASSUMED]
  { secret: "AttLobby", line: "Current Wi-Fi Network: AttLobby" }, // macOS networksetup
  { secret: "S-1-5-21-1004336348-1177238915-682003330-1001", line: "HKEY_USERS\\S-1-5-21-1004336348-1177238915-682003330-1001\\Software\\Battlestate Games" }, // registry path
  // --- the player's public addresses ------------------------------------------------------------------------
  { secret: "203.0.113.45", line: "WAN address 203.0.113.45 (from the router's status page)" }, // [ASSUMED]
  { secret: "198.51.100.61", line: " 2  198.51.100.61 (198.51.100.61)  8.123 ms  7.998 ms  8.410 ms" }, // traceroute hop of the ISP
  { secret: "203.0.113.53", line: "   DNS Servers . . . . . . . . . . . : 203.0.113.53" }, // [MS] ipconfig /all
  { secret: "2001:db8:1234:5678::abcd", line: "   IPv6 Address. . . . . . . . . . . : 2001:db8:1234:5678::abcd(Preferred)" }, // [MS] ipconfig /all
  { secret: "192.0.2.77", line: "connect ETIMEDOUT 192.0.2.77:443 from the player's public side" }, // [ASSUMED]
  // --- paths with user names ------------------------------------------------------------------------------
  { secret: "Ivan Petrov", line: "c:/users/Ivan Petrov/Documents/Escape from Tarkov/screenshots" }, // any case, spaces
  { secret: "FileUrlUser", line: "file:///C:/Users/FileUrlUser/AppData/Local/Battlestate%20Games/BsgLauncher/Logs" },
  { secret: "LongPathUser", line: "\\\\?\\C:\\Users\\LongPathUser\\AppData\\Local\\tarkov-agent\\runs" },
  { secret: "UncUser", line: "\\\\GAMING-PC\\c$\\Users\\UncUser\\AppData\\Roaming" },
  { secret: "linuxplayer", line: "ENOENT: no such file or directory, open '/home/linuxplayer/.local/state/tarkov-agent/config.json'" },
  { secret: "macplayer", line: "/Users/macplayer/Library/Logs/tarkov-agent" },
  { secret: "OldXpUser", line: "C:\\Documents and Settings\\OldXpUser\\Application Data" },
  { secret: OS_USER, line: `Signed in to Windows as ${OS_USER}; launcher started` }, // the OS user's name anywhere
  { secret: "Zoë Ångström", line: "C:\\Users\\Zoë Ångström\\AppData\\Local\\Battlestate Games" }, // non-ASCII
  { secret: "player@example.org", line: "Support reply to player@example.org" },
  // --- leftovers a BSG status message or a game-log line could carry -----------------------------------------
  { secret: P6, line: `https://prod.escapefromtarkov.com/client/profile/view?profileId=${P6}` }, // [ASSUMED]
  { secret: "wsnChan_77Qz", line: "wss://wsn-01.escapefromtarkov.com/push/notifier/getwebsocket/wsnChan_77Qz closed (1006)" }, // [TLL] push
];

/** What support needs: must survive every writer. */
const SURVIVORS = [
  "104.200.159.98", // the raid server the game named [TH-P]
  "gw-pvp-01.escapefromtarkov.com",
  "prod-04.escapefromtarkov.com",
  "wsn-pve-01.escapefromtarkov.com",
  "192.168.1.1",
  "10.0.0.138",
  "100.64.12.7",
  "1.0.0.2.42157",
  "0.13.5.0.25793",
  "US-DAL03G010_692ee0420a302012001058bd_02.12.25_15-49-06",
  "692f357049044ebb070b72e0",
];
/** Lines that carry the survivors (besides the plants). */
const KEEP_LINES = [
  "2025-12-02 21:50:53.159|1.0.0.2.42157|Info|network-connection|Connect (address: 104.200.159.98:17001)", // [TH-P] §1.1
  "2025-12-02 22:00:45.851|1.0.0.2.42157|Info|network-connection|Statistics (address: 104.200.159.98:17001, rtt: 182.75, lose: -1.164153E-10, sent: 71065, received: 49602)", // [TH-P] §2.2
  "2025-12-03 03:52:34.311|1.0.0.2.42157|Info|application|[Transit] Flag:Common, RaidId:692f357049044ebb070b72e0, Count:0, Locations:factory4_day ->", // [TH-P] §3.3
  "gateway 192.168.1.1 alive, VPN 10.0.0.138, carrier-grade NAT 100.64.12.7",
];

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

describe("planted secrets through every writer", () => {
  // The data folder where the agent keeps it on Windows (%LOCALAPPDATA%\tarkov-agent): its own path names the user.
  const dataDir = join(mkdtempSync(join(tmpdir(), "tca-secrets-")), "Users", OS_USER, "AppData", "Local", "tarkov-agent");
  let contents: Map<string, string>;

  beforeAll(async () => {
    // Windows names the signed-in user in USERNAME; the default redactor reads it on first use.
    process.env.USERNAME = OS_USER;
    mkdirSync(dataDir, { recursive: true });
    const lines = [...PLANTS.map((p) => p.line), ...KEEP_LINES];
    const evidence: Evidence[] = lines.map((l) => ({ kind: "game-log", text: `Game log 21:04:11: ${l}` }));

    // 1. The real logger, nested fields of every shape the agent logs.
    const logger = createLogger({ dataDir });
    const game = logger.child({ component: "game" });
    for (const [i, line] of lines.entries()) {
      game.info("game log record", { record: { channel: "application", message: line, continuation: [line] } });
      logger.warn("probe round did not finish; treated as missing evidence", { round: { evidence: [{ text: line }], checked: [[line]] } });
      logger.error("monitor step failed", { step: "tail", error: new Error(`tail failed: ${line}`) });
      logger.info(line, { seen: new Map([[`k${i}`, line]]), set: new Set([line]) });
    }
    logger.error(new Error(`uncaught: ${lines.join(" | ")}`));

    // 2. A logged diagnosis, the way main.ts and the monitor log it.
    const r = round({ bsg: [{ id: "prod", fail: "TCP_TIMEOUT", host: "gw-pvp-01.escapefromtarkov.com" }], controls: [{ id: "cf" }] });
    r.extraEvidence = evidence;
    r.gateway.message = "wan 203.0.113.45";
    const diagnosis = classify(r);
    logger.info("diagnosis", { verdict: diagnosis.verdict, confidence: diagnosis.confidence, evidence: diagnosis.evidence, durationMs: r.durationMs, round: r });
    logger.info("diagnosis", { trigger: "game-log", verdict: diagnosis.verdict, confidence: diagnosis.confidence, evidence: evidence });

    // 3. The incident store: evidence is capped at 20 items, so several incidents carry the whole corpus; the
    //    last one stays open (incident-open.json).
    const incidents = createIncidentStore({ dataDir, logger });
    const start = Date.parse("2026-11-21T20:00:00.000Z");
    for (let i = 0, n = 0; i < evidence.length; i += 20, n++) {
      const id = `inc-test-${n}`;
      incidents.open({ id, start: start + n * 60_000, verdict: "bsg-unreachable", evidence: evidence.slice(i, i + 20) });
      incidents.addVerdict(id, "dns-failure", start + n * 60_000 + 1000);
      if (i + 20 < evidence.length) incidents.close(id, start + n * 60_000 + 30_000, "recovered");
    }

    // 4. The fix journal: free text from scripts and errors.
    const journal = Journal.inDataDir(dataDir);
    const entry: JournalEntry = {
      id: "j-20261121200000-abc123",
      fixId: "switch-dns",
      params: { provider: "cloudflare", interfaceIndex: 12 },
      approvedBy: "player",
      incidentId: "inc-test-0",
      state: "pending",
      startedAt: "2026-11-21T20:00:00.000Z",
      finishedAt: null,
      before: { adapters: [{ ifIndex: 12, source: "Static", servers: ["192.168.1.1"] }] },
      after: null,
      plan: lines.slice(0, 30),
      changes: [],
      status: null,
      code: null,
      message: lines.join("\n"),
      rebootNeeded: false,
      runId: null,
      undo: null,
    };
    await journal.add(entry);
    await journal.update(entry.id, () => ({
      state: "done",
      changes: lines.slice(30),
      undo: { state: "failed", by: "player", at: "2026-11-21T20:05:00.000Z", finishedAt: null, status: "Failed", code: "PS_CONTRACT", message: lines.join(" / "), changes: lines },
    }));

    await closeLogger(logger);
    contents = new Map(filesUnder(dataDir).map((f) => [f.slice(dataDir.length + 1), readFileSync(f, "utf8")]));
  });

  it("plants at least 60 distinct secrets, each in its line", () => {
    expect(PLANTS.length).toBeGreaterThanOrEqual(60);
    expect(new Set(PLANTS.map((p) => p.secret)).size).toBe(PLANTS.length);
    for (const p of PLANTS) expect(p.line, p.secret).toContain(p.secret);
  });

  it("every writer wrote its files", () => {
    const names = [...contents.keys()];
    expect(names.some((n) => /^logs[\\/]agent-\d{4}-\d{2}-\d{2}\.log/.test(n))).toBe(true);
    expect(names).toEqual(expect.arrayContaining(["incidents.jsonl", "incident-open.json", "journal.json"]));
    expect(contents.get("incidents.jsonl")!.trim().split("\n").length).toBeGreaterThanOrEqual(3);
  });

  it("no planted secret is in any file under the data folder", () => {
    const found: string[] = [];
    for (const [file, text] of contents) {
      const lower = text.toLowerCase();
      for (const p of PLANTS) if (lower.includes(p.secret.toLowerCase())) found.push(`${file}: ${p.secret}`);
    }
    expect(found).toEqual([]);
  });

  it("what support needs survives: BSG servers and hosts, private addresses, versions, raid ids", () => {
    const logs = [...contents].filter(([f]) => f.startsWith("logs")).map(([, t]) => t).join("\n");
    for (const s of SURVIVORS) {
      expect(logs, s).toContain(s);
      expect(contents.get("incidents.jsonl")! + contents.get("incident-open.json")!, s).toContain(s);
    }
  });

  it("the journal keeps its undo material exact", () => {
    const journal = JSON.parse(contents.get("journal.json")!) as { entries: JournalEntry[] };
    expect(journal.entries[0]!.before).toEqual({ adapters: [{ ifIndex: 12, source: "Static", servers: ["192.168.1.1"] }] });
    expect(journal.entries[0]!.params).toEqual({ provider: "cloudflare", interfaceIndex: 12 });
    expect(journal.entries[0]!.undo?.code).toBe("PS_CONTRACT");
  });

  it("a bundle preview (before → after) never shows a planted secret either", () => {
    const r = createRedactor({ userNames: [OS_USER] });
    for (const p of PLANTS) {
      const out = r.redact(p.line, { details: true });
      expect(out.before!.toLowerCase(), p.line).not.toContain(p.secret.toLowerCase());
      expect(JSON.stringify(out.details).toLowerCase(), p.line).not.toContain(p.secret.toLowerCase());
      expect(out.details!.length, p.line).toBeGreaterThan(0);
    }
  });

  it("every rule family did its part (counts for a manifest)", () => {
    const counts = defaultRedactor().counts();
    for (const id of ["windows-user-path", "unix-home", "os-user-name", "email", "eft-profile-id", "eft-account-id", "eft-nickname", "jwt", "auth-header", "cookie", "session-token", "url-userinfo", "websocket-channel", "mac-address", "wifi-ssid", "public-ip", "windows-sid", "bearer-token"] as const) {
      expect(counts[id] ?? 0, id).toBeGreaterThan(0);
    }
    expect(existsSync(join(dataDir, "logs", ".audit.json"))).toBe(false);
  });
});
