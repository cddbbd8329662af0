/**
 * A synthetic but realistic data folder for report tests: the evidence history at default intervals (a full round
 * every 15 s, a liveness connect every 2 s, the catalogue's 5 BSG + 4 control targets) written through the real
 * writer, with incidents written through the real incident store, so the report reads exactly what the agent writes.
 */
import { createEvidenceHistory, type HistoryRecord, type TargetSample } from "../../src/agent/evidence-history.js";
import { createIncidentStore } from "../../src/agent/incidents.js";
import type { FailureCode, VerdictId } from "../../src/core/types.js";
import { seededRng } from "../agent/fake-world.js";

export const BSG = [
  { id: "bsg-prod", h: "prod.escapefromtarkov.com:443", a: "203.0.113.10" },
  { id: "bsg-gw-pvp", h: "gw-pvp.escapefromtarkov.com:443", a: "203.0.113.20" },
  { id: "bsg-gw-pve", h: "gw-pve-01.escapefromtarkov.com:443", a: "203.0.113.21" },
  { id: "bsg-launcher", h: "launcher.escapefromtarkov.com:443", a: "203.0.113.30" },
  { id: "bsg-wsn", h: "wsn-01.escapefromtarkov.com:443", a: "203.0.113.40" },
];
export const CONTROLS = ["ctl-cloudflare", "ctl-google", "ctl-microsoft", "ctl-anycast-1111"];

export interface SyntheticIncident {
  start: number;
  end: number;
  verdict: VerdictId;
  /** What the BSG probes see during it. */
  code: FailureCode;
}

export interface SyntheticOptions {
  dataDir: string;
  from: number;
  to: number;
  incidents?: SyntheticIncident[];
  roundMs?: number;
  liveMs?: number;
  seed?: number;
  /** Stretches with the agent off (no samples). */
  off?: { from: number; to: number }[];
  /** DNS through the system resolver fails this share of BSG lookups (outside incidents). */
  dnsFlake?: number;
}

const phaseFor = (c: FailureCode): "dns" | "tcp" | "tls" | "http" => (c.startsWith("DNS") ? "dns" : c.startsWith("TCP") || c === "NET_UNREACHABLE" ? "tcp" : c.startsWith("TLS") ? "tls" : "http");

/** Writes the data folder; returns how many records went in. */
export function writeSyntheticHistory(o: SyntheticOptions): number {
  const roundMs = o.roundMs ?? 15_000;
  const liveMs = o.liveMs ?? 2_000;
  const rng = seededRng(o.seed ?? 7);
  let clock = o.from;
  const history = createEvidenceHistory({ dataDir: o.dataDir, now: () => clock });
  const incidents = createIncidentStore({ dataDir: o.dataDir });
  const inIncident = (t: number) => o.incidents?.find((i) => t >= i.start && t < i.end) ?? null;
  const isOff = (t: number) => o.off?.some((x) => t >= x.from && t < x.to) ?? false;
  const lat = () => Math.round(28 + rng() * 10 + (rng() < 0.03 ? 60 * rng() : 0));
  let n = 0;
  const put = (r: HistoryRecord) => {
    clock = r.t;
    history.append(r);
    n++;
  };
  put({ t: o.from, k: "agent", op: "start" });
  let wasOff = false;
  let rr = 0;
  const opened = new Set<SyntheticIncident>();
  for (let t = o.from; t < o.to; t += liveMs) {
    const off = isOff(t);
    if (off !== wasOff) put({ t, k: "agent", op: off ? "stop" : "start" });
    wasOff = off;
    if (off) continue;
    const inc = inIncident(t);
    if (inc && !opened.has(inc)) {
      opened.add(inc);
      clock = inc.start;
      incidents.open({ id: `inc-${inc.start}`, start: inc.start, verdict: inc.verdict, evidence: [{ kind: "target", text: `All BSG servers: ${inc.code}` }] });
      put({ t: inc.start + 6_000, k: "event", e: "down", v: inc.verdict, inc: `inc-${inc.start}`, since: inc.start, h: "BSG unreachable" });
      if (inc.code === "TCP_TIMEOUT") {
        put({ t: inc.start + 9_000, k: "trace", inc: `inc-${inc.start}`, target: "203.0.113.20", why: "a failing BSG gateway", tool: "traceroute", ok: true, msg: "traceroute to 203.0.113.20: 5 hop(s).", hops: [
          { n: 1, ip: "192.168.1.1", loss: 0, rtt: 1 },
          { n: 2, ip: "100.64.0.1", loss: 0, rtt: 8 },
          { n: 3, ip: "198.51.100.7", loss: 33, rtt: 12 },
          { n: 4, ip: "198.51.100.99", loss: 100, rtt: null },
          { n: 5, ip: null, loss: 100, rtt: null },
        ] });
      }
    }
    for (const i of o.incidents ?? []) {
      if (opened.has(i) && t >= i.end && t - liveMs < i.end) {
        clock = i.end;
        incidents.close(`inc-${i.start}`, i.end, "recovered", 0);
        put({ t: i.end + 1_500, k: "event", e: "up", v: "ok", inc: `inc-${i.start}`, prev: i.verdict, since: i.end, dur: i.end - i.start });
      }
    }
    const target = BSG[rr++ % BSG.length]!;
    put(inc ? { t, k: "live", tg: target.id, ms: inc.code === "TCP_TIMEOUT" ? 4_000 : 1, c: inc.code === "TCP_TIMEOUT" ? "TCP_TIMEOUT" : "TCP_REFUSED" } : { t, k: "live", tg: target.id, ms: lat(), ...(rng() < 0.002 ? { c: "TCP_TIMEOUT" as const } : {}) });
    if ((t - o.from) % roundMs < liveMs) {
      const tg: TargetSample[] = BSG.map((b) => {
        if (inc) {
          const p = phaseFor(inc.code);
          const ms = ["dns", "tcp", "tls", "http"].map((x, i) => (i <= ["dns", "tcp", "tls", "http"].indexOf(p) ? lat() : null));
          return { id: b.id, g: "b", h: b.h, p, c: inc.code, ms, a: b.a };
        }
        const dnsFail = o.dnsFlake !== undefined && rng() < o.dnsFlake;
        if (dnsFail) return { id: b.id, g: "b", h: b.h, p: "dns", c: "DNS_TIMEOUT", ms: [4000, null, null, null], r: ["DNS_TIMEOUT", null] };
        return { id: b.id, g: "b", h: b.h, p: b.id === "bsg-wsn" ? "tcp" : "http", ms: b.id === "bsg-wsn" ? [3, lat(), null, null] : [3, lat(), lat(), lat() * 2], a: b.a };
      });
      for (const c of CONTROLS) tg.push({ id: c, g: "c", p: c === "ctl-anycast-1111" ? "tcp" : "http", ms: [2, 12, 20, 30] });
      put({ t, k: "round", kind: "full", d: 180, v: inc ? inc.verdict : "ok", rs: ["os", "1.1.1.1"], gw: "alive", st: "ok", tg });
    }
  }
  put({ t: o.to - 1, k: "agent", op: "stop" });
  history.close();
  return n;
}
