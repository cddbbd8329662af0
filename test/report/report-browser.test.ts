// The evidence report as a player opens it: written by the built CLI (`tarkov-agent report`) from a data folder the
// real history writer filled, opened in headless Debian Chromium driven by playwright-core. The chart must render,
// the incident rows must be in the DOM, and no request may leave the page.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { runCli } from "../e2e/cli-run.js";
import { ARTIFACTS, describeBrowser, launchChromium } from "../helpers/chromium.js";
import { writeSyntheticHistory } from "./synthetic.js";


const dir = mkdtempSync(join(tmpdir(), "tca-report-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeBrowser("the evidence report in headless Chromium", () => {
  it("renders the chart, lists the incidents, and loads nothing from anywhere", async () => {
    const dataDir = join(dir, "data");
    const to = Date.now();
    const from = to - 24 * 3_600_000;
    writeSyntheticHistory({
      dataDir,
      from,
      to,
      dnsFlake: 0.005,
      off: [{ from: from + 3 * 3_600_000, to: from + 4 * 3_600_000 }],
      incidents: [
        { start: from + 14 * 3_600_000, end: from + 14.5 * 3_600_000, verdict: "bsg-unreachable", code: "TCP_TIMEOUT" },
        { start: from + 20 * 3_600_000, end: from + 20.2 * 3_600_000, verdict: "dns-failure", code: "DNS_TIMEOUT" },
      ],
    });
    // The game's logs: one session that named its raid server two hours ago (TarkovHelper's real line shape,
    // josephjang/TarkovHelper docs/eft-log-patterns.md @a214a95a; the game writes local time).
    const pad = (n: number) => String(n).padStart(2, "0");
    const d = new Date(to - 2 * 3_600_000);
    const local = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.106`;
    const session = `log_${local.slice(0, 10).replace(/-/g, ".")}_${local.slice(11, 19).replace(/:/g, "-")}_1.0.0.2.42157`;
    const logs = join(dir, "Logs");
    mkdirSync(join(logs, session), { recursive: true });
    writeFileSync(
      join(logs, session, `${session.slice(4)} application_000.log`),
      `${local}|1.0.0.2.42157|Debug|application|TRACE-NetworkGameCreate profileStatus: 'Profileid: 69193861844e4f097e00ec2e, Status: Busy, RaidMode: Online, Ip: 104.200.159.98, Port: 17001, Location: Interchange, Sid: US-DAL03G010_692ee0420a302012001058bd_02.12.25_15-49-06, GameMode: deathmatch, shortId: RTCSZQ'\r\n`,
    );
    const config = join(dir, "config.json");
    writeFileSync(config, JSON.stringify({ game: { logsDir: logs } }));
    const out = join(dir, "report.html");
    const cli = await runCli(["report", "--since", "24h", "--out", out, "--data-dir", dataDir, "--config", config], { HOME: dir }, 60_000);
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toMatch(/2 incidents,/);
    const html = readFileSync(out, "utf8");
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org\/2000\/svg)[^"' ]+\.(?:css|js|png|woff)/i);

    const ctx = await launchChromium(dir, { width: 1100 });
    try {
      const page = await ctx.newPage();
      const requests: string[] = [];
      page.on("request", (r) => requests.push(r.url()));
      await page.goto(`file://${out}`);
      // The chart: the SVG, its data lines, shaded incidents and the verdict bands.
      expect(await page.locator("#timeline polyline.bsg").count()).toBeGreaterThan(0);
      expect(await page.locator("#timeline polyline.control").count()).toBeGreaterThan(0);
      expect(await page.locator("#timeline rect.incident").count()).toBe(2);
      expect(await page.locator('#timeline rect.band[data-verdict="bsg-unreachable"]').count()).toBe(1);
      const box = await page.locator("#timeline").boundingBox();
      expect(box!.width).toBeGreaterThan(800);
      expect(box!.height).toBeGreaterThan(250);
      // The incidents table, local and UTC times, counts behind them.
      const rows = page.locator("#incidents tr.incident-row");
      expect(await rows.count()).toBe(2);
      expect(await rows.nth(0).innerText()).toMatch(/UTC.*30 min.*can't reach Tarkov's servers.*120 of 12\d/s);
      expect(await page.locator("#isp-letter").innerText()).toMatch(/Could you please check the routing/);
      expect(await page.locator("#bsg-ticket").innerText()).toMatch(/confirmed these outages/);
      // The raid server the game's logs named: address, data centre, map, which log.
      expect(await page.locator("#raid-servers tr.raid-row").count()).toBe(1);
      expect(await page.locator("#raid-servers tr.raid-row").innerText()).toMatch(/104\.200\.159\.98:17001\s+US-DAL03\s+Interchange\s+the game's application log/);
      expect(await page.locator("#bsg-ticket").innerText()).toMatch(/Raid server: 104\.200\.159\.98:17001, data centre US-DAL03, map Interchange/);
      mkdirSync(ARTIFACTS, { recursive: true });
      const shot = join(ARTIFACTS, "report-chart.png");
      await page.locator("#timeline").screenshot({ path: shot });
      expect(statSync(shot).size).toBeGreaterThan(10_000);
      await page.screenshot({ path: join(ARTIFACTS, "report-full.png"), fullPage: true });
      // The only request is the file itself: fonts, images, scripts — nothing leaves the page.
      expect(requests).toEqual([`file://${out}`]);
    } finally {
      await ctx.close();
    }
  }, 90_000);
});
