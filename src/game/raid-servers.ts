/**
 * The raid servers the game was sent to this session, newest first: only address, port, map and data centre (never
 * the payload they were read from), for the support bundle, the report and the path trace.
 */
import { describeRaidServer, type GameLogEvent, type RaidServerSource } from "../core/eft-log.js";
import type { Evidence } from "../core/types.js";

export interface RaidServer {
  /** ISO time the game logged it. */
  at: string;
  ip: string;
  port: number | null;
  /** Map as the log names it (`Interchange`, `bigmap`), when known. */
  location: string | null;
  /** Data centre from the server id (`US-DAL03`), when known. */
  datacenter: string | null;
  /** The log it was first read from. */
  source: RaidServerSource;
}

interface Entry {
  server: RaidServer;
  epochMs: number;
  /** `HH:MM:SS` as the game wrote it (local time), for evidence sentences. */
  logTime: string;
}

/** Lines about the same server this close together describe the same raid (assignment, push, connect). */
const SAME_RAID_MS = 30 * 60_000;

const splitAddress = (address: string): { ip: string; port: number | null } => {
  const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(address);
  return m ? { ip: m[1]!, port: Number(m[2]) } : { ip: address, port: null };
};

/** Collects raid servers from game-log events; bounded, so a long session cannot grow it without end. */
export class RaidServers {
  #entries: Entry[] = [];
  constructor(private readonly max = 20) {}

  /** Records the server an event names, merging lines about the same raid. Returns true when it was new. */
  add(e: GameLogEvent): boolean {
    let found: Omit<RaidServer, "at">;
    if (e.kind === "raid-assigned") found = { ip: e.ip, port: e.port, location: e.location, datacenter: e.datacenter, source: e.source };
    else if (e.kind === "raid-connect") found = { ...splitAddress(e.address), location: null, datacenter: null, source: "network-connection" };
    else return false;
    const same = this.#entries.find(
      (x) => x.server.ip === found.ip && (x.server.port === null || found.port === null || x.server.port === found.port) && Math.abs(x.epochMs - e.epochMs) <= SAME_RAID_MS,
    );
    if (same) {
      const s = same.server;
      // A Connect line only confirms the address; the assignment that names the map and data centre is the source.
      const source = s.source === "network-connection" ? found.source : s.source;
      same.server = { ...s, port: s.port ?? found.port, location: s.location ?? found.location, datacenter: s.datacenter ?? found.datacenter, source };
      return false;
    }
    this.#entries.push({ server: { at: new Date(e.epochMs).toISOString(), ...found }, epochMs: e.epochMs, logTime: e.at.slice(11, 19) });
    this.#entries.sort((a, b) => b.epochMs - a.epochMs);
    this.#entries.length = Math.min(this.#entries.length, this.max);
    return true;
  }

  /** Newest first. */
  list(): RaidServer[] {
    return this.#entries.map((x) => ({ ...x.server }));
  }

  /** The current raid's server as evidence, when one was named within `withinMs` of `nowMs`. */
  evidence(nowMs: number, withinMs = 2 * 60 * 60_000): Evidence[] {
    const newest = this.#entries[0];
    if (!newest || nowMs - newest.epochMs > withinMs) return [];
    const s = newest.server;
    return [{ kind: "game-log", text: `Game log ${newest.logTime}: ${describeRaidServer(s)}, named in the ${s.source} log` }];
  }
}
