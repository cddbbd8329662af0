// createNotifier's failure handling and the argv it gives the platform notifier.
// Windows: SnoreToast cannot run on Linux, so the Windows path runs a fake snoretoast through `customPath` and
// checks the argv, the exit-code judgement and that no toast process outlives notify()/close(). That fake is the
// one allowed stand-in here; the real SnoreToast crashing under wine is test/installer/wine-windows.test.ts, and
// Linux delivery to a real notification daemon is test/gui/notify-dunst.test.ts.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createNotifier, judgeSnoreToastExit, withUndeliveredFallback, type Notifier, type NotifyResult } from "../../src/ports/notify.js";

const root = mkdtempSync(join(tmpdir(), "notify-test-"));
const startCwd = process.cwd();
const pidsToKill: number[] = [];

/** An executable script that records its argv (one per line) and then does `then`. */
function fakeExe(name: string, then: string): { path: string; argvFile: string; pidFile: string } {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  const argvFile = join(dir, "argv.txt");
  const pidFile = join(dir, "pid.txt");
  writeFileSync(path, `#!/bin/sh\necho $$ > '${pidFile}'\nfor a in "$@"; do printf '%s\\n' "$a"; done > '${argvFile}'\n${then}\n`);
  chmodSync(path, 0o755);
  return { path, argvFile, pidFile };
}

/**
 * The fake's pid, once its first line has run. Waited for (not read at once): a fake started just before the
 * notifier gave up may still be writing it on a loaded machine. Never 0 or NaN: `process.kill(0, …)` in afterEach
 * would signal this test's whole process group.
 */
async function pidOf(fake: { pidFile: string }): Promise<number> {
  let pid = 0;
  await vi.waitFor(
    () => {
      const text = existsSync(fake.pidFile) ? readFileSync(fake.pidFile, "utf8") : "";
      expect(text, "the fake's pid line").toMatch(/^[1-9]\d*\n$/);
      pid = Number(text);
    },
    { timeout: 10_000, interval: 20 },
  );
  return pid;
}

const logger = () => ({ debug: vi.fn(), warn: vi.fn() });
const DROP = { title: "Tarkov servers are down (BSG side)", body: "Nothing to fix on your side: wait for BSG." };

beforeAll(() => {
  // node-notifier's Windows path listens on "\\.\pipe\notifierPipe-<uuid>"; on Linux that is a socket file in
  // the cwd. Keep it out of the repository.
  process.chdir(root);
});
afterEach(() => {
  for (const pid of pidsToKill.splice(0)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
});
afterAll(() => {
  process.chdir(startCwd);
  rmSync(root, { recursive: true, force: true });
});

const isRunning = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("Windows (SnoreToast through a fake snoretoast)", () => {
  it("runs SnoreToast with the app's appID, title and message, and reports delivery", async () => {
    const fake = fakeExe("snoretoast-ok", "exit 0");
    const log = logger();
    const n = createNotifier({ appId: "TarkovConnectionAgent", appName: "Tarkov Connection Agent", platform: "win32", customPath: fake.path, logger: log });
    expect(await n.notify(DROP)).toEqual({ delivered: true });
    expect(readFileSync(fake.argvFile, "utf8").trimEnd().split("\n")).toEqual(["-t", DROP.title, "-m", DROP.body, "-appID", "TarkovConnectionAgent"]);
    expect(log.debug).toHaveBeenCalledWith("notification delivered", expect.objectContaining({ title: DROP.title }));
  });

  it("passes shell metacharacters and a leading dash through verbatim (no shell)", async () => {
    const fake = fakeExe("snoretoast-meta", "exit 0");
    const n = createNotifier({ appId: "a", appName: "A", platform: "win32", customPath: fake.path, iconPath: "C:\\icons\\ok.png" });
    const body = `-BSG: "maintenance" $(touch ${join(root, "pwned")}) \`id\` 'x' & del C:\\x`;
    expect((await n.notify({ title: "t", body })).delivered).toBe(true);
    const argv = readFileSync(fake.argvFile, "utf8").trimEnd().split("\n");
    expect(argv[argv.indexOf("-m") + 1]).toBe(body);
    expect(argv[argv.indexOf("-p") + 1]).toBe("C:\\icons\\ok.png");
  });

  it.each([1, 2, 3, 4, 5])("exit %i (hidden, dismissed, timed out, button, text) still means the toast was shown", async (code) => {
    const fake = fakeExe(`snoretoast-${code}`, `exit ${code}`);
    expect(await createNotifier({ appId: "a", appName: "A", platform: "win32", customPath: fake.path }).notify(DROP)).toEqual({ delivered: true });
  });

  it("a SnoreToast that crashes is not delivered, and says so in the log", async () => {
    const fake = fakeExe("snoretoast-segv", "kill -SEGV $$");
    const log = logger();
    const r = await createNotifier({ appId: "a", appName: "A", platform: "win32", customPath: fake.path, logger: log }).notify(DROP);
    expect(r).toEqual({ delivered: false, error: "SnoreToast was ended by SIGSEGV" });
    expect(log.warn).toHaveBeenCalledWith("notification not delivered", expect.objectContaining({ error: r.error }));
  });

  it("an unknown exit code is not delivered", async () => {
    const fake = fakeExe("snoretoast-42", "exit 42");
    expect(await createNotifier({ appId: "a", appName: "A", platform: "win32", customPath: fake.path }).notify(DROP)).toEqual({ delivered: false, error: "SnoreToast exited with unknown code 42" });
  });

  it.each([
    // Seen under wine: SnoreToast page-faults after "Failed to register com Factory" (platform-notes §2, issue 11).
    [3221225477, null, { delivered: false, error: "SnoreToast crashed (exit 3221225477 = 0xC0000005, access violation)" }],
    [3221225781, null, { delivered: false, error: "SnoreToast crashed (exit 3221225781 = 0xC0000135)" }],
    [4294967295, null, expect.objectContaining({ delivered: false, error: expect.stringMatching(/^SnoreToast could not show the toast \(exit -1\)/) })],
    [-1, null, expect.objectContaining({ delivered: false })],
    [0, null, { delivered: true }],
    [null, "SIGTERM", { delivered: false, error: "SnoreToast was ended by SIGTERM" }],
  ] as [number | null, NodeJS.Signals | null, NotifyResult][])("judgeSnoreToastExit(%s, %s)", (code, signal, want) => {
    expect(judgeSnoreToastExit(code, signal)).toEqual(want);
  });

  it.each([
    ["missing", () => join(root, "no-such-snoretoast.exe"), /SnoreToast not runnable at .*no-such-snoretoast\.exe: .*ENOENT/],
    [
      "not executable",
      () => {
        const f = fakeExe("snoretoast-noexec", "exit 0");
        chmodSync(f.path, 0o644);
        return f.path;
      },
      /EACCES/,
    ],
  ])("a %s customPath is delivered:false and logged, never a throw", async (_name, path, error) => {
    const log = logger();
    const n = createNotifier({ appId: "a", appName: "A", platform: "win32", customPath: path(), logger: log });
    const r = await n.notify(DROP);
    expect(r.delivered).toBe(false);
    expect(r.error).toMatch(error);
    expect(log.warn).toHaveBeenCalledWith("notification not delivered", expect.objectContaining({ error: r.error }));
  });

  it("a hanging SnoreToast gives up after the timeout and is killed with it", async () => {
    const fake = fakeExe("snoretoast-hang", "exec sleep 30");
    const n = createNotifier({ appId: "a", appName: "A", platform: "win32", customPath: fake.path, timeoutMs: 300 });
    const t0 = Date.now();
    const r = await n.notify(DROP);
    expect(Date.now() - t0).toBeLessThan(2_000);
    expect(r).toEqual({ delivered: false, error: "no answer from the notifier within 300 ms" });
    const pid = await pidOf(fake);
    pidsToKill.push(pid);
    await vi.waitFor(() => expect(isRunning(pid)).toBe(false), { timeout: 10_000 });
  });

  it("close() ends every toast process at once: pending notify() resolves, nothing is logged afterwards", async () => {
    const fake = fakeExe("snoretoast-close", "exec sleep 30");
    const log = logger();
    const n = createNotifier({ appId: "a", appName: "A", platform: "win32", customPath: fake.path, logger: log });
    const pending = n.notify(DROP);
    const pid = await pidOf(fake);
    pidsToKill.push(pid);
    const t0 = Date.now();
    n.close();
    expect(await pending).toEqual({ delivered: false, error: "SnoreToast was ended by SIGTERM" });
    expect(Date.now() - t0).toBeLessThan(1_000);
    await vi.waitFor(() => expect(isRunning(pid)).toBe(false), { timeout: 10_000 });
    expect(log.warn).not.toHaveBeenCalled();
    expect(await n.notify(DROP)).toEqual({ delivered: false, error: "the agent is stopping" });
  });
});

describe("withUndeliveredFallback", () => {
  it("hands undelivered messages to the fallback (the tray), and only those; a throwing fallback is contained", async () => {
    const results: NotifyResult[] = [{ delivered: true }, { delivered: false, error: "SnoreToast crashed" }, { delivered: false, error: "x" }];
    const base: Notifier = { notify: async () => results.shift()! };
    const seen: [string, string | undefined][] = [];
    let throwNext = false;
    const n = withUndeliveredFallback(base, (msg, r) => {
      seen.push([msg.title, r.error]);
      if (throwNext) throw new Error("tray gone");
    });
    expect(await n.notify({ title: "a", body: "" })).toEqual({ delivered: true });
    expect(await n.notify({ title: "b", body: "" })).toEqual({ delivered: false, error: "SnoreToast crashed" });
    throwNext = true;
    expect((await n.notify({ title: "c", body: "" })).delivered).toBe(false);
    expect(seen).toEqual([["b", "SnoreToast crashed"], ["c", "x"]]);
  });
});

describe("Linux (notify-send)", () => {
  const savedEnv = { ...process.env };
  afterEach(() => {
    process.env = { ...savedEnv };
  });

  /** Puts a fake notify-send first on PATH (node-notifier runs it by name through the shell). */
  function fakeNotifySend(then: string) {
    const fake = fakeExe("notify-send", then);
    process.env.PATH = `${join(root, "notify-send")}:${savedEnv.PATH ?? ""}`;
    return fake;
  }

  it("runs notify-send with title, body, urgency and the app name", async () => {
    const fake = fakeNotifySend("exit 0");
    const n = createNotifier({ appId: "a", appName: "Tarkov Connection Agent", platform: "linux" });
    expect(await n.notify({ ...DROP, urgency: "critical" })).toEqual({ delivered: true });
    const argv = readFileSync(fake.argvFile, "utf8").trimEnd().split("\n");
    expect(argv.slice(0, 2)).toEqual([DROP.title, DROP.body]);
    expect(argv[argv.indexOf("--app-name") + 1]).toBe("Tarkov Connection Agent");
    expect(argv[argv.indexOf("--urgency") + 1]).toBe("critical");
    expect(argv[argv.indexOf("--expire-time") + 1]).toBe("10000");
  });

  it("BSG text with shell metacharacters reaches notify-send verbatim", async () => {
    const fake = fakeNotifySend("exit 0");
    const n = createNotifier({ appId: "a", appName: "A", platform: "linux" });
    const body = `BSG: "maintenance" $(touch ${join(root, "pwned")}) \`id\` \\ done`;
    expect((await n.notify({ title: "t", body })).delivered).toBe(true);
    expect(readFileSync(fake.argvFile, "utf8").split("\n")[1]).toBe(body);
  });

  it("a failing notify-send is delivered:false with its message", async () => {
    fakeNotifySend("echo 'GDBus.Error: no notification daemon' >&2; exit 1");
    const r = await createNotifier({ appId: "a", appName: "A", platform: "linux" }).notify(DROP);
    expect(r.delivered).toBe(false);
    expect(r.error).toMatch(/no notification daemon/);
  });

  it("a hanging notify-send gives up after the timeout", async () => {
    const fake = fakeNotifySend("exec sleep 30");
    const r = await createNotifier({ appId: "a", appName: "A", platform: "linux", timeoutMs: 300 }).notify(DROP);
    expect(r).toEqual({ delivered: false, error: "no answer from the notifier within 300 ms" });
    pidsToKill.push(await pidOf(fake));
  });

  it("with no D-Bus session at all, the real notify-send fails and we report it", async () => {
    delete process.env.DISPLAY;
    delete process.env.WAYLAND_DISPLAY;
    process.env.DBUS_SESSION_BUS_ADDRESS = `unix:path=${join(root, "no-bus-here")}`;
    const log = logger();
    const r = await createNotifier({ appId: "a", appName: "A", platform: "linux", logger: log }).notify(DROP);
    expect(r.delivered).toBe(false);
    expect(r.error).toBeTruthy();
    expect(log.warn).toHaveBeenCalledOnce();
  });
});

afterAll(() => {
  // Neither argv test may have run its payload.
  expect(() => readFileSync(join(root, "pwned"))).toThrow();
});
