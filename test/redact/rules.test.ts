/**
 * Every redaction rule with examples it must redact and examples it must leave alone. Real-world shapes carry
 * their source; the rest are the shapes those sources describe with made-up values.
 */
import { describe, expect, it } from "vitest";
import { RULE_IDS, createRedactor, type RuleId } from "../../src/core/redact/index.js";

interface Case {
  redacts: Array<[input: string, expected: string]>;
  keeps: string[];
}

const r = createRedactor({ userNames: ["KappaHolder", "John Smith", "zoë"], ssids: ["HomeNet-5G"] });

const CASES: Record<RuleId, Case> = {
  "url-userinfo": {
    redacts: [
      ["https://user:p4ss@gw-pvp-01.escapefromtarkov.com/client/game/start", "https://[redacted]@gw-pvp-01.escapefromtarkov.com/client/game/start"],
      ["proxy http://tok3n@proxy.example:8080 failed", "proxy http://[redacted]@proxy.example:8080 failed"],
      ["wss://a%40b:x@wsn-01.escapefromtarkov.com/", "wss://[redacted]@wsn-01.escapefromtarkov.com/"],
    ],
    keeps: ["https://gw-pvp-01.escapefromtarkov.com/client/game/start", "http://[::1]:8080/path", "git@github.com:x/y"],
  },
  "auth-header": {
    redacts: [
      ["Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.abc.def", "Authorization: Bearer [redacted]"],
      ["authorization=Basic dXNlcjpwYXNz", "authorization=Basic [redacted]"],
      ['{"Authorization":"Digest username=\\"k\\", response=\\"9a\\""}', '{"Authorization":"Digest [redacted]"}'],
      ["X-Session-Id: 0d9e8c7b6a", "X-Session-Id: [redacted]"],
      ["Proxy-Authorization: NTLM TlRMTVNTUAAB", "Proxy-Authorization: NTLM [redacted]"],
    ],
    keeps: ["authorization failed (401)", "Authorization: Bearer [redacted]", "no X-Session header sent"],
  },
  cookie: {
    redacts: [
      ["Cookie: PHPSESSID=8a7sd6f87as6df", "Cookie: PHPSESSID=[redacted]"],
      // EFT's request header (an SPT-era server doc, "EFT Server documentation": `Cookie | PHPSESSID=409154`).
      ["Cookie: PHPSESSID=409154; theme=dark", "Cookie: PHPSESSID=[redacted]; theme=[redacted]"],
      ["Set-Cookie: sid=abc; Path=/; HttpOnly", "Set-Cookie: sid=[redacted]; Path=[redacted]; HttpOnly"],
      ["cookie=abc123def", "cookie=[redacted]"],
    ],
    keeps: ["cookies are disabled", "Cookie: PHPSESSID=[redacted]"],
  },
  jwt: {
    redacts: [
      ["token eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c end", "token [jwt] end"],
      ["jwt=eyJhbGciOiJub25lIn0.eyJhIjoxfQ.", "jwt=[jwt]"],
    ],
    keeps: ["eyJ is how base64 JSON starts", "key.eyJxx.y"],
  },
  "bearer-token": {
    redacts: [["sent with bearer 0123456789abcdef to host", "sent with bearer [redacted] to host"]],
    keeps: ["a bearer of bad news", "Bearer short"],
  },
  "session-token": {
    redacts: [
      ["PHPSESSID=409154", "PHPSESSID=[redacted]"],
      ['{"session_id": "a1b2c3d4"}', '{"session_id": "[redacted]"}'],
      ["EscapeFromTarkov.exe -token=409154 -config={}", "EscapeFromTarkov.exe -token=[redacted] -config={}"],
      ["q=1&access_token=ya29.a0AfH6SM&x=2", "q=1&access_token=[redacted]&x=2"],
      // Percent-encoded, as in a logged query string or form body.
      ["body=sessionId%3Dabc%2F123%26x", "body=sessionId%3D[redacted]%26x"],
      ["%22refresh_token%22%3A%22r-123%22", "%22refresh_token%22%3A%22[redacted]%22"],
      ["password: hunter2", "password: [redacted]"],
    ],
    keeps: ["Session mode: Pve", "token expired, logging in again", "PHPSESSID=[redacted]", "tokens: 3"],
  },
  "websocket-channel": {
    redacts: [
      // DooDesch/TarkovLogsLib docs/logtype_push_notifications.md (channel id made up).
      [
        "2025-12-08 15:02:13.954|1.0.0.2.42157|Info|push-notifications|NotificationManager: new params received url:  ws:wss://wsn-pve-01.escapefromtarkov.com/push/notifier/getwebsocket/Zk3u9Qx",
        "2025-12-08 15:02:13.954|1.0.0.2.42157|Info|push-notifications|NotificationManager: new params received url:  ws:wss://wsn-pve-01.escapefromtarkov.com/push/notifier/getwebsocket/[redacted]",
      ],
      ["https://gw-pvp-01.escapefromtarkov.com/push/notifier/get/abc123", "https://gw-pvp-01.escapefromtarkov.com/push/notifier/get/[redacted]"],
    ],
    keeps: ["wss://wsn-pve-01.escapefromtarkov.com/push/notifier/getwebsocket/[redacted]", "/push/notifier/"],
  },
  "windows-user-path": {
    redacts: [
      ["C:\\Users\\KappaHolder\\AppData\\Local\\x", "%USERPROFILE%\\AppData\\Local\\x"],
      ["c:\\USERS\\kappa\\Desktop", "%USERPROFILE%\\Desktop"],
      ["C:/Users/Jane Doe/Documents/Escape from Tarkov", "%USERPROFILE%/Documents/Escape from Tarkov"],
      ["file:///C:/Users/kappa/AppData/Local/Battlestate%20Games", "file:///%USERPROFILE%/AppData/Local/Battlestate%20Games"],
      ["\\\\?\\C:\\Users\\Bob Ross\\AppData\\Local", "\\\\?\\%USERPROFILE%\\AppData\\Local"],
      ["\\\\DESKTOP-1\\c$\\Users\\bob\\AppData", "\\\\DESKTOP-1\\c$\\Users\\%USER%\\AppData"],
      // JSON-escaped, as in a launcher payload.
      ['{"path":"C:\\\\Users\\\\kappa\\\\AppData"}', '{"path":"%USERPROFILE%\\\\AppData"}'],
      ["D:\\Documents and Settings\\kappa\\x", "%USERPROFILE%\\x"],
      ["missing: C:\\Users\\kappa", "missing: %USERPROFILE%"],
    ],
    keeps: ["C:\\Users\\Public\\Desktop", "C:\\Users\\Default\\NTUSER.DAT", "C:\\Battlestate Games\\EFT\\Logs", "%USERPROFILE%\\AppData", "users: 3"],
  },
  "unix-home": {
    redacts: [
      ["/home/kappa/.local/state/tarkov-agent", "/home/%USER%/.local/state/tarkov-agent"],
      ["/Users/kappa/Library/Logs", "/Users/%USER%/Library/Logs"],
      ["HOME=/var/home/kappa", "HOME=/var/home/%USER%"],
    ],
    keeps: ["/home/%USER%/x", "/Users/Shared/x", "/usr/local/bin", "homepage /home"],
  },
  "os-user-name": {
    redacts: [
      ["signed in as KappaHolder.", "signed in as %USER%."],
      ["owner: kappaholder", "owner: %USER%"],
      ["by John Smith today", "by %USER% today"],
      ["user zoë here", "user %USER% here"],
    ],
    keeps: ["KappaHolders club", "zoëtrope", "John Smithson"],
  },
  email: {
    redacts: [
      ["contact kappa.holder+eft@example.co.uk now", "contact [email] now"],
      ["<support@battlestategames.com>", "<[email]>"],
    ],
    keeps: ["icon@2x.png", "git@github", "@everyone", "a@b"],
  },
  "eft-profile-id": {
    redacts: [
      // A real line quoted in an EFT server documentation file (find_string "SelectProfile ProfileId:").
      ["2023-08-12 22:38:44.036 +02:00|0.13.5.0.25793|Info|application|SelectProfile ProfileId:5a452fc902153a1e7403f888 AccountId:409154 ", "2023-08-12 22:38:44.036 +02:00|0.13.5.0.25793|Info|application|SelectProfile ProfileId:[profile-id] AccountId:[account-id] "],
      // josephjang/TarkovHelper docs/eft-log-patterns.md §10.2
      ["2025-12-15 21:59:25.360|1.0.0.5.42334|Info|application|[Transit] `6655cef5899e7271740f41dc` Count:0, EventPlayer:False", "2025-12-15 21:59:25.360|1.0.0.5.42334|Info|application|[Transit] `[profile-id]` Count:0, EventPlayer:False"],
      ['{"_id":"6655CEF5899E7271740F41DD"}', '{"_id":"[profile-id]"}'],
      ["https://prod.escapefromtarkov.com/client/trading/api/getTraderAssort/5a452fc902153a1e7403f888", "https://prod.escapefromtarkov.com/client/trading/api/getTraderAssort/[profile-id]"],
    ],
    keeps: [
      // josephjang/TarkovHelper docs/eft-log-patterns.md §3.3: the raid id and Sid help BSG support.
      "2025-12-03 03:52:34.311|1.0.0.2.42157|Info|application|[Transit] Flag:Common, RaidId:692f357049044ebb070b72e0, Count:0, Locations:factory4_day ->",
      "Sid: US-DAL03G010_692ee0420a302012001058bd_02.12.25_15-49-06",
      "sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
      "commit 0aaa67e4c2b1f9a8d7e6c5b4a3f2e1d0c9b8a7f6",
      '"templateId": "665eec1f5e47a79f8605565a description"',
    ],
  },
  "eft-account-id": {
    redacts: [
      ["CompleteSelectedProfile ProfileId:[profile-id] AccountId:1234567", "CompleteSelectedProfile ProfileId:[profile-id] AccountId:[account-id]"],
      ['{"aid": 8812345, "x": 1}', '{"aid": [account-id], "x": 1}'],
      // josephjang/TarkovHelper docs/eft-log-patterns.md §6.3: the group id is the party leader's account id.
      ["2025-12-07 17:00:00.514|1.0.0.2.42157|Debug|application|Matching with group id: 13759600", "2025-12-07 17:00:00.514|1.0.0.2.42157|Debug|application|Matching with group id: [account-id]"],
      // DooDesch/TarkovLogsLib docs/logtype_application.md (no colon in that build).
      ["2025-12-05 18:12:10.000|1.0.0.2.42157|Info|application|Matching with group id 123456", "2025-12-05 18:12:10.000|1.0.0.2.42157|Info|application|Matching with group id [account-id]"],
    ],
    keeps: ["Matching with group id:", "said: 123456", "accounts: 12", "aid kit 3"],
  },
  "eft-nickname": {
    redacts: [
      ['{"Nickname": "Kappa_Hunter", "Side": "Usec"}', '{"Nickname": "[nickname]", "Side": "Usec"}'],
      ["LowerNickname:kappa_hunter,", "LowerNickname:[nickname],"],
    ],
    keeps: ["nicknames are hidden", '{"Nickname": "[nickname]"}'],
  },
  "windows-sid": {
    redacts: [["HKU\\S-1-5-21-1004336348-1177238915-682003330-1001\\Software", "HKU\\S-1-5-21-[sid]\\Software"]],
    keeps: ["S-1-5-18 (LocalSystem)", "S-1-5-21-[sid]"],
  },
  "mac-address": {
    redacts: [
      ["adapter 00-1A-2B-3C-4D-5E up", "adapter [mac] up"],
      ["Physical address       : ab:cd:ef:12:34:56", "Physical address       : [mac]"],
      ["PermanentAddress : 001A2B3C4D5E", "PermanentAddress : [mac]"],
      ['{"MacAddress":"001a2b3c4d5e"}', '{"MacAddress":"[mac]"}'],
      ["Cisco 001a.2b3c.4d5e learned", "Cisco [mac] learned"],
      ["link/ether 52:54:00:12:34:56 brd ff:ff:ff:ff:ff:ff", "link/ether [mac] brd [mac]"],
    ],
    keeps: ["21:50:53.159", "fe80::21a:2bff:fe3c:4d5e", "2025-12-02", "version 1.0.0.2.42157", "12:34:56:78", "hash 001a2b3c4d5e9f"],
  },
  "wifi-ssid": {
    redacts: [
      // netsh wlan show interfaces, the shape quoted in several public test suites (find_string "SSID : ").
      ["    SSID                   : Cafe Wifi", "    SSID                   : [ssid]"],
      ["    Profile                : MyTestSSID", "    Profile                : [ssid]"],
      ["SSID 1 : OfficeWiFi", "SSID 1 : [ssid]"],
      ["    All User Profile     : Neighbour 2.4", "    All User Profile     : [ssid]"],
      ['    SSID name              : "Dhipoz"', "    SSID name              : [ssid]"],
      ['{"ssid":"Cafe Wifi","signal":71}', '{"ssid":"[ssid]","signal":71}'],
      ["Current Wi-Fi Network: HomeNet", "Current Wi-Fi Network: [ssid]"],
      ["joined HomeNet-5G at 21:00", "joined [ssid] at 21:00"],
    ],
    keeps: ["    BSSID                  : [mac]", "Session mode: Pve", "Profile: Pve", "SSID :", "HomeNet-5Ghz"],
  },
  "public-ip": {
    redacts: [
      ["WAN 203.0.113.45 up", "WAN 203.0.x.x up"],
      ["via 8.26.56.26:53", "via 8.26.x.x:53"],
      ["v6 2a02:1234:5678::1 ok", "v6 2a02:1234:x:x:x:x:x:x ok"],
      ["mapped ::ffff:198.51.100.7", "mapped ::ffff:198.51.x.x"],
    ],
    keeps: [
      "router 192.168.1.1, 10.0.0.1, 172.16.5.4, 127.0.0.1, 169.254.1.1, 100.64.1.2, 224.0.0.251, 0.0.0.0",
      "resolvers 1.1.1.1 8.8.8.8 2606:4700:4700::1111",
      "ll fe80::1%12, ula fd12:3456::1, ::1",
      "version 0.16.9.40087 and 1.0.0.2.42157",
      "clock 21:50:53.159",
      // josephjang/TarkovHelper docs/eft-log-patterns.md §1.1: the game's own raid server line.
      "2025-12-02 21:50:53.159|1.0.0.2.42157|Info|network-connection|Connect (address: 104.200.159.98:17001)",
      "203.0.x.x",
    ],
  },
};

describe("redaction rules", () => {
  it("has positive and negative examples for every rule id", () => {
    for (const id of RULE_IDS) {
      expect(CASES[id].redacts.length, id).toBeGreaterThan(0);
      expect(CASES[id].keeps.length, id).toBeGreaterThan(0);
    }
  });

  describe.each(RULE_IDS.map((id) => [id, CASES[id]] as const))("%s", (id, c) => {
    it.each(c.redacts)("redacts %j", (input, expected) => {
      const out = r.redact(input);
      expect(out.text).toBe(expected);
      expect(out.hits.map((h) => h.ruleId)).toContain(id);
      // Idempotent: a second pass changes and counts nothing.
      expect(r.redact(out.text)).toEqual({ text: out.text, hits: [] });
    });
    it.each(c.keeps.map((k) => [k]))("keeps %j", (input) => {
      const out = r.redact(input);
      expect(out.hits.map((h) => h.ruleId)).not.toContain(id);
    });
  });
});
