/**
 * The undo journal: one JSON file, `<dataDir>/journal.json`, rewritten atomically (temp file in the same folder,
 * fsync, rename, fsync the folder) before a script runs (pending) and after (done/failed). A crash in between leaves
 * the pending record that the next start resolves.
 *
 * Several processes write it (the tray agent, a `tarkov-agent fix …` from a terminal, the uninstaller's
 * `fix undo --all`), so every read-modify-write holds a cross-process lock: proper-lockfile's `journal.json.lock`
 * folder (mkdir is atomic on every file system; a lock whose holder died goes stale after a few seconds, judged by
 * its mtime, so a reused pid can never keep it). Within one process the methods also run one at a time.
 *
 * Damage never costs the readable records: an entry that does not match the schema (hand edits, a disk error, an
 * unknown state from another version) is moved to `journal.damaged.jsonl` and the rest is kept; a file that is not
 * JSON at all is salvaged entry by entry with a tolerant parser and kept aside as `journal.json.corrupt-<time>`.
 * `damage()` says so, for `fix history`, the log and the tray.
 *
 * Bounds: at most {@link JOURNAL_KEEP_SETTLED} settled entries (undone, rolled back, interrupted, or nothing left to
 * undo) are kept, oldest dropped first; entries that may still need undoing or resolving are never dropped. A file
 * over {@link JOURNAL_MAX_READ_BYTES} is set aside unread (it cannot come from the agent itself).
 */
import { randomBytes } from "node:crypto";
import { constants as fsConstants } from "node:fs";
import { appendFile, copyFile, mkdir, readFile, rename, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { parse as parseTolerant, type ParseError } from "jsonc-parser";
import lockfile from "proper-lockfile";
import { z } from "zod";
import { writeFileAtomic } from "../agent/atomic-write.js";
import { redactText } from "../redact.js";
import { StateFileError, errnoOf, stateFileError } from "../agent/file-errors.js";
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

// eslint-disable-next-line no-control-regex -- the point is to refuse control characters
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
/** Fields `fix history` prints as they are: one line, no control or bidi characters (a planted ESC would drive the terminal). */
const printable = (max: number) => z.string().max(max).refine((s) => !UNPRINTABLE.test(s), { message: "printable text" });

export const journalEntrySchema = z.object({
  id: printable(200).min(1),
  fixId: printable(100),
  params: z.unknown(),
  approvedBy: z.enum(["player", "auto"]),
  incidentId: z.string().nullable(),
  state: z.enum(JOURNAL_STATES),
  startedAt: printable(64),
  finishedAt: printable(64).nullable(),
  /** Prior state from the dry run (exact undo material), then from the apply's own result. */
  before: z.unknown(),
  after: z.unknown(),
  plan: z.array(z.string()),
  changes: z.array(z.string()),
  status: z.enum(RESULT_STATUSES).nullable(),
  code: printable(100).nullable(),
  message: z.string().nullable(),
  rebootNeeded: z.boolean(),
  runId: z.string().nullable(),
  undo: undoRecordSchema.nullable(),
});
export type JournalEntry = z.infer<typeof journalEntrySchema>;

export const JOURNAL_FILE = "journal.json";
export const JOURNAL_DAMAGED_FILE = "journal.damaged.jsonl";
/** Settled entries kept for the record; older ones are dropped (the log keeps a line for each fix anyway). */
export const JOURNAL_KEEP_SETTLED = 500;
/** The agent keeps the journal far below this (about 1 KB per entry); a bigger file is set aside unread. */
export const JOURNAL_MAX_READ_BYTES = 8 * 1024 * 1024;
/** The damaged-entries sidecar stops copying raw entries past this size (it still counts them). */
export const JOURNAL_DAMAGED_MAX_BYTES = 2 * 1024 * 1024;
const DAMAGED_RAW_MAX_CHARS = 64 * 1024;
const WHAT = "the fix journal";

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

/** What `fix history`, the log and the tray say about damaged records. */
export interface JournalDamage {
  /** Entries (or whole files) set aside so far, as counted in the sidecar. */
  setAside: number;
  /** The sidecar holding them: `journal.damaged.jsonl`. */
  file: string;
  /** Damaged entries found now that could not be moved (read-only disk…): they are skipped, not lost. */
  notSetAside: number;
  /** Why the newest one was set aside. */
  latestReason: string | null;
}

export interface JournalOptions {
  log?: { warn(message: string, fields?: Record<string, unknown>): unknown };
  /**
   * Entries that may still need an undo (compaction never drops them). Default: anything that changed something
   * and was not undone; the composition root passes the catalogue's precise rule.
   */
  stillNeeded?: (e: JournalEntry) => boolean;
  /** How long a lock may go without a refresh before another process may take it over (min 2 s). */
  lockStaleMs?: number;
  /** How long to wait for another process's lock before giving up (default: 2.5 × stale). */
  lockWaitMs?: number;
}

interface Parsed {
  entries: JournalEntry[];
  damaged: { reason: string; raw: unknown }[];
  /** Set when the file as a whole was broken (not JSON, wrong shape): keep a copy of it aside. */
  fileProblem: string | null;
  /** The file was over the read bound and was not read. */
  tooLarge?: boolean;
}

const defaultStillNeeded = (e: JournalEntry): boolean =>
  (e.state === "done" || e.state === "failed") && (e.status === "Changed" || e.changes.length > 0) && e.undo?.state !== "done";

/** Pending/unknown records and unfinished undos are resolved at the next start: never dropped either. */
const isOpen = (e: JournalEntry): boolean => e.state === "pending" || e.state === "unknown" || e.undo?.state === "pending";

const timestamp = (): string => new Date().toISOString().replace(/[:.]/g, "");

/** Parses journal text; never throws. A file that is not JSON is read tolerantly to salvage whole entries. */
export function parseJournalText(text: string): Parsed & { newerVersion: number | null } {
  const body = text.replace(/^\uFEFF/, "");
  let root: unknown;
  let fileProblem: string | null = null;
  try {
    root = JSON.parse(body);
  } catch (e) {
    fileProblem = `not valid JSON (${(e as Error).message})`;
    try {
      const errors: ParseError[] = [];
      root = parseTolerant(body, errors, { disallowComments: true, allowTrailingComma: true });
    } catch {
      root = undefined; // e.g. nesting too deep for the tolerant parser: nothing to salvage
    }
  }
  const obj = root !== null && typeof root === "object" && !Array.isArray(root) ? (root as Record<string, unknown>) : null;
  if (obj && typeof obj.version === "number" && obj.version > 1 && fileProblem === null) return { entries: [], damaged: [], fileProblem: null, newerVersion: obj.version };
  if (obj === null || !Array.isArray(obj.entries)) return { entries: [], damaged: [], fileProblem: fileProblem ?? "not a journal (no entries list)", newerVersion: null };
  if (obj.version !== 1) fileProblem ??= `unknown version ${JSON.stringify(obj.version) ?? "(none)"}`;
  const entries: JournalEntry[] = [];
  const damaged: Parsed["damaged"] = [];
  const ids = new Set<string>();
  for (const raw of obj.entries as unknown[]) {
    const r = journalEntrySchema.safeParse(raw);
    if (!r.success) {
      const issue = r.error.issues[0];
      damaged.push({ reason: `does not match the journal format (${issue ? `${issue.path.join(".") || "entry"}: ${issue.message}` : "invalid"})`, raw });
    } else if (ids.has(r.data.id)) {
      damaged.push({ reason: `duplicate id ${r.data.id}`, raw });
    } else {
      ids.add(r.data.id);
      entries.push(r.data);
    }
  }
  return { entries, damaged, fileProblem, newerVersion: null };
}

/** The journal file. All methods are serialised within the process and locked across processes. */
export class Journal {
  private queue: Promise<unknown> = Promise.resolve();
  private cache: JournalEntry[] = [];
  private damageInfo: JournalDamage | null = null;
  private readonly damagedPath: string;
  private readonly lockStaleMs: number;
  private readonly lockWaitMs: number;

  constructor(
    readonly path: string,
    private readonly opts: JournalOptions = {},
  ) {
    this.damagedPath = join(dirname(path), JOURNAL_DAMAGED_FILE);
    this.lockStaleMs = Math.max(2_000, opts.lockStaleMs ?? 5_000);
    this.lockWaitMs = opts.lockWaitMs ?? Math.round(this.lockStaleMs * 2.5);
  }

  /** `<dataDir>/journal.json`. */
  static inDataDir(dataDir: string, opts: JournalOptions = {}): Journal {
    return new Journal(join(dataDir, JOURNAL_FILE), opts);
  }

  /** All entries, oldest first, as last read or written. */
  entries(): JournalEntry[] {
    return this.cache.map((e) => structuredClone(e));
  }

  /** Damaged records set aside (now or earlier) as of the last load; null when there are none. */
  damage(): JournalDamage | null {
    return this.damageInfo === null ? null : { ...this.damageInfo };
  }

  /**
   * Reads the file (missing = empty). Damaged entries are set aside (see the file comment); the readable ones are
   * returned. Throws {@link StateFileError} only when the file cannot be read at all.
   */
  load(): Promise<JournalEntry[]> {
    return this.serial(async () => {
      let parsed = await this.read();
      let notSetAside = 0;
      if (parsed.damaged.length > 0 || parsed.fileProblem !== null) {
        try {
          parsed = await this.withLock(async () => this.setAsideDamage(await this.read()));
        } catch (e) {
          // Read-only disk, no permission…: the readable entries still count; the damaged ones stay where they are.
          notSetAside = parsed.damaged.length + (parsed.fileProblem !== null ? 1 : 0);
          this.opts.log?.warn("journal damage could not be set aside", { path: this.path, error: (e as Error).message, count: notSetAside });
        }
      }
      this.cache = parsed.entries;
      await this.refreshDamage(notSetAside);
      return this.entries();
    });
  }

  /** Adds an entry and makes it durable before returning. */
  add(entry: JournalEntry): Promise<JournalEntry> {
    return this.mutate((entries) => {
      entries.push(journalEntrySchema.parse(entry));
      return structuredClone(entry);
    });
  }

  /** Applies `patch` to one entry (re-read from disk first) and makes it durable. */
  update(id: string, patch: (e: JournalEntry) => Partial<JournalEntry>): Promise<JournalEntry> {
    return this.mutate((entries) => {
      const i = entries.findIndex((e) => e.id === id);
      if (i < 0) throw new Error(`journal: expected an entry ${id}, found none`);
      const next = journalEntrySchema.parse({ ...entries[i]!, ...patch(entries[i]!) });
      entries[i] = next;
      return structuredClone(next);
    });
  }

  /** Read, change and write under the cross-process lock, so no other writer's record is lost. */
  private mutate<T>(change: (entries: JournalEntry[]) => T): Promise<T> {
    return this.serial(() =>
      this.withLock(async () => {
        const { entries } = await this.setAsideDamage(await this.read());
        const result = change(entries);
        await this.write(this.compact(entries));
        await this.refreshDamage(0);
        return result;
      }),
    );
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async withLock<T>(fn: () => Promise<T>): Promise<T> {
    const dir = dirname(this.path);
    try {
      await mkdir(dir, { recursive: true });
    } catch (e) {
      throw stateFileError(e, this.path, WHAT, "write", dir);
    }
    const lockPath = `${this.path}.lock`;
    let release: (() => Promise<void>) | null = null;
    // Our own wait loop (proper-lockfile's `retries` would also retry EROFS/EACCES for the whole wait): only a lock
    // held by someone else is worth waiting for; every other error is final at once.
    const deadline = Date.now() + this.lockWaitMs;
    for (let attempt = 0; release === null; attempt++) {
      try {
        release = await lockfile.lock(this.path, {
          realpath: false, // the journal may not exist yet
          lockfilePath: lockPath,
          stale: this.lockStaleMs,
          // Only possible when this process stalls longer than the stale time while holding it; the atomic write
          // still leaves a whole file, so say it and go on (the default would throw inside a timer and kill us).
          onCompromised: (err) => void this.opts.log?.warn("journal lock was taken over while held", { path: lockPath, error: err.message }),
        });
      } catch (e) {
        if (errnoOf(e) !== "ELOCKED") throw stateFileError(e, lockPath, `the lock of ${WHAT}`, "write", dir);
        if (Date.now() >= deadline) {
          throw new StateFileError("STATE_LOCKED", `Another tarkov-agent process kept ${WHAT} locked for more than ${Math.round(this.lockWaitMs / 1000)} s (${lockPath}). Try again in a moment; if no agent is running, delete that folder.`, lockPath);
        }
        // Holds last milliseconds: poll fast at first, with jitter so two waiters do not collide in step.
        await new Promise((r) => setTimeout(r, Math.min(100, 2 + attempt * 3) + Math.random() * 5));
      }
    }
    try {
      return await fn();
    } finally {
      await release().catch(() => undefined);
    }
  }

  /** Reads and parses the file. Over-size files are set aside unread (under the lock, when it can be had). */
  private async read(): Promise<Parsed> {
    let size: number;
    try {
      const st = await stat(this.path);
      if (st.isDirectory()) throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
      size = st.size;
    } catch (e) {
      if (errnoOf(e) === "ENOENT") return { entries: [], damaged: [], fileProblem: null };
      throw stateFileError(e, this.path, WHAT, "read", dirname(this.path));
    }
    if (size > JOURNAL_MAX_READ_BYTES) {
      return { entries: [], damaged: [], tooLarge: true, fileProblem: `too large to be the agent's journal (${(size / 1048576).toFixed(1)} MB; the agent keeps it far below ${JOURNAL_MAX_READ_BYTES / 1048576} MB)` };
    }
    let text: string;
    try {
      text = await readFile(this.path, "utf8");
    } catch (e) {
      if (errnoOf(e) === "ENOENT") return { entries: [], damaged: [], fileProblem: null };
      throw stateFileError(e, this.path, WHAT, "read", dirname(this.path));
    }
    const parsed = parseJournalText(text);
    if (parsed.newerVersion !== null) {
      throw new StateFileError("STATE_NEWER_VERSION", `${WHAT} (${this.path}) was written by a newer version of the agent (format ${parsed.newerVersion}); it was left untouched. Update tarkov-agent.`, this.path);
    }
    return parsed;
  }

  /**
   * Moves damaged entries to the sidecar and a broken file aside; the caller then writes the good entries back.
   * Called with the lock held. The sidecar append comes first: a crash in between at worst lists an entry twice.
   */
  private async setAsideDamage(parsed: Parsed): Promise<Parsed> {
    if (parsed.damaged.length === 0 && parsed.fileProblem === null) return parsed;
    const at = new Date().toISOString();
    const lines: string[] = [];
    {
      let copy: string | null = null;
      if (parsed.fileProblem !== null) {
        copy = `${this.path}.corrupt-${timestamp()}`;
        // Copy, then replace atomically below: a reader without the lock never finds the journal missing (and so
        // never reports an empty history). Only an over-size file, which nobody parses anyway, is moved instead.
        const move = parsed.tooLarge === true ? rename(this.path, copy) : copyFile(this.path, copy, fsConstants.COPYFILE_EXCL);
        await move.catch((e: unknown) => {
          if (errnoOf(e) !== "ENOENT") throw e;
        });
        lines.push(JSON.stringify({ at, reason: `the whole file was ${parsed.fileProblem}; kept as ${copy}`, file: copy }));
      }
      let budget = JOURNAL_DAMAGED_MAX_BYTES - (await stat(this.damagedPath).then((s) => s.size, () => 0));
      for (const d of parsed.damaged) {
        let raw = JSON.stringify(d.raw) ?? "null";
        if (raw.length > DAMAGED_RAW_MAX_CHARS || raw.length > budget) raw = JSON.stringify(`(omitted: ${raw.length} characters)`);
        budget -= raw.length;
        lines.push(`{"at":${JSON.stringify(at)},"reason":${JSON.stringify(d.reason)},"entry":${raw}}`);
      }
      await appendFile(this.damagedPath, lines.map((l) => l + "\n").join(""));
      if (parsed.tooLarge !== true) await this.write(parsed.entries);
      this.opts.log?.warn("journal: damaged records set aside", { path: this.path, sidecar: this.damagedPath, entries: parsed.damaged.length, wholeFile: parsed.fileProblem, kept: parsed.entries.length });
    }
    return { entries: parsed.entries, damaged: [], fileProblem: null };
  }

  private async refreshDamage(notSetAside: number): Promise<void> {
    let text = "";
    try {
      const st = await stat(this.damagedPath);
      if (st.isFile() && st.size <= JOURNAL_DAMAGED_MAX_BYTES * 2) text = await readFile(this.damagedPath, "utf8");
      else if (st.isFile()) text = "{}\n"; // oversize sidecar (not the agent's doing): still say there is damage
    } catch {
      // no sidecar: nothing was ever set aside
    }
    const lines = text.split("\n").filter((l) => l.trim() !== "");
    if (lines.length === 0 && notSetAside === 0) {
      this.damageInfo = null;
      return;
    }
    let latestReason: string | null = null;
    try {
      latestReason = lines.length > 0 ? String((JSON.parse(lines[lines.length - 1]!) as { reason?: unknown }).reason ?? "") || null : "could not be moved aside";
    } catch {
      latestReason = null;
    }
    this.damageInfo = { setAside: lines.length, file: this.damagedPath, notSetAside, latestReason };
  }

  /** Drops the oldest settled entries beyond the bound; never one that may still need an undo or a resolve. */
  private compact(entries: JournalEntry[]): JournalEntry[] {
    const stillNeeded = this.opts.stillNeeded ?? defaultStillNeeded;
    const settled = entries.filter((e) => !isOpen(e) && !stillNeeded(e));
    const excess = settled.length - JOURNAL_KEEP_SETTLED;
    if (excess <= 0) return entries;
    const drop = new Set(settled.slice(0, excess).map((e) => e.id));
    return entries.filter((e) => !drop.has(e.id));
  }

  private async write(entries: JournalEntry[]): Promise<void> {
    const safe = entries.map(redactFreeText);
    try {
      await writeJournalFile(this.path, JSON.stringify({ version: 1, entries: safe }, null, 1));
    } catch (e) {
      throw stateFileError(e, this.path, WHAT, "write", dirname(this.path));
    }
    this.cache = safe;
  }
}
