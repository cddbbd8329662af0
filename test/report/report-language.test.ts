// The evidence report in the player's language: the built `tarkov-agent report` with `ui.language: "ru"` writes the
// page's own words (headings, table heads, cards, chart labels, verdict names, durations) from the Russian side of
// the catalogue, and none of the English ones; the letter to the ISP is Russian too (the player's ISP reads it), the
// BSG ticket stays English (every BSG support agent reads English). Opened in headless
// Debian Chromium so a person can look at test-results/report-ru.png.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { messages } from "../../src/core/i18n/index.js";
import { runCli } from "../e2e/cli-run.js";
import { ARTIFACTS, describeBrowser, launchChromium } from "../helpers/chromium.js";
import { writeSyntheticHistory } from "./synthetic.js";


const dir = mkdtempSync(join(tmpdir(), "tca-report-ru-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const RU = messages("ru");
const EN = messages("en");

describeBrowser("the evidence report in Russian", () => {
  it("takes the page's words from the Russian catalogue and none of the English ones", async () => {
    const dataDir = join(dir, "data");
    const to = Date.now();
    const from = to - 24 * 3_600_000;
    writeSyntheticHistory({
      dataDir,
      from,
      to,
      off: [{ from: from + 3 * 3_600_000, to: from + 4 * 3_600_000 }],
      incidents: [{ start: from + 14 * 3_600_000, end: from + 14.5 * 3_600_000, verdict: "bsg-unreachable", code: "TCP_TIMEOUT" }],
    });
    const config = join(dir, "ru.json");
    writeFileSync(config, JSON.stringify({ ui: { language: "ru" } }));
    const out = join(dir, "report.html");
    const cli = await runCli(["report", "--since", "24h", "--out", out, "--data-dir", dataDir, "--config", config], { HOME: dir }, 60_000);
    expect(cli.code, cli.stderr).toBe(0);
    const html = readFileSync(out, "utf8");
    expect(html).toContain('<html lang="ru">');
    // The page without the BSG ticket (it stays English).
    const page = html.slice(0, html.indexOf('<pre class="letter" id="bsg-ticket">')) + html.slice(html.lastIndexOf("</pre>"));
    // The ISP letter: Russian sentences around the facts (the failed step in Russian, the outage with its duration).
    const isp = html.slice(html.indexOf('<pre class="letter" id="isp-letter">'), html.indexOf('<pre class="letter" id="bsg-ticket">'));
    for (const ru of [RU.report.isp.hello, RU.report.isp.whatFailed, RU.report.isp.ask, RU.report.isp.thanks, `«${RU.report.phase.tcp}»`, RU.verdicts.name["bsg-unreachable"]]) expect(isp).toContain(ru);
    for (const en of [EN.report.isp.hello, EN.report.isp.ask, EN.report.isp.thanks, EN.report.phase.tcp, " failed ", " checks"]) expect(isp).not.toContain(en);
    expect(isp).toMatch(/\(30 мин\)/);
    for (const ru of [RU.report.title, RU.report.incidentsTitle, RU.report.cardIncidents, RU.report.chartLegendBsg, RU.report.chartReachable, RU.report.failuresTitle, RU.report.footer]) {
      expect(page).toContain(ru);
    }
    for (const en of [EN.report.title, EN.report.incidentsTitle, EN.report.cardIncidents, EN.report.chartLegendBsg, EN.report.failuresTitle, EN.report.footer, EN.report.chartReachable]) {
      expect(page).not.toContain(en);
    }

    const ctx = await launchChromium(dir, { width: 1100 });
    try {
      const tab = await ctx.newPage();
      await tab.goto(`file://${out}`);
      const row = await tab.locator("#incidents tr.incident-row").nth(0).innerText();
      // The verdict's one Russian name and the duration the one way ("30 мин"), with counts "N из M".
      expect(row).toContain(RU.verdicts.name["bsg-unreachable"]);
      expect(row).toMatch(/30 мин.*\d+ из \d+/s);
      expect(await tab.locator("#timeline").getAttribute("aria-label")).toBe(RU.report.chartAlt(1));
      mkdirSync(ARTIFACTS, { recursive: true });
      await tab.screenshot({ path: join(ARTIFACTS, "report-ru.png"), fullPage: false });
    } finally {
      await ctx.close();
    }
  }, 90_000);
});
