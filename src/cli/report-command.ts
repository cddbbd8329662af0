/**
 * `tarkov-agent report [--since 24h|7d] [--out FILE.html] [--open]`: the evidence report as one self-contained HTML
 * file. Exit codes: 0 written · 1 it could not be written · 2 usage.
 */
import type { Command } from "commander";
import { writeFileAtomic } from "../agent/atomic-write.js";
import type { Messages } from "../core/i18n/index.js";
import { buildEvidenceReport, parseSince } from "../report/evidence-report.js";
import { readGameFacts } from "../support/game-facts.js";
import { desktopDir } from "../support/support-bundle.js";
import { localStamp } from "../support/bundle.js";
import { join, resolve } from "node:path";
import { count } from "../core/i18n/format.js";

export interface ReportCliOptions {
  since?: string;
  out?: string;
  open?: boolean;
}

export class ReportUsageError extends Error {}

export interface ReportCliDeps {
  dataDir: string;
  version: string;
  gameLogsDir: string | null;
  now?: () => number;
  /** Opens a file in the default browser (`--open`). */
  openFile(path: string): void;
  /** The player's language for the page's words; English when absent. */
  messages?: Messages;
}

/** `tarkov-report-2025-03-01_21-04.html`. */
export const reportFileName = (now: number): string => `tarkov-report-${localStamp(now).local.slice(0, 16).replace("T", "_").replace(/:/g, "-")}.html`;

export async function reportCommand(o: ReportCliOptions, deps: ReportCliDeps, io: { out(s: string): void; err(s: string): void }): Promise<number> {
  const windowMs = parseSince(o.since ?? "24h");
  if (windowMs === null) throw new ReportUsageError(`--since: expected a time span like 24h, 7d or 90m (at most 14d), found ${JSON.stringify(o.since)}`);
  if (o.out !== undefined && !/\.html?$/i.test(o.out)) throw new ReportUsageError(`--out: expected a file name ending in .html, found ${JSON.stringify(o.out)}`);
  const now = (deps.now ?? Date.now)();
  const from = now - windowMs;
  const game = await readGameFacts(deps.gameLogsDir, { since: from });
  const r = await buildEvidenceReport({ dataDir: deps.dataDir, from, to: now, version: deps.version, now, game, ...(deps.messages ? { messages: deps.messages } : {}) });
  const out = resolve(o.out ?? join(desktopDir() ?? deps.dataDir, reportFileName(now)));
  try {
    await writeFileAtomic(out, r.html);
  } catch (e) {
    io.err(`error: the report could not be written to ${out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`);
    return 1;
  }
  const m = r.model;
  io.out(`Evidence report written: ${out}\n${count("en", m.incidents.length, { one: "incident", other: "incidents" })}, ${m.coverage.rounds} checks and ${m.coverage.connects} connection tests in the period.\n`);
  if (m.coverage.rounds + m.coverage.connects === 0) io.out("The agent has no measurements for this period yet: keep it running while you play.\n");
  if (o.open) deps.openFile(out);
  return 0;
}

export function reportCommandSpec(program: Command): Command {
  return program
    .command("report")
    .description("write the evidence report (one HTML file: chart, incidents, failures, ISP letter, BSG ticket text)")
    .option("--since <span>", "how far back: 24h (default), 7d, 90m, … at most 14d")
    .option("--out <file.html>", "where to write it (default: Desktop/tarkov-report-<date-time>.html, else the data folder)")
    .option("--open", "open it in the browser afterwards");
}
