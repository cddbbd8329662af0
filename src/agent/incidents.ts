/**
 * Incident history for `tarkov-agent history`.
 *
 * Design (crash-safe without ever rewriting history):
 * - `<dataDir>/incidents.jsonl` holds closed incidents, one complete record per line, appended and fsynced.
 * - `<dataDir>/incident-open.json` holds the one open incident, replaced atomically on every change (and touched
 *   at most every {@link TOUCH_EVERY_MS} so a crash loses little of its duration).
 * - Closing appends the record, then removes the open file. A crash between the two leaves an open file whose id
 *   is already in the history: the next start only removes it. A crash anywhere else leaves an open file that the
 *   next start closes as "agent stopped", ending at the last moment the agent was known to be watching.
 * - A torn or corrupt line (crash mid-append, hand edits) is skipped, never fatal.
 * - Bounded: before an append would take `incidents.jsonl` past {@link INCIDENTS_ROTATE_BYTES} it becomes
 *   `incidents.1.jsonl` (replacing the older generation), so both together stay under twice that. Readers start at
 *   the end and read backwards only as far as they need, never more than {@link INCIDENTS_SCAN_BYTES}: `history`
 *   answers at once however large a planted or pre-bounds file is.
 */
import { randomBytes } from "node:crypto";
import { closeSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, renameSync, statSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { VERDICT_IDS, type Evidence, type VerdictId } from "../core/types.js";
import { redactText, redactValue } from "../redact.js";
import { appendLineDurableSync, writeFileAtomicSync } from "./atomic-write.js";
import { errnoOf, stateFileError } from "./file-errors.js";

/** Evidence kept with an incident: the snapshot at its start, capped so one incident stays one readable line. */
export const EVIDENCE_CAP = 20;
const EVIDENCE_TEXT_CAP = 400;
/** How often an open incident's `lastSeen` is persisted while it lasts. */
export const TOUCH_EVERY_MS = 30_000;

export const INCIDENTS_FILE = "incidents.jsonl";
export const OPEN_INCIDENT_FILE = "incident-open.json";
/** The previous generation of the history after rotation. */
export const INCIDENTS_OLD_FILE = "incidents.1.jsonl";
/** incidents.jsonl is rotated before it passes this (about 5,000 incidents at their typical 1–2 KB). */
export const INCIDENTS_ROTATE_BYTES = 8 * 1024 * 1024;
/** Readers never look further back than this from the newest record (both generations together). */
export const INCIDENTS_SCAN_BYTES = 2 * INCIDENTS_ROTATE_BYTES;
/** An incident is one line of at most ~10 KB (evidence is capped); a longer "line" is not ours and is skipped. */
export const INCIDENT_LINE_MAX_BYTES = 256 * 1024;
/** incident-open.json holds one incident; a bigger file is treated as corrupt without being read. */
const OPEN_FILE_MAX_BYTES = 256 * 1024;

const evidenceSchema = z.object({
  kind: z.enum(["target", "dns", "gateway", "status-api", "controls", "game-log", "firewall", "broken-probe", "missing"]),
  text: z.string(),
  targetId: z.string().optional(),
  code: z.string().optional(),
});

/** One incident as stored and as `history --json` prints it. Times are ISO strings. */
export const incidentSchema = z.object({
  // `history` prints these as they are: an id of plain characters and real timestamps (a planted ESC would drive
  // the terminal), so a line with anything else is skipped like any other damaged line.
  id: z.string().min(1).max(100).regex(/^[\w.:-]+$/),
  start: z.iso.datetime(),
  /** Null while open. */
  end: z.iso.datetime().nullable(),
  /** end − start − gapMs; null while open. */
  durationMs: z.number().int().nonnegative().nullable(),
  /** Causes in the order they were confirmed; the first is the one the drop was announced with. */
  verdicts: z.array(z.enum(VERDICT_IDS)).min(1),
  endReason: z.enum(["recovered", "agent stopped"]).nullable(),
  evidence: z.array(evidenceSchema),
  /** Sleep / pause time inside the incident, not counted as outage. */
  gapMs: z.number().int().nonnegative().default(0),
  /** Last moment the agent was watching this incident. */
  lastSeen: z.iso.datetime(),
});
export type Incident = z.infer<typeof incidentSchema>;
export type EndReason = NonNullable<Incident["endReason"]>;

/** What the monitor needs from incident storage. Synchronous: small files, and ordering must follow events. */
export interface IncidentStore {
  open(init: { id: string; start: number; verdict: VerdictId; evidence: Evidence[] }): void;
  addVerdict(id: string, verdict: VerdictId, at: number): void;
  /** Records that the incident is still being watched at `at` (persisted at most every 30 s). */
  touch(id: string, at: number, gapMs?: number): void;
  close(id: string, end: number, endReason: EndReason, gapMs?: number): Incident | null;
  /** Closes an incident a crash left open, as "agent stopped". Call once at start. */
  recoverOpen(): Incident[];
  list(opts?: { limit?: number }): Incident[];
}

export interface IncidentStoreOptions {
  dataDir: string;
  logger?: { warn(msg: string, fields?: Record<string, unknown>): void };
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** A short, sortable, unique id: `inc-20250101T100000Z-3f2a9c`. */
export function newIncidentId(at: number): string {
  return `inc-${iso(at).replace(/[-:]/g, "").replace(/\.\d+/, "")}-${randomBytes(3).toString("hex")}`;
}

function capEvidence(evidence: Evidence[]): Evidence[] {
  return evidence.slice(0, EVIDENCE_CAP).map((e) => {
    // Redact before cutting: a token cut in half no longer looks like one.
    const text = redactText(e.text);
    return { ...e, text: text.length > EVIDENCE_TEXT_CAP ? `${text.slice(0, EVIDENCE_TEXT_CAP - 1)}…` : text };
  });
}

type Warn = (msg: string, fields?: Record<string, unknown>) => void;

/**
 * Complete lines of `path`, newest first, read backwards in chunks. Stops when `wanted(line)` has had enough (it
 * returns false), or after `budget.bytes` bytes. Over-long lines are skipped without being held in memory.
 * Missing file = nothing; other read errors throw (the caller decides whether that is fatal).
 */
function* linesFromEnd(path: string, budget: { bytes: number }, skipped: { long: number }): Generator<string> {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (e) {
    if (errnoOf(e) === "ENOENT") return;
    throw e;
  }
  try {
    const size = fstatSync(fd).size;
    const CHUNK = 64 * 1024;
    let pos = size;
    let tail: Buffer[] = []; // pieces of the current (partial) line, newest piece last… kept in file order
    let tailLen = 0;
    let tooLong = false;
    const buf = Buffer.alloc(CHUNK);
    while (pos > 0 && budget.bytes > 0) {
      const len = Math.min(CHUNK, pos, budget.bytes);
      pos -= len;
      budget.bytes -= len;
      readSync(fd, buf, 0, len, pos);
      let end = len;
      for (let i = len - 1; i >= 0; i--) {
        if (buf[i] !== 0x0a) continue;
        // buf[i+1 .. end) + tail is one complete line.
        if (!tooLong) {
          const line = Buffer.concat([buf.subarray(i + 1, end), ...tail]).toString("utf8");
          if (line.trim() !== "") yield line;
        } else skipped.long++;
        tail = [];
        tailLen = 0;
        tooLong = false;
        end = i;
      }
      if (end > 0 && !tooLong) {
        tail.unshift(Buffer.from(buf.subarray(0, end)));
        tailLen += end;
        if (tailLen > INCIDENT_LINE_MAX_BYTES) {
          tooLong = true;
          tail = [];
        }
      }
    }
    if (pos === 0 && tailLen > 0 && !tooLong) {
      const line = Buffer.concat(tail).toString("utf8");
      if (line.trim() !== "") yield line;
    } else if (pos === 0 && tooLong) skipped.long++;
  } finally {
    closeSync(fd);
  }
}

/**
 * Closed incidents, newest first: from the end of incidents.jsonl, then incidents.1.jsonl, until `limit` valid ones
 * are found or {@link INCIDENTS_SCAN_BYTES} were read. Bad lines are skipped and counted in one warning.
 */
function readClosedNewest(dataDir: string, limit: number, warn?: Warn, stopAt?: (i: Incident) => boolean): Incident[] {
  const out: Incident[] = [];
  const budget = { bytes: INCIDENTS_SCAN_BYTES };
  const skipped = { long: 0 };
  let bad = 0;
  let stopped = false;
  let firstReason: string | undefined;
  for (const name of [INCIDENTS_FILE, INCIDENTS_OLD_FILE]) {
    const path = join(dataDir, name);
    try {
      for (const line of linesFromEnd(path, budget, skipped)) {
        let r: ReturnType<typeof incidentSchema.safeParse>;
        try {
          r = incidentSchema.safeParse(JSON.parse(line));
        } catch {
          bad++;
          firstReason ??= "not JSON";
          continue;
        }
        if (!r.success) {
          bad++;
          firstReason ??= r.error.issues[0]?.message;
          continue;
        }
        out.push(r.data);
        if (out.length >= limit || stopAt?.(r.data) === true) {
          stopped = true;
          break;
        }
      }
    } catch (e) {
      throw stateFileError(e, path, "the incident history", "read", dataDir);
    }
    if (stopped || budget.bytes <= 0) break;
  }
  if (bad + skipped.long > 0) warn?.("incident history lines skipped", { count: bad + skipped.long, reason: firstReason ?? "line too long" });
  if (budget.bytes <= 0 && out.length < limit) warn?.("incident history read only up to its size bound", { scannedBytes: INCIDENTS_SCAN_BYTES });
  return out;
}

function readOpen(dataDir: string): Incident | null | "corrupt" {
  const p = join(dataDir, OPEN_INCIDENT_FILE);
  try {
    if (statSync(p).size > OPEN_FILE_MAX_BYTES) return "corrupt";
  } catch (e) {
    if (errnoOf(e) === "ENOENT") return null;
    return "corrupt";
  }
  try {
    const r = incidentSchema.safeParse(JSON.parse(readFileSync(p, "utf8")));
    return r.success ? r.data : "corrupt";
  } catch {
    return "corrupt";
  }
}

/**
 * Newest first, the open incident (if any) on top. For `tarkov-agent history`. Bad lines are skipped; a history the
 * OS will not let us read (permissions, a folder where the file should be) throws a {@link StateFileError}.
 */
export function listIncidents(opts: { dataDir: string; limit?: number; logger?: IncidentStoreOptions["logger"] }): Incident[] {
  const limit = opts.limit === undefined ? Number.POSITIVE_INFINITY : Math.max(0, opts.limit);
  if (limit === 0) return [];
  const open = readOpen(opts.dataDir);
  const closed = readClosedNewest(opts.dataDir, limit, opts.logger && ((m, f) => opts.logger?.warn(m, f)));
  const all = open && open !== "corrupt" && !closed.some((c) => c.id === open.id) ? [open, ...closed] : closed;
  return all.slice(0, limit);
}

/** Moves incidents.jsonl to incidents.1.jsonl before an append would take it past the bound. */
function rotateIfNeeded(dataDir: string, nextLineBytes: number): void {
  const path = join(dataDir, INCIDENTS_FILE);
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    return; // no file yet
  }
  if (size + nextLineBytes <= INCIDENTS_ROTATE_BYTES) return;
  renameSync(path, join(dataDir, INCIDENTS_OLD_FILE));
}

/** File-backed {@link IncidentStore} in `dataDir`. */
export function createIncidentStore(opts: IncidentStoreOptions): IncidentStore {
  const { dataDir } = opts;
  const warn = (msg: string, fields?: Record<string, unknown>) => opts.logger?.warn(msg, fields);
  const openPath = join(dataDir, OPEN_INCIDENT_FILE);
  const historyPath = join(dataDir, INCIDENTS_FILE);
  let current: Incident | null = null;
  let lastWrite = 0;

  const ensureDir = () => mkdirSync(dataDir, { recursive: true });
  const persistOpen = (inc: Incident, at: number) => {
    ensureDir();
    writeFileAtomicSync(openPath, JSON.stringify(redactValue(inc)));
    lastWrite = at;
  };
  const finish = (inc: Incident, end: number, endReason: EndReason): Incident => {
    const start = Date.parse(inc.start);
    const closed: Incident = {
      ...inc,
      end: iso(end),
      durationMs: Math.max(0, Math.round(end - start - inc.gapMs)),
      endReason,
      lastSeen: iso(Math.max(end, Date.parse(inc.lastSeen))),
    };
    ensureDir();
    // Redacted again at every write: an open incident left by an older version may still carry raw evidence.
    const line = JSON.stringify(redactValue(closed));
    rotateIfNeeded(dataDir, Buffer.byteLength(line) + 1);
    appendLineDurableSync(historyPath, line);
    try {
      unlinkSync(openPath);
    } catch {
      // not there: nothing to clean
    }
    return closed;
  };

  return {
    open({ id, start, verdict, evidence }) {
      if (current) {
        warn("incident opened while another was open; closing the old one", { incidentId: current.id });
        finish(current, start, "agent stopped");
      }
      current = {
        id,
        start: iso(start),
        end: null,
        durationMs: null,
        verdicts: [verdict],
        endReason: null,
        evidence: capEvidence(evidence),
        gapMs: 0,
        lastSeen: iso(start),
      };
      persistOpen(current, start);
    },
    addVerdict(id, verdict, at) {
      if (!current || current.id !== id) return;
      current = { ...current, verdicts: [...current.verdicts, verdict], lastSeen: iso(at) };
      persistOpen(current, at);
    },
    touch(id, at, gapMs) {
      if (!current || current.id !== id) return;
      current = { ...current, lastSeen: iso(at), gapMs: Math.round(gapMs ?? current.gapMs) };
      if (at - lastWrite >= TOUCH_EVERY_MS) persistOpen(current, at);
    },
    close(id, end, endReason, gapMs) {
      if (!current || current.id !== id) return null;
      const inc = { ...current, gapMs: Math.round(gapMs ?? current.gapMs) };
      current = null;
      return finish(inc, end, endReason);
    },
    recoverOpen() {
      const open = readOpen(dataDir);
      if (open === null) return [];
      if (open === "corrupt") {
        const aside = `${openPath}.corrupt-${Date.now()}`;
        warn("open incident file unreadable; moved aside", { path: aside });
        try {
          renameSync(openPath, aside);
        } catch {
          // leave it; it will be reported again next start
        }
        return [];
      }
      // The close, if it was written, is among the newest records: look back only until the incident's own start.
      const startedAt = Date.parse(open.start);
      const recent = readClosedNewest(dataDir, Number.POSITIVE_INFINITY, undefined, (c) => c.id === open.id || Date.parse(c.start) < startedAt - 86_400_000);
      if (recent.some((c) => c.id === open.id)) {
        // Crash after the close was appended but before the open file was removed.
        unlinkSync(openPath);
        return [];
      }
      return [finish(open, Date.parse(open.lastSeen), "agent stopped")];
    },
    list(o) {
      return listIncidents({ dataDir, ...(o?.limit === undefined ? {} : { limit: o.limit }), ...(opts.logger ? { logger: opts.logger } : {}) });
    },
  };
}
