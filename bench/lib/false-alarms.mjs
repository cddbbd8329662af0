// Issue 3 (c): false alarms at 2 % loss over simulated hours. The REAL monitor (dist/agent/monitor.js) and the REAL
// classify (dist/core/classify.js) run on a fake clock (a discrete-event timer queue implementing MonitorClock);
// the probe round and the liveness connect are stand-ins that replay a real healthy round from the loopback world
// and fail each probe / connect independently with probability `loss` (seeded).
import { performance } from "node:perf_hooks";
import { setImmediate } from "node:timers";
import { createMonitor } from "../../dist/agent/monitor.js";
import { classify } from "../../dist/core/classify.js";
import { seededRng } from "./stats.mjs";

/** MonitorClock on a binary heap of timers; time only moves in runUntil(). */
export class FakeClock {
  #t;
  #seq = 0;
  #heap = [];
  fired = 0;
  constructor(start) {
    this.#t = start;
  }
  now() {
    return this.#t;
  }
  setTimeout(fn, ms) {
    const h = { due: this.#t + Math.max(0, Number(ms) || 0), seq: this.#seq++, fn, cancelled: false };
    this.#push(h);
    return h;
  }
  clearTimeout(h) {
    if (h && typeof h === "object") h.cancelled = true;
  }
  /** Fires every timer due up to `end` in order; after each one lets every promise chain it started settle. */
  async runUntil(end) {
    while (this.#heap.length > 0 && this.#heap[0].due <= end) {
      const h = this.#pop();
      if (h.cancelled) continue;
      this.#t = Math.max(this.#t, h.due);
      this.fired++;
      h.fn();
      // The monitor's I/O here is all promises resolved from fake timers, so one macrotask turn drains the
      // microtask queue completely before time moves on.
      await new Promise((resolve) => setImmediate(resolve));
    }
    this.#t = Math.max(this.#t, end);
  }
  #less(a, b) {
    return a.due < b.due || (a.due === b.due && a.seq < b.seq);
  }
  #push(h) {
    const a = this.#heap;
    a.push(h);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.#less(a[i], a[p])) break;
      [a[i], a[p]] = [a[p], a[i]];
      i = p;
    }
  }
  #pop() {
    const a = this.#heap;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.#less(a[l], a[m])) m = l;
        if (r < a.length && this.#less(a[r], a[m])) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m], a[i]];
        i = m;
      }
    }
    return top;
  }
}

class MemoryIncidents {
  opened = 0;
  open() {
    this.opened++;
  }
  addVerdict() {}
  touch() {}
  close() {
    return null;
  }
  recoverOpen() {
    return [];
  }
  list() {
    return [];
  }
}

const skipped = { status: "skipped", reason: "tcp failed" };
/** Round results are plain JSON. */
const clone = (x) => JSON.parse(JSON.stringify(x));

/**
 * One simulated run. `template` is a healthy RoundResult from the real probe engine against the loopback world
 * (every target, gateway and status page), so classify sees realistic shapes; a lost probe becomes a TCP failure
 * of that target: TCP_TIMEOUT after probe.timeoutMs (a dropped SYN) or TCP_RESET after the round trip, 50/50.
 */
export async function simulate({ config, template, seed, loss, simMs, refuseBsgAfterMs = Infinity }) {
  const rng = seededRng(seed);
  const start = Date.parse("2025-03-01T20:00:00.000Z");
  const clock = new FakeClock(start);
  const timeoutMs = config.probe.timeoutMs;
  const byId = new Map(template.targets.map((t) => [t.id, t]));
  const stats = { fullRounds: 0, confirmRounds: 0, statusPolls: 0, probes: 0, lostProbes: 0, liveness: 0, lostLiveness: 0, unhealthyVerdicts: 0, weakSuspicions: 0 };
  const events = [];
  const after = (ms, value) => new Promise((resolve) => clock.setTimeout(() => resolve(value), ms));

  // Sanity mode: from `refuseBsgAfterMs` on, every BSG probe and connect is refused (the harness must see that).
  const bsgRefused = () => clock.now() - start >= refuseBsgAfterMs;
  const refused = (t) => {
    const r = clone(t);
    r.phases = { dns: r.phases.dns, tcp: { status: "fail", code: "TCP_REFUSED", ms: 1, message: "simulated refusal" }, tls: skipped, http: skipped };
    Object.assign(r, { tls: null, httpStatus: null, ttfbMs: null, durationMs: 1 });
    return { r, ms: 1 };
  };
  const probeOne = (id) => {
    const t = byId.get(id);
    if (t === undefined) throw new Error(`no template target ${id}`);
    stats.probes++;
    if (t.group === "bsg" && bsgRefused()) return refused(t);
    if (rng() >= loss) return { r: clone(t), ms: Math.max(1, t.durationMs) };
    stats.lostProbes++;
    const hang = rng() < 0.5;
    const ms = hang ? timeoutMs : 2;
    const code = hang ? "TCP_TIMEOUT" : "TCP_RESET";
    const r = clone(t);
    r.phases = { dns: r.phases.dns, tcp: { status: "fail", code, ms, message: `simulated loss (${code})` }, tls: skipped, http: skipped };
    r.tls = null;
    r.httpStatus = null;
    r.ttfbMs = null;
    r.durationMs = ms;
    return { r, ms };
  };

  const probeRound = async (opts) => {
    const statusOnly = opts.only !== undefined && opts.only.length === 0;
    if (statusOnly) stats.statusPolls++;
    else if (opts.only === undefined) stats.fullRounds++;
    else stats.confirmRounds++;
    const ids = config.targets.map((t) => t.id).filter((id) => opts.only === undefined || opts.only.includes(id));
    const results = ids.map(probeOne);
    const ms = Math.max(5, ...results.map((x) => x.ms));
    const at = new Date(clock.now()).toISOString();
    await after(ms);
    return {
      at,
      durationMs: ms,
      deadlineHit: false,
      targets: results.map((x) => x.r),
      gateway: opts.gateway === false ? { ...template.gateway, state: "unknown", via: null, ms: null, message: "not probed this round" } : template.gateway,
      statusApi: opts.statusApi ? template.statusApi : { state: "unknown", globalStatus: null, message: null, services: [], messages: [], error: "not read this round", ms: null },
    };
  };

  const liveness = {
    check(target, checkTimeoutMs) {
      stats.liveness++;
      if (bsgRefused()) return after(1, { ok: false, targetId: target.targetId, ms: 1, code: "TCP_REFUSED", message: "simulated refusal" });
      if (rng() < loss) {
        stats.lostLiveness++;
        const hang = rng() < 0.5;
        return after(hang ? checkTimeoutMs : 2, { ok: false, targetId: target.targetId, ms: hang ? checkTimeoutMs : 2, code: hang ? "TCP_TIMEOUT" : "TCP_RESET", message: "simulated loss" });
      }
      return after(1, { ok: true, targetId: target.targetId, ms: 1 });
    },
  };

  const log = (level) => (msg) => {
    if (msg === "liveness connect failed; confirming") stats.weakSuspicions++;
    if (level === "error") events.push({ event: "log-error", msg });
  };
  const incidents = new MemoryIncidents();
  const monitor = createMonitor({
    config,
    probeRound,
    classify: (r) => {
      const d = classify(r);
      if (d.verdict !== "ok") stats.unhealthyVerdicts++;
      return d;
    },
    liveness,
    clock,
    networkSignature: () => "eth0=192.168.1.20",
    incidents,
    onEvent: (e) => events.push({ event: e.event, verdict: e.verdict, simAtMs: clock.now() - start }),
    logger: { debug: () => undefined, info: log("info"), warn: log("warn"), error: log("error") },
    newIncidentId: (() => {
      let n = 0;
      return () => `sim-${++n}`;
    })(),
  });
  const t0 = performance.now();
  monitor.start();
  await clock.runUntil(start + simMs);
  monitor.stop();
  return {
    seed,
    simulatedMs: simMs,
    realMs: Math.round(performance.now() - t0),
    downEvents: events.filter((e) => e.event === "down").length,
    firstDownAtMs: events.find((e) => e.event === "down")?.simAtMs ?? null,
    events: events.slice(0, 20),
    timersFired: clock.fired,
    ...stats,
  };
}
