// "Collect support bundle" from the tray, as a player clicks it: the built `tarkov-agent run` on a private Xvfb
// display + D-Bus session (test/gui/session-driver.sh) with a StatusNotifierWatcher and dunst, its menu item clicked
// through dbusmenu Event the way a tray host does. The zip must land on the player's Desktop, be shown in the file
// manager (a stand-in `xdg-open` first on PATH records what it was asked to open), be announced in a toast
// (dbus-monitor records the Notify call), and read back with yauzl: hashes right, redacted, the game's raid server in
// summary.md. Under CI=true a missing tool fails the test instead of skipping it (gate()).
import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { EN } from "../../src/core/i18n/index.js";
import type { Manifest } from "../../src/support/bundle.js";
import { gate, missingLibraries, missingTools, startSession, TOOLS, type Session } from "../gui/session.js";
import { readZip } from "../support/zip-read.js";
import { startWorld, type World } from "../world/index.js";
import { CLI } from "./cli-run.js";
import { clickLabel, notifyCalls, registeredItems, resolveItem, visibleLabels, menuLayout, type SniItem } from "./tray-helpers.js";

const TRAY_BIN = join(dirname(createRequire(import.meta.url).resolve("systray2/package.json")), "traybin", "tray_linux_release");
const APP_NAME = "Tarkov Connection Agent";
const OS_USER = "KappaHolder";

const missing = [
  ...missingTools([TOOLS.xvfbRun, TOOLS.xvfb, TOOLS.xauth, TOOLS.dbusRunSession, TOOLS.dbusMonitor, TOOLS.gdbus, TOOLS.watcher, TOOLS.dunst, TOOLS.notifySend]),
  ...(process.platform === "linux" ? missingLibraries(TRAY_BIN) : ["a Linux host"]),
];
if (existsSync(TRAY_BIN) && (statSync(TRAY_BIN).mode & 0o111) === 0) missing.push(`the run bit on ${TRAY_BIN} (npm's postinstall: node tools/postinstall.mjs)`);
const { skip, failure, label } = gate(missing);

/** The game's log line naming the raid server (josephjang/TarkovHelper docs/eft-log-patterns.md @a214a95a), at `t` local time. */
function gameCreateLine(t: number): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  const d = new Date(t);
  const local = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.106`;
  return `${local}|1.0.0.2.42157|Debug|application|TRACE-NetworkGameCreate profileStatus: 'Profileid: 69193861844e4f097e00ec2e, Status: Busy, RaidMode: Online, Ip: 104.200.159.98, Port: 17001, Location: Interchange, Sid: US-DAL03G010_692ee0420a302012001058bd_02.12.25_15-49-06, GameMode: deathmatch, shortId: RTCSZQ'`;
}

describe.skipIf(skip)(`the tray's "Collect support bundle" on a desktop session${label}`, () => {
  let session: Session;
  let world: World;
  let dir: string;
  let agent: ChildProcess | null = null;
  let agentExit: Promise<number | null>;
  let agentOut = "";
  let item: SniItem;

  beforeAll(async () => {
    if (failure) throw new Error(failure);
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
    const [s, w] = await Promise.allSettled([startSession(["sni", "dunst"]), startWorld({ probe: { timeoutMs: 800, deadlineMs: 3_000 } })]);
    if (s.status === "fulfilled") session = s.value;
    if (w.status === "fulfilled") world = w.value;
    if (s.status === "rejected") throw s.reason;
    if (w.status === "rejected") throw w.reason;
    dir = mkdtempSync(join(tmpdir(), "tca-tray-bundle-"));
    // The player's home: a Desktop, and the game's logs with a session that named its raid server an hour ago.
    mkdirSync(join(dir, "Desktop"));
    const now = Date.now();
    const session0 = "log_2025.12.08_15-01-50_1.0.0.2.42157";
    mkdirSync(join(dir, "Logs", session0), { recursive: true });
    writeFileSync(
      join(dir, "Logs", session0, "2025.12.08_15-01-50_1.0.0.2.42157 application_000.log"),
      [gameCreateLine(now - 3_600_000), `${gameCreateLine(now - 3_590_000).slice(0, 23)}|1.0.0.2.42157|Info|application|Loading bundles from C:\\Users\\${OS_USER}\\AppData\\Local\\Temp\\Battlestate Games\\cache`].join("\r\n") + "\r\n",
    );
    // A stand-in file manager: records what it was asked to open (`xdg-open <folder>` on Linux).
    const bin = join(dir, "bin");
    mkdirSync(bin);
    writeFileSync(join(bin, "xdg-open"), `#!/bin/sh\nprintf '%s\\n' "$@" >> "${join(dir, "xdg-open.calls")}"\n`);
    chmodSync(join(bin, "xdg-open"), 0o755);
    const configPath = world.writeConfig(dir, { monitor: { intervalMs: 2_000, failureThreshold: 2, successThreshold: 2, confirmIntervalMs: 300, livenessIntervalMs: 500 }, game: { installDir: join(dir, "no-game"), logsDir: join(dir, "Logs") }, tls: { extraCaFile: world.caFile } });
    const env: NodeJS.ProcessEnv = { ...process.env, ...session.env, HOME: dir, USERNAME: OS_USER, PATH: `${bin}:${process.env.PATH ?? ""}`, NO_AT_BRIDGE: "1", NODE_POWERSHELL: "" };
    delete env.WAYLAND_DISPLAY;
    delete env.XDG_CONFIG_HOME;
    delete env.XDG_DESKTOP_DIR;
    delete env.LOCALAPPDATA;
    const child = spawn(process.execPath, [CLI, "run", "--config", configPath, "--data-dir", join(dir, "data")], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
    agent = child;
    agentExit = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
    child.stdout.on("data", (d: Buffer) => (agentOut += d.toString()));
    child.stderr.on("data", (d: Buffer) => (agentOut += d.toString()));
    await vi.waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`agent exited with ${child.exitCode}\n${agentOut}`);
        expect(await registeredItems(session)).toHaveLength(1);
      },
      // Not a latency bound: a node process start and a first round, on a CI machine at load 4–8 (≥ 3× what it takes).
      { timeout: 30_000, interval: 100 },
    );
    item = await resolveItem(session, (await registeredItems(session))[0]!);
    // The first verdict is in (the bundle's summary quotes the current one).
    await vi.waitFor(async () => expect(visibleLabels(await menuLayout(session, item))[0]).toMatch(new RegExp(`^${EN.verdicts.name.ok} since`)), { timeout: 30_000, interval: 100 });
  }, 120_000);

  afterAll(async () => {
    if (agent && agent.exitCode === null && agent.signalCode === null) {
      agent.kill("SIGTERM"); // the agent we spawned, by its pid
      const exited = await Promise.race([agentExit.then(() => true), new Promise((r) => setTimeout(() => r(false), 5_000))]);
      if (!exited) agent.kill("SIGKILL");
    }
    await session?.stop();
    await world?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("writes the redacted, verifiable zip to the Desktop, shows its folder and says so in a toast", async () => {
    const before = notifyCalls(readFileSync(join(session.dir, "monitor.log"), "utf8")).length;
    await clickLabel(session, item, "Collect support bundle");
    let zipPath = "";
    await vi.waitFor(
      () => {
        const zips = readdirSync(join(dir, "Desktop")).filter((f) => /^tarkov-support-\d{4}-\d\d-\d\d_\d\d-\d\d-\d\d\.zip$/.test(f));
        expect(zips, agentOut).toHaveLength(1);
        zipPath = join(dir, "Desktop", zips[0]!);
      },
      { timeout: 60_000, interval: 200 },
    );
    // The toast names the file and where it is.
    let toast: ReturnType<typeof notifyCalls>[number] | undefined;
    await vi.waitFor(
      () => {
        toast = notifyCalls(readFileSync(join(session.dir, "monitor.log"), "utf8")).slice(before).find((c) => c.summary === EN.alerts.bundleSavedTitle);
        expect(toast).toBeDefined();
      },
      { timeout: 30_000, interval: 100 },
    );
    expect(toast!.appName).toBe(APP_NAME);
    expect(toast!.body).toContain(`${basename(zipPath)} is in ${join(dir, "Desktop")}`);
    // The file manager was asked to show the folder the zip is in.
    await vi.waitFor(() => expect(readFileSync(join(dir, "xdg-open.calls"), "utf8")).toBe(`${join(dir, "Desktop")}\n`), { timeout: 30_000, interval: 100 });
    // No half-written file next to it.
    expect(readdirSync(join(dir, "Desktop")).filter((f) => f.includes(".partial-"))).toEqual([]);

    const zip = await readZip(zipPath);
    const manifest = JSON.parse(zip.get("manifest.json")!.toString("utf8")) as Manifest;
    for (const i of manifest.items) expect(createHash("sha256").update(zip.get(i.path)!).digest("hex"), i.path).toBe(i.sha256);
    expect([...zip.keys()]).toEqual(expect.arrayContaining(["summary.md", "report.html", "diagnoses.json", "network.json"]));
    const all = [...zip.values()].map((b) => b.toString("utf8")).join("\n");
    expect(all).not.toContain(OS_USER);
    expect(all).not.toContain("69193861844e4f097e00ec2e");
    expect(manifest.redaction.keptAddresses).toContain("104.200.159.98");
    const summary = zip.get("summary.md")!.toString("utf8");
    expect(summary).toMatch(/\*\*Tarkov servers are reachable\*\*|Current verdict\n\n\*\*/);
    expect(summary).toMatch(/Raid server: 104\.200\.159\.98:17001, data centre US-DAL03, Interchange/);
    expect(agent!.exitCode).toBeNull();
  }, 150_000);
});
