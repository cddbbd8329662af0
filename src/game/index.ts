/**
 * Game awareness in one call for the monitor: find the logs, tail them, keep the raid phase, collect the BSG hosts
 * the game is really using so they can join the probe set (eft-facts: prefer hosts from the current logs), and the
 * raid servers it was sent to (for the support bundle, the report and the path trace).
 */
import type { TargetConfig } from "../config/schema.js";
import { observedHost, shouldDiagnose, type GameLogEvent, type ObservedHost } from "../core/eft-log.js";
import type { Evidence } from "../core/types.js";
import { defaultInstallDeps, findGame, type GameLocation, type InstallDeps } from "./install.js";
import { silentLogger, type GameLogger } from "./ports.js";
import { RaidServers, type RaidServer } from "./raid-servers.js";
import { GameLogTailer, type TailerOptions } from "./tail.js";

export type { RaidServer } from "./raid-servers.js";

/** A probe target for a host seen in the game's logs: HTTPS on 443, whatever its role. */
export function targetForHost(h: ObservedHost): TargetConfig {
  return { id: `live-${h.host}`, group: "bsg", url: `https://${h.host}/` };
}

/** The BSG hosts seen recently, newest last, capped so a long session cannot grow the probe set without bound. */
export class LiveHosts {
  #seen = new Map<string, ObservedHost>();
  constructor(private readonly max = 6) {}

  /** Records the event's host; returns it when it is new to the set (the caller adds a probe target). */
  add(e: GameLogEvent): ObservedHost | null {
    const h = observedHost(e);
    if (!h) return null;
    const isNew = !this.#seen.has(h.host);
    this.#seen.delete(h.host);
    this.#seen.set(h.host, h);
    if (this.#seen.size > this.max) this.#seen.delete(this.#seen.keys().next().value!);
    return isNew ? h : null;
  }

  get hosts(): ObservedHost[] {
    return [...this.#seen.values()];
  }

  /** Probe targets for the current set. */
  targets(): TargetConfig[] {
    return this.hosts.map(targetForHost);
  }
}

export interface GameWatchOptions extends Omit<TailerOptions, "logsDir" | "onEvent" | "log"> {
  /** Every parsed event. */
  onEvent?: (e: GameLogEvent) => void;
  /** Events the game logged as a failure of the path to BSG: start a diagnosis round now. */
  onTrigger?: (e: GameLogEvent) => void;
  /** A BSG host the game uses that was not seen before: add `targetForHost(h)` to the probe set. */
  onNewHost?: (h: ObservedHost) => void;
  log?: GameLogger;
  deps?: InstallDeps;
}

export interface GameWatch {
  location: GameLocation;
  /** Null when no logs folder was found: game awareness is off, everything else works. */
  tailer: GameLogTailer | null;
  liveHosts: LiveHosts;
  /** Raid servers named in this session's logs, newest first: `{at, ip, port, location, datacenter, source}`. */
  raidServers(): RaidServer[];
  /** The current raid's server as diagnosis evidence (empty when none was named in the last two hours). */
  raidServerEvidence(nowMs?: number): Evidence[];
  stop(): void;
}

/** Finds the game's logs and starts tailing them. Never throws; with no logs folder it returns a watch that does nothing. */
export async function startGameWatch(cfg: { installDir: string; logsDir: string | null }, opts: GameWatchOptions = {}): Promise<GameWatch> {
  const log = opts.log ?? silentLogger;
  const location = await findGame(cfg, opts.deps ?? defaultInstallDeps(log));
  const liveHosts = new LiveHosts();
  const servers = new RaidServers();
  const common = { liveHosts, raidServers: () => servers.list(), raidServerEvidence: (nowMs = Date.now()) => servers.evidence(nowMs) };
  if (location.logsDir === null) {
    log.warn("game logs not found; game awareness is off", { checked: location.checked });
    return { location, tailer: null, ...common, stop() {} };
  }
  const { onEvent, onTrigger, onNewHost, onHistory, deps: _deps, ...tailOpts } = opts;
  const tailer = new GameLogTailer({
    ...tailOpts,
    log,
    logsDir: location.logsDir,
    onHistory: (events) => {
      for (const e of events) servers.add(e);
      onHistory?.(events);
    },
    onEvent: (e) => {
      const h = liveHosts.add(e);
      if (h) onNewHost?.(h);
      if (servers.add(e)) log.info("raid server named in the game log", { ...servers.list()[0] });
      onEvent?.(e);
      if (shouldDiagnose(e)) onTrigger?.(e);
    },
  });
  tailer.start();
  return { location, tailer, ...common, stop: () => tailer.stop() };
}
