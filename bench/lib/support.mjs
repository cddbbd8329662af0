// Issue 9 bench parts, used by `npm run bench` (section issue9) and runnable alone through bench/support.mjs
// (`npm run bench:support [-- bundle|report] [--runs N]`):
//   bundle: a support bundle over 500 MB of synthetic game logs (+ agent data), streamed through redaction into a zip;
//           wall time and the child's peak RSS (VmHWM). Goal ≤ 15 s and ≤ 150 MB. Runs twice: the default 50 MB cap
//           (the bundle a player gets) and a 1 GB cap, so all 500 MB really go through redaction and the zip.
//   report: the evidence report over a week of default-interval history (rounds every 15 s, a connect every 2 s),
//           written through the real history writer. Goal ≤ 2 s.
// Each measurement runs in a fresh child process (bench/lib/support-worker.mjs) against the BUILT agent (dist/).
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./paths.mjs";
import { max, median, ms, verdict } from "./stats.mjs";

export const SUPPORT_GOALS = { bundleS: 15, bundleRssMb: 150, reportS: 2 };
const GOALS = SUPPORT_GOALS;

function worker(...a) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, "bench", "lib", "support-worker.mjs"), ...a], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`support worker ${a[0]} exited ${code}`))));
  });
}

/** 500 MB of game logs in realistic record shapes, spread over session folders, plus a little agent data. */
function makeBundleWorld(dir) {
  const logs = join(dir, "game");
  const data = join(dir, "data");
  mkdirSync(join(data, "logs"), { recursive: true });
  const lines = [
    "2025-03-01 21:03:59.771|0.16.1.3.35392|Info|backend|---> Request HTTPS, id [412]: URL: https://gw-pvp-01.escapefromtarkov.com/client/game/keepalive, crc: .",
    "2025-03-01 21:04:00.101|0.16.1.3.35392|Info|backend|<--- Response HTTPS, id [412]: URL: https://gw-pvp-01.escapefromtarkov.com/client/game/keepalive, DownloadSeconds:0.05, ParseSeconds:0.001, SumSeconds:0.051, responseText:",
    "2025-03-01 20:41:02.118|0.16.1.3.35392|Info|application|TRACE-NetworkGameCreate profileStatus: 'Profileid: 5f3c9a1b2d4e6f7a8b9c0d1e, Status: Busy, RaidMode: Online, Ip: 104.200.159.98, Port: 17001, Location: Interchange, Sid: US-DAL03G010_67bc1f3e, GameMode: deathmatch, shortId: RTCSZQ'",
    "2025-03-01 20:41:10.500|0.16.1.3.35392|Info|network-connection|Statistics (address: 104.200.159.98:17001, rtt: 82.75, lose: 0, sent: 1200, received: 1199)",
    "2025-03-01 21:04:12.000|0.16.1.3.35392|Info|backend|Loading C:\\Users\\KappaHolder\\AppData\\Local\\Temp\\Battlestate Games cache, PHPSESSID=9f8e7d6c5b4a39281706",
  ];
  const block = Buffer.from((lines.join("\n") + "\n").repeat(4000));
  const perFile = 25 * 1024 * 1024;
  let total = 0;
  for (let s = 0; total < 500 * 1024 * 1024; s++) {
    const folder = join(logs, `log_2025.03.${String(1 + (s % 28)).padStart(2, "0")}_20-10-${String(s).padStart(2, "0")}_0.16.1.3.35392`);
    mkdirSync(folder, { recursive: true });
    for (const ch of ["backend", "application", "network-connection", "traces"]) {
      const f = join(folder, `2025.03.01_20-10-05_0.16.1.3.35392 ${ch}_000.log`);
      const chunks = [];
      for (let b = 0; b < perFile; b += block.length) chunks.push(block);
      writeFileSync(f, Buffer.concat(chunks));
      total += chunks.length * block.length;
      if (total >= 500 * 1024 * 1024) break;
    }
  }
  return { logs, data, totalMb: Math.round(total / 1024 / 1024) };
}

/**
 * Runs the report part and/or the bundle part (`parts` empty: both), each measurement `runs` times in a fresh child;
 * `tmp` holds the generated inputs. Returns `{ report?, bundle_defaultCap?, bundle_wholeLogs? }` with medians.
 */
export async function benchSupport({ runs: RUNS, parts = [], tmp, log = () => {}, loadBetween = () => null }) {
  const results = {};
  const want = (p) => parts.length === 0 || parts.includes(p);
  if (want("report")) {
    log("report: writing a week of default-interval history …");
    const from = Date.now();
    const dataDir = join(tmp, "week");
    const gen = await worker("gen-week", dataDir);
    const runs = [];
    for (let i = 0; i < RUNS; i++) runs.push(await worker("report", dataDir));
    results.report = { historyMb: gen.mb, records: gen.records, runsMs: runs.map((r) => r.ms), medianMs: median(runs.map((r) => r.ms)), goalMs: GOALS.reportS * 1000 };
    results.report.goalMet = results.report.medianMs <= results.report.goalMs;
    // The load while the report ran (the history was written before `from` too: the generation is light, one process).
    results.report.load = loadBetween(from, Date.now());
    log(`report: median ${results.report.medianMs} ms over ${RUNS} runs (${gen.mb} MB, ${gen.records} records)`);
  }
  if (want("bundle")) {
    log("bundle: writing 500 MB of synthetic game logs …");
    const w = makeBundleWorld(join(tmp, "bundle"));
    for (const [name, capMb] of [["defaultCap", 50], ["wholeLogs", 1024]]) {
      const runs = [];
      const from = Date.now();
      for (let i = 0; i < RUNS; i++) runs.push(await worker("bundle", w.data, w.logs, String(capMb), join(tmp, `b-${name}-${i}.zip`)));
      const wall = runs.map((r) => r.ms);
      const rss = runs.map((r) => r.peakRssMb);
      results[`bundle_${name}`] = { inputMb: w.totalMb, capMb, runsMs: wall, medianMs: median(wall), peakRssMb: rss, medianPeakRssMb: median(rss), zipMb: runs.map((r) => r.zipMb), redacted: runs[0].redactions, load: loadBetween(from, Date.now()) };
      results[`bundle_${name}`].goalMet = median(wall) <= GOALS.bundleS * 1000 && max(rss) <= GOALS.bundleRssMb;
      log(`bundle (${capMb} MB cap): median ${median(wall)} ms, peak RSS median ${median(rss)} MB (max ${max(rss)})`);
    }
  }
  return results;
}

/** Table rows (issue, measure, value, goal, verdict, load) for bench/run.mjs and bench/support.mjs. */
export function supportRows(r, loadCell) {
  const rows = [];
  if (r.report) {
    const p = r.report;
    rows.push(["9", `report over a week of history (${p.historyMb} MB, ${p.records} records), median of ${p.runsMs.length}`, `${ms(p.medianMs)} (${p.runsMs.map(ms).join(", ")})`, `≤ ${ms(p.goalMs)}`, verdict(p.goalMet), loadCell(p)]);
  }
  for (const key of ["bundle_defaultCap", "bundle_wholeLogs"]) {
    const b = r[key];
    if (!b) continue;
    rows.push(["9", `bundle of ${b.inputMb} MB of game logs, ${b.capMb} MB cap: wall median of ${b.runsMs.length}`, `${ms(b.medianMs)} (${b.runsMs.map(ms).join(", ")})`, `≤ ${ms(GOALS.bundleS * 1000)}`, verdict(b.medianMs <= GOALS.bundleS * 1000), loadCell(b)]);
    rows.push(["9", `  peak RSS median (max), zip ${b.zipMb[0]} MB`, `${b.medianPeakRssMb} MB (${max(b.peakRssMb)} MB)`, `≤ ${GOALS.bundleRssMb} MB`, verdict(max(b.peakRssMb) <= GOALS.bundleRssMb), ""]);
  }
  return rows;
}

/** Writes the raw figures next to the other results. */
export function writeSupportResults(out) {
  mkdirSync(join(ROOT, "bench", "results"), { recursive: true });
  writeFileSync(join(ROOT, "bench", "results", "support-latest.json"), JSON.stringify(out, null, 2) + "\n");
}
