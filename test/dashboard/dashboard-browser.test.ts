/**
 * The dashboard as a player uses it: the BUILT agent (`tarkov-agent run --headless`) watching the loopback test
 * world, its config in the data folder's default config.json, the address from `tarkov-agent dashboard`, and the
 * page in headless Debian Chromium (playwright-core). Tests run in order on one agent: the page shows the live
 * verdict, follows the world when it breaks and heals (without a reload), round-trips settings to the file, refuses
 * a bad value with the loader's words leaving the file as it was, switches language, runs "Diagnose now" and
 * "Collect support bundle" — and nothing on it ever loads from anywhere but the agent. The last tests attack it:
 * no secret, another origin (in a real browser too), another Host (DNS rebinding, resolved by Chromium itself),
 * another loopback address; then the address file's life: owner-only, removed at exit, stale after a crash.
 */
import { createServer, type Server } from "node:http";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { writeSyntheticHistory } from "../report/synthetic.js";
import { startWorld, type World } from "../world/index.js";
import { ARTIFACTS, describeBrowser, launchChromium } from "../helpers/chromium.js";
import { runCli } from "../e2e/cli-run.js";
import { killAgents, rawRequest, startAgentProcess, waitFor, type AgentChild } from "./helpers.js";

// A page in Chromium on two shared cores answers in seconds, not in expect.poll's default 1 s.
vi.setConfig({ expect: { poll: { timeout: 10_000, interval: 50 } } });

let world: World;
let dir: string;
let dataDir: string;
let configFile: string;
let gameDir: string;
/** What the agent and the CLI see over this process's environment. */
let env: Record<string, string>;
let agent: AgentChild;
let url: string;
let port: number;
let secret: string;
let browser: BrowserContext;
let page: Page;
/** Every URL the page (and anything it started) requested. */
const requests: string[] = [];

const shot = async (name: string): Promise<string> => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, name);
  await page.evaluate("window.scrollTo(0, 0)"); // the sticky header stays at the top of a full-page picture
  await page.screenshot({ path, fullPage: true });
  expect(statSync(path).size).toBeGreaterThan(50_000);
  return path;
};
const config = (): Record<string, unknown> => JSON.parse(readFileSync(configFile, "utf8")) as Record<string, unknown>;
const text = (sel: string): Promise<string> => page.locator(sel).innerText();
/** The status section's text as a player reads it, without the (closed) technical details part. */
const outsideDetails = (): Promise<string> =>
  page.evaluate<string>('(() => { const c = document.getElementById("status").cloneNode(true); c.querySelector("#details").remove(); return c.textContent; })()');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "tca-dashboard-"));
  dataDir = join(dir, "data");
  mkdirSync(dataDir);
  gameDir = join(dir, "Games", "Escape from Tarkov");
  mkdirSync(gameDir, { recursive: true });
  writeFileSync(join(gameDir, "EscapeFromTarkov.exe"), "");
  // The evening before this run, written by the real history writer and incident store: six hours with a
  // 20-minute DNS failure and a stretch with the agent off, so the chart and the incident list have a past.
  const now = Date.now();
  writeSyntheticHistory({
    dataDir,
    from: now - 6 * 3_600_000,
    to: now - 120_000,
    off: [{ from: now - 5 * 3_600_000, to: now - 4.4 * 3_600_000 }],
    incidents: [{ start: now - 2.5 * 3_600_000, end: now - 2.5 * 3_600_000 + 20 * 60_000, verdict: "dns-failure", code: "DNS_TIMEOUT" }],
  });
  world = await startWorld();
  // The world's config, as the player's own file in the default place: <data dir>/config.json (no --config).
  const worldFile = world.writeConfig(dir, { notifications: { enabled: false }, monitor: { intervalMs: 1_000, livenessIntervalMs: 500 }, ui: { language: "en" } });
  configFile = join(dataDir, "config.json");
  copyFileSync(worldFile, configFile);
  // A desktop folder for the support bundle; a fake xdg-open that records how it was called.
  mkdirSync(join(dir, "Desktop"));
  mkdirSync(join(dir, "bin"));
  writeFileSync(join(dir, "bin", "xdg-open"), `#!/bin/sh\nprintf '%s\\n' "$#" "$@" > "${join(dir, "xdg-open.args")}"\n`);
  chmodSync(join(dir, "bin", "xdg-open"), 0o755);
  env = { HOME: dir, XDG_DESKTOP_DIR: join(dir, "Desktop"), PATH: `${join(dir, "bin")}:${process.env.PATH ?? ""}`, LANG: "en_US.UTF-8", TARKOV_AGENT_CONFIG: "", NO_COLOR: "1" };
  agent = startAgentProcess(["--data-dir", dataDir], env);
  const printed = await waitFor(
    async () => {
      if (agent.child.exitCode !== null) throw new Error(`agent exited: ${agent.stderr()}`);
      const r = await runCli(["dashboard", "--no-open", "--json", "--data-dir", dataDir], env);
      return r.code === 0 ? (JSON.parse(r.stdout) as { url: string }).url : undefined;
    },
    // Each attempt starts a CLI (seconds on a loaded CI machine), and the agent itself starts first.
    60_000,
    "the dashboard address",
  );
  url = printed;
  const m = /^http:\/\/127\.0\.0\.1:(\d+)\/([A-Za-z0-9_-]+)\/$/.exec(url);
  expect(m, url).not.toBeNull();
  port = Number(m![1]);
  secret = m![2]!;
  // rebind.test resolves to 127.0.0.1 inside Chromium: a DNS-rebinding page, without touching real DNS.
  browser = await launchChromium(dir, { args: ["--host-resolver-rules=MAP rebind.test 127.0.0.1"] });
  browser.on("request", (r) => requests.push(r.url()));
  page = await browser.newPage();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  killAgents();
  await world?.close();
  rmSync(dir, { recursive: true, force: true });
});

describeBrowser("the dashboard in headless Chromium, served by the running agent", () => {
  it("opens on the live verdict, with the plain evidence and nothing loaded from elsewhere", async () => {
    await page.goto(url);
    await page.waitForSelector("body[data-ready=true]");
    await expect.poll(() => text("#verdict"), { timeout: 15_000 }).toBe("Tarkov servers are reachable");
    expect(await page.locator("#status-card").getAttribute("data-icon")).toBe("ok");
    expect(await text("#state-word")).toMatch(/all good/i);
    // A fresh agent's first verdict may be seconds old ("Just now", status-since.test.ts) or older.
    expect(await text("#since")).toMatch(/^(For .+, since|Just now, at) \d\d:\d\d \(UTC[+-]\d/);
    await expect.poll(() => text("#link")).toBe("Connected to the agent");
    // The chart is the report's renderer, drawn inline.
    await expect.poll(() => page.locator("#chart svg#timeline").count(), { timeout: 10_000 }).toBe(1);
    expect(await page.locator("#chart rect.incident").count()).toBe(1);
    expect(await page.locator("#incidents tr.incident-row").allInnerTexts()).toEqual([expect.stringMatching(/\d\d:\d\d \(UTC[+-][\d:]+\)\s+20 min\s+Your DNS can't find Tarkov's servers/)]);
    expect(await page.locator("html").getAttribute("lang")).toBe("en");
    await shot("dashboard-ok.png");
  });

  it("follows the world without a reload: drop, then recovery in the history", async () => {
    await page.evaluate("window.marker = 42");
    await world.setGroup("bsg", "refuse");
    await expect.poll(() => page.locator("#status-card").getAttribute("data-icon"), { timeout: 20_000 }).toBe("down");
    await expect.poll(() => text("#verdict"), { timeout: 10_000 }).toMatch(/can't reach Tarkov's servers|Tarkov servers are down/);
    expect((await page.locator("#evidence li").allInnerTexts()).join("\n")).toMatch(/BSG's \d+ servers answered: the connections were refused/);
    expect(await outsideDetails()).not.toMatch(/TCP_|ECONN/);
    expect(await text("#advice")).not.toBe("");
    await expect.poll(() => page.locator("#incidents tr.incident-row").count(), { timeout: 10_000 }).toBe(2);
    expect(await page.locator("#incidents tr.incident-row").first().innerText()).toMatch(/still going/);
    await shot("dashboard-down.png");
    // The README's picture: a drop in progress, from the top of the page down to the incident list.
    await page.evaluate("window.scrollTo(0, 0)");
    const bottom = await page.locator("#incidents").boundingBox();
    await page.screenshot({ path: join(ARTIFACTS, "dashboard-readme.png"), fullPage: true, clip: { x: 0, y: 0, width: 1200, height: Math.ceil(bottom!.y + bottom!.height + 24) } });
    await world.setGroup("bsg", "up");
    await expect.poll(() => page.locator("#status-card").getAttribute("data-icon"), { timeout: 20_000 }).toBe("ok");
    await expect.poll(() => page.locator("#incidents tr.incident-row").first().innerText(), { timeout: 10_000 }).toMatch(/\t\d+ s\t|\t\d+ min\t/);
    expect(await page.evaluate("window.marker")).toBe(42); // same page, never reloaded
  }, 60_000);

  it("saves a setting into the player's file, keeping every other key, and the agent uses it", async () => {
    const before = config();
    await page.selectOption("#reminder", "60");
    await expect.poll(() => text("#fs-notify .save-msg")).toBe("Saved.");
    await page.locator('input[name="policy-flush-dns"][value="auto"]').check();
    await expect.poll(() => text("#fs-fixes .save-msg")).toBe("Saved.");
    const after = config() as { monitor: Record<string, unknown>; fixes: { policy: Record<string, string> } };
    expect(after.monitor.reminderMinutes).toBe(60);
    expect(after.fixes.policy["flush-dns"]).toBe("auto");
    // Everything else is as the player wrote it.
    const { monitor: m1, ...rest1 } = before as { monitor: Record<string, unknown> };
    const { monitor: m2, fixes: _f, ...rest2 } = after;
    expect(rest2).toEqual(rest1);
    expect({ ...m2, reminderMinutes: undefined }).toEqual({ ...m1, reminderMinutes: undefined });
    // A high-risk fix cannot be made automatic, and the page says why.
    expect(await page.locator('input[name="policy-reset-network-stack"][value="auto"]').isDisabled()).toBe(true);
    expect(await text('tr[data-fix="reset-network-stack"]')).toMatch(/Never automatic/);
    // The CLI reads the same file (the data folder's default) and sees the new policy.
    const list = await runCli(["fix", "list", "--json", "--data-dir", dataDir], env, 60_000);
    expect(list.code, list.stderr).toBe(0);
    const fixes = (JSON.parse(list.stdout) as { fixes: { id: string; policy: { effective: string } }[] }).fixes;
    expect(fixes.find((f) => f.id === "flush-dns")?.policy.effective).toBe("auto");
    // A game folder: saved, checked on disk, and the page says the agent needs a restart for it.
    await page.locator("#game-custom").check();
    await page.fill("#game-dir", gameDir);
    await page.click("#game-save");
    await expect.poll(() => text("#fs-game .save-msg")).toBe("Saved. Restart the agent to use it.");
    expect(await text("#game-status")).toMatch(/The game is in this folder/);
    expect((config() as { game: { installDir: string } }).game.installDir).toBe(gameDir);
  });

  it("refuses a bad value with the loader's message, and the file stays byte for byte", async () => {
    const bytes = readFileSync(configFile);
    const mtime = statSync(configFile).mtimeMs;
    await page.fill("#dailycap", "500");
    await page.press("#dailycap", "Tab");
    await expect.poll(() => text("#fs-fixes .save-msg")).toBe("Not saved: key fixes.dailyCap: expected a number of at most 100, found 500\nNothing was saved.");
    expect(readFileSync(configFile).equals(bytes)).toBe(true);
    expect(statSync(configFile).mtimeMs).toBe(mtime);
    expect(await page.inputValue("#dailycap")).toBe("3"); // the control shows what is saved
    // A relative game folder means nothing to the agent: refused in plain words.
    await page.fill("#game-dir", "Escape from Tarkov");
    await page.click("#game-save");
    await expect.poll(() => text("#fs-game .save-msg")).toMatch(/Not saved: Type the full path of the game folder/);
    expect(readFileSync(configFile).equals(bytes)).toBe(true);
    await page.locator("#settings").scrollIntoViewIfNeeded();
    await shot("dashboard-settings-refused.png");
  });

  it('"Diagnose now" and "Collect support bundle" do what the tray does, and say so on the page', async () => {
    await page.click("#diagnose");
    await expect.poll(() => text("#action-msg"), { timeout: 20_000 }).toMatch(/^Checked at \d\d:\d\d/);
    await page.click("#bundle");
    await expect.poll(() => text("#action-msg"), { timeout: 90_000 }).toMatch(/^Support bundle saved: /);
    const path = await text("#bundle-path");
    expect(path.startsWith(join(dir, "Desktop"))).toBe(true);
    expect(existsSync(path)).toBe(true);
    expect(await page.locator("#reveal").isVisible()).toBe(true);
  }, 120_000);

  it("switches to Russian at once, page and file alike", async () => {
    await page.selectOption("#language", "ru");
    await expect.poll(() => page.locator("html").getAttribute("lang")).toBe("ru");
    expect(await text("nav")).toMatch(/Состояние\s+История\s+Настройки/);
    expect(await text("#diagnose")).toBe("Проверить сейчас");
    await expect.poll(() => text("#fs-language .save-msg")).toBe("Сохранено.");
    expect((config() as { ui: { language: string } }).ui.language).toBe("ru");
    await page.evaluate("window.scrollTo(0, 0)");
    await shot("dashboard-ru.png");
    // A drop in Russian: the status card says what the agent saw in plain Russian; the codes only in the details.
    await world.setGroup("bsg", "refuse");
    await expect.poll(() => page.locator("#status-card").getAttribute("data-icon"), { timeout: 20_000 }).toBe("down");
    await expect.poll(async () => (await page.locator("#evidence li").allInnerTexts())[0] ?? "", { timeout: 10_000 }).toMatch(/^Ни один из \d+ серверов? BSG не ответил: в соединении отказано\.$/);
    for (const line of await page.locator("#evidence li").allInnerTexts()) expect(line).toMatch(/[а-яё]/i);
    expect(await text("#meaning")).toMatch(/[а-яё]/i);
    for (const line of await page.locator("#advice li").allInnerTexts()) expect(line).toMatch(/[а-яё]/i);
    expect(await outsideDetails()).not.toMatch(/TCP_|ECONN|\b(?:the|your|servers)\b/i);
    expect(await page.locator("#details-list").textContent()).toMatch(/TCP_REFUSED/);
    await shot("dashboard-ru-down.png");
    await world.setGroup("bsg", "up");
    await expect.poll(() => page.locator("#status-card").getAttribute("data-icon"), { timeout: 20_000 }).toBe("ok");
    await page.selectOption("#language", "en");
    await expect.poll(() => page.locator("html").getAttribute("lang")).toBe("en");
  }, 60_000);

  it("loaded nothing from anywhere but the agent", () => {
    const foreign = requests.filter((r) => !r.startsWith(url) && !r.startsWith("data:"));
    expect(foreign).toEqual([]);
    expect(requests.some((r) => r === `${url}dashboard.js`)).toBe(true);
  });
});

describeBrowser("who may talk to the dashboard", () => {
  const statusPath = () => `/${secret}/api/status`;
  const settingsBody = JSON.stringify({ changes: [{ key: "notifications.enabled", value: true }] });

  it("answers only with the secret, the right Host and no foreign Origin", async () => {
    expect((await rawRequest({ port, path: statusPath() })).status).toBe(200);
    expect((await rawRequest({ port, path: "/" })).status).toBe(404);
    expect((await rawRequest({ port, path: "/api/status" })).status).toBe(404);
    // One character off (never the same character: a secret ending in "x" once made this "wrong" secret the right one).
    expect((await rawRequest({ port, path: `/${secret.slice(0, -1)}${secret.endsWith("x") ? "y" : "x"}/api/status` })).status).toBe(404);
    // DNS rebinding: a page on attacker.example whose name now resolves to 127.0.0.1 still sends its own name.
    expect((await rawRequest({ port, path: statusPath(), headers: { Host: `attacker.example:${port}` } })).status).toBe(421);
    expect((await rawRequest({ port, path: statusPath(), headers: { Host: `localhost:${port}` } })).status).toBe(421);
    expect((await rawRequest({ port, path: statusPath(), headers: { Origin: "http://attacker.example" } })).status).toBe(403);
    const preflight = await rawRequest({ port, path: `/${secret}/api/settings`, method: "OPTIONS", headers: { Origin: `http://127.0.0.1:${port}`, "Access-Control-Request-Method": "POST" } });
    expect(preflight.status).toBe(405);
    expect(Object.keys(preflight.headers).filter((h) => h.startsWith("access-control-"))).toEqual([]);
  });

  it("changes nothing without the secret, from another origin, without an Origin or as a form post", async () => {
    const bytes = readFileSync(configFile);
    const post = (headers: Record<string, string>, path = `/${secret}/api/settings`) => rawRequest({ port, path, method: "POST", headers, body: settingsBody });
    const json = { "Content-Type": "application/json" };
    expect((await post({ ...json, Origin: `http://127.0.0.1:${port}` }, "/api/settings")).status).toBe(404);
    expect((await post({ ...json, Origin: "http://attacker.example" })).status).toBe(403);
    expect((await post({ ...json, Origin: "null" })).status).toBe(403);
    expect((await post(json)).status).toBe(403);
    expect((await post({ "Content-Type": "text/plain", Origin: `http://127.0.0.1:${port}` })).status).toBe(415);
    expect((await post({ ...json, Origin: `http://127.0.0.1:${port}`, "Sec-Fetch-Site": "cross-site" })).status).toBe(403);
    expect(readFileSync(configFile).equals(bytes)).toBe(true);
  });

  it("serves nothing on any other address", async () => {
    const refused = (host: string) =>
      new Promise<string>((resolve) => {
        const s = connect({ host, port });
        s.once("connect", () => {
          s.destroy();
          resolve("connected");
        });
        s.once("error", (e: NodeJS.ErrnoException) => resolve(e.code ?? "error"));
      });
    expect(await refused("127.0.0.2")).toBe("ECONNREFUSED");
  });

  it("a page from another origin, even one that knows the address, can neither read nor change anything", async () => {
    const bytes = readFileSync(configFile);
    // The attacker's page on another loopback origin, handed the full secret URL (the worst case).
    const evil: Server = createServer((_req, res) => {
      res.writeHead(200, { "Content-Type": "text/html" });
      res.end(`<!doctype html><script>
        const target = ${JSON.stringify(url)};
        const out = {};
        (async () => {
          try { const r = await fetch(target + "api/status"); out.read = r.status; } catch (e) { out.read = "blocked"; }
          try { await fetch(target + "api/settings", { method: "POST", mode: "no-cors", headers: { "Content-Type": "text/plain" }, body: ${JSON.stringify(settingsBody)} }); out.simple = "answered"; } catch (e) { out.simple = "blocked"; }
          try { const r = await fetch(target + "api/settings", { method: "POST", headers: { "Content-Type": "application/json" }, body: ${JSON.stringify(settingsBody)} }); out.json = r.status; } catch (e) { out.json = "blocked"; }
          window.done = out;
        })();
      </script>`);
    });
    await new Promise<void>((r) => evil.listen(0, "127.0.0.3", () => r()));
    const evilPort = (evil.address() as { port: number }).port;
    const p = await browser.newPage();
    const refusedBefore = readFileSync(join(dataDir, "logs", readdirSync(join(dataDir, "logs")).find((f) => f.endsWith(".log"))!), "utf8").split("dashboard request refused").length;
    try {
      await p.goto(`http://127.0.0.3:${evilPort}/`);
      const out = await (await p.waitForFunction("window.done", undefined, { timeout: 15_000 })).jsonValue();
      // Reading: no CORS header. The JSON post: its preflight is refused. The "simple" post (no preflight) does reach
      // the agent, which refuses it for its Origin (logged below); even its opaque answer is withheld (CORP).
      expect(out).toEqual({ read: "blocked", simple: "blocked", json: "blocked" });
      // DNS rebinding in the browser itself: rebind.test resolves to 127.0.0.1, and the agent refuses that name.
      const rebound = await p.goto(`http://rebind.test:${port}/${secret}/api/status`);
      expect(rebound?.status()).toBe(421);
    } finally {
      await p.close();
      evil.closeAllConnections(); // the browser keeps its connection open: close() alone would wait for it
      await new Promise((r) => evil.close(r));
    }
    expect(readFileSync(configFile).equals(bytes)).toBe(true);
    // The agent saw and refused them (and logged the reason, never the address).
    await waitFor(() => {
      const logs = readdirSync(join(dataDir, "logs")).filter((f) => f.endsWith(".log"));
      const all = logs.map((f) => readFileSync(join(dataDir, "logs", f), "utf8")).join("");
      return all.split("dashboard request refused").length > refusedBefore ? true : undefined;
    }, 30_000, "the refusals in the log");
  }, 90_000);
});

describeBrowser("the address file and the dashboard command", () => {
  it("is the player's alone, opens the browser without a shell, and never reaches the logs", async () => {
    expect(statSync(join(dataDir, "dashboard.json")).mode & 0o777).toBe(0o600);
    const r = await runCli(["dashboard", "--data-dir", dataDir], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${url}\n`);
    // xdg-open got exactly one argument: the address.
    // The command returns once xdg-open is spawned, not once it has written: wait for what it writes, in full.
    const args = join(dir, "xdg-open.args");
    await waitFor(() => (existsSync(args) && readFileSync(args, "utf8").endsWith("\n") && readFileSync(args, "utf8").split("\n").length >= 3 ? true : undefined), 30_000, "xdg-open");
    expect(readFileSync(args, "utf8")).toBe(`1\n${url}\n`);
    const logs = readdirSync(join(dataDir, "logs")).map((f) => readFileSync(join(dataDir, "logs", f), "utf8")).join("");
    expect(logs).toContain("dashboard listening");
    expect(logs).not.toContain(secret);
    expect(agent.stderr()).not.toContain(secret);
  });

  it("is removed when the agent stops; a crashed agent's stale file is recognised", async () => {
    expect(await agent.stop()).toBe(0);
    expect(existsSync(join(dataDir, "dashboard.json"))).toBe(false);
    const gone = await runCli(["dashboard", "--no-open", "--data-dir", dataDir], env);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/The agent is not running/);
    // kill -9: nothing cleans up; the file names a server that no longer answers.
    const again = startAgentProcess(["--data-dir", dataDir], env);
    await waitFor(() => (existsSync(join(dataDir, "dashboard.json")) ? true : undefined), 20_000, "the new address file");
    await again.kill();
    const stale = await runCli(["dashboard", "--no-open", "--json", "--data-dir", dataDir], env);
    expect(stale.code).toBe(1);
    expect(JSON.parse(stale.stdout)).toMatchObject({ error: { code: "AGENT_NOT_RUNNING", message: expect.stringMatching(/left from an agent that stopped/) } });
  }, 60_000);
});
