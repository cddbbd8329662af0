// `node bench/history.mjs [--runs N]` — only the issue 8 history part of `npm run bench` (needs `npm run build`).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { benchHistory } from "./lib/history.mjs";
import { loadavg } from "node:os";

const i = process.argv.indexOf("--runs");
const runs = i > 0 ? Number(process.argv[i + 1]) : 10;
const tmp = mkdtempSync(join(tmpdir(), "tarkov-bench-history-"));
try {
  const r = benchHistory({ runs, tmp });
  process.stdout.write(JSON.stringify({ ...r, load1: loadavg()[0] }, null, 2) + "\n");
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
