// Issue 9 bench parts on their own (the same code `npm run bench` runs as its section issue9):
//   npm run bench:support [-- bundle|report] [--runs N]
// Prints the rows with the 1-min load average while each part ran and writes bench/results/support-latest.json.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "./lib/paths.mjs";
import { LoadMonitor, round1, table } from "./lib/stats.mjs";
import { benchSupport, SUPPORT_GOALS, supportRows, writeSupportResults } from "./lib/support.mjs";

const args = process.argv.slice(2);
const parts = args.filter((a) => a === "bundle" || a === "report");
const runsArg = args.indexOf("--runs");
const runs = runsArg === -1 ? 3 : Number(args[runsArg + 1]);
const log = (l) => process.stderr.write(`[bench:support ${new Date().toISOString().slice(11, 19)}] ${l}\n`);

const load = new LoadMonitor();
load.start(5_000);
const tmp = mkdtempSync(join(tmpdir(), "tarkov-bench-support-"));
const at = new Date().toISOString();
const loadAtStart = loadavg().map(round1);
let results;
try {
  results = await benchSupport({ runs, parts, tmp, log, loadBetween: (from, to) => (load.sample(), load.between(from, to)) });
} finally {
  load.stop();
  rmSync(tmp, { recursive: true, force: true });
}
let gitHead = null;
try {
  gitHead = execFileSync("git", ["rev-parse", "HEAD"], { cwd: ROOT, encoding: "utf8" }).trim();
} catch {
  // not a checkout
}
writeSupportResults({ at, gitHead, node: process.version, goals: SUPPORT_GOALS, runs, loadAtStart, ...results });
const loadCell = (s) => (s.load ? `${s.load.median1} (max ${s.load.max1})` : "");
process.stdout.write(`\n${table(supportRows(results, loadCell), ["issue", "measure", "value", "goal", "", "load (1-min) during"])}\n`);
