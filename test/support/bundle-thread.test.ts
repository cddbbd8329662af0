// The bundle made in its own thread (src/support/bundle-thread.ts, what the CLI and the tray run) against the bundle
// made on the calling thread (what the other bundle tests run): the same zip, the same errors, and the failures only
// a thread has (out of memory, an early exit) handled. The thread is the compiled one in dist/ (`npm test` builds
// first; a worker thread cannot load TypeScript).
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Manifest } from "../../src/support/bundle.js";
import { makeSupportBundle } from "../../src/support/support-bundle.js";
import { faultSkipReason, tmpfs } from "../hostile/helpers/fs-faults.js";
import { removeWorlds, world } from "./bundle-world.js";
import { readZip } from "./zip-read.js";

const THREAD = join(import.meta.dirname, "..", "..", "dist", "support", "bundle-worker.js");
const fixture = (name: string) => pathToFileURL(join(import.meta.dirname, "fixtures", name));

beforeAll(() => {
  if (!existsSync(THREAD)) throw new Error(`${THREAD} is missing: run \`npm run build\` first (npm test does)`);
});
afterEach(removeWorlds);

const manifestOf = async (zip: string): Promise<Manifest> => JSON.parse((await readZip(zip)).get("manifest.json")!.toString("utf8")) as Manifest;

describe("support bundle in its own thread", () => {
  it("gives byte for byte the bundle the calling thread gives: every item, hash, redaction count and note", async () => {
    const w = world();
    const here = join(w.root, "here.zip");
    const there = join(w.root, "there.zip");
    const a = await makeSupportBundle({ ...w.deps, thread: null }, { out: here, days: 7 });
    const b = await makeSupportBundle({ ...w.deps, thread: pathToFileURL(THREAD) }, { out: there, days: 7 });
    expect(b.path).toBe(there);
    // network.json says when it was taken (each run takes its own); everything else is the same bytes.
    const stable = (items: typeof a.items) => items.map((i) => (i.path === "network.json" ? { ...i, sha256: "(taken at its own time)", bytes: 0 } : i));
    expect(stable(b.items)).toEqual(stable(a.items));
    expect(b.items.find((i) => i.path === "network.json")?.redactions).toEqual(a.items.find((i) => i.path === "network.json")?.redactions);
    expect(b.redactions).toEqual(a.redactions);
    expect(b.skipped).toEqual(a.skipped);
    expect(b.trimmed).toEqual(a.trimmed);
    // Not an empty agreement: the world's planted secrets were found, and its game log is in.
    expect(Object.values(b.redactions).reduce((x, y) => x + (y ?? 0), 0)).toBeGreaterThan(3);
    expect(b.items.some((i) => i.path.includes("backend"))).toBe(true);
    const [ma, mb] = [await manifestOf(here), await manifestOf(there)];
    expect(stable(mb.items)).toEqual(stable(ma.items));
    expect(mb.redaction).toEqual(ma.redaction);
    // The late part (the diagnosis the caller had) crossed to the thread.
    expect((await readZip(there)).get("diagnoses.json")!.toString("utf8")).toContain("Tarkov servers are reachable");
    expect(readdirSync(w.root).filter((f) => f.includes(".partial-"))).toEqual([]);
  });

  it("--preview in the thread lists the same redactions", async () => {
    const w = world();
    const a = await makeSupportBundle({ ...w.deps, thread: null }, { preview: true });
    const b = await makeSupportBundle({ ...w.deps, thread: pathToFileURL(THREAD) }, { preview: true });
    expect(b.path).toBeNull();
    expect(b.previewTotal).toBe(a.previewTotal);
    expect(b.preview).toEqual(a.preview);
    expect(b.previewTotal).toBeGreaterThan(0);
  });

  it("a failure in the thread comes back as the same error, with its code (a folder that does not exist)", async () => {
    const w = world();
    const out = join(w.root, "no-such-folder", "b.zip");
    const here = await makeSupportBundle({ ...w.deps, thread: null }, { out }).catch((e: NodeJS.ErrnoException) => e);
    const there = await makeSupportBundle({ ...w.deps, thread: pathToFileURL(THREAD) }, { out }).catch((e: NodeJS.ErrnoException) => e);
    expect(here).toBeInstanceOf(Error);
    expect(there).toBeInstanceOf(Error);
    expect((there as NodeJS.ErrnoException).code).toBe("ENOENT");
    expect((there as Error).message).toBe((here as Error).message);
  });

  it.skipIf(faultSkipReason() !== null)("a disk that fills up while the zip is written: an error saying so, in the thread and on this thread, and nothing left behind", async () => {
    const w = world();
    // 24 KiB: room for the zip's first items, not for its report and logs (the whole zip is ~10× that).
    const disk = tmpfs(24);
    try {
      for (const thread of [null, pathToFileURL(THREAD)]) {
        const out = join(disk.dir, "b.zip");
        const e = await makeSupportBundle({ ...w.deps, thread }, { out }).catch((x: NodeJS.ErrnoException) => x);
        expect(e).toBeInstanceOf(Error);
        expect((e as NodeJS.ErrnoException).code).toBe("ENOSPC");
        expect(readdirSync(disk.dir)).toEqual([]);
      }
    } finally {
      disk.dispose();
    }
  });

  it("a diagnosis that cannot cross to a thread as it is (a function in it) still goes in, as its data", async () => {
    const w = world();
    const out = join(w.root, "b.zip");
    const plain = { verdict: "ok", confidence: "high", headline: "odd but fine", meaning: "All good.", evidence: [], advice: [] };
    const odd = { ...plain, explain: () => "a function" };
    await makeSupportBundle({ ...w.deps, thread: pathToFileURL(THREAD), currentDiagnosis: async () => odd as never }, { out });
    const diagnoses = JSON.parse((await readZip(out)).get("diagnoses.json")!.toString("utf8")) as { now: Record<string, unknown> };
    expect(diagnoses.now).toEqual(plain);
  });

  it("a thread that runs out of its bounded heap: the bundle is made on the calling thread instead, and the half-written zip is removed", async () => {
    const w = world();
    const out = join(w.root, "b.zip");
    const r = await makeSupportBundle({ ...w.deps, thread: fixture("oom-bundle-worker.mjs") }, { out });
    expect(r.path).toBe(out);
    expect((await manifestOf(out)).items.length).toBeGreaterThan(3);
    expect(existsSync(`${out}.partial-${process.pid}`)).toBe(false);
  }, 60_000);

  it("a thread that ends without an answer is an error the caller sees, never a crash", async () => {
    const w = world();
    const out = join(w.root, "b.zip");
    writeFileSync(join(w.root, "marker"), "");
    await expect(makeSupportBundle({ ...w.deps, thread: fixture("exit-bundle-worker.mjs") }, { out })).rejects.toThrow(/bundle thread stopped before it finished \(exit code 3\)/);
    expect(existsSync(out)).toBe(false);
  });
});
