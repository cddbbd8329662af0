// A loopback world in its own process (for the idle-footprint agents), so that serving their probes never runs on
// the bench's own event loop while it times detection trials. Started with a JSON array of world specs in argv;
// replies over IPC with { configs: [file, ...] }; closes every world on { close: true } or when the parent goes.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadWorld } from "./paths.mjs";

const { startWorld } = await loadWorld();
const specs = JSON.parse(process.argv[2]);
const dir = mkdtempSync(join(tmpdir(), "tarkov-bench-worlds-"));
const worlds = [];
let closing = false;
const closeAll = async () => {
  if (closing) return;
  closing = true;
  for (const w of worlds) await w.close().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
};
process.on("disconnect", () => void closeAll());
process.on("message", (m) => {
  if (m && m.close) void closeAll();
});
try {
  for (const spec of specs) worlds.push(await startWorld(spec));
  // One folder per world: writeConfig names files by pid and millisecond, so two worlds would share one file.
  const configs = worlds.map((w, i) => {
    const sub = join(dir, `world-${i}`);
    mkdirSync(sub);
    return w.writeConfig(sub);
  });
  process.send({ configs, targets: worlds.map((w) => w.config.targets.length) });
} catch (e) {
  process.send({ error: String(e?.stack ?? e) });
  await closeAll();
}
