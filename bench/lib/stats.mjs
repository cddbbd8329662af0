// Small statistics and formatting helpers for the bench (no dependencies).
import { execFileSync } from "node:child_process";
import { loadavg } from "node:os";

/** Percentile by linear interpolation between closest ranks (p in [0, 100]); NaN for an empty list. */
export function pct(values, p) {
  const xs = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (xs.length === 0) return NaN;
  const rank = (p / 100) * (xs.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return xs[lo] + (xs[hi] - xs[lo]) * (rank - lo);
}

export const median = (values) => pct(values, 50);
export const max = (values) => (values.length === 0 ? NaN : Math.max(...values));
export const min = (values) => (values.length === 0 ? NaN : Math.min(...values));
export const round1 = (x) => (Number.isFinite(x) ? Math.round(x * 10) / 10 : x);
export const round3 = (x) => (Number.isFinite(x) ? Math.round(x * 1000) / 1000 : x);

/** Summary of a list of numbers: n, min, p50, p95, max. Non-finite values (misses) are counted, not averaged. */
export function summary(values) {
  const finite = values.filter((v) => Number.isFinite(v));
  return { n: values.length, misses: values.length - finite.length, min: round1(min(finite)), p50: round1(pct(finite, 50)), p95: round1(pct(finite, 95)), max: round1(max(finite)) };
}

/** Deterministic RNG (mulberry32): the same seed gives the same trial offsets and the same simulated losses. */
export function seededRng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Samples the 1-min load average every `everyMs` while the bench runs, so each section can say how busy the
 * machine was (other test suites share this 2-core box).
 */
export class LoadMonitor {
  samples = [];
  #timer = null;
  start(everyMs = 5_000) {
    this.sample();
    this.#timer = setInterval(() => this.sample(), everyMs);
    this.#timer.unref();
  }
  sample() {
    const [one, five, fifteen] = loadavg();
    this.samples.push({ at: Date.now(), one, five, fifteen });
  }
  stop() {
    if (this.#timer) clearInterval(this.#timer);
    this.sample();
  }
  /** Load between two times (ms since epoch). */
  between(from, to) {
    const xs = this.samples.filter((s) => s.at >= from && s.at <= to).map((s) => s.one);
    return { samples: xs.length, min1: round1(min(xs)), median1: round1(median(xs)), max1: round1(max(xs)) };
  }
}

/** The busiest processes right now (ps), for context when a figure looks off because of contention. */
export function topProcesses(n = 5) {
  try {
    const out = execFileSync("ps", ["-eo", "pcpu,rss,comm,args", "--sort=-pcpu", "--no-headers"], { encoding: "utf8", timeout: 5_000 });
    return out
      .split("\n")
      .filter((l) => l.trim() !== "")
      .slice(0, n)
      .map((l) => l.trim().replace(/\s+/g, " ").slice(0, 140));
  } catch {
    return [];
  }
}

/** Fixed-width table for the terminal. */
export function table(rows, headers) {
  const all = [headers, ...rows].map((r) => r.map((c) => String(c ?? "")));
  const widths = headers.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
  return [line(all[0]), widths.map((w) => "-".repeat(w)).join("  "), ...all.slice(1).map(line)].join("\n");
}

export const ms = (x) => (Number.isFinite(x) ? `${Math.round(x)} ms` : "—");
export const sec = (x) => (Number.isFinite(x) ? `${(x / 1000).toFixed(2)} s` : "—");
export const verdict = (ok) => (ok === null ? "n/a" : ok ? "PASS" : "MISS");
