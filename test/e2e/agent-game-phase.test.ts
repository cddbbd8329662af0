/**
 * The BUILT agent (`tarkov-agent run --headless --events json`) against a loopback world, reading a game session
 * folder that grows while it runs: real-shaped lines (sources in test/game/real-lines.test.ts) take it through
 * matching → in-raid → idle, and each change is one `game` line on stdout, valid against the documented schema.
 * A raid timeout during the raid triggers a diagnosis whose evidence names the raid server.
 */
import { appendFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gameEventSchema } from "../../src/agent/events.js";
import { startWorld, type World } from "../world/index.js";
import { killAllAgents, startAgent, waitForLog, waitUntil } from "./agent-helpers.js";

let world: World;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "tca-game-e2e-"));
  world = await startWorld();
});

afterAll(async () => {
  await killAllAgents();
  await world?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** `YYYY-MM-DD HH:MM:SS.mmm` in local time, as current game builds write it. */
function gameTime(d = new Date()): string {
  const p = (n: number, w = 2): string => String(n).padStart(w, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

describe("tarkov-agent run --events json: the game phase", () => {
  it("prints `game` events for matching → in-raid → idle, from real markers, and names the raid server in the evidence", { timeout: 60_000 }, async () => {
    const logsRoot = join(dir, "Logs");
    const now = new Date();
    const p = (n: number): string => String(n).padStart(2, "0");
    const ver = "1.0.0.2.42157";
    const stamp = `${now.getFullYear()}.${p(now.getMonth() + 1)}.${p(now.getDate())}_${now.getHours()}-${p(now.getMinutes())}-${p(now.getSeconds())}`;
    const session = join(logsRoot, `log_${stamp}_${ver}`);
    mkdirSync(session, { recursive: true });
    const file = (channel: string): string => join(session, `${stamp}_${ver} ${channel}_000.log`);
    // The session folder starts empty: files the game creates after the agent attached are read from their start,
    // so no line can be taken for history however slow the machine is.
    const write = (channel: string, level: string, message: string): void => appendFileSync(file(channel), `${gameTime()}|${ver}|${level}|${channel}|${message}\r\n`);

    const d = join(dir, "run");
    mkdirSync(d);
    // Notifications off (no notification daemon here); a long interval so only the game log triggers a round.
    const cfg = world.writeConfig(d, { notifications: { enabled: false }, monitor: { intervalMs: 60_000 }, game: { installDir: "auto", logsDir: logsRoot } });
    const dataDir = join(d, "data");
    const a = startAgent(cfg, dataDir);
    await waitForLog(dataDir, (l) => l.message === "following game session", 15_000, "the tailer attached");
    await waitForLog(dataDir, (l) => l.message === "monitor started", 15_000, "the monitor");
    await new Promise((r) => setTimeout(r, 1_000));

    write("application", "Info", "Session mode: Regular");
    write("application", "Debug", "Matching with group id:");
    await waitUntil(() => a.game.length >= 1 || undefined, 20_000, "the matching event");
    write("application", "Info", "MatchingCompleted:30 real:34 diff:4");
    write(
      "application",
      "Debug",
      "TRACE-NetworkGameCreate profileStatus: 'Profileid: 69193861844e4f097e00ec2e, Status: Busy, RaidMode: Online, Ip: 104.200.159.98, Port: 17001, Location: Interchange, Sid: US-DAL03G010_692ee0420a302012001058bd_02.12.25_15-49-06, GameMode: deathmatch, shortId: RTCSZQ'",
    );
    write("network-connection", "Info", "Connect (address: 104.200.159.98:17001)");
    write("network-connection", "Info", "Enter to the 'Connected' state (address: 104.200.159.98:17001, syn: False, asc: True)");
    await waitUntil(() => a.game.length >= 2 || undefined, 20_000, "the in-raid event");

    // The raid link times out: a diagnosis at once, with the raid server in its evidence.
    write("network-connection", "Error", "Timeout: Messages timed out after not receiving any message for 3006ms (address: 104.200.159.98:17001)");
    const diag = await waitForLog(dataDir, (l) => l.message === "diagnosis" && typeof l.trigger === "string" && String(l.trigger).includes("timed out"), 15_000, "the triggered diagnosis");
    const evidence = (diag.evidence as { kind: string; text: string }[]).filter((e) => e.kind === "game-log").map((e) => e.text);
    expect(evidence, JSON.stringify(diag)).toSatisfy((ev: string[]) => ev.some((t) => /raid server 104\.200\.159\.98:17001 \(Interchange, data centre US-DAL03\), named in the application log$/.test(t)));

    write("network-connection", "Info", "Disconnect (address: 104.200.159.98:17001)");
    write("network-connection", "Info", "Statistics (address: 104.200.159.98:17001, rtt: 182.75, lose: -1.164153E-10, sent: 71065, received: 49602)");
    write("application", "Info", "CompleteSelectedProfile ProfileId:69193861844e4f097e00ec2d AccountId:12345678");
    await waitUntil(() => a.game.length >= 3 || undefined, 20_000, "the idle event");
    await new Promise((r) => setTimeout(r, 1_500)); // nothing more comes: the menu return is idle → idle

    expect(a.junk).toEqual([]);
    for (const g of a.game) expect(gameEventSchema.parse(g)).toEqual(g);
    expect(a.game.map((g) => `${g.previousPhase}->${g.phase} ${g.source}`)).toEqual([
      "idle->matching application: Matching with group id",
      "matching->in-raid network-connection: Enter to the 'Connected' state",
      "in-raid->idle network-connection: Disconnect",
    ]);
    // `at` is the time the game logged the line, within this test's run.
    for (const g of a.game) expect(Math.abs(Date.parse(g.at) - Date.now())).toBeLessThan(60_000);
    expect(await a.stop()).toEqual({ code: 0, signal: null });
  });
});
