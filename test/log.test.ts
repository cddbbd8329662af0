import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
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
    ["Profileid: 5f1a2b3c4d5e6f7a8b9c0d1e, Status: Busy", "Profileid: [id], Status: Busy"],
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
