import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { closeLogger, createLogger } from "../src/log.js";
import { redactText } from "../src/redact.js";

describe("redaction", () => {
  it.each([
    ["C:\\Users\\KappaHolder\\AppData\\Local\\x", "%USERPROFILE%\\AppData\\Local\\x"],
    ["/home/kappa/.local/state", "/home/%USER%/.local/state"],
    ["Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.abc.def", "Authorization: Bearer [redacted]"],
    ["Cookie: PHPSESSID=8a7sd6f87as6df", "Cookie: PHPSESSID=[redacted]"],
    ["Profileid: 5f1a2b3c4d5e6f7a8b9c0d1e, Status: Busy", "Profileid: [profile-id], Status: Busy"],
    ["wss://wsn-01.escapefromtarkov.com/push/notifier/getwebsocket/abcDEF123", "wss://wsn-01.escapefromtarkov.com/push/notifier/getwebsocket/[redacted]"],
    ["adapter 00-1A-2B-3C-4D-5E up", "adapter [mac] up"],
  ])("scrubs %s", (input, expected) => {
    expect(redactText(input)).toBe(expected);
    expect(redactText(redactText(input))).toBe(expected);
  });
});

describe("logger", () => {
  it("keeps every line of a startup burst as JSON with redaction applied", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "tca-log-"));
    const logger = createLogger({ dataDir });
    for (let i = 0; i < 300; i++) logger.info("probe", { i, path: "C:\\Users\\Kappa\\x" });
    logger.error("boom", { error: new Error("kaput") });
    await closeLogger(logger);
    const files = readdirSync(join(dataDir, "logs")).filter((f) => f.endsWith(".log"));
    expect(files.length).toBe(1);
    const lines = readFileSync(join(dataDir, "logs", files[0]!), "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.length).toBe(301);
    expect(lines[0]).toMatchObject({ message: "probe", i: 0, path: "%USERPROFILE%\\x", level: "info" });
    expect(typeof lines[0]!.timestamp).toBe("string");
  });
});

/** Lines of the shapes the red-team pass found leaking (issue 8 §1): nested evidence, rounds, checked paths. */
describe("logger redaction", () => {
  const readLines = (dataDir: string): string => {
    const files = readdirSync(join(dataDir, "logs")).filter((f) => f.endsWith(".log"));
    return files.map((f) => readFileSync(join(dataDir, "logs", f), "utf8")).join("");
  };

  it("redacts nested fields, arrays, Errors, Maps and messages, and keeps the rest of the line", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "tca-log-deep-"));
    const logger = createLogger({ dataDir });
    const nestedError = new Error("open C:\\Users\\KappaHolder\\AppData\\Local\\tarkov-agent\\x failed");
    logger.warn("game logs not found; game awareness is off", { checked: ["C:\\Users\\KappaHolder\\Games\\EFT\\Logs", "/home/kappa/Games/EFT"] });
    logger.info("diagnosis", {
      verdict: "dns-failure",
      evidence: [{ kind: "game-log", text: "Game log 21:04:11: request failed, PHPSESSID=abc123def456" }],
      round: { targets: [{ id: "bsg-gw", host: "gw-pvp.escapefromtarkov.com", address: "104.18.30.40", phases: { tcp: { message: "ok" } } }], gateway: { host: "192.168.1.1", message: "wan 203.0.113.45" } },
      nested: { deeper: { deepest: { mail: "kappa.holder@example.com", mac: "00-1A-2B-3C-4D-5E" } } },
      error: nestedError,
      seen: new Map([["ssid", "    SSID                   : HomeNet-5G"]]),
    });
    logger.error(new Error("token=supersecret99 rejected"));
    logger.child({ component: "game" }).info("following game session", { folder: "D:\\Users\\Kappa Holder\\EFT\\Logs\\log_2025.12.02_21-46-45_1.0.0.2.42157" });
    await closeLogger(logger);
    const text = readLines(dataDir);
    for (const secret of ["KappaHolder", "kappa", "Kappa Holder", "abc123def456", "203.0.113.45", "00-1A-2B-3C-4D-5E", "HomeNet-5G", "supersecret99"]) {
      expect(text, secret).not.toContain(secret);
    }
    const lines = text.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]!.checked).toEqual(["%USERPROFILE%\\Games\\EFT\\Logs", "/home/%USER%/Games/EFT"]);
    const d = lines[1] as unknown as {
      verdict: string;
      evidence: Array<{ text: string }>;
      round: { targets: Array<{ address: string }>; gateway: unknown };
      nested: { deeper: { deepest: unknown } };
      error: { message: string; stack: string };
      seen: unknown;
    };
    expect(d.verdict).toBe("dns-failure");
    expect(d.evidence[0]!.text).toBe("Game log 21:04:11: request failed, PHPSESSID=[redacted]");
    // A probe target's address is BSG's, the router's is private: both stay. The WAN address does not.
    expect(d.round.targets[0]!.address).toBe("104.18.30.40");
    expect(d.round.gateway).toEqual({ host: "192.168.1.1", message: "wan 203.0.x.x" });
    expect(d.nested.deeper.deepest).toEqual({ mail: "[email]", mac: "[mac]" });
    expect(d.error.message).toBe("open %USERPROFILE%\\AppData\\Local\\tarkov-agent\\x failed");
    expect(d.error.stack).toContain("%USERPROFILE%");
    expect(d.seen).toEqual({ ssid: "    SSID                   : [ssid]" });
    expect(lines[2]!.message).toBe("token=[redacted] rejected");
    expect(lines[2]!.stack).toContain("token=[redacted]");
    expect(lines[3]).toMatchObject({ component: "game", folder: "%USERPROFILE%\\EFT\\Logs\\log_2025.12.02_21-46-45_1.0.0.2.42157" });
    expect(typeof lines[3]!.timestamp).toBe("string");
  });

  it("does not leak through 75 nested writes of every shape (the red-team count)", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "tca-log-75-"));
    const logger = createLogger({ dataDir });
    const secrets: string[] = [];
    for (let i = 0; i < 75; i++) {
      const name = `player${i}x`;
      const path = i % 3 === 0 ? `/home/${name}/.local/state` : i % 3 === 1 ? `C:\\Users\\${name}\\AppData` : `file:///C:/Users/${name}/x`;
      secrets.push(name);
      const shapes = [{ evidence: { text: path } }, { round: { targets: [{ message: path }] } }, { checked: [[path]] }, { error: new Error(path) }, { m: new Map([[path, path]]) }];
      logger.info("nested", shapes[i % shapes.length]);
    }
    await closeLogger(logger);
    const text = readLines(dataDir);
    expect(text.trim().split("\n")).toHaveLength(75);
    for (const s of secrets) expect(text).not.toContain(s);
  });
});

describe("logger failures", () => {
  it("survives its log folder disappearing mid-run", async () => {
    const { rmSync } = await import("node:fs");
    const dataDir = mkdtempSync(join(tmpdir(), "tca-log-gone-"));
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    const logger = createLogger({ dataDir });
    logger.info("before");
    rmSync(dataDir, { recursive: true, force: true });
    for (let i = 0; i < 50; i++) logger.info("after", { i });
    await closeLogger(logger);
    // vitest fails the run on any uncaught 'error' event; here the failure is reported once and the process lives.
    expect(stderr.mock.calls.some(([chunk]) => String(chunk).includes("logging failed: ENOENT"))).toBe(true);
    stderr.mockRestore();
  });
});

describe("logger components", () => {
  it("keeps a child logger's component instead of overwriting it with the command's", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "tca-log-child-"));
    const logger = createLogger({ dataDir, component: "agent" });
    logger.child({ component: "monitor" }).info("round");
    logger.info("plain");
    await closeLogger(logger);
    const file = readdirSync(join(dataDir, "logs")).find((f) => f.endsWith(".log"))!;
    const lines = readFileSync(join(dataDir, "logs", file), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { component: string });
    expect(lines.map((l) => l.component)).toEqual(["monitor", "agent"]);
  });
});

describe("log retention", () => {
  it("keeps no .audit.json (it would list the logs by absolute path, user name included) and prunes after 14 days", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "tca-log-keep-"));
    const dir = join(dataDir, "logs");
    mkdirSync(dir, { recursive: true });
    const old = join(dir, "agent-2020-01-01.log");
    const oldPart = join(dir, "agent-2020-01-01.log.3");
    const recent = join(dir, "agent-2099-01-01.log");
    const notOurs = join(dir, "notes.txt");
    for (const f of [old, oldPart, recent, notOurs]) writeFileSync(f, "x\n");
    const longAgo = new Date(Date.now() - 15 * 24 * 3600 * 1000);
    for (const f of [old, oldPart, notOurs]) utimesSync(f, longAgo, longAgo);
    writeFileSync(join(dir, ".audit.json"), JSON.stringify({ files: [{ name: "C:\\Users\\KappaHolder\\AppData\\Local\\tarkov-agent\\logs\\agent-2020-01-01.log" }] }));
    const logger = createLogger({ dataDir, level: "debug" });
    // Enough to rotate by size several times.
    for (let i = 0; i < 40; i++) logger.info("filler", { i, pad: "y".repeat(400_000) });
    await closeLogger(logger);
    const names = readdirSync(dir);
    expect(names).not.toContain(".audit.json");
    expect(existsSync(old) || existsSync(oldPart)).toBe(false);
    expect(names).toEqual(expect.arrayContaining(["agent-2099-01-01.log", "notes.txt"]));
    // Size rotation still works without the audit file: today's log went on in numbered parts.
    expect(names.filter((n) => /^agent-\d{4}-\d{2}-\d{2}\.log\.\d+$/.test(n) && !n.startsWith("agent-2020")).length).toBeGreaterThan(0);
  });
});
