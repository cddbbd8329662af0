/**
 * `tarkov-agent fix …`: list, apply (or dry-run), undo and history of fixes, `--json` on each.
 * Exit codes: 0 ok · 1 the fix failed / was rolled back / an undo failed · 2 usage (unknown fix, bad arguments) ·
 * 3 the journal cannot be read or written (src/cli/failures.ts).
 * The engine is built lazily per command, so `--help` never starts PowerShell.
 */
import { Option, type Command } from "commander";
import { StateFileError } from "../agent/file-errors.js";
import type { Diagnosis } from "../core/types.js";
import type { ApplyReport, FixEngine, UndoReport } from "../fixes/engine.js";
import type { JournalDamage, JournalEntry } from "../fixes/journal.js";
import { DNS_PROVIDER_IDS, type DnsProvider } from "../fixes/types.js";
import { jsonOut } from "./json-out.js";

/** One command's engine and how to end it (dispose the PowerShell session, flush logs). */
export interface FixSession {
  engine: FixEngine;
  /** A fresh diagnosis for `fix list` (applicable fixes first); omitted = list without one. */
  diagnose?: () => Promise<Diagnosis>;
  /** Damaged journal records set aside (as of the last journal read), for the note under history and undo. */
  journalDamage?: () => JournalDamage | null;
  /** Set when fixes cannot run here (no working PowerShell): the plain-words reason, said before anything else. */
  unavailable?: string;
  close(): Promise<void>;
}

export interface FixCommandDeps {
  /** Builds the engine for one command; called only when a fix subcommand runs. */
  openSession(): Promise<FixSession>;
  /** Receives the command's exit-code promise (main.ts's `run` pattern). */
  run(code: Promise<number>): void;
  out?: (text: string) => void;
  err?: (text: string) => void;
}

const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

const applyText = (r: ApplyReport): string => {
  const lines = [`${r.dryRun ? "dry run" : "apply"} ${r.fixId}: ${r.ok ? "ok" : "FAILED"}${r.status ? ` (${r.status})` : ""}${r.code ? ` [${r.code}]` : ""}`, `  ${r.message}`];
  if (r.note) lines.push(`  ${r.note}`);
  if (r.plan.length > 0) lines.push(r.dryRun ? "  plan:" : "  planned:", ...r.plan.map((p) => `    - ${p}`));
  if (r.changes.length > 0) lines.push("  changed:", ...r.changes.map((c) => `    - ${c}`));
  if (r.verification) lines.push(`  verification: ${r.verification.result} (verdict ${r.verification.baseline} → ${r.verification.final ?? "unknown"})`);
  if (r.rolledBack) lines.push(`  rolled back: ${r.rolledBack.message}`);
  if (r.rebootNeeded) lines.push("  restart the PC to finish");
  return lines.join("\n") + "\n";
};

const undoText = (r: UndoReport): string =>
  [`undo: ${r.ok ? "ok" : "FAILED"}${r.code ? ` [${r.code}]` : ""} — ${r.message}`, ...r.items.map((i) => `  ${i.ok ? "✓" : "✗"} ${i.fixId} (${i.entryId}): ${i.message}`)].join("\n") + "\n";

/** The note that damaged records exist: they are not shown and cannot be undone by the agent. */
export function damageNote(d: JournalDamage | null): string {
  if (d === null) return "";
  const parts: string[] = [];
  if (d.setAside > 0) {
    parts.push(
      `note: ${d.setAside} damaged journal record(s) were set aside in ${d.file}${d.latestReason ? ` (latest: ${d.latestReason})` : ""}. ` +
        "They are not listed here and the agent cannot undo them; keep that file for support, or delete it once checked.",
    );
  }
  if (d.notSetAside > 0) parts.push(`note: ${d.notSetAside} damaged journal record(s) were skipped and could not be moved aside (the folder is not writable).`);
  return parts.map((p) => p + "\n").join("");
}

const historyText = (entries: JournalEntry[]): string =>
  entries.length === 0
    ? "no fixes applied yet\n"
    : entries
        .map((e) => `${e.startedAt}  ${e.id}  ${e.fixId.padEnd(22)} ${e.state.padEnd(11)} ${(e.status ?? "-").padEnd(11)} by ${e.approvedBy}${e.undo ? `  undo: ${e.undo.state} (${e.undo.by})` : ""}${e.code ? `  [${e.code}]` : ""}`)
        .join("\n") + "\n";

/** Registers `fix list|apply|undo|history` on `program`. */
export function registerFixCommands(program: Command, deps: FixCommandDeps): Command {
  const out = deps.out ?? ((s: string) => void process.stdout.write(s));
  const err = deps.err ?? ((s: string) => void process.stderr.write(s));
  const withSession = (fn: (s: FixSession) => Promise<number>) => {
    deps.run(
      (async () => {
        const s = await deps.openSession();
        try {
          return await fn(s);
        } finally {
          await s.close();
        }
      })(),
    );
  };

  const fix = program.command("fix").description("list, apply and undo fixes (every change is journalled and can be undone)");

  fix
    .command("list")
    .description("fixes with their policy, the ones that apply now first, plus advice the agent cannot carry out")
    .option("--no-diagnose", "do not run a probe round first (nothing is marked as applying now)")
    .option("--json", "print JSON")
    .action((opts: { diagnose: boolean; json?: boolean }) =>
      withSession(async (s) => {
        const diagnosis = opts.diagnose && s.diagnose ? await s.diagnose() : null;
        const listing = await s.engine.listFixes(diagnosis);
        if (opts.json) {
          out(jsonOut({ verdict: diagnosis?.verdict ?? null, available: s.unavailable === undefined, ...(s.unavailable ? { unavailableReason: s.unavailable } : {}), ...listing }));
          return EXIT.ok;
        }
        if (s.unavailable) out(`${s.unavailable}\nWhat the agent could do with it:\n`);
        if (diagnosis) out(`verdict: ${diagnosis.verdict} — ${diagnosis.headline}\n`);
        for (const f of listing.fixes) {
          const flags = [f.appliesNow ? "applies now" : null, `risk ${f.risk}`, `policy ${f.policy.effective}`, f.policy.note === "HIGH_RISK_NEVER_AUTO" ? "(config says auto; high-risk fixes always ask)" : null, f.needsAdmin ? "admin" : null, f.reversible ? "undoable" : "one-way", f.rebootNeeded ? "restart needed" : null, f.undoable > 0 ? `${f.undoable} change(s) to undo` : null];
          out(`${f.appliesNow ? "*" : " "} ${f.id.padEnd(24)} ${f.title}  [${flags.filter((x) => x !== null).join(", ")}]\n`);
        }
        if (listing.guidance.length > 0) {
          out("\nadvice:\n");
          for (const g of listing.guidance) out(`  - ${g.title}: ${g.text} (because ${g.why})\n`);
        }
        return EXIT.ok;
      }),
    );

  fix
    .command("apply")
    .description("apply a fix (asks nothing: running this command is the approval); --dry-run shows the plan only")
    .argument("<id>", "fix id from `fix list`")
    .option("--dry-run", "run the script with -WhatIf and print its plan; change nothing")
    .addOption(new Option("--provider <provider>", "switch-dns: resolver to use (default: the fastest that resolves BSG's hosts)").choices(DNS_PROVIDER_IDS))
    .option("--json", "print JSON")
    .action((id: string, opts: { dryRun?: boolean; provider?: DnsProvider; json?: boolean }) =>
      withSession(async (s) => {
        if (s.engine.fix(id) === undefined) {
          err(`error: unknown fix ${JSON.stringify(id)} (see \`tarkov-agent fix list\`)\n`);
          return EXIT.usage;
        }
        if (opts.provider !== undefined && id !== "switch-dns") {
          err("error: --provider only applies to switch-dns\n");
          return EXIT.usage;
        }
        if (s.unavailable) {
          err(`${s.unavailable}\n`);
          return EXIT.failed;
        }
        let r: ApplyReport;
        try {
          r = await s.engine.applyFix(id, { dryRun: opts.dryRun === true, provider: opts.provider, approvedBy: "player" });
        } catch (e) {
          // The journal failed after the script may have run: the pending record is resolved at the next start.
          if (e instanceof StateFileError && opts.dryRun !== true) {
            throw new StateFileError(e.code, `${e.message} The fix may already have been applied; its record is finished the next time the agent starts (see \`tarkov-agent fix history\`).`, e.path);
          }
          throw e;
        }
        out(opts.json ? jsonOut(r) : applyText(r));
        return r.ok ? EXIT.ok : EXIT.failed;
      }),
    );

  fix
    .command("undo")
    .description("undo a fix's changes (fix id or journal entry id), or everything the agent changed with --all")
    .argument("[id]", "fix id or journal entry id (from `fix history`)")
    .option("--all", "revert every change the agent still owns, newest first (the uninstaller runs this)")
    .option("--json", "print JSON")
    .action((id: string | undefined, opts: { all?: boolean; json?: boolean }) => {
      if ((id === undefined) === (opts.all !== true)) {
        err("error: give either a fix/entry id or --all\n");
        deps.run(Promise.resolve(EXIT.usage));
        return;
      }
      withSession(async (s) => {
        // Undo still runs: with nothing journalled it needs no PowerShell, and anything it cannot undo is reported.
        if (s.unavailable) err(`${s.unavailable}\n`);
        let r: UndoReport;
        if (opts.all === true) {
          // A crash may have left a change half-recorded: settle it first so --all really means all.
          await s.engine.resolvePending({ undo: true });
          r = await s.engine.undoAll();
        } else {
          r = await s.engine.undoFix(id!, "player");
          if (r.code === "FIX_UNKNOWN") {
            err(`error: ${r.message}\n`);
            return EXIT.usage;
          }
        }
        const damage = s.journalDamage?.() ?? null;
        out(opts.json ? jsonOut({ ...r, journalDamage: damage }) : undoText(r) + damageNote(damage));
        return r.ok ? EXIT.ok : EXIT.failed;
      });
    });

  fix
    .command("history")
    .description("every change the agent made, newest first, with who approved it and whether it was undone")
    .option("--json", "print JSON")
    .action((opts: { json?: boolean }) =>
      withSession(async (s) => {
        const entries = await s.engine.history();
        const damage = s.journalDamage?.() ?? null;
        // An object with a list, like `history --json`, so a damage report has a place next to the entries.
        out(opts.json ? jsonOut({ entries, journalDamage: damage }) : historyText(entries) + damageNote(damage));
        return EXIT.ok;
      }),
    );

  return fix;
}
