/**
 * The local dashboard (issue 10 §3), started by `tarkov-agent run`: the server on 127.0.0.1 with a per-run secret,
 * and the address in `<data dir>/dashboard.json` for `tarkov-agent dashboard` and the tray, removed at exit.
 * A dashboard that cannot start costs the player the page, never the agent.
 */
import type { DashboardBackend } from "./backend.js";
import { startDashboardServer, type DashboardLogger } from "./server.js";
import type { PushKind } from "./types.js";
import { removeUrlFile, writeUrlFile } from "./url-file.js";

export interface RunningDashboard {
  readonly url: string;
  push(kind: PushKind): void;
  close(): Promise<void>;
}

/** Starts the dashboard; null (logged) when it cannot. */
export async function startDashboard(opts: { backend: DashboardBackend; dataDir: string; logger: DashboardLogger }): Promise<RunningDashboard | null> {
  const { logger, dataDir } = opts;
  let server;
  try {
    server = await startDashboardServer({ backend: opts.backend, logger });
  } catch (e) {
    logger.error("dashboard not started", { error: e instanceof Error ? e.message : String(e) });
    return null;
  }
  try {
    writeUrlFile(dataDir, { url: server.url, pid: process.pid, startedAt: new Date().toISOString() });
  } catch (e) {
    // The tray still opens it; only `tarkov-agent dashboard` cannot find it.
    logger.warn("dashboard address not written", { error: e instanceof Error ? e.message : String(e) });
  }
  // The port only: the URL carries the secret and never goes into a log.
  logger.info("dashboard listening", { host: "127.0.0.1", port: server.port });
  return {
    url: server.url,
    push: (kind) => server.push(kind),
    async close() {
      removeUrlFile(dataDir);
      await server.close();
    },
  };
}
