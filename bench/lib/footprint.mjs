// Idle footprint of a running process from /proc: CPU (utime + stime ticks) and resident memory (VmRSS).
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { median, max, round1, round3 } from "./stats.mjs";

let clkTck = 100;
try {
  clkTck = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
} catch {
  /* 100 on every Linux we run on */
}

/** utime, stime, cutime, cstime in ticks (fields 14–17; parsed after the last ")" since comm may hold spaces). */
export function readStat(pid) {
  const s = readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
  // f[0] is field 3 (state), so field n is f[n - 3].
  return { utime: Number(f[11]), stime: Number(f[12]), cutime: Number(f[13]), cstime: Number(f[14]) };
}

/** CPU ticks per thread (tid → { comm, ticks }), to say where idle CPU goes: main JS thread, GC, libuv pool … */
export function readThreads(pid) {
  const out = new Map();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const s = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
      const comm = s.slice(s.indexOf("(") + 1, s.lastIndexOf(")"));
      const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
      out.set(tid, { comm, ticks: Number(f[11]) + Number(f[12]) });
    } catch {
      /* thread exited meanwhile */
    }
  }
  return out;
}

export function readRssKb(pid) {
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) : NaN;
}

/** Samples a pid every `everyMs` between start() and stop(). */
export class FootprintSampler {
  samples = [];
  #timer = null;
  constructor(pid, everyMs = 5_000) {
    this.pid = pid;
    this.everyMs = everyMs;
  }
  sample() {
    try {
      const st = readStat(this.pid);
      this.samples.push({ at: Date.now(), ticks: st.utime + st.stime, utime: st.utime, stime: st.stime, childTicks: st.cutime + st.cstime, rssKb: readRssKb(this.pid) });
    } catch {
      this.samples.push({ at: Date.now(), gone: true });
    }
  }
  start() {
    this.threadsAtStart = readThreads(this.pid);
    this.sample();
    this.#timer = setInterval(() => this.sample(), this.everyMs);
  }
  stop() {
    clearInterval(this.#timer);
    this.sample();
    try {
      this.threadsAtStop = readThreads(this.pid);
    } catch {
      this.threadsAtStop = new Map();
    }
  }
  result() {
    const ok = this.samples.filter((s) => !s.gone);
    const first = ok[0];
    const last = ok.at(-1);
    const wallS = (last.at - first.at) / 1000;
    const cpuS = (last.ticks - first.ticks) / clkTck;
    // CPU in 1-minute windows, to show the bursts of the 15 s rounds are not hiding a trend.
    const perMinute = [];
    for (let i = 0; i < ok.length; i++) {
      const j = ok.findIndex((s) => s.at >= ok[i].at + 60_000);
      if (j < 0) break;
      perMinute.push((100 * (ok[j].ticks - ok[i].ticks)) / clkTck / ((ok[j].at - ok[i].at) / 1000));
      i = j - 1;
    }
    const rssMb = ok.map((s) => s.rssKb / 1024);
    // Per thread name (the main thread is named after the process, "node"); the main thread's tid is the pid.
    const byThread = {};
    for (const [tid, t] of this.threadsAtStop ?? []) {
      const key = tid === String(this.pid) ? "main" : t.comm;
      const before = this.threadsAtStart?.get(tid)?.ticks ?? 0;
      byThread[key] = round3((byThread[key] ?? 0) + (t.ticks - before) / clkTck);
    }
    return {
      pid: this.pid,
      samples: ok.length,
      lostSamples: this.samples.length - ok.length,
      wallS: round1(wallS),
      cpuS: round3(cpuS),
      cpuPct: round3((100 * cpuS) / wallS),
      cpuUserS: round3((last.utime - first.utime) / clkTck),
      cpuSysS: round3((last.stime - first.stime) / clkTck),
      cpuPctMaxMinute: round3(max(perMinute)),
      childCpuS: round3((last.childTicks - first.childTicks) / clkTck),
      rssMbMedian: round1(median(rssMb)),
      rssMbMax: round1(max(rssMb)),
      rssMbFirst: round1(rssMb[0]),
      rssMbLast: round1(rssMb.at(-1)),
      clkTck,
      cpuSByThread: byThread,
      // [seconds since the first sample, CPU seconds since the first sample, RSS MB] every sample
      series: ok.map((s) => [Math.round((s.at - first.at) / 1000), round3((s.ticks - first.ticks) / clkTck), round1(s.rssKb / 1024)]),
    };
  }
}
