import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path, { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { parseEvents, type GameLogEvent, type ObservedHost } from "../../src/core/eft-log.js";
import { LiveHosts, startGameWatch, targetForHost } from "../../src/game/index.js";
import type { InstallDeps } from "../../src/game/install.js";
import type { GameLogger } from "../../src/game/ports.js";
import { targetSchema } from "../../src/config/schema.js";

const req = (host: string): GameLogEvent =>
  parseEvents(`2025-03-14 21:00:00.000|1.0.0.0.1|Info|backend|---> Request HTTPS, id [1]: URL: https://${host}/client/x`)[0]!;

describe("LiveHosts", () => {
  it("reports a host once, ignores non-BSG hosts, keeps the newest few", () => {
    const lh = new LiveHosts(2);
    expect(lh.add(req("gw-pvp-01.escapefromtarkov.com"))).toEqual({ host: "gw-pvp-01.escapefromtarkov.com", role: "gateway" });
    expect(lh.add(req("gw-pvp-01.escapefromtarkov.com"))).toBeNull();
    expect(lh.add(req("analytics.example.com"))).toBeNull();
    lh.add(req("gw-pvp-02.escapefromtarkov.com"));
    lh.add(req("gw-pvp-01.escapefromtarkov.com")); // refreshed: now the newest
    lh.add(req("gw-pvp-03.escapefromtarkov.com"));
    expect(lh.hosts.map((h) => h.host)).toEqual(["gw-pvp-01.escapefromtarkov.com", "gw-pvp-03.escapefromtarkov.com"]);
  });

  it("targets pass the config schema", () => {
    const t = targetForHost({ host: "wsn-pvp-season-01.escapefromtarkov.com", role: "websocket" });
    expect(targetSchema.safeParse(t).success).toBe(true);
    expect(t).toEqual({ id: "live-wsn-pvp-season-01.escapefromtarkov.com", group: "bsg", url: "https://wsn-pvp-season-01.escapefromtarkov.com/" });
  });
});

describe("startGameWatch", () => {
  let root = "";
  afterEach(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  const noGame: InstallDeps = {
    registry: { queryValue: async () => null },
    fs: { isDirectory: async () => false, isFile: async () => false, readText: async () => null },
    env: {},
    path: path.win32,
  };

  it("without logs it is off, not broken", async () => {
    const w = await startGameWatch({ installDir: "auto", logsDir: null }, { deps: noGame });
    expect(w.tailer).toBeNull();
    w.stop();
  });

  it("wires triggers and new hosts from a growing log", async () => {
    root = mkdtempSync(join(tmpdir(), "eft-watch-"));
    const dir = join(root, "log_2025.03.14_21-00-00_1.0.0.0.1");
    mkdirSync(dir);
    const file = join(dir, "2025.03.14_21-00-00_1.0.0.0.1 backend_000.log");
    writeFileSync(file, "");
    const triggers: GameLogEvent[] = [];
    const hosts: ObservedHost[] = [];
    const attached: string[] = [];
    const log: GameLogger = {
      debug: (m, meta) => {
        if (m === "tailing game log") attached.push(String(meta?.channel));
      },
      info() {},
      warn() {},
    };
    const w = await startGameWatch(
      { installDir: "auto", logsDir: root },
      { deps: noGame, log, pollMs: 20, rescanMs: 0, onTrigger: (e) => triggers.push(e), onNewHost: (h) => hosts.push(h) },
    );
    try {
      // Append only once the file is attached (at its end): a line written before that is history, not live.
      await vi.waitFor(() => expect(attached).toContain("backend"), { timeout: 10_000 });
      appendFileSync(
        file,
        "2025-03-14 21:00:01.000|1.0.0.0.1|Info|backend|---> Request HTTPS, id [1]: URL: https://gw-pvp-01.escapefromtarkov.com/client/game/keepalive\n" +
          "2025-03-14 21:00:02.000|1.0.0.0.1|Error|backend|<--- Error! HTTPS: https://gw-pvp-01.escapefromtarkov.com/client/game/keepalive, result:ConnectionError, isNetworkError:True, isHttpError:False, responseCode:0\n",
      );
      await vi.waitFor(() => expect(triggers.map((e) => e.kind)).toEqual(["backend-error"]), { timeout: 10_000 });
      expect(hosts).toEqual([{ host: "gw-pvp-01.escapefromtarkov.com", role: "gateway" }]);
      expect(w.liveHosts.targets().map((t) => t.id)).toEqual(["live-gw-pvp-01.escapefromtarkov.com"]);
    } finally {
      w.stop();
    }
  });
});

it("the agent's winston logger fits the GameLogger port", async () => {
  const { createLogger } = await import("../../src/log.js");
  const logger: GameLogger = createLogger({ dataDir: null });
  expect(typeof logger.warn).toBe("function");
});
