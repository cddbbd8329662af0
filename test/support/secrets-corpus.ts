/**
 * The planted-secrets corpus for the support bundle (issue 9): secrets in the files and line shapes they really
 * occur in — the game's session logs channel by channel, the launcher's log, the agent's own files and script
 * results — laid out on disk the way a player's PC has them. The shapes are those test/hostile/secrets.test.ts and
 * test/game/real-lines.test.ts quote, with the same provenance tags (values replaced by planted ones; addresses of
 * the player from documentation ranges; BSG's raid server addresses are the real ones the sources quote):
 *  [TH-P] josephjang/TarkovHelper docs/eft-log-patterns.md @b5241a26 (real 1.0.0.x lines, ids and IPs quoted)
 *  [TH-R] josephjang/TarkovHelper docs/eft-live-log-capture-runbook.md @cb986355 (1.1.0.0.46657 profile lines)
 *  [TLL]  DooDesch/TarkovLogsLib docs/logtype_{backend,push_notifications,application,errors}.md @3b6d7d27
 *  [DD]   the same DooDesch docs @3fd09190 as quoted in test/game/real-lines.test.ts
 *  [SPT]  an SPT-era "EFT Server documentation" file (find_string "SelectProfile ProfileId:"): the 0.13.5 line and
 *         the client's default headers (App-Version, Cookie: PHPSESSID=<aid>)
 *  [DEC]  a decompiled EFT backend client's format string "<--- Error! HTTPS: {0}, isNetworkError:{1}, …\nerror
 *         text: {5}" (find_string "Error! HTTPS: {0}")
 *  [LP]   Tarkov.LogParser's GeneralEntryParserTests.cs: push `UserConfirmed` with its JSON payload
 *  [TT]   tarkovtracker-org/TarkovTracker docs/eft-log-reference/EFT_LOG_EVENTS_REFERENCE.md @cde2c6a6: the field
 *         dictionary lists `Nickname`, `ip`, `location`, inventories for push-notifications payloads
 *  [DLV]  themaoci/EFT_DLV_Grabber Program.cs (launcher "Start downloading file … to …" lines)
 *  [NETSH] `netsh wlan show interfaces` output as quoted in several public test suites (find_string "SSID   : ")
 *  [MS]   Microsoft's documented output of ipconfig /all and Get-NetAdapter; [IP2] iproute2 `ip link`
 *  [ASSUMED] no public sample found: the shape is our best guess and says so
 */

// Planted values: unique, long enough never to occur by chance.
export const OS_USER = "KappaHolder";
const P1 = "69193861844e4f097e00ec2d";
const P2 = "6655cef5899e7271740f41dc";
const P3 = "5a452fc902153a1e7403f888";
const P4 = "61f0a2b3c4d5e6f708192a3b";
const P5 = "62a1b2c3d4e5f60718293a4b";
const P6 = "63b2c3d4e5f6071829304b5c";
const A1 = "4093517";
const A2 = "8812346";
const A3 = "13759600";
const A4 = "5520917";
const PROFILE_TOKEN = "abcdef01234567890abcdef012345678";

/** A teammate, as push-notification payloads name them: none of this may reach the zip, redacted or not. */
export const TEAMMATE = { nickname: "Kappa_Hunter_99", profileId: "64c3d4e5f60718293a4b5c6d", accountId: "7731904" };

/** The game's session folder and its files (name → lines). */
export const SESSION = "log_2025.12.08_15-01-50_1.0.0.2.42157";
const FILE_PREFIX = "2025.12.08_15-01-50_1.0.0.2.42157";
export const gameFile = (channel: string): string => `${FILE_PREFIX} ${channel}_000.log`;

export const GAME_FILES: Record<string, string[]> = {
  application: [
    `2025-12-08 15:01:51.519|1.0.0.2.42157|Info|application|Application awaken, updateQueue:'Update'`, // [DD]
    `2023-08-12 22:38:44.036 +02:00|0.13.5.0.25793|Info|application|SelectProfile ProfileId:${P3} AccountId:${A1} `, // [SPT]
    `2026-08-09 20:11:02.512|1.1.0.0.46657|Info|application|PrepareSelectedProfileLocally ProfileId:${P4} AccountId:${A2}`, // [TH-R]
    `2025-12-08 15:10:53.106|1.0.0.2.42157|Debug|application|TRACE-NetworkGameCreate profileStatus: 'Profileid: ${P1}, Status: Busy, RaidMode: Online, Ip: 104.200.159.98, Port: 17001, Location: Interchange, Sid: US-DAL03G010_692ee0420a302012001058bd_02.12.25_15-49-06, GameMode: deathmatch, shortId: RTCSZQ'`, // [TH-P] §3.2
    `2025-12-08 15:59:25.360|1.0.0.2.42157|Info|application|[Transit] \`${P2}\` Count:0, EventPlayer:False`, // [TH-P] §10.2
    `2025-12-08 15:52:34.311|1.0.0.2.42157|Info|application|[Transit] Flag:Common, RaidId:692f357049044ebb070b72e0, Count:0, Locations:factory4_day ->`, // [TH-P] §3.3 (RaidId stays)
    `2025-12-08 15:07:00.514|1.0.0.2.42157|Debug|application|Matching with group id: ${A3}`, // [TH-P] §6.3 (party leader's account id)
    `2025-12-08 15:08:10.000|1.0.0.2.42157|Info|application|Matching with group id ${A4}`, // [TLL] application
    "2025-12-08 15:02:21.000|1.0.0.2.42157|Debug|application|Start loading dll 'C:/Users/Raid Runner/Games/EFT/BattlEye/BEClient_x64.dll'", // [TLL] (install under the profile, a name with a space)
  ],
  backend: [
    `2025-12-08 15:01:56.925|1.0.0.2.42157|Info|backend|---> Request HTTPS, id [41]: URL: https://prod-04.escapefromtarkov.com/client/trading/api/getTraderAssort/${P5}, crc: .`, // [TLL] backend
    "2025-12-08 15:01:57.100|1.0.0.2.42157|Info|backend|App-Version: EFT Client 0.13.5.0.25793, Cookie: PHPSESSID=9906213, GClient-RequestId: 2", // [SPT] default headers
    "2025-12-08 15:05:33.000|1.0.0.2.42157|Warn|backend|Request https://gw-pve-01.escapefromtarkov.com/client/game/keepalive?session_id=s3ss10nCafe42 will be retried after 46.5 sec, retry:2 from retries:5 ... error:Backend error: Cannot resolve destination host", // [TLL] retry (query string [ASSUMED])
    "2025-12-08 15:05:34.000|1.0.0.2.42157|Error|backend|<--- Error! HTTPS: https://Pr0xyUser:Pr0xyPa55@gw-pvp-01.escapefromtarkov.com/client/game/start, isNetworkError:True, isHttpError:False, responseCode:0", // [DEC] (userinfo [ASSUMED])
    " responseHeaders:", // [DEC] continuation
    "error text: Cannot resolve destination host", // [DEC] continuation
    `2025-12-08 15:06:00.000|1.0.0.2.42157|Info|backend|---> Request HTTPS, id [57]: URL: https://prod.escapefromtarkov.com/client/profile/view?profileId=${P6}, crc: .`, // [ASSUMED] query
  ],
  errors: [
    "2025-12-08 15:02:05.192|1.0.0.2.42157|Error|errors|FileNotFoundException: Could not find file 'C:\\Users\\tarkovfan77\\AppData\\LocalLow\\Battlestate Games\\EscapeFromTarkov\\Settings\\Graphics.ini'", // [TLL] errors
    // A raid server mentioned without a connection context, BEFORE the traces log names it: kept by the first pass.
    "2025-12-08 15:20:00.000|1.0.0.2.42157|Error|errors|NetworkException: ping to 79.127.215.167 failed", // [ASSUMED]
  ],
  "network-connection": [
    "2025-12-08 15:10:53.159|1.0.0.2.42157|Info|network-connection|Connect (address: 104.200.159.98:17001)", // [TH-P] §1.1
    "2025-12-08 15:20:45.851|1.0.0.2.42157|Info|network-connection|Statistics (address: 104.200.159.98:17001, rtt: 182.75, lose: -1.164153E-10, sent: 71065, received: 49602)", // [TH-P] §2.2
    "2025-12-08 15:25:10.100|1.0.0.2.42157|Error|network-connection|Timeout: Messages timed out after not receiving any message for 3006ms (address: 92.204.161.42:17013)", // [DD]
  ],
  traces: [
    `2025-12-08 15:30:11.000|1.0.0.2.42157|Debug|application|TRACE-NetworkGameCreate profileStatus: 'Profileid: ${P1}, Status: Busy, RaidMode: Online, Ip: 79.127.215.167, Port: 17002, Location: Woods, Sid: EU-FRA02G004_6a8632b90000000000000001_08.12.25_15-29-00, GameMode: deathmatch, shortId: Q7XK2P'`, // [TH-P] shape in traces (TarkovSpawnNotifier reads it there)
  ],
  "push-notifications": [
    "2025-12-08 15:02:13.954|1.0.0.2.42157|Info|push-notifications|NotificationManager: new params received url:  ws:wss://wsn-pve-01.escapefromtarkov.com/push/notifier/getwebsocket/Zk3u9QxLm2", // [TLL] push
    "2025-12-08 15:12:00.000|1.0.0.2.42157|Info|push-notifications|Got notification | GroupMatchInviteAccept", // [TT] event name
    `{"type":"groupMatchInviteAccept","Info":{"Nickname":"${TEAMMATE.nickname}","Side":"Usec","Level":42},"_id":"${TEAMMATE.profileId}","aid":${TEAMMATE.accountId}}`, // [TT] payload [ASSUMED values]
    `2025-12-08 15:12:30.000|1.0.0.2.42157|Info|push-notifications|Got notification | ChatMessageReceived {"member":"${TEAMMATE.nickname}","text":"gl"}`, // [DD] event; inline payload [ASSUMED]
    "2025-12-08 15:10:05.846|1.0.0.2.42157|Info|push-notifications|Got notification | UserConfirmed", // [LP]
    "{",
    '  "type": "userConfirmed",',
    `  "profileid": "${TEAMMATE.profileId}",`,
    `  "profileToken": "${PROFILE_TOKEN}",`,
    '  "ip": "104.200.159.98",',
    '  "port": 17001,',
    '  "location": "Interchange"',
    "}",
    `2025-12-08 15:13:00.000|1.0.0.2.42157|Error|push-notifications|WebSocket error: closed {"code":1006,"from":"${TEAMMATE.nickname}"}`, // [ASSUMED] a connection line with a payload
    "2025-12-08 15:40:00.000|1.0.0.2.42157|Warn|push-notifications|Notification channel has been [dropped] by server error with code: 0", // [DD]
  ],
};

/** The launcher's log folder: its log (secrets in its real and assumed shapes) and the settings file (never bundled). */
export const LAUNCHER_LOG = "BSG_Launcher_2025-12-08.log";
export const LAUNCHER_LINES = [
  "2025-12-08 14:55:00.000|Info|Start downloading file http://cdn-11.eft-store.com/client/live/updates/0.14.1.0.28744-0.14.1.1.28812/patch.update to C:\\Users\\launcherguy\\AppData\\Local\\Temp\\BsgLauncher\\patch.update", // [DLV]
  "2025-12-08 14:55:01.000|Info|Login attempt for kappa.holder+eft@example.com", // [ASSUMED]
  "2025-12-08 14:55:02.000|Info|Authorization: Bearer eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI0MDkzNTE3In0.c2lnbmF0dXJlLXBsYW50ZWQ", // [ASSUMED]
  "2025-12-08 14:55:03.000|Info|GET https://launcher.escapefromtarkov.com/launcher/GetDistrib?jwt=eyJhbGciOiJIUzI1NiJ9.eyJhaWQiOjQwOTM1MTd9.bGF1bmNoZXItand0LXBsYW50 200", // [ASSUMED]
  '2025-12-08 14:55:04.000|Info|{"access_token":"at-91f3c2d8e7","refresh_token":"rt-5b6a7c8d9e","expires_in":3600}', // [ASSUMED]
  '2025-12-08 14:55:05.000|Info|Starting game: "C:\\Battlestate Games\\EFT\\EscapeFromTarkov.exe" -token=6630117 -config={"BackendUrl":"https://prod.escapefromtarkov.com","Version":"live"}', // [ASSUMED] launch arguments
  "2025-12-08 14:55:06.000|Info|WAN address 203.0.113.77 (from the router's status page)", // [ASSUMED]
];
export const LAUNCHER_SETTINGS = JSON.stringify({ gamesRootDir: "D:\\Games", at: "SECRET-LAUNCHER-ACCESS-TOKEN", rt: "SECRET-LAUNCHER-REFRESH-TOKEN", login: "settings.only@example.net" });

/** Lines in the agent's own log, as an older version that wrote them unredacted would have (the bundle redacts again). */
export const AGENT_LOG_LINES = [
  "   Physical Address. . . . . . . . . : 00-1B-44-11-3A-B7", // [MS] ipconfig /all
  "   DNS Servers . . . . . . . . . . . : 203.0.113.53", // [MS] ipconfig /all
  "   IPv6 Address. . . . . . . . . . . : 2001:db8:1234:5678::abcd(Preferred)", // [MS] ipconfig /all
  "MacAddress           : 00-15-5D-01-02-03", // [MS] Get-NetAdapter | Format-List
  "PermanentAddress     : D4BED9112233", // [MS] Get-NetAdapter
  "    link/ether 52:54:00:ab:cd:ef brd ff:ff:ff:ff:ff:ff", // [IP2]
  " 2  198.51.100.61 (198.51.100.61)  8.123 ms  7.998 ms  8.410 ms", // traceroute hop of the ISP
  "ENOENT: no such file or directory, open '/home/linuxplayer/.local/state/tarkov-agent/config.json'",
  "c:/users/Ivan Petrov/Documents/Escape from Tarkov/screenshots", // any case, spaces
  "\\\\?\\C:\\Users\\LongPathUser\\AppData\\Local\\tarkov-agent\\runs",
  "HKEY_USERS\\S-1-5-21-1004336348-1177238915-682003330-1001\\Software\\Battlestate Games", // registry path
  `Signed in to Windows as ${OS_USER}; launcher started`, // the OS user's name anywhere
  "Support reply to player@example.org",
  "gateway 192.168.1.1 alive, VPN 10.0.0.138, carrier-grade NAT 100.64.12.7", // private addresses: kept
];

/** A PowerShell run's files (params and result), with netsh output the way a script quotes it. */
export const RUN_ID = "r-20251208150000000-0a1b2c3d";
export const RUN_PARAMS = JSON.stringify({ installDir: "C:\\Users\\Zoë Ångström\\Games\\EFT", interfaceAlias: "Wi-Fi" });
export const RUN_RESULT = JSON.stringify(
  {
    schema: 1,
    script: "Reset-AgentNetworkStack",
    status: "Changed",
    data: {
      commands: [
        {
          command: "netsh wlan show interfaces",
          exitCode: 0,
          output: [
            "    SSID                   : Cafe Wifi 5G", // [NETSH]
            "    BSSID                  : a4:2b:8c:11:22:33", // [NETSH]
            "    Physical address       : ab:cd:ef:12:34:56", // [NETSH]
            "    Profile                : HomeNet-Upstairs", // [NETSH]
          ],
        },
      ],
      wifi: { ssid: "Galaxy S23 Hotspot", signal: 71 }, // [ASSUMED]
    },
  },
  null,
  2,
);

/** Free text in the agent's state files. */
export const JOURNAL_MESSAGE = "restarted the launcher from file:///C:/Users/FileUrlUser/AppData/Local/Battlestate%20Games/BsgLauncher";
export const INCIDENT_EVIDENCE = "Current Wi-Fi Network: AttLobby";

/** Every secret above: none may be found anywhere in the zip (entry names, manifest, every entry). */
export const SECRETS = [
  OS_USER,
  P1, P2, P3, P4, P5, P6,
  A1, A2, A3, A4,
  PROFILE_TOKEN,
  TEAMMATE.nickname, TEAMMATE.profileId, TEAMMATE.accountId,
  "Raid Runner", "tarkovfan77", "launcherguy", "linuxplayer", "Ivan Petrov", "LongPathUser", "FileUrlUser", "Zoë Ångström",
  "9906213", "s3ss10nCafe42", "Pr0xyUser", "Pr0xyPa55", "Zk3u9QxLm2",
  "kappa.holder+eft@example.com", "player@example.org", "settings.only@example.net",
  "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI0MDkzNTE3In0.c2lnbmF0dXJlLXBsYW50ZWQ",
  "eyJhbGciOiJIUzI1NiJ9.eyJhaWQiOjQwOTM1MTd9.bGF1bmNoZXItand0LXBsYW50",
  "at-91f3c2d8e7", "rt-5b6a7c8d9e", "6630117", "SECRET-LAUNCHER-ACCESS-TOKEN", "SECRET-LAUNCHER-REFRESH-TOKEN",
  "Cafe Wifi 5G", "HomeNet-Upstairs", "Galaxy S23 Hotspot", "AttLobby",
  "a4:2b:8c:11:22:33", "ab:cd:ef:12:34:56", "00-1B-44-11-3A-B7", "00-15-5D-01-02-03", "D4BED9112233", "52:54:00:ab:cd:ef",
  "203.0.113.77", "203.0.113.53", "198.51.100.61", "2001:db8:1234:5678::abcd",
  "S-1-5-21-1004336348-1177238915-682003330-1001",
];

/** What support needs: must be in the zip as it is. */
export const SURVIVORS = [
  "104.200.159.98", // the raid server the game named [TH-P]
  "79.127.215.167", // a raid server named only in traces.log, mentioned without context elsewhere
  "92.204.161.42", // a raid server in a timeout line [DD]
  "192.168.1.1",
  "10.0.0.138",
  "100.64.12.7",
  "gw-pvp-01.escapefromtarkov.com",
  "prod-04.escapefromtarkov.com",
  "1.0.0.2.42157",
  "RaidId:692f357049044ebb070b72e0",
  "US-DAL03G010_692ee0420a302012001058bd_02.12.25_15-49-06",
];
