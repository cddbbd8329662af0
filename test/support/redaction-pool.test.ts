// Redaction in worker threads (what big bundles use) against redaction in-process (what the other tests use): the
// same corpus must give byte-identical entries and the same engine counts. The worker is the compiled one in dist/
// (`npm test` builds first; a worker thread cannot load TypeScript).
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBundle, type BundleOptions, type Manifest } from "../../src/support/bundle.js";
import { CHUNK_BYTES } from "../../src/support/bundle-stream.js";
import { AGENT_LOG_LINES, GAME_FILES, OS_USER, SESSION, gameFile } from "./secrets-corpus.js";
import { readZip } from "./zip-read.js";

const WORKER = join(import.meta.dirname, "..", "..", "dist", "support", "redaction-worker.js");
const NOW = Date.parse("2025-12-08T23:00:00Z");
let root: string;
let base: Omit<BundleOptions, "out" | "pool">;

beforeAll(() => {
  if (!existsSync(WORKER)) throw new Error(`${WORKER} is missing: run \`npm run build\` first (npm test does)`);
  root = mkdtempSync(join(tmpdir(), "tca-pool-"));
  const dataDir = join(root, "data");
  const logs = join(root, "Logs");
  mkdirSync(join(dataDir, "logs"), { recursive: true });
  mkdirSync(join(logs, SESSION), { recursive: true });
  // Many chunks per file, so chunks are redacted out of order by two workers and must come back in order.
  const lines = Object.values(GAME_FILES).flat();
  for (const [channel, own] of Object.entries(GAME_FILES)) {
    const body: string[] = [];
    // The length kept as it grows (joining the whole body each time made this set-up quadratic: 15 s, 30 s+ under load).
    for (let i = 0, length = 0; length < CHUNK_BYTES * 6 + 123; i++) {
      const pair = [own[i % own.length]!, lines[i % lines.length]!.replace(/\d{3}\|/, `${String(i % 1000).padStart(3, "0")}|`)];
      body.push(...pair);
      length += pair[0]!.length + pair[1]!.length + 2;
    }
    writeFileSync(join(logs, SESSION, gameFile(channel)), body.join("\r\n") + "\r\n");
  }
  writeFileSync(join(dataDir, "logs", "agent-2025-12-08.log"), AGENT_LOG_LINES.join("\n")); // no final newline
  base = {
    dataDir,
    gameLogsDir: logs,
    launcherLogsDir: null,
    days: 7,
    now: NOW,
    preview: false,
    capBytes: 64 * 1024 * 1024,
    version: "t",
    generated: [{ path: "summary.md", text: `# summary\nsigned in as ${OS_USER}\n` }],
    redaction: { enabled: true, userNames: [OS_USER], ssids: ["HomeNet-Upstairs"], keepAddresses: [] },
  };
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("redaction workers", () => {
  it("the worker module loads harmlessly outside a worker thread (the installer's check imports every module)", async () => {
    await expect(import(pathToFileURL(WORKER).href)).resolves.toBeDefined();
  });

  it("two workers give the same bytes and the same engine counts as in-process redaction", async () => {
    const inProcess = join(root, "in.zip");
    const workers = join(root, "workers.zip");
    await createBundle({ ...base, out: inProcess, pool: { workers: 0 } });
    await createBundle({ ...base, out: workers, pool: { workers: 2, workerUrl: pathToFileURL(WORKER) } });
    const a = await readZip(inProcess);
    const b = await readZip(workers);
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    for (const [k, v] of a) if (k !== "manifest.json") expect(b.get(k)!.equals(v), k).toBe(true);
    const ma = JSON.parse(a.get("manifest.json")!.toString("utf8")) as Manifest;
    const mb = JSON.parse(b.get("manifest.json")!.toString("utf8")) as Manifest;
    expect(mb.items).toEqual(ma.items);
    expect(mb.redaction.counts).toEqual(ma.redaction.counts);
    expect(Object.values(ma.redaction.counts).reduce((x, y) => x + (y ?? 0), 0)).toBeGreaterThan(100);
    // Really redacted, and the file without a final newline still has none.
    const agent = b.get("agent/logs/agent-2025-12-08.log")!.toString("utf8");
    expect(agent).not.toContain(OS_USER);
    expect(agent.endsWith("\n")).toBe(false);
  }, 60_000);

  it("--preview through workers lists the same lines with the same line numbers", async () => {
    const a = await createBundle({ ...base, out: null, preview: true, pool: { workers: 0 } });
    const b = await createBundle({ ...base, out: null, preview: true, pool: { workers: 2, workerUrl: pathToFileURL(WORKER) } });
    expect(b.previewTotal).toBe(a.previewTotal);
    expect(b.preview).toEqual(a.preview);
  }, 60_000);

  it("a worker that dies fails the bundle: no zip, no partial file, never an unredacted entry", async () => {
    const broken = join(root, "broken-worker.mjs");
    writeFileSync(broken, "throw new Error('worker cannot start');\n");
    const out = join(root, "fails.zip");
    await expect(createBundle({ ...base, out, pool: { workers: 2, workerUrl: pathToFileURL(broken) } })).rejects.toThrow(/redaction worker/);
    expect(readdirSync(root).filter((f) => f.startsWith("fails.zip"))).toEqual([]);
  }, 60_000);
});
