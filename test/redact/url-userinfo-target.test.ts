/**
 * Issue 8 §1: a URL with userinfo never becomes a probe target. Game-log lines are hostile input: a line naming
 * `https://tok@gw….escapefromtarkov.com` must not add "tok@gw…" (or anything) to the hosts the agent probes.
 */
import { describe, expect, it } from "vitest";
import { isBsgHost, observedHost, parseEvents } from "../../src/core/eft-log.js";

// Line shapes: DooDesch/TarkovLogsLib docs/logtype_backend.md and logtype_push_notifications.md.
const backend = (url: string) => `2025-12-08 15:01:56.925|1.0.0.2.42157|Info|backend|---> Request HTTPS, id [1]: URL: ${url}, crc: .`;
const push = (url: string) => `2025-12-08 15:02:13.954|1.0.0.2.42157|Info|push-notifications|NotificationManager: new params received url:  ws:${url}`;

describe("userinfo URLs in game logs", () => {
  it.each([
    backend("https://tok@gw-pvp-01.escapefromtarkov.com/client/menu/locale/en"),
    backend("https://user:pass@gw-pvp-01.escapefromtarkov.com/client/game/start"),
    backend("https://evil.example\\@gw-pvp-01.escapefromtarkov.com/client/game/start"),
    push("wss://tok@wsn-pve-01.escapefromtarkov.com/push/notifier/getwebsocket/abc"),
  ])("adds no probe target: %s", (line) => {
    const hosts = parseEvents(line).map(observedHost).filter((h) => h !== null);
    expect(hosts).toEqual([]);
  });

  it("still takes the same hosts without userinfo, ports included", () => {
    const hosts = parseEvents([backend("https://gw-pvp-01.escapefromtarkov.com:443/client/game/start"), push("wss://wsn-pve-01.escapefromtarkov.com/push/notifier/getwebsocket/abc")].join("\n"))
      .map(observedHost)
      .filter((h) => h !== null);
    expect(hosts).toEqual([
      { host: "gw-pvp-01.escapefromtarkov.com", role: "gateway" },
      { host: "wsn-pve-01.escapefromtarkov.com", role: "websocket" },
    ]);
  });

  it.each(["tok@gw-pvp-01.escapefromtarkov.com", "gw pvp.escapefromtarkov.com", "-f.escapefromtarkov.com", "-f.escapefromtarkov.com\n", "x/.escapefromtarkov.com"])("isBsgHost refuses %j", (host) => {
    expect(isBsgHost(host)).toBe(false);
  });
});
