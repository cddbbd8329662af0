/**
 * The evidence report's numbers, computed from the evidence history in one streaming pass (pure: records in, model
 * out, no I/O). Everything a chart, a letter or a table says comes from here, so the three always agree.
 */
import type { CompactRound, HistoryRecord, TargetSample } from "../agent/evidence-history.js";
import type { Incident } from "../agent/incidents.js";
import type { FailureCode, PhaseName, VerdictId } from "../core/types.js";

export const PHASE_ORDER: readonly PhaseName[] = ["dns", "tcp", "tls", "http"];
/** ISPs take loss and latency figures seriously from about this many samples (an evening of connects). */
export const SERIOUS_SAMPLE_COUNT = 500;

export interface Ratio {
  failed: number;
  n: number;
}

export interface Bucket {
  t: number;
  bsg: Ratio;
  control: Ratio;
  live: Ratio;
  /** Median connect time of the working liveness connects in the bucket, ms. */
  liveP50: number | null;
}

export interface Band {
  from: number;
  to: number;
  /** Confirmed state; null = the agent was not watching (stopped, paused, or no data). */
  verdict: VerdictId | null;
}

export interface IncidentRow {
  id: string;
  start: number;
  end: number | null;
  durationMs: number | null;
  verdicts: VerdictId[];
  endReason: string | null;
  evidence: string[];
  rounds: Ratio;
  connects: Ratio;
  controls: Ratio;
}

export interface TargetRow {
  id: string;
  group: "bsg" | "control";
  hostPort: string | null;
  addresses: string[];
  phases: Record<PhaseName, Ratio>;
  codes: Partial<Record<FailureCode, number>>;
  firstFail: number | null;
  lastFail: number | null;
}

export interface ResolverRow {
  resolver: string;
  /** BSG names looked up through this resolver. */
  bsg: Ratio;
}

export interface LatencyStats {
  n: number;
  lost: number;
  lossPct: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
}

export interface TargetLatency extends LatencyStats {
  target: string;
  addresses: string[];
}

export interface TraceRow {
  t: number;
  incidentId: string | null;
  target: string;
  why: string;
  tool: string | null;
  ok: boolean;
  message: string;
  hops: { n: number; ip: string | null; loss: number | null; rtt: number | null }[];
}

export interface MaintenanceRow {
  t: number;
  message: string;
}

export interface EvidenceModel {
  from: number;
  to: number;
  bucketMs: number;
  buckets: Bucket[];
  bands: Band[];
  incidents: IncidentRow[];
  targets: TargetRow[];
  resolvers: ResolverRow[];
  liveness: { overall: LatencyStats; perTarget: TargetLatency[] };
  /** Control sites in the very rounds where a BSG host failed: "other sites worked at the same minutes". */
  controlsWhileBsgFailed: Ratio;
  /** Rounds where the home router did not answer (dead / no route), of rounds where its state was known. */
  gateway: Ratio;
  /** Rounds whose status-page reading said BSG is down, unstable or updating, of rounds with a reading. */
  statusPageBad: Ratio;
  traces: TraceRow[];
  maintenance: MaintenanceRow[];
  coverage: { rounds: number; connects: number; monitoredMs: number; skippedLines: number; cappedDays: string[] };
  /** The last confirmed verdict seen in the window. */
  lastVerdict: VerdictId | null;
}

const ratio = (): Ratio => ({ failed: 0, n: 0 });
const emptyPhases = (): Record<PhaseName, Ratio> => ({ dns: ratio(), tcp: ratio(), tls: ratio(), http: ratio() });

/** Percentile by nearest rank over a sorted array; null when empty. */
export function percentile(sorted: ArrayLike<number>, p: number): number | null {
  if (sorted.length === 0) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

function latency(values: number[], lost: number): LatencyStats {
  const sorted = Float64Array.from(values).sort();
  const n = values.length + lost;
  return {
    n,
    lost,
    lossPct: n === 0 ? 0 : (100 * lost) / n,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.length === 0 ? null : sorted[sorted.length - 1]!,
  };
}

/** Bucket width for a window: about 300 buckets, in round minutes. */
export function bucketFor(windowMs: number): number {
  const steps = [60_000, 5 * 60_000, 10 * 60_000, 15 * 60_000, 30 * 60_000, 60 * 60_000, 3 * 3_600_000];
  return steps.find((s) => windowMs / s <= 320) ?? 6 * 3_600_000;
}

/** A streaming builder: feed it history records in any order, then `finish()`. */
export class EvidenceModelBuilder {
  private readonly bucketMs: number;
  private readonly buckets: Bucket[];
  private readonly bucketLive: number[][];
  private readonly targets = new Map<string, TargetRow>();
  private readonly resolvers = new Map<string, ResolverRow>();
  private readonly liveOk: number[] = [];
  private liveLost = 0;
  private readonly perTarget = new Map<string, { ok: number[]; lost: number }>();
  private readonly controlsWhileBsgFailed = ratio();
  private readonly gateway = ratio();
  private readonly statusPageBad = ratio();
  private readonly incidents: (IncidentRow & { until: number })[];
  private readonly events: Extract<HistoryRecord, { k: "event" }>[] = [];
  private readonly lifecycle: Extract<HistoryRecord, { k: "agent" }>[] = [];
  private readonly traces: TraceRow[] = [];
  private readonly maintenance: MaintenanceRow[] = [];
  private rounds = 0;
  private connects = 0;
  private firstSampleAt = Infinity;

  constructor(
    private readonly from: number,
    private readonly to: number,
    incidents: readonly Incident[],
    bucketMs = bucketFor(to - from),
  ) {
    this.bucketMs = bucketMs;
    const start = Math.floor(from / bucketMs) * bucketMs;
    const count = Math.max(1, Math.ceil((to - start) / bucketMs));
    this.buckets = Array.from({ length: count }, (_, i) => ({ t: start + i * bucketMs, bsg: ratio(), control: ratio(), live: ratio(), liveP50: null }));
    this.bucketLive = this.buckets.map(() => []);
    this.incidents = incidents
      .map((i) => {
        const start = Date.parse(i.start);
        const end = i.end === null ? null : Date.parse(i.end);
        return {
          id: i.id,
          start,
          end,
          until: end ?? Math.max(Date.parse(i.lastSeen), to),
          durationMs: i.durationMs,
          verdicts: [...i.verdicts],
          endReason: i.endReason,
          evidence: i.evidence.map((e) => e.text),
          rounds: ratio(),
          connects: ratio(),
          controls: ratio(),
        };
      })
      .filter((i) => i.start < to && i.until >= from)
      .sort((a, b) => a.start - b.start);
  }

  private bucket(t: number): number {
    return Math.floor((t - this.buckets[0]!.t) / this.bucketMs);
  }

  private incidentAt(t: number): (IncidentRow & { until: number }) | null {
    for (const i of this.incidents) if (t >= i.start && t <= i.until) return i;
    return null;
  }

  private target(s: TargetSample): TargetRow {
    let row = this.targets.get(s.id);
    if (!row) {
      row = { id: s.id, group: s.g === "b" ? "bsg" : "control", hostPort: s.h ?? null, addresses: [], phases: emptyPhases(), codes: {}, firstFail: null, lastFail: null };
      this.targets.set(s.id, row);
    }
    if (s.h && row.hostPort === null) row.hostPort = s.h;
    if (s.a && !row.addresses.includes(s.a) && row.addresses.length < 8) row.addresses.push(s.a);
    return row;
  }

  /** Takes one record (all-passed rounds also in their compact form, which costs no per-target objects). */
  add(r: HistoryRecord | CompactRound): void {
    if (r.t < this.from || r.t >= this.to) return;
    switch (r.k) {
      case "round":
        return this.addRound(r);
      case "ok-round":
        return this.addPassedRound(r);
      case "live":
        return this.addLive(r);
      case "event":
        this.events.push(r);
        if (r.e === "maintenance") this.maintenance.push({ t: r.t, message: r.msg ?? "" });
        return;
      case "agent":
        this.lifecycle.push(r);
        return;
      case "trace":
        this.traces.push({ t: r.t, incidentId: r.inc, target: r.target, why: r.why, tool: r.tool, ok: r.ok, message: r.msg, hops: r.hops });
        return;
      case "cap":
        return;
    }
  }

  /** What every round counts, failed or not: the round, the router, the status page; its bucket and incident. */
  private countRound(r: Pick<CompactRound, "gw" | "st" | "t">) {
    this.rounds++;
    if (r.gw !== "unknown") {
      this.gateway.n++;
      if (r.gw !== "alive") this.gateway.failed++;
    }
    if (r.st !== "unknown" && r.st !== "disabled") {
      this.statusPageBad.n++;
      if (r.st !== "ok") this.statusPageBad.failed++;
    }
    this.firstSampleAt = Math.min(this.firstSampleAt, r.t);
    return { b: this.buckets[this.bucket(r.t)], inc: this.incidentAt(r.t) };
  }

  private addRound(r: Extract<HistoryRecord, { k: "round" }>): void {
    const { b, inc } = this.countRound(r);
    let bsgFailed = false;
    const controls = ratio();
    for (const s of r.tg) {
      if (s.x) continue; // a broken probe is missing evidence, not a failure
      const row = this.target(s);
      const reached = PHASE_ORDER.indexOf(s.p);
      for (let i = 0; i <= reached; i++) row.phases[PHASE_ORDER[i]!].n++;
      const failed = s.c !== undefined && s.c !== "HTTP_4XX" && s.c !== "DEADLINE";
      if (s.c !== undefined) {
        row.phases[s.p].failed++;
        row.codes[s.c] = (row.codes[s.c] ?? 0) + 1;
        row.firstFail ??= r.t;
        row.lastFail = r.t;
      }
      if (s.g === "b") {
        if (b) {
          b.bsg.n++;
          if (failed) b.bsg.failed++;
        }
        if (failed) bsgFailed = true;
        // Resolver comparison for BSG names: each resolver asked in this round.
        r.rs.forEach((name, i) => {
          let rr = this.resolvers.get(name);
          if (!rr) this.resolvers.set(name, (rr = { resolver: name, bsg: ratio() }));
          rr.bsg.n++;
          if (s.r?.[i]) rr.bsg.failed++;
        });
      } else {
        controls.n++;
        if (failed) controls.failed++;
        if (b) {
          b.control.n++;
          if (failed) b.control.failed++;
        }
      }
    }
    if (bsgFailed) {
      this.controlsWhileBsgFailed.n += controls.n;
      this.controlsWhileBsgFailed.failed += controls.failed;
    }
    if (inc) {
      inc.rounds.n++;
      if (bsgFailed) inc.rounds.failed++;
      inc.controls.n += controls.n;
      inc.controls.failed += controls.failed;
    }
  }

  /** A round in which every target passed every step it tried: the same counts as `addRound`, without failures. */
  private addPassedRound(r: CompactRound): void {
    const { b, inc } = this.countRound(r);
    let controls = 0;
    for (const s of r.set) {
      const row = this.targets.get(s.id) ?? this.target({ id: s.id, g: s.g, p: s.p, ms: [], ...(s.h ? { h: s.h } : {}), ...(s.a ? { a: s.a } : {}) });
      if (s.a && !row.addresses.includes(s.a) && row.addresses.length < 8) row.addresses.push(s.a);
      if (s.h && row.hostPort === null) row.hostPort = s.h;
      const reached = PHASE_ORDER.indexOf(s.p);
      for (let i = 0; i <= reached; i++) row.phases[PHASE_ORDER[i]!].n++;
      if (s.g === "b") {
        if (b) b.bsg.n++;
        for (const name of r.rs) {
          let rr = this.resolvers.get(name);
          if (!rr) this.resolvers.set(name, (rr = { resolver: name, bsg: ratio() }));
          rr.bsg.n++;
        }
      } else {
        controls++;
        if (b) b.control.n++;
      }
    }
    if (inc) {
      inc.rounds.n++;
      inc.controls.n += controls;
    }
  }

  private addLive(r: Extract<HistoryRecord, { k: "live" }>): void {
    this.connects++;
    this.firstSampleAt = Math.min(this.firstSampleAt, r.t);
    const lost = r.c !== undefined;
    if (r.c === "PROBE_BROKEN") return;
    let pt = this.perTarget.get(r.tg);
    if (!pt) this.perTarget.set(r.tg, (pt = { ok: [], lost: 0 }));
    const i = this.bucket(r.t);
    const b = this.buckets[i];
    if (b) {
      b.live.n++;
      if (lost) b.live.failed++;
      else this.bucketLive[i]!.push(r.ms);
    }
    if (lost) {
      this.liveLost++;
      pt.lost++;
    } else {
      this.liveOk.push(r.ms);
      pt.ok.push(r.ms);
    }
    const inc = this.incidentAt(r.t);
    if (inc) {
      inc.connects.n++;
      if (lost) inc.connects.failed++;
    }
  }

  /** Confirmed verdict over time, with the times the agent was not watching left as null. */
  private bands(): Band[] {
    type Mark = { t: number; verdict: VerdictId | null };
    const marks: Mark[] = [];
    for (const e of this.events) {
      if (e.e === "down") marks.push({ t: e.since ?? e.t, verdict: e.v });
      else if (e.e === "verdict") marks.push({ t: e.t, verdict: e.v });
      else if (e.e === "up") marks.push({ t: e.t, verdict: "ok" });
    }
    for (const l of this.lifecycle) {
      if (l.op === "stop" || l.op === "pause") marks.push({ t: l.t, verdict: null });
      else if (l.op === "start" || l.op === "resume") marks.push({ t: l.t, verdict: "ok" });
    }
    marks.sort((a, b) => a.t - b.t);
    // Before the first mark: watching if samples exist then, else unknown.
    const firstSample = Number.isFinite(this.firstSampleAt) ? this.firstSampleAt : null;
    const bands: Band[] = [];
    let cur: Mark = { t: this.from, verdict: firstSample !== null && (marks.length === 0 || firstSample < marks[0]!.t) ? "ok" : null };
    // An incident that started before the window: its verdict holds from the window's start.
    const open = this.incidents.find((i) => i.start <= this.from);
    if (open) cur = { t: this.from, verdict: open.verdicts[0] ?? "inconclusive" };
    for (const mk of marks) {
      const t = Math.max(this.from, Math.min(this.to, mk.t));
      if (t > cur.t) bands.push({ from: cur.t, to: t, verdict: cur.verdict });
      cur = { t, verdict: mk.verdict };
    }
    if (this.to > cur.t) bands.push({ from: cur.t, to: this.to, verdict: cur.verdict });
    return bands.filter((b) => b.to > b.from);
  }

  finish(extra: { skippedLines?: number; cappedDays?: string[] } = {}): EvidenceModel {
    this.buckets.forEach((b, i) => {
      const xs = this.bucketLive[i]!;
      if (xs.length > 0) b.liveP50 = percentile(Float64Array.from(xs).sort(), 50);
    });
    const bands = this.bands();
    const monitoredMs = bands.filter((b) => b.verdict !== null).reduce((a, b) => a + (b.to - b.from), 0);
    const verdictEvents = this.events.filter((e) => e.e === "down" || e.e === "verdict" || e.e === "up");
    const last = verdictEvents.at(-1);
    return {
      from: this.from,
      to: this.to,
      bucketMs: this.bucketMs,
      buckets: this.buckets,
      bands,
      incidents: this.incidents.map(({ until: _until, ...row }) => row),
      targets: [...this.targets.values()].sort((a, b) => (a.group === b.group ? a.id.localeCompare(b.id) : a.group === "bsg" ? -1 : 1)),
      resolvers: [...this.resolvers.values()],
      liveness: {
        overall: latency(this.liveOk, this.liveLost),
        perTarget: [...this.perTarget.entries()].map(([target, v]) => ({ target, addresses: this.targets.get(target)?.addresses ?? [], ...latency(v.ok, v.lost) })).sort((a, b) => a.target.localeCompare(b.target)),
      },
      controlsWhileBsgFailed: this.controlsWhileBsgFailed,
      gateway: this.gateway,
      statusPageBad: this.statusPageBad,
      traces: this.traces,
      maintenance: this.maintenance,
      coverage: { rounds: this.rounds, connects: this.connects, monitoredMs, skippedLines: extra.skippedLines ?? 0, cappedDays: extra.cappedDays ?? [] },
      lastVerdict: last ? (last.e === "up" ? "ok" : last.v) : null,
    };
  }
}
