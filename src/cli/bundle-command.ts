/**
 * `tarkov-agent bundle [--out FILE.zip] [--days N] [--max-size MB] [--preview] [--no-game-logs] [--no-redact] [--json]`:
 * the redacted support bundle. Exit codes: 0 written (or previewed) · 1 it could not be written · 2 usage.
 */
import { Option, type Command } from "commander";
import type { BundleResult } from "../support/bundle.js";
import type { SupportBundleDeps, SupportBundleOptions } from "../support/support-bundle.js";
import { makeSupportBundle } from "../support/support-bundle.js";

export interface BundleCliOptions {
  out?: string;
  days?: string;
  maxSize?: string;
  preview?: boolean;
  gameLogs?: boolean;
  redact?: boolean;
  json?: boolean;
}

export class BundleUsageError extends Error {}

const positiveInt = (name: string, v: string | undefined, dflt: number, max: number): number => {
  if (v === undefined) return dflt;
  if (!/^\d{1,6}$/.test(v) || Number(v) < 1 || Number(v) > max) throw new BundleUsageError(`${name}: expected a whole number from 1 to ${max}, found ${JSON.stringify(v)}`);
  return Number(v);
};

/** Parses the options into the bundle's; throws {@link BundleUsageError} with the option named. */
export function bundleOptions(o: BundleCliOptions): SupportBundleOptions {
  if (o.out !== undefined && !/\.zip$/i.test(o.out)) throw new BundleUsageError(`--out: expected a file name ending in .zip, found ${JSON.stringify(o.out)}`);
  return {
    out: o.out ?? null,
    days: positiveInt("--days", o.days, 7, 14),
    capBytes: positiveInt("--max-size", o.maxSize, 50, 4096) * 1024 * 1024,
    preview: o.preview === true,
    gameLogs: o.gameLogs !== false,
    redact: o.redact !== false,
  };
}

const kb = (b: number) => (b >= 1024 * 1024 ? `${(b / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(b / 1024))} kB`);

/** The text the command prints. */
export function describeBundle(r: BundleResult, preview: boolean): string {
  const lines: string[] = [];
  if (preview) {
    lines.push("Preview: nothing was written. These would go in:");
    for (const p of r.planned) lines.push(`  ${p.path} (${kb(p.bytes)})`);
    lines.push("");
    if (r.previewTotal === 0) lines.push(r.manifest.redaction.enabled ? "Nothing to redact." : "Redaction is OFF (--no-redact): everything would go in as it is.");
    else {
      const more = r.previewTotal > r.preview.length ? ` (the first ${r.preview.length} are listed)` : "";
      lines.push(`Lines that would be redacted: ${r.previewTotal}${more}. Secrets are shown masked (first character only):`);
      for (const p of r.preview) {
        lines.push(`  ${[...new Set(p.rules.map((x) => x.ruleId))].join(", ")}  ${p.path}:${p.line}  ${p.rules.map((x) => `${x.secretHint} → ${x.replacement}`).join(", ")}`);
        lines.push(`    before: ${p.before}`, `    after:  ${p.after}`);
      }
    }
    if (r.manifest.redaction.keptAddresses.length > 0) lines.push("", `Kept as they are (BSG's servers): ${r.manifest.redaction.keptAddresses.join(", ")}.`);
  } else {
    lines.push(`Support bundle written: ${r.path} (${kb(r.bytes)}, ${r.items.length + 1} files).`);
  }
  const counts = Object.entries(r.redactions);
  if (counts.length > 0) lines.push(`Redacted: ${counts.map(([k, v]) => `${k} ${v}`).join(", ")}.`);
  for (const t of r.trimmed) lines.push(`Left out (size cap): ${t.path}: ${t.reason}`);
  for (const s of r.skipped) lines.push(`Skipped: ${s.path}: ${s.reason}`);
  if (!preview) lines.push("Attach it to your BSG support ticket; summary.md inside has the text for BSG and for your ISP.");
  return lines.join("\n") + "\n";
}

/** Runs the command; `deps` come from the composition root. */
export async function bundleCommand(o: BundleCliOptions, deps: SupportBundleDeps, io: { out(s: string): void; err(s: string): void }): Promise<number> {
  const opts = bundleOptions(o);
  if (opts.redact === false) {
    io.err(
      "WARNING: --no-redact: the bundle will contain your user name, tokens, profile and account ids, MAC addresses, Wi-Fi names and public IP address as they are. Never post it publicly; send it only to someone you trust.\n",
    );
  }
  let r: Awaited<ReturnType<typeof makeSupportBundle>>;
  try {
    r = await makeSupportBundle(deps, opts);
  } catch (e) {
    io.err(`error: the support bundle could not be written: ${(e as Error).message}\n`);
    return 1;
  }
  if (o.json) {
    io.out(
      JSON.stringify(
        {
          path: r.path,
          bytes: r.bytes,
          items: opts.preview ? r.planned : r.items.map((i) => ({ path: i.path, bytes: i.bytes, sha256: i.sha256 })),
          redactions: r.redactions,
          skipped: [...r.trimmed.map((t) => ({ ...t, trimmed: true })), ...r.skipped],
          ...(opts.preview ? { preview: r.preview, previewTotal: r.previewTotal, keptAddresses: r.manifest.redaction.keptAddresses } : {}),
        },
        null,
        2,
      ) + "\n",
    );
  } else io.out(describeBundle(r, opts.preview === true));
  return 0;
}

/** Adds the command's options (the action is wired in main.ts). */
export function bundleCommandSpec(program: Command): Command {
  return program
    .command("bundle")
    .description("write a redacted support bundle (zip) for BSG support or your ISP; default: on your Desktop")
    .option("--out <file.zip>", "where to write it (default: Desktop/tarkov-support-<date-time>.zip, else the data folder)")
    .option("--days <n>", "how many days of history and logs (default 7, at most 14)")
    .option("--max-size <MB>", "size cap; the oldest items are left out first (default 50)")
    .option("--preview", "list what would go in and every redaction, write nothing")
    .option("--no-game-logs", "leave the game's and the launcher's logs out")
    .addOption(new Option("--no-redact", "do NOT remove personal data (user names, tokens, ids, MACs, Wi-Fi names, public IPs)"))
    .option("--json", "print {path, bytes, items, redactions, skipped} as JSON");
}
