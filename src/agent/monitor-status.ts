/**
 * The monitor's reading of BSG's status page: polled on its own every `statusPollMs` (full rounds do not read it),
 * kept as the latest reading for every round's verdict while it is fresh, and turned into one `maintenance` event
 * per maintenance. An unreadable page says nothing, so it never replaces a good reading.
 */
import type { ResolvedConfig } from "../config/schema.js";
import { bsgMaintenanceWords, maintenanceMessage } from "../core/monitor-policy.js";
import type { StatusApiResult } from "../core/types.js";
import type { AgentEvent } from "./events.js";
import type { MonitorClock, MonitorTimers } from "./monitor-timers.js";
import type { MonitorDeps, MonitorLogger } from "./monitor-types.js";

/** What the status poller reads from and asks of the monitor core. */
export interface StatusHost {
  config: ResolvedConfig;
  clock: MonitorClock;
  log: MonitorLogger;
  timers: MonitorTimers;
  deps: Pick<MonitorDeps, "pollStatus" | "probeRound">;
  guard(what: string, fn: () => void): void;
  epoch(): number;
  running(): boolean;
  incidentId(): string | null;
  emit(e: AgentEvent): void;
  publish(): void;
}

export interface StatusPoller {
  /** One tick: re-arms itself and polls. */
  tick(): void;
  /** Reads the page now unless a read is in flight (or the status API is off). Never rejects. */
  poll(): Promise<void>;
  /** Takes a reading (from a poll or from a round that read the page). */
  accept(s: StatusApiResult): void;
  /** The latest reading while it is younger than 3 polls, else null. */
  freshest(): StatusApiResult | null;
  lastPollAt(): number;
  maintenance(): { active: boolean; message: string | null };
  /** Forgets the read in flight (its epoch is over). */
  resetBusy(): void;
}

const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e));
const iso = (ms: number): string => new Date(ms).toISOString();

/** Builds the status poller for one monitor. */
export function createStatusPoller(host: StatusHost): StatusPoller {
  const { config, clock, log, timers } = host;
  const m = config.monitor;
  const now = () => clock.now();
  let lastStatus: { s: StatusApiResult; at: number } | null = null;
  let lastStatusPollAt = -Infinity;
  let statusBusy = false;
  let maintenance: { active: boolean; message: string | null } = { active: false, message: null };
  /** Whether the maintenance's message is BSG's own text (not the stand-in for "no message given"). */
  let wordsFromBsg = false;

  function tick(): void {
    timers.arm("status", m.statusPollMs, tick);
    void poll();
  }

  async function poll(): Promise<void> {
    if (config.statusApi === null || !host.running() || statusBusy) return;
    statusBusy = true;
    const myEpoch = host.epoch();
    lastStatusPollAt = now();
    try {
      const d = host.deps;
      const s = d.pollStatus ? await d.pollStatus() : (await d.probeRound({ only: [], statusApi: true, gateway: false })).statusApi;
      if (myEpoch === host.epoch() && host.running()) host.guard("status result", () => accept(s));
    } catch (e) {
      log.warn("status page read threw; ignored", { error: errText(e) });
    } finally {
      if (myEpoch === host.epoch()) statusBusy = false;
    }
  }

  function accept(s: StatusApiResult): void {
    if (s.state === "disabled") return;
    // An unreadable status page says nothing: keep the last reading (it ages out of rounds on its own).
    if (s.state === "unknown") return;
    lastStatus = { s, at: now() };
    if (s.state === "updating") {
      if (!maintenance.active) {
        const message = maintenanceMessage(s);
        maintenance = { active: true, message };
        wordsFromBsg = bsgMaintenanceWords(s) !== null;
        log.warn("BSG maintenance announced", { reason: message });
        host.emit({ event: "maintenance", verdict: "maintenance", at: iso(now()), incidentId: host.incidentId(), message });
      } else if (!wordsFromBsg) {
        // Announced from a reading without BSG's words (global/status unanswered, the services list said updating):
        // when a later reading has them, the dashboard shows them. Still one announcement.
        const words = bsgMaintenanceWords(s);
        if (words !== null) {
          maintenance = { active: true, message: words };
          wordsFromBsg = true;
          log.info("BSG maintenance message", { reason: words });
        }
      }
    } else if (maintenance.active) {
      log.info("BSG maintenance over", { state: s.state });
      maintenance = { active: false, message: null };
    }
    host.publish();
  }

  return {
    tick,
    poll,
    accept,
    freshest() {
      if (lastStatus === null || now() - lastStatus.at > 3 * m.statusPollMs) return null;
      return lastStatus.s;
    },
    lastPollAt: () => lastStatusPollAt,
    maintenance: () => ({ ...maintenance }),
    resetBusy: () => {
      statusBusy = false;
    },
  };
}
