/**
 * One path trace per incident, taken while it lasts, for the evidence report and the ISP letter: to the raid server
 * the game was using (the newest one its logs named in the last two hours, from `GameWatch.raidServers()`), else to
 * a BSG server that failed in the last round. On Windows through the PowerShell runner, elsewhere the OS tools
 * (./path-trace-runner.ts). A failed or impossible trace is recorded as what it is, never thrown.
 */
import type { AgentEvent } from "../agent/events.js";
import type { RoundResult } from "../core/types.js";
import type { RaidServer, RaidServerSource } from "./game-facts.js";
import type { PathTraceResult } from "./path-trace-runner.js";

/** A raid server named longer ago than this is not the one the player is in trouble with now. */
export const RAID_SERVER_FRESH_MS = 2 * 60 * 60_000;

export interface TraceTarget {
  ip: string;
  /** Plain words for the report: why this address. */
  why: string;
}

/** Where to trace to (pure): the fresh raid server, else a failing BSG server with an address, else nothing. */
export function chooseTraceTarget(raidServers: readonly RaidServer[], lastRound: RoundResult | null, nowMs: number): TraceTarget | null {
  const raid = raidServers.find((r) => nowMs - Date.parse(r.at) <= RAID_SERVER_FRESH_MS && Date.parse(r.at) <= nowMs + 60_000);
  if (raid) {
    const where = [raid.datacenter ? `data centre ${raid.datacenter}` : null, raid.location].filter((x): x is string => x !== null).join(", ");
    return { ip: raid.ip, why: `the raid server the game was using${where ? ` (${where})` : ""}` };
  }
  const failing = lastRound?.targets.find((t) => t.group === "bsg" && t.address !== null && Object.values(t.phases).some((p) => p.status === "fail"));
  return failing?.address ? { ip: failing.address, why: `a failing BSG server (${failing.host})` } : null;
}

export interface IncidentTracerDeps {
  history: { trace(r: { inc: string | null; target: string; why: string; tool: string | null; ok: boolean; msg: string; hops: PathTraceResult["hops"] }, at?: number): void };
  /** The running game watch (or null before it started / without game logs). */
  raidServers: () => RaidServerSource | null;
  lastRound: () => RoundResult | null;
  trace: (ip: string) => Promise<PathTraceResult>;
  now?: () => number;
  log?: { warn(msg: string, fields?: Record<string, unknown>): void };
}

/** Returns the agent-event handler that starts the trace on an incident's `down` (once per incident). */
export function createIncidentTracer(deps: IncidentTracerDeps): (e: AgentEvent) => void {
  const traced = new Set<string>();
  const now = deps.now ?? Date.now;
  return (e) => {
    if (e.event !== "down" || e.verdict === "maintenance" || traced.has(e.incidentId)) return;
    traced.add(e.incidentId);
    let servers: RaidServer[] = [];
    try {
      servers = deps.raidServers()?.raidServers() ?? [];
    } catch {
      // a game watch that cannot answer: trace a BSG server instead
    }
    const startedAt = now();
    const target = chooseTraceTarget(servers, deps.lastRound(), startedAt);
    if (target === null) return;
    void deps.trace(target.ip).then(
      (r) => deps.history.trace({ inc: e.incidentId, target: r.target, why: target.why, tool: r.tool, ok: r.ok, msg: r.message, hops: r.hops }, startedAt),
      (err: unknown) => deps.log?.warn("path trace failed", { error: String(err) }),
    );
  };
}
