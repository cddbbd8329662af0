/** `tarkov-agent history`: past incidents, newest first (for people, or JSON in the same envelope as `fix history`). */
import { listIncidents, type Incident } from "../agent/incidents.js";
import { dateTimeWithZone, duration } from "../core/i18n/format.js";
import type { Messages } from "../core/i18n/index.js";
import { EXIT, UsageError } from "./failures.js";
import { jsonOut } from "./json-out.js";
import type { Context } from "./context.js";

/** `--limit`: plain decimal digits only (no `0x10`, `1e3`, ` 5`), 1 to 10,000. */
export function parseLimit(text: string | undefined, fallback = 20): number {
  if (text === undefined) return fallback;
  const n = /^[0-9]{1,6}$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(n) || n < 1 || n > 10_000) throw new UsageError(`--limit: expected a whole number from 1 to 10000 (digits only), found ${JSON.stringify(text)}`);
  return n;
}

export async function historyCommand(ctx: Context, opts: { json?: boolean; limit?: string }): Promise<number> {
  const limit = parseLimit(opts.limit);
  const incidents = listIncidents({ dataDir: ctx.dataDir, limit, logger: ctx.logger });
  if (opts.json) {
    // The same envelope as `fix history --json` and `diagnose --json`: a schema number and the list under its name.
    process.stdout.write(jsonOut({ schema: 1, incidents }));
    return EXIT.ok;
  }
  process.stdout.write(historyText(incidents, ctx.m));
  return EXIT.ok;
}

/** `history` for people: local time with its zone, the duration as everywhere else, the verdicts' one names. */
export function historyText(incidents: readonly Incident[], m: Messages): string {
  if (incidents.length === 0) return `${m.cli.noIncidents}\n`;
  const rows = incidents.map((i) => {
    const when = dateTimeWithZone(Date.parse(i.start), m.locale);
    const lasted = i.durationMs === null ? m.cli.ongoing : duration(i.durationMs, m.locale);
    const cause = i.verdicts.map((v) => m.verdicts.name[v]).join(" → ");
    return { when, lasted, cause, note: i.endReason === "agent stopped" ? `  ${m.cli.agentStopped}` : "" };
  });
  const w = Math.max(...rows.map((r) => r.lasted.length));
  return rows.map((r) => `${r.when}  ${r.lasted.padEnd(w)}  ${r.cause}${r.note}\n`).join("");
}
