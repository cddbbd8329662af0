// The planted-secrets corpus (./secrets-corpus.ts) laid out as a player's PC has it — the game's session logs, the
// launcher's logs and settings, the agent's logs, state files and script runs — through the real bundle, the zip
// read back with yauzl: not one secret may be anywhere in it (entry names and manifest included), BSG's servers and
// private addresses stay, and the manifest's counts are the placeholders that are really in the zip.
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RuleId } from "../../src/core/redact/index.js";
import { createBundle, type Manifest } from "../../src/support/bundle.js";
import { ssidsIn } from "../../src/support/network-snapshot.js";
import { makeSupportBundle, type SupportBundleDeps } from "../../src/support/support-bundle.js";
import { writeSyntheticHistory } from "../report/synthetic.js";
import {
  AGENT_LOG_LINES,
  GAME_FILES,
  INCIDENT_EVIDENCE,
  JOURNAL_MESSAGE,
  LAUNCHER_LINES,
  LAUNCHER_LOG,
  LAUNCHER_SETTINGS,
  OS_USER,
  RUN_ID,
  RUN_PARAMS,
  RUN_RESULT,
  SECRETS,
  SESSION,
  SURVIVORS,
  TEAMMATE,
  gameFile,
} from "./secrets-corpus.js";
import { readZip } from "./zip-read.js";

const NOW = Date.parse("2025-12-08T23:00:00Z");
let root: string;

function pc(): SupportBundleDeps {
  const dataDir = join(root, "data");
  const gameLogs = join(root, "Logs");
  const launcher = join(root, "launcher");
  mkdirSync(join(dataDir, "logs"), { recursive: true });
  mkdirSync(join(dataDir, "runs", RUN_ID), { recursive: true });
  mkdirSync(join(gameLogs, SESSION), { recursive: true });
  mkdirSync(launcher, { recursive: true });
  for (const [channel, lines] of Object.entries(GAME_FILES)) writeFileSync(join(gameLogs, SESSION, gameFile(channel)), lines.join("\r\n") + "\r\n");
  writeFileSync(join(launcher, LAUNCHER_LOG), LAUNCHER_LINES.join("\n") + "\n");
  writeFileSync(join(launcher, "settings"), LAUNCHER_SETTINGS);
  writeFileSync(join(dataDir, "logs", "agent-2025-12-08.log"), AGENT_LOG_LINES.map((l) => JSON.stringify({ level: "info", message: l, component: "probe" })).join("\n") + "\n");
  writeFileSync(join(dataDir, "runs", RUN_ID, "params.json"), RUN_PARAMS);
  writeFileSync(join(dataDir, "runs", RUN_ID, "result.json"), RUN_RESULT);
  writeFileSync(join(dataDir, "journal.json"), JSON.stringify({ version: 1, entries: [{ id: "f1", fixId: "restart-launcher", state: "done", status: "Changed", approvedBy: "player", startedAt: "2025-12-08T15:30:00.000Z", message: JOURNAL_MESSAGE }] }));
  writeSyntheticHistory({ dataDir, from: NOW - 8 * 3_600_000, to: NOW, incidents: [{ start: NOW - 7.7 * 3_600_000, end: NOW - 7.4 * 3_600_000, verdict: "bsg-unreachable", code: "TCP_TIMEOUT" }] });
  appendFileSync(join(dataDir, "incidents.jsonl"), JSON.stringify({ id: "inc-planted", start: "2025-12-08T16:00:00.000Z", end: "2025-12-08T16:05:00.000Z", lastSeen: "2025-12-08T16:05:00.000Z", durationMs: 300_000, verdicts: ["local-network"], endReason: "recovered", evidence: [{ kind: "gateway", text: INCIDENT_EVIDENCE }] }) + "\n");
  return {
    dataDir,
    version: "9.9.9-test",
    gameLogsDir: gameLogs,
    launcherLogsDir: launcher,
    runner: null,
    now: () => NOW,
    // Windows names the signed-in user in USERNAME; the bundle removes it anywhere.
    env: { HOME: root, USERNAME: OS_USER },
    currentDiagnosis: async () => ({ verdict: "ok", confidence: "high", headline: "Tarkov servers are reachable", meaning: "All good.", evidence: [], advice: [] }),
  };
}

const textOf = (zip: Map<string, Buffer>): string => [...zip.keys(), ...[...zip.values()].map((b) => b.toString("utf8"))].join("\n");
const occurrences = (hay: string, needle: string): number => hay.split(needle).length - 1;

describe("planted secrets through the support bundle", () => {
  let zip: Map<string, Buffer>;
  let manifest: Manifest;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "tca-bundle-secrets-"));
    const r = await makeSupportBundle(pc(), { out: join(root, "bundle.zip"), days: 7 });
    zip = await readZip(r.path!);
    manifest = JSON.parse(zip.get("manifest.json")!.toString("utf8")) as Manifest;
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("every file of the corpus is in the zip (so the checks below have something to check)", () => {
    for (const channel of Object.keys(GAME_FILES)) expect(zip.has(`game/${SESSION}/${gameFile(channel)}`), channel).toBe(true);
    expect([...zip.keys()]).toEqual(expect.arrayContaining([`launcher/${LAUNCHER_LOG}`, "agent/logs/agent-2025-12-08.log", `agent/runs/${RUN_ID}/params.json`, `agent/runs/${RUN_ID}/result.json`, "agent/journal.json", "agent/incidents.jsonl", "network.json"]));
    expect([...zip.keys()].some((k) => k.includes("settings"))).toBe(false);
  });

  it("0 secrets anywhere: entry names, manifest, every entry", () => {
    const all = textOf(zip);
    const left = SECRETS.filter((s) => all.includes(s) || all.toLowerCase().includes(s.toLowerCase()));
    const where = left.map((s) => [...zip].filter(([k, v]) => k.includes(s) || v.toString("utf8").toLowerCase().includes(s.toLowerCase())).map(([k, v]) => { const t = v.toString("utf8"); const i = t.toLowerCase().indexOf(s.toLowerCase()); return `${s} in ${k}: …${t.slice(Math.max(0, i - 80), i + 60)}…`; }));
    expect(where.flat()).toEqual([]);
  });

  it("the teammate's push-notification payload is not in the zip at all: only connection lines, payloads left out", () => {
    const push = zip.get(`game/${SESSION}/${gameFile("push-notifications")}`)!.toString("utf8");
    expect(push).not.toMatch(/Usec|groupMatchInviteAccept|userConfirmed|profileToken|"gl"|\[nickname\]/);
    expect(push).toMatch(/getwebsocket\/\[redacted\]/);
    expect(push).toMatch(/Notification channel has been \[dropped\]/);
    expect(push).toMatch(/WebSocket error: closed \[payload left out\]\r?\n/);
    expect(push).not.toMatch(/ChatMessageReceived|GroupMatchInviteAccept|UserConfirmed/);
    expect(manifest.items.find((i) => i.path.endsWith(gameFile("push-notifications")))?.notes.join(" ")).toMatch(/connection lines only/);
  });

  it("BSG's servers (also one mentioned before the line that names it) and private addresses stay, and the manifest says which were kept", () => {
    const all = textOf(zip);
    for (const s of SURVIVORS) expect(all, s).toContain(s);
    expect(manifest.redaction.keptAddresses).toEqual(expect.arrayContaining(["104.200.159.98", "79.127.215.167", "92.204.161.42"]));
    // The errors log is not a connection log: 79.127.215.167 is kept there only because traces.log names it.
    expect(zip.get(`game/${SESSION}/${gameFile("errors")}`)!.toString("utf8")).toContain("ping to 79.127.215.167 failed");
  });

  it("the player's public addresses are partly masked, not dropped", () => {
    const all = textOf(zip);
    expect(all).toContain("WAN address 203.0.x.x (from the router's status page)");
    expect(all).toContain("198.51.x.x (198.51.x.x)");
  });

  it("line ends survive: the game's CRLF logs keep their CRLF", () => {
    const app = zip.get(`game/${SESSION}/${gameFile("application")}`)!.toString("utf8");
    expect(app.split("\r\n")).toHaveLength(GAME_FILES.application!.length + 1);
  });

  it("the manifest's counts are the engine's: per item they add up, and each placeholder in the zip is counted once", () => {
    const counts = manifest.redaction.counts;
    const sum: Partial<Record<RuleId, number>> = {};
    for (const i of manifest.items) for (const [k, v] of Object.entries(i.redactions) as [RuleId, number][]) sum[k] = (sum[k] ?? 0) + v;
    expect(sum).toEqual(counts);
    // Placeholders only one rule writes: count them in what went in (the manifest aside).
    const body = [...zip].filter(([k]) => k !== "manifest.json").map(([, v]) => v.toString("utf8")).join("\n");
    const unique: [RuleId, string][] = [["email", "[email]"], ["jwt", "[jwt]"], ["eft-profile-id", "[profile-id]"], ["eft-account-id", "[account-id]"], ["windows-sid", "[sid]"], ["mac-address", "[mac]"], ["wifi-ssid", "[ssid]"]];
    for (const [rule, placeholder] of unique) expect(counts[rule] ?? 0, rule).toBe(occurrences(body, placeholder));
    for (const rule of ["email", "jwt", "eft-profile-id", "eft-account-id", "windows-sid", "mac-address", "wifi-ssid", "windows-user-path", "unix-home", "os-user-name", "public-ip", "session-token", "cookie", "auth-header", "url-userinfo", "websocket-channel"] as RuleId[]) {
      expect(counts[rule] ?? 0, rule).toBeGreaterThan(0);
    }
    expect(manifest.redaction.rules.map((r) => r.id)).toEqual(expect.arrayContaining(["os-user-name", "public-ip", "wifi-ssid"]));
  });

  it("--preview lists every redacted line with its secrets masked, and no secret either", async () => {
    const r = await makeSupportBundle(pc(), { preview: true, days: 7 });
    expect(r.path).toBeNull();
    expect(r.previewTotal).toBe(r.preview.length);
    const shown = JSON.stringify(r.preview);
    expect(SECRETS.filter((s) => shown.includes(s))).toEqual([]);
    const launcher = r.preview.find((p) => p.path === `launcher/${LAUNCHER_LOG}` && p.rules.some((x) => x.ruleId === "email"));
    expect(launcher).toMatchObject({ line: 2, before: "2025-12-08 14:55:01.000|Info|Login attempt for k••••••••", after: "2025-12-08 14:55:01.000|Info|Login attempt for [email]", rules: [{ ruleId: "email", secretHint: "k••••••••", replacement: "[email]" }] });
    // The teammate's payload is not even previewed: it never goes in. Of the push log only the channel id is.
    expect(r.preview.filter((p) => p.path.includes("push-notifications")).map((p) => p.rules.map((x) => x.ruleId))).toEqual([["websocket-channel"]]);
  });

  it("--no-redact keeps the secrets (it says so loudly elsewhere), but never the teammate's payload or the launcher's settings", async () => {
    const r = await makeSupportBundle(pc(), { out: join(root, "raw.zip"), redact: false });
    const raw = await readZip(r.path!);
    const all = textOf(raw);
    expect(all).toContain("kappa.holder+eft@example.com");
    expect(all).not.toContain(TEAMMATE.nickname);
    expect(all).not.toContain("SECRET-LAUNCHER-ACCESS-TOKEN");
    expect((JSON.parse(raw.get("manifest.json")!.toString("utf8")) as Manifest).redaction).toMatchObject({ enabled: false, counts: {} });
  });
});

describe("what the bundle's redactor learns", () => {
  it("Wi-Fi names from the network snapshot are removed wherever they appear, not only after `SSID :`", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tca-bundle-ssid-"));
    try {
      const dataDir = join(dir, "data");
      mkdirSync(join(dataDir, "logs"), { recursive: true });
      writeFileSync(join(dataDir, "logs", "agent-2025-12-08.log"), '{"message":"roaming from HomeNet-Upstairs to the 5 GHz band"}\n');
      // A snapshot shaped like the PowerShell one, with the Wi-Fi block naming its network.
      const ssids = ssidsIn({ source: "powershell", collectedAt: "", error: null, data: { adapters: [{ name: "Wi-Fi", wifi: { ssid: "HomeNet-Upstairs", channel: 36 } }] } });
      expect(ssids).toEqual(["HomeNet-Upstairs"]);
      const out = join(dir, "b.zip");
      await createBundle({ dataDir, gameLogsDir: null, launcherLogsDir: null, days: 7, now: NOW, out, preview: false, capBytes: 1 << 20, version: "t", generated: [], redaction: { enabled: true, userNames: [], ssids, keepAddresses: [] } });
      const log = (await readZip(out)).get("agent/logs/agent-2025-12-08.log")!.toString("utf8");
      expect(log).toBe('{"message":"roaming from [ssid] to the 5 GHz band"}\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
