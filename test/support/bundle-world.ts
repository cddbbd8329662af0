// The support bundle's test world: a data folder with history, a game logs folder and a launcher folder on disk,
// with planted secrets in the game's real line shapes. Used by the in-process tests (bundle.test.ts) and the
// bundle-thread tests (bundle-thread.test.ts).
import { chmodSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SupportBundleDeps } from "../../src/support/support-bundle.js";
import { writeSyntheticHistory } from "../report/synthetic.js";

export const NOW = Date.parse("2025-03-02T00:00:00Z");
export const SESSION = "log_2025.03.01_20-10-05_0.16.1.3.35392";
export const OLD_SESSION = "log_2025.02.20_18-00-00_0.16.1.3.35000";
let dirs: string[] = [];
export const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), "tca-bundle-"));
  dirs.push(d);
  return d;
};
/** Removes every folder `tmp()` made (call it from afterEach). */
export function removeWorlds(): void {
  for (const d of dirs) {
    try {
      chmodSync(join(d, "game", SESSION), 0o755);
    } catch {
      // not there
    }
    rmSync(d, { recursive: true, force: true });
  }
  dirs = [];
}

// Game log lines in their documented shapes. Provenance: eft-facts §5.4–5.6, which quotes
// josephjang/TarkovHelper docs/eft-log-patterns.md (NetworkGameCreate, Connect/Statistics lines) and TarkovTracker's
// EFT_LOG_EVENTS_REFERENCE.md (backend Error!/retry lines); ids and tokens below are planted secrets.
// Until the issue-8 redaction engine is wired (src/support/redaction.ts), the corpus holds only secrets the interim
// rules cover; e-mail addresses, SSIDs, public IPs, `session_id=` and user names with spaces join it with the engine.
export const PROFILE = "5f3c9a1b2d4e6f7a8b9c0d1e";
export const APPLICATION = [
  `2025-03-01 20:41:02.118|0.16.1.3.35392|Info|application|TRACE-NetworkGameCreate profileStatus: 'Profileid: ${PROFILE}, Status: Busy, RaidMode: Online, Ip: 104.200.159.98, Port: 17001, Location: Interchange, Sid: US-DAL03G010_67bc1f3e, GameMode: deathmatch, shortId: RTCSZQ'`,
  `2025-03-01 20:41:05.002|0.16.1.3.35392|Info|application|SelectProfile ProfileId:${PROFILE} AccountId:8812345`,
  `2025-03-01 20:41:06.000|0.16.1.3.35392|Info|application|Loading bundles from C:\\Users\\KappaHolder\\AppData\\Local\\Temp\\Battlestate Games\\cache`,
].join("\n");
export const BACKEND = [
  "2025-03-01 21:03:59.771|0.16.1.3.35392|Info|backend|---> Request HTTPS, id [412]: URL: https://gw-pvp-01.escapefromtarkov.com/client/game/keepalive, crc: .",
  "2025-03-01 21:04:11.100|0.16.1.3.35392|Error|backend|<--- Error! HTTPS: https://gw-pvp-01.escapefromtarkov.com/client/game/keepalive, isNetworkError:True, isHttpError:False, responseCode:0",
  "2025-03-01 21:04:12.000|0.16.1.3.35392|Info|backend|Cookie: PHPSESSID=9f8e7d6c5b4a39281706",
  "2025-03-01 21:04:13.000|0.16.1.3.35392|Info|backend|Authorization: Bearer abcdefghijklmnop1234567890",
].join("\n");
export const NETWORK = [
  "2025-03-01 20:41:10.500|0.16.1.3.35392|Info|network-connection|Connect (address: 104.200.159.98:17001)",
  "2025-03-01 21:04:20.000|0.16.1.3.35392|Error|network-connection|Timeout: Messages timed out after not receiving any message for 12000ms (address: 104.200.159.98:17001)",
].join("\n");
export const PUSH = [
  "2025-03-01 20:40:00.000|0.16.1.3.35392|Info|push-notifications|LongPollingWebSocketRequest wss://wsn-01.escapefromtarkov.com/push/notifier/getwebsocket/a1b2c3d4e5f6a7b8c9d0",
  '2025-03-01 20:45:00.000|0.16.1.3.35392|Info|push-notifications|Got notification | GroupMatchInviteSend {"from":"TeammateNick","items":[{"_tpl":"5447a9cd4bdc2dbd208b4567"}]}',
  '{"type":"groupMatchInviteSend","Info":{"Nickname":"TeammateNick","Side":"Usec"}}',
  "2025-03-01 21:04:15.000|0.16.1.3.35392|Error|push-notifications|WebSocket connection error: Timeout",
].join("\n");

export interface World {
  root: string;
  dataDir: string;
  gameLogs: string;
  launcher: string;
  deps: SupportBundleDeps;
}

export function world(): World {
  const root = tmp();
  const dataDir = join(root, "data");
  const gameLogs = join(root, "game");
  const launcher = join(root, "launcher");
  mkdirSync(join(dataDir, "logs"), { recursive: true });
  mkdirSync(join(gameLogs, SESSION), { recursive: true });
  mkdirSync(join(gameLogs, OLD_SESSION), { recursive: true });
  mkdirSync(launcher, { recursive: true });
  writeSyntheticHistory({
    dataDir,
    from: NOW - 6 * 3_600_000,
    to: NOW,
    incidents: [{ start: NOW - 3 * 3_600_000, end: NOW - 2.5 * 3_600_000, verdict: "bsg-unreachable", code: "TCP_TIMEOUT" }],
  });
  // The agent's own log is redacted when written (src/log.ts); the bundle redacts it again.
  writeFileSync(join(dataDir, "logs", "agent-2025-03-01.log"), `{"level":"warn","message":"connection down","component":"monitor","path":"%USERPROFILE%\\\\AppData"}\n`);
  writeFileSync(join(dataDir, "journal.json"), JSON.stringify({ version: 1, entries: [] }));
  const file = (folder: string, channel: string) => join(gameLogs, folder, `2025.03.01_20-10-05_0.16.1.3.35392 ${channel}_000.log`);
  writeFileSync(file(SESSION, "application"), APPLICATION + "\n");
  writeFileSync(file(SESSION, "backend"), BACKEND + "\n");
  writeFileSync(file(SESSION, "network-connection"), NETWORK + "\n");
  writeFileSync(file(SESSION, "push-notifications"), PUSH + "\n");
  writeFileSync(file(SESSION, "errors"), Buffer.from([0x4d, 0x5a, 0x00, 0x01, 0x02, 0xff, 0x00])); // binary junk
  writeFileSync(file(SESSION, "output"), "not on the allow-list\n");
  writeFileSync(file(OLD_SESSION, "backend"), "2025-02-20 18:00:01.000|0.16.1.3.35000|Info|backend|old session\n");
  utimesSync(file(OLD_SESSION, "backend"), new Date("2025-02-20T18:00:00Z"), new Date("2025-02-20T18:00:00Z"));
  writeFileSync(join(launcher, "BSG_Launcher_2025-03-01.log"), "2025-03-01 19:00:00 Start downloading file … to C:\\Users\\KappaHolder\\Downloads\n");
  writeFileSync(join(launcher, "settings"), '{"gamesRootDir":"D:\\\\Games","token":"SECRET-LAUNCHER-TOKEN"}');
  const deps: SupportBundleDeps = {
    dataDir,
    version: "9.9.9-test",
    gameLogsDir: gameLogs,
    launcherLogsDir: launcher,
    runner: null,
    now: () => NOW,
    env: { HOME: root },
    currentDiagnosis: async () => ({ verdict: "ok", confidence: "high", headline: "Tarkov servers are reachable", meaning: "All good.", evidence: [], advice: [] }),
  };
  return { root, dataDir, gameLogs, launcher, deps };
}

