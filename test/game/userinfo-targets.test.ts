/**
 * A URL with user info never becomes a probe target (issue 8, owned here): `https://tok@gw-pvp-01.escapefromtarkov.com/`
 * would send the token to every probe and log line, and `https://gw-pvp-01.escapefromtarkov.com@evil.example/`
 * names evil.example, not BSG. Checked at both ends: the game-log parser never calls such a host BSG's, and the
 * prober refuses such a target even when it comes from elsewhere (a config file) — against a real loopback server
 * that counts connections.
 */
import { createServer, type Server } from "node:net";
import { createSecureContext } from "node:tls";
import { afterEach, describe, expect, it } from "vitest";
import { hostOf, isBsgHost, observedHost, parseEvents, redactUrl } from "../../src/core/eft-log.js";
import { LiveHosts } from "../../src/game/index.js";
import type { ProbeContext } from "../../src/probes/context.js";
import { probeTarget } from "../../src/probes/target.js";

const line = (url: string): string => `2026-08-29 10:00:00.000|1.1.0.1.46911|Info|backend|---> Request HTTPS, id [7]: URL: ${url}`;

describe("game-log URLs with user info", () => {
  it.each([
    ["https://tok@gw-pvp-01.escapefromtarkov.com/client/game/keepalive"],
    ["https://user:pass@gw-pvp-01.escapefromtarkov.com/client/game/keepalive"],
    ["https://gw-pvp-01.escapefromtarkov.com@evil.example/client/game/keepalive"],
    ["https://gw-pvp-01.escapefromtarkov.com:x@evil.example/"],
    ["wss://tok@wsn-pvp-01.escapefromtarkov.com/push/notifier/getwebsocket/abc"],
  ])("%s has no host, joins no probe set, and its token is not written anywhere", (url) => {
    expect(hostOf(url)).toBeNull();
    const events = parseEvents(line(url));
    expect(events).toEqual([]);
    const live = new LiveHosts();
    for (const e of events) live.add(e);
    expect(live.targets()).toEqual([]);
    expect(redactUrl(url)).not.toMatch(/tok|user|pass|@/);
  });

  it("plain BSG URLs still work, and isBsgHost accepts bare host names only", () => {
    expect(hostOf("https://GW-PVP-01.escapefromtarkov.com./client/x")).toBe("gw-pvp-01.escapefromtarkov.com");
    expect(observedHost(parseEvents(line("https://gw-pvp-01.escapefromtarkov.com/client/x"))[0]!)).toEqual({ host: "gw-pvp-01.escapefromtarkov.com", role: "gateway" });
    for (const bad of ["tok@gw-pvp-01.escapefromtarkov.com", "gw-pvp-01.escapefromtarkov.com:443", "a/b.escapefromtarkov.com", "evil.example", "escapefromtarkov.com.evil.example", ""]) {
      expect(isBsgHost(bad), bad).toBe(false);
    }
    expect(isBsgHost("escapefromtarkov.com")).toBe(true);
  });
});

describe("probeTarget refuses a target URL with user info", () => {
  let server: Server | null = null;
  afterEach(async () => {
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    server = null;
  });

  async function listen(): Promise<{ port: number; connections: () => number }> {
    let n = 0;
    server = createServer((s) => {
      n++;
      s.destroy();
    });
    await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
    const addr = server.address();
    if (addr === null || typeof addr === "string") throw new Error("no port");
    return { port: addr.port, connections: () => n };
  }

  const ctx = (): ProbeContext => ({
    timeoutMs: 1_000,
    signal: new AbortController().signal,
    systemResolver: { kind: "os", label: "os" },
    publicResolvers: [],
    secureContext: createSecureContext(),
    caWarning: null,
    userAgent: "test",
  });

  it("never connects, and reports a broken check (not an outage)", async () => {
    const s = await listen();
    const r = await probeTarget({ id: "live-x", group: "bsg", url: `https://tok@127.0.0.1:${s.port}/` }, ctx());
    expect(r.broken).toMatch(/user name or password/);
    expect(r.phases.tcp.status).toBe("skipped");
    expect(s.connections()).toBe(0);
  });

  it("the same target without user info is probed (the test can fail)", async () => {
    const s = await listen();
    const r = await probeTarget({ id: "live-x", group: "bsg", url: `https://127.0.0.1:${s.port}/` }, ctx());
    expect(r.broken).toBeNull();
    expect(r.phases.tcp.status).toBe("ok");
    expect(s.connections()).toBe(1);
  });
});
