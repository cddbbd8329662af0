/**
 * A scriptable world for monitor tests: a fake round runner, a fake liveness probe and a small fake classify,
 * all driven by vitest fake timers. The real end-to-end test against a loopback world lives elsewhere.
 */
import { vi } from "vitest";
import { parseConfig } from "../../src/config/load.js";
import type { ResolvedConfig } from "../../src/config/schema.js";
import type { AgentEvent } from "../../src/agent/events.js";
import type { Incident, IncidentStore } from "../../src/agent/incidents.js";
import type { LivenessProbe, LivenessResult, LivenessTarget } from "../../src/agent/liveness.js";
import type { MonitorClock, MonitorDeps, MonitorLogger, ProbeRoundOptions } from "../../src/agent/monitor.js";
import type { BsgStatusState, Diagnosis, PhaseResult, RoundResult, StatusApiResult, TargetResult, VerdictId } from "../../src/core/types.js";

export const TARGETS = [
  { id: "bsg-prod", group: "bsg", url: "https://prod.example.test/" },
  { id: "bsg-gw", group: "bsg", url: "https://gw.example.test/" },
  { id: "bsg-wsn", group: "bsg", url: "tcp://wsn.example.test:443" },
  { id: "ctl-a", group: "control", url: "https://ctl-a.example.test/" },
  { id: "ctl-b", group: "control", url: "tcp://192.0.2.9:443" },
] as const;

/** Deterministic RNG (mulberry32). */
export function seededRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function testConfig(monitor: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): ResolvedConfig {
  const r = parseConfig(JSON.stringify({ targets: TARGETS, monitor, ...extra }), "test");
  if (!r.ok) throw new Error(r.message);
  return r.value;
}

const ok = (ms = 5): PhaseResult => ({ status: "ok", ms });
const skipped: PhaseResult = { status: "skipped", reason: "earlier phase failed" };

export type BsgState = "up" | "refused" | "blackhole" | "dns-broken";

export class FakeWorld {
  bsg: BsgState = "up";
  internet = true;
  status: BsgStatusState | "unknown" = "ok";
  statusMessage: string | null = null;
  /** Probability that one target probe or one liveness connect fails on its own. */
  loss = 0;
  rng: () => number = Math.random;
  latencyMs = 40;
  /** Throw from the next N probeRound calls. */
  throwRounds = 0;
  /** Fail exactly the next N probe rounds (every BSG target refused), then go back to `bsg`. */
  glitchRounds = 0;
  /** Alternate the BSG failure mode per round (flapping causes). */
  flap: BsgState[] | null = null;
  private flapIndex = 0;
  readonly rounds: { at: number; opts: ProbeRoundOptions }[] = [];
  readonly livenessChecks: { at: number; target: LivenessTarget }[] = [];
  readonly statusPolls: number[] = [];

  constructor(readonly config: ResolvedConfig) {}

  addressOf(id: string): string {
    return `10.0.0.${TARGETS.findIndex((t) => t.id === id) + 1}`;
  }

  private statusResult(): StatusApiResult {
    const s = this.status;
    return {
      state: s,
      globalStatus: s === "unknown" ? null : ["ok", "updating", "unstable", "down"].indexOf(s),
      message: this.statusMessage,
      services: [],
      messages: [],
      error: s === "unknown" ? "timeout" : null,
      ms: 30,
    };
  }

  private target(id: string, bsgMode: BsgState): { r: TargetResult; ms: number } {
    const cfg = this.config.targets.find((t) => t.id === id)!;
    const url = new URL(cfg.url);
    const scheme: "tcp" | "https" = url.protocol === "tcp:" ? "tcp" : "https";
    const port = Number(url.port || 443);
    const base: Omit<TargetResult, "phases" | "durationMs"> = {
      id,
      group: cfg.group,
      url: cfg.url,
      scheme,
      host: url.hostname,
      port,
      address: this.addressOf(id),
      dns: [],
      tls: null,
      httpStatus: scheme === "https" ? 200 : null,
      ttfbMs: null,
      broken: null,
    };
    const allOk = { dns: ok(), tcp: ok(), tls: scheme === "https" ? ok() : skipped, http: scheme === "https" ? ok() : skipped };
    const fail = (phase: "dns" | "tcp", code: "TCP_REFUSED" | "TCP_TIMEOUT" | "TCP_RESET" | "DNS_SERVFAIL", ms: number) => ({
      r: {
        ...base,
        address: phase === "dns" ? null : base.address,
        httpStatus: null,
        phases: { dns: phase === "dns" ? ({ status: "fail", code, ms, message: code } as const) : ok(), tcp: phase === "tcp" ? ({ status: "fail", code, ms, message: code } as const) : skipped, tls: skipped, http: skipped },
        durationMs: ms,
      },
      ms,
    });
    if (!this.internet) return fail("tcp", "TCP_TIMEOUT", this.config.probe.timeoutMs);
    if (this.loss > 0 && this.rng() < this.loss) return fail("tcp", "TCP_RESET", this.latencyMs);
    if (cfg.group === "bsg") {
      if (bsgMode === "refused") return fail("tcp", "TCP_REFUSED", 2);
      if (bsgMode === "blackhole") return fail("tcp", "TCP_TIMEOUT", this.config.probe.timeoutMs);
      if (bsgMode === "dns-broken") return fail("dns", "DNS_SERVFAIL", 20);
    }
    return { r: { ...base, phases: allOk, durationMs: this.latencyMs }, ms: this.latencyMs };
  }

  probeRound = async (opts: ProbeRoundOptions): Promise<RoundResult> => {
    this.rounds.push({ at: Date.now(), opts });
    if (opts.only?.length === 0 && opts.statusApi) this.statusPolls.push(Date.now());
    if (this.throwRounds > 0) {
      this.throwRounds--;
      throw new Error("probe exploded");
    }
    let mode = this.bsg;
    if (this.glitchRounds > 0 && opts.only?.length !== 0) {
      this.glitchRounds--;
      mode = "refused";
    }
    if (this.flap && opts.only?.length !== 0) mode = this.flap[this.flapIndex++ % this.flap.length]!;
    const ids = this.config.targets.map((t) => t.id).filter((id) => opts.only === undefined || opts.only.includes(id));
    const results = ids.map((id) => this.target(id, mode));
    const ms = Math.max(this.latencyMs, ...results.map((x) => x.ms));
    const at = new Date().toISOString();
    await new Promise((r) => setTimeout(r, ms));
    return {
      at,
      durationMs: ms,
      deadlineHit: false,
      targets: results.map((x) => x.r),
      gateway: { host: "192.168.1.1", source: "auto", state: this.internet ? "alive" : "alive", via: "tcp:53:accepted", ms: 1, message: "", icmp: null },
      statusApi: opts.statusApi ? this.statusResult() : { ...this.statusResult(), state: "unknown", error: "not read this round" },
    };
  };

  liveness: LivenessProbe = {
    check: (target, timeoutMs) => {
      this.livenessChecks.push({ at: Date.now(), target });
      return new Promise<LivenessResult>((resolve) => {
        const fail = (code: "TCP_REFUSED" | "TCP_TIMEOUT" | "TCP_RESET", ms: number) =>
          setTimeout(() => resolve({ ok: false, targetId: target.targetId, ms, code, message: code }), ms);
        if (target.address !== this.addressOf(target.targetId)) return fail("TCP_REFUSED", 1);
        if (!this.internet) return fail("TCP_TIMEOUT", timeoutMs);
        if (this.loss > 0 && this.rng() < this.loss) return fail("TCP_TIMEOUT", timeoutMs);
        if (this.bsg === "refused") return fail("TCP_REFUSED", 2);
        if (this.bsg === "blackhole") return fail("TCP_TIMEOUT", timeoutMs);
        setTimeout(() => resolve({ ok: true, targetId: target.targetId, ms: 20 }), 20);
      });
    },
  };
}

const HEADLINES: Record<VerdictId, string> = {
  ok: "Connected",
  maintenance: "BSG maintenance",
  "server-outage": "BSG servers down",
  "bsg-degraded": "Some BSG servers fail",
  "bsg-unreachable": "BSG unreachable",
  "dns-failure": "DNS broken",
  "tls-intercepted": "TLS intercepted",
  "no-internet": "Internet down",
  "local-network": "Local network down",
  inconclusive: "Unclear",
};

/** A small classify with the same gates as the real one: controls first, then DNS, then BSG transport. */
export function fakeClassify(round: RoundResult): Diagnosis {
  const failed = (t: TargetResult) => t.broken === null && Object.values(t.phases).some((p) => p.status === "fail");
  const bsg = round.targets.filter((t) => t.group === "bsg");
  const ctl = round.targets.filter((t) => t.group === "control");
  let verdict: VerdictId;
  if (round.statusApi.state === "updating") verdict = "maintenance";
  else if (bsg.length === 0) verdict = "inconclusive";
  else if (ctl.length > 0 && ctl.every(failed) && bsg.every(failed)) verdict = "no-internet";
  else if (bsg.some((t) => t.phases.dns.status === "fail") && bsg.filter(failed).every((t) => t.phases.dns.status === "fail")) verdict = "dns-failure";
  else if (bsg.every(failed)) verdict = "bsg-unreachable";
  else if (bsg.some(failed)) verdict = "bsg-degraded";
  else verdict = "ok";
  return {
    verdict,
    confidence: "high",
    headline: HEADLINES[verdict],
    meaning: "",
    evidence: [...round.targets.filter(failed).map((t) => ({ kind: "target" as const, text: `${t.id} failed`, targetId: t.id })), ...(round.extraEvidence ?? [])],
    advice: verdict === "ok" ? [] : [{ step: 3, text: `Fix ${verdict}` }],
  };
}

/** In-memory incident store recording calls. */
export class MemoryIncidents implements IncidentStore {
  readonly calls: string[] = [];
  readonly closed: Incident[] = [];
  openIncident: Incident | null = null;
  leftOpen: Incident | null = null;
  open(init: Parameters<IncidentStore["open"]>[0]): void {
    this.calls.push(`open:${init.verdict}`);
    this.openIncident = { id: init.id, start: new Date(init.start).toISOString(), end: null, durationMs: null, verdicts: [init.verdict], endReason: null, evidence: init.evidence, gapMs: 0, lastSeen: new Date(init.start).toISOString() };
  }
  addVerdict(_id: string, verdict: VerdictId): void {
    this.calls.push(`verdict:${verdict}`);
    this.openIncident?.verdicts.push(verdict);
  }
  touch(): void {}
  close(id: string, end: number, endReason: "recovered" | "agent stopped", gapMs = 0): Incident | null {
    this.calls.push(`close:${endReason}`);
    if (!this.openIncident || this.openIncident.id !== id) return null;
    const start = Date.parse(this.openIncident.start);
    const inc = { ...this.openIncident, end: new Date(end).toISOString(), durationMs: end - start - gapMs, endReason, gapMs };
    this.closed.push(inc);
    this.openIncident = null;
    return inc;
  }
  recoverOpen(): Incident[] {
    this.calls.push("recover");
    return this.leftOpen ? [this.leftOpen] : [];
  }
  list(): Incident[] {
    return this.closed;
  }
}

export const quietLogger = (): MonitorLogger & { lines: { level: string; msg: string; fields?: Record<string, unknown> }[] } => {
  const lines: { level: string; msg: string; fields?: Record<string, unknown> }[] = [];
  const at = (level: string) => (msg: string, fields?: Record<string, unknown>) => void lines.push({ level, msg, ...(fields ? { fields } : {}) });
  return { lines, debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
};

/** A clock on vitest's fake timers whose `now()` can jump ahead, as a laptop waking from sleep sees it. */
export function skewableClock(): MonitorClock & { skew: number } {
  const c = {
    skew: 0,
    now: () => Date.now() + c.skew,
    setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms),
    clearTimeout: (h: unknown) => clearTimeout(h as ReturnType<typeof setTimeout>),
  };
  return c;
}

export interface Harness {
  world: FakeWorld;
  events: AgentEvent[];
  incidents: MemoryIncidents;
  clock: ReturnType<typeof skewableClock>;
  logger: ReturnType<typeof quietLogger>;
  deps: MonitorDeps;
  net: { sig: string };
}

export function harness(monitor: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): Harness {
  const config = testConfig(monitor, extra);
  const world = new FakeWorld(config);
  const events: AgentEvent[] = [];
  const incidents = new MemoryIncidents();
  const clock = skewableClock();
  const logger = quietLogger();
  const net = { sig: "eth0:192.168.1.20" };
  const deps: MonitorDeps = {
    config,
    probeRound: (o) => world.probeRound(o),
    classify: vi.fn(fakeClassify),
    liveness: world.liveness,
    clock,
    networkSignature: () => net.sig,
    incidents,
    onEvent: (e) => events.push(e),
    logger,
    newIncidentId: (() => {
      let n = 0;
      return () => `inc-${++n}`;
    })(),
  };
  return { world, events, incidents, clock, logger, deps, net };
}
