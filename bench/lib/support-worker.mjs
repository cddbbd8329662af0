// Child process for bench/support.mjs: one measurement per process, so peak RSS (VmHWM) is this work's alone.
import { readFileSync, statSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { createEvidenceHistory } from "../../dist/agent/evidence-history.js";
import { buildEvidenceReport } from "../../dist/report/evidence-report.js";
import { makeSupportBundle } from "../../dist/support/support-bundle.js";

const [cmd, ...a] = process.argv.slice(2);
const NOW = Date.parse("2025-03-08T00:00:00Z");
const peakRssMb = () => {
  try {
    return Math.round(Number(/VmHWM:\s+(\d+)/.exec(readFileSync("/proc/self/status", "utf8"))[1]) / 1024);
  } catch {
    return Math.round(process.memoryUsage().rss / 1024 / 1024);
  }
};
const BSG = ["bsg-prod", "bsg-gw-pvp", "bsg-gw-pve", "bsg-launcher", "bsg-wsn"];
const CTL = ["ctl-cloudflare", "ctl-google", "ctl-microsoft", "ctl-anycast-1111"];

if (cmd === "gen-week") {
  // A week at defaults through the real writer: a round every 15 s, a connect every 2 s, 1 % of rounds with a failure.
  const dataDir = a[0];
  let clock = NOW - 7 * 86_400_000;
  const h = createEvidenceHistory({ dataDir, now: () => clock });
  let records = 0;
  let seed = 1;
  const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  for (let t = NOW - 7 * 86_400_000; t < NOW; t += 2_000) {
    clock = t;
    const tg = BSG[(t / 2_000) % 5];
    h.append({ t, k: "live", tg, ms: 25 + Math.round(rnd() * 15), ...(rnd() < 0.003 ? { c: "TCP_TIMEOUT" } : {}) });
    records++;
    if (t % 15_000 < 2_000) {
      const bad = rnd() < 0.01;
      h.append({ t, k: "round", kind: "full", d: 180, v: bad ? "bsg-degraded" : "ok", rs: ["os", "1.1.1.1", "8.8.8.8"], gw: "alive", st: "ok", tg: [
        ...BSG.map((id, i) => (bad && i === 1 ? { id, g: "b", h: `${id}.escapefromtarkov.com:443`, p: "tcp", c: "TCP_TIMEOUT", ms: [3, 4000, null, null], a: `203.0.113.${i + 1}` } : { id, g: "b", h: `${id}.escapefromtarkov.com:443`, p: id === "bsg-wsn" ? "tcp" : "http", ms: [3, 30, 40, 80], a: `203.0.113.${i + 1}` })),
        ...CTL.map((id) => ({ id, g: "c", p: id.endsWith("1111") ? "tcp" : "http", ms: [2, 12, 20, 30] })),
      ] });
      records++;
    }
  }
  h.close();
  let bytes = 0;
  for (const f of (await import("node:fs")).readdirSync(`${dataDir}/history`)) bytes += statSync(`${dataDir}/history/${f}`).size;
  process.stdout.write(JSON.stringify({ records, mb: Math.round(bytes / 1024 / 1024 * 10) / 10 }));
} else if (cmd === "report") {
  const t0 = performance.now();
  const r = await buildEvidenceReport({ dataDir: a[0], from: NOW - 7 * 86_400_000, to: NOW, version: "bench", now: NOW });
  const ms = Math.round(performance.now() - t0);
  process.stdout.write(JSON.stringify({ ms, rounds: r.model.coverage.rounds, connects: r.model.coverage.connects, peakRssMb: peakRssMb() }));
} else if (cmd === "bundle") {
  const [dataDir, logs, capMb, out] = a;
  const t0 = performance.now();
  const r = await makeSupportBundle(
    { dataDir, version: "bench", gameLogsDir: logs, launcherLogsDir: null, runner: null, now: () => NOW, env: {}, currentDiagnosis: async () => null },
    { out, days: 14, capBytes: Number(capMb) * 1024 * 1024 },
  );
  const ms = Math.round(performance.now() - t0);
  process.stdout.write(JSON.stringify({ ms, peakRssMb: peakRssMb(), zipMb: Math.round(r.bytes / 1024 / 1024 * 10) / 10, items: r.items.length, redactions: r.redactions }));
} else {
  process.stderr.write(`unknown worker command ${cmd}\n`);
  process.exit(2);
}
