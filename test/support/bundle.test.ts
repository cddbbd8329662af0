// The support bundle end to end, in-process: a data folder, a game logs folder and a launcher folder on disk, the
// real bundle code, and the zip read back with yauzl (not the library that wrote it).
import { createHash } from "node:crypto";
import { appendFileSync, chmodSync, mkdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Manifest } from "../../src/support/bundle.js";
import { bundleFileName, desktopDir, makeSupportBundle } from "../../src/support/support-bundle.js";
import { NOW, OLD_SESSION, PROFILE, SESSION, removeWorlds, world } from "./bundle-world.js";
import { readZip } from "./zip-read.js";

afterEach(removeWorlds);

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

describe("support bundle", () => {
  it("writes an allow-listed zip whose manifest hashes match, with the game's evidence and without the launcher's settings", async () => {
    const w = world();
    mkdirSync(join(w.root, "Desktop"));
    const r = await makeSupportBundle(w.deps, { days: 7 });
    expect(r.path).toBe(join(w.root, "Desktop", bundleFileName(NOW)));
    expect(desktopDir({ HOME: w.root })).toBe(join(w.root, "Desktop"));
    const zip = await readZip(r.path!);
    const manifest = JSON.parse(zip.get("manifest.json")!.toString("utf8")) as Manifest;
    // Every entry but the manifest is listed with its exact size and SHA-256, and nothing unlisted is in the zip.
    expect([...zip.keys()].filter((k) => k !== "manifest.json").sort()).toEqual(manifest.items.map((i) => i.path).sort());
    for (const item of manifest.items) {
      expect(sha(zip.get(item.path)!), item.path).toBe(item.sha256);
      expect(zip.get(item.path)!.length, item.path).toBe(item.bytes);
    }
    const names = [...zip.keys()];
    expect(names).toEqual(expect.arrayContaining(["summary.md", "report.html", "diagnoses.json", "network.json", "agent/journal.json", "agent/incidents.jsonl", "agent/logs/agent-2025-03-01.log", "launcher/BSG_Launcher_2025-03-01.log"]));
    expect(names.some((n) => n.startsWith("agent/history/evidence-"))).toBe(true);
    expect(names.some((n) => n.includes("settings"))).toBe(false);
    expect(names.some((n) => n.endsWith("output_000.log"))).toBe(false);
    // The newest session is in; the 10-day-old one is outside --days 7.
    expect(names.filter((n) => n.startsWith(`game/${SESSION}/`))).toHaveLength(4);
    expect(names.some((n) => n.includes(OLD_SESSION))).toBe(false);
    // The binary file is listed as skipped, never included.
    expect(manifest.skipped.find((s) => s.path.endsWith("errors_000.log"))?.reason).toMatch(/not a text file/);
    expect(names.some((n) => n.endsWith("errors_000.log"))).toBe(false);
    expect(manifest.created.utc).toBe("2025-03-02T00:00:00.000Z");
    expect(manifest.created.local).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
    expect(manifest.agent.version).toBe("9.9.9-test");

    // Push notifications: connection lines only, never payloads (a teammate's nickname, items).
    const push = zip.get(`game/${SESSION}/2025.03.01_20-10-05_0.16.1.3.35392 push-notifications_000.log`)!.toString("utf8");
    expect(push).not.toMatch(/TeammateNick|5447a9cd|Usec/);
    expect(push).toMatch(/LongPollingWebSocketRequest/);
    expect(push).toMatch(/WebSocket connection error: Timeout/);
    expect(manifest.items.find((i) => i.path.includes("push-notifications"))?.notes.join(" ")).toMatch(/connection lines only/);

    // Redaction of what the current engine covers, counted in the manifest; the BSG raid server stays.
    const all = [...zip.entries()].filter(([k]) => k !== "manifest.json").map(([, v]) => v.toString("utf8")).join("\n");
    for (const secret of ["KappaHolder", PROFILE, "9f8e7d6c5b4a39281706", "abcdefghijklmnop1234567890", "a1b2c3d4e5f6a7b8c9d0", "SECRET-LAUNCHER-TOKEN"]) {
      expect(all, secret).not.toContain(secret);
    }
    expect(all).toContain("104.200.159.98");
    const total = Object.values(manifest.redaction.counts).reduce((a, b) => a + (b ?? 0), 0);
    expect(total).toBeGreaterThanOrEqual(6);
    expect(total).toBe(manifest.items.reduce((a, i) => a + Object.values(i.redactions).reduce((x, y) => x + y, 0), 0));

    // summary.md speaks to both readers, with the game's own facts.
    const summary = zip.get("summary.md")!.toString("utf8");
    expect(summary).toMatch(/## For BSG support/);
    expect(summary).toMatch(/## For your ISP/);
    expect(summary).toMatch(/Raid server: 104\.200\.159\.98:17001, data centre US-DAL03/);
    expect(summary).toMatch(/gw-pvp-01\.escapefromtarkov\.com failed \(network error\)/);
    expect(summary).toMatch(/Game version: 0\.16\.1\.3\.35392/);
    expect(summary).toMatch(/gw-pvp\.escapefromtarkov\.com:443 \| 203\.0\.113\.20 \| connection \(TCP\)/);
    expect(zip.get("report.html")!.toString("utf8")).toMatch(/incident-row/);
  });

  it("the size cap leaves the oldest items out first and lists them; the newest log gives its newest part", async () => {
    const w = world();
    const big = (name: string, mb: number, mtime: string) => {
      const p = join(w.dataDir, "logs", name);
      const line = `{"level":"info","message":"${name} filler line for the size cap test"}\n`;
      writeFileSync(p, line.repeat(Math.ceil((mb * 1024 * 1024) / line.length)));
      utimesSync(p, new Date(mtime), new Date(mtime));
    };
    big("agent-2025-02-27.log", 1, "2025-02-27T12:00:00Z");
    big("agent-2025-02-28.log", 1, "2025-02-28T12:00:00Z");
    big("agent-2025-03-01.log", 1.5, "2025-03-01T23:59:00Z");
    const out = join(w.root, "capped.zip");
    const r = await makeSupportBundle(w.deps, { out, capBytes: 2 * 1024 * 1024 });
    const zip = await readZip(out);
    const manifest = JSON.parse(zip.get("manifest.json")!.toString("utf8")) as Manifest;
    expect(manifest.trimmed.map((t) => t.path)).toEqual(expect.arrayContaining(["agent/logs/agent-2025-02-27.log"]));
    expect(manifest.trimmed.every((t) => /size cap/.test(t.reason))).toBe(true);
    expect(zip.has("agent/logs/agent-2025-02-27.log")).toBe(false);
    expect(zip.has("agent/logs/agent-2025-03-01.log")).toBe(true);
    const uncompressed = manifest.items.reduce((a, i) => a + i.bytes, 0);
    expect(uncompressed).toBeLessThanOrEqual(2 * 1024 * 1024 + 64 * 1024);
    expect(r.trimmed.length).toBe(manifest.trimmed.length);
    const partial = manifest.items.find((i) => i.notes.some((n) => /trimmed to its newest/.test(n)));
    if (partial) expect(zip.get(partial.path)!.toString("utf8").startsWith("{")).toBe(true); // starts on a whole line
  });

  it("a log growing while bundled, a half-written JSONL line and an unreadable folder: the bundle still comes out and says what it skipped", async () => {
    const w = world();
    // A torn last line in the incident history (a crash mid-append).
    appendFileSync(join(w.dataDir, "incidents.jsonl"), '{"id":"inc-torn","start":"2025-03-01T2');
    // A log that keeps growing while the bundle is made.
    const growing = join(w.dataDir, "logs", "agent-2025-03-02.log");
    writeFileSync(growing, '{"level":"info","message":"start"}\n'.repeat(20_000));
    const timer = setInterval(() => appendFileSync(growing, '{"level":"info","message":"still writing"}\n'.repeat(200)), 5);
    // An unreadable folder: the old session. As root, permissions do not stop reads, so it becomes a symlink loop.
    const old = join(w.gameLogs, OLD_SESSION);
    rmSync(old, { recursive: true });
    if (process.getuid?.() === 0) symlinkSync(old, old);
    else {
      mkdirSync(old);
      chmodSync(old, 0o000);
    }
    utimesSync(join(w.gameLogs, SESSION), new Date(NOW), new Date(NOW));
    const out = join(w.root, "stress.zip");
    let r;
    try {
      r = await makeSupportBundle(w.deps, { out, days: 14 });
    } finally {
      clearInterval(timer);
    }
    const zip = await readZip(out);
    const manifest = JSON.parse(zip.get("manifest.json")!.toString("utf8")) as Manifest;
    for (const item of manifest.items) expect(sha(zip.get(item.path)!), item.path).toBe(item.sha256);
    const grown = manifest.items.find((i) => i.path === "agent/logs/agent-2025-03-02.log");
    expect(grown?.notes.join(" ")).toMatch(/grew while bundled/);
    expect(zip.get("agent/incidents.jsonl")!.toString("utf8")).toContain('{"id":"inc-torn","start":"2025-03-01T2');
    expect(manifest.skipped.some((s) => s.path === `game/${OLD_SESSION}/` && /cannot be read/.test(s.reason))).toBe(true);
    expect(r.skipped).toEqual(manifest.skipped);
  });

  it("--preview writes nothing and lists every redaction with the secret masked", async () => {
    const w = world();
    mkdirSync(join(w.root, "Desktop"));
    const r = await makeSupportBundle(w.deps, { preview: true });
    expect(r.path).toBeNull();
    expect(r.planned.map((p) => p.path)).toContain("summary.md");
    expect(r.preview.length).toBeGreaterThan(0);
    for (const d of r.preview) expect(`${JSON.stringify(d.rules)} ${d.before} ${d.after}`).not.toMatch(/KappaHolder|SECRET-LAUNCHER-TOKEN/);
    expect(r.preview.some((d) => d.path.startsWith(`game/${SESSION}/`))).toBe(true);
  });
});
