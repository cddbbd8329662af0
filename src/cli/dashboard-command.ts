/**
 * `tarkov-agent dashboard`: the running agent's dashboard address (from `<data dir>/dashboard.json`), printed and
 * opened in the default browser. It needs no config: a config the agent cannot read never hides the page that
 * would fix it. Exit 0 when the agent answered, 1 when no agent is running (or it stopped without cleaning up).
 */
import type { Command } from "commander";
import { openInBrowserAsync } from "../dashboard/open-browser.js";
import { dashboardAnswers, readUrlFile, urlFilePath } from "../dashboard/url-file.js";
import { jsonOut } from "./json-out.js";

export interface DashboardCommandDeps {
  /** Receives the command's exit-code promise (main.ts's `run` pattern). */
  run(code: Promise<number>): void;
  /** The data folder the agent uses (global `--data-dir` or the default). */
  dataDir(): string;
  open?: (url: string) => Promise<{ ok: true } | { ok: false; message: string }>;
  out?: (text: string) => void;
  err?: (text: string) => void;
}

const NOT_RUNNING = 'The agent is not running, so there is no dashboard to open. Start it (Start menu, or "tarkov-agent run") and try again.';

/** Registers `dashboard` on `program`. */
export function registerDashboardCommand(program: Command, deps: DashboardCommandDeps): Command {
  const out = deps.out ?? ((s: string) => void process.stdout.write(s));
  const err = deps.err ?? ((s: string) => void process.stderr.write(s));
  const open = deps.open ?? ((url: string) => openInBrowserAsync(url));
  return program
    .command("dashboard")
    .description("open the running agent's dashboard (status, history, settings) in your browser and print its address")
    .option("--no-open", "only print the address")
    .option("--json", 'print {"url": …} (or {"schema":1,"error":…})')
    .action((opts: { open?: boolean; json?: boolean }) => {
      deps.run(
        (async () => {
          const dataDir = deps.dataDir();
          const rec = readUrlFile(dataDir);
          const alive = rec !== null && (await dashboardAnswers(rec.url));
          if (rec === null || !alive) {
            const why = rec === null ? NOT_RUNNING : `${NOT_RUNNING} (${urlFilePath(dataDir)} is left from an agent that stopped.)`;
            if (opts.json) out(jsonOut({ schema: 1, error: { code: "AGENT_NOT_RUNNING", message: why } }));
            err(`${why}\n`);
            return 1;
          }
          out(opts.json ? jsonOut({ url: rec.url }) : `${rec.url}\n`);
          if (opts.open !== false) {
            const r = await open(rec.url);
            if (!r.ok) err(`Could not open a browser (${r.message}); open the address above yourself.\n`);
          }
          return 0;
        })(),
      );
    });
}
