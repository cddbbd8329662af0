/**
 * The undo journal: one JSON file, `<dataDir>/journal.json`, rewritten atomically (temp file in the same folder,
 * fsync, rename, fsync the folder) before a script runs (pending) and after (done/failed). A crash in between leaves
 * the pending record that the next start resolves. Every mutation re-reads the file first, so the tray agent and a
 * `tarkov-agent fix undo --all` from the uninstaller do not overwrite each other's finished records.
 */
import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename } from "node:fs/promises";
import { dirname, join } from "node:path";
import { z } from "zod";
import { writeFileAtomic } from "../agent/atomic-write.js";
import { redactText } from "../redact.js";
import { RESULT_STATUSES } from "./result-schema.js";

/**
 * pending: written before the script ran, no answer yet · unknown: the run timed out / the shell died / no valid
 * result · done / failed: the script answered · undone / rolled-back: reverted by request / by failed verification ·
 * interrupted: the agent stopped mid-run and there is nothing to undo.
 */
export const JOURNAL_STATES = ["pending", "unknown", "done", "failed", "undone", "rolled-back", "interrupted"] as const;
export type JournalState = (typeof JOURNAL_STATES)[number];
export type Approver = "player" | "auto";
export type UndoTrigger = "player" | "auto-rollback" | "resolve-pending" | "undo-all";

const undoRecordSchema = z.object({
  state: z.enum(["pending", "done", "failed"]),
  by: z.enum(["player", "auto-rollback", "resolve-pending", "undo-all"]),
  at: z.string(),
  finishedAt: z.string().nullable(),
  status: z.enum(RESULT_STATUSES).nullable(),
  code: z.string().nullable(),
  message: z.string().nullable(),
  changes: z.array(z.string()),
});
export type UndoRecord = z.infer<typeof undoRecordSchema>;

export const journalEntrySchema = z.object({
  id: z.string(),
  fixId: z.string(),
  params: z.unknown(),
  approvedBy: z.enum(["player", "auto"]),
  incidentId: z.string().nullable(),
  state: z.enum(JOURNAL_STATES),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  /** Prior state from the dry run (exact undo material), then from the apply's own result. */
  before: z.unknown(),
  after: z.unknown(),
  plan: z.array(z.string()),
  changes: z.array(z.string()),
  status: z.enum(RESULT_STATUSES).nullable(),
  code: z.string().nullable(),
  message: z.string().nullable(),
  rebootNeeded: z.boolean(),
  runId: z.string().nullable(),
  undo: undoRecordSchema.nullable(),
});
export type JournalEntry = z.infer<typeof journalEntrySchema>;

const journalFileSchema = z.object({ version: z.literal(1), entries: z.array(journalEntrySchema) });

/** New journal entry id: sortable and unique. */
export const newEntryId = (now: Date): string => `j-${now.toISOString().replace(/[-:TZ.]/g, "").slice(0, 17)}-${randomBytes(3).toString("hex")}`;

/**
 * The entry with its free text redacted (messages, plans, changes: script and error text that can name the user's
 * folders). `params`, `before` and `after` stay exact: they are what undo puts back (a DNS server, an exclusion
 * path), and a redacted one would undo to the wrong value. Bundles redact those too when they copy the journal.
 */
function redactFreeText(e: JournalEntry): JournalEntry {
  const text = (s: string | null): string | null => (s === null ? null : redactText(s));
  return {
    ...e,
    message: text(e.message),
    plan: e.plan.map(redactText),
    changes: e.changes.map(redactText),
    undo: e.undo === null ? null : { ...e.undo, message: text(e.undo.message), changes: e.undo.changes.map(redactText) },
  };
}

/** Writes the journal so that a crash leaves either the old or the new file, never half of one. */
async function writeJournalFile(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomic(path, text);
}

/** The journal file. All methods are serialised within the process. */
export class Journal {
  private queue: Promise<unknown> = Promise.resolve();
  private cache: JournalEntry[] = [];
  /** Set when an unreadable journal was set aside at load: the tray should tell the player. */
  corruptBackup: string | null = null;

  constructor(readonly path: string) {}

  /** `<dataDir>/journal.json`. */
  static inDataDir(dataDir: string): Journal {
    return new Journal(join(dataDir, "journal.json"));
  }

  /** All entries, oldest first, as last read or written. */
  entries(): JournalEntry[] {
    return this.cache.map((e) => structuredClone(e));
  }

  /** Reads the file (missing = empty). An unreadable file is kept aside as `journal.json.corrupt-<time>`, never deleted. */
  load(): Promise<JournalEntry[]> {
    return this.serial(async () => {
      this.cache = await this.read();
      return this.entries();
    });
  }

  /** Adds an entry and makes it durable before returning. */
  add(entry: JournalEntry): Promise<JournalEntry> {
    return this.serial(async () => {
      const entries = await this.read();
      entries.push(journalEntrySchema.parse(entry));
      await this.write(entries);
      return structuredClone(entry);
    });
  }

  /** Applies `patch` to one entry (re-read from disk first) and makes it durable. */
  update(id: string, patch: (e: JournalEntry) => Partial<JournalEntry>): Promise<JournalEntry> {
    return this.serial(async () => {
      const entries = await this.read();
      const i = entries.findIndex((e) => e.id === id);
      if (i < 0) throw new Error(`journal: expected an entry ${id}, found none`);
      const next = journalEntrySchema.parse({ ...entries[i]!, ...patch(entries[i]!) });
      entries[i] = next;
      await this.write(entries);
      return structuredClone(next);
    });
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async read(): Promise<JournalEntry[]> {
    let text: string;
    try {
      text = await readFile(this.path, "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw e;
    }
    let parsed: z.ZodSafeParseResult<z.infer<typeof journalFileSchema>>;
    try {
      parsed = journalFileSchema.safeParse(JSON.parse(text));
    } catch {
      parsed = { success: false } as z.ZodSafeParseResult<z.infer<typeof journalFileSchema>>;
    }
    if (parsed.success) {
      this.cache = parsed.data.entries;
      return parsed.data.entries;
    }
    const backup = `${this.path}.corrupt-${new Date().toISOString().replace(/[:.]/g, "")}`;
    await rename(this.path, backup);
    this.corruptBackup = backup;
    this.cache = [];
    return [];
  }

  private async write(entries: JournalEntry[]): Promise<void> {
    const safe = entries.map(redactFreeText);
    await writeJournalFile(this.path, JSON.stringify({ version: 1, entries: safe }, null, 1));
    this.cache = safe;
  }
}
